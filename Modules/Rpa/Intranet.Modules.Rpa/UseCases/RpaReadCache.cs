using Intranet.Modules.Rpa.Data;
using Intranet.Shared.Persistence;

namespace Intranet.Modules.Rpa.UseCases;

/// <summary>
/// RPA figures cached per host and shared by every request (issue #12: pages flat in data size), keyed by the RPA schema's
/// change stamp (<see cref="Intranet.Shared.Persistence.ChangeStamp"/>) as <see cref="ChangeStampedReadCache"/> describes: a
/// case moved, assessed or imported, a run imported or entered by month, the tallies rebuilt, on any host, is seen by the next
/// request on every host. Memory: one board per visibility (all cases, or one department's) and plan period, at most
/// <see cref="BoardColumn.MaxCards"/> cards a column. Values are shared and read-only.
/// </summary>
public sealed class RpaReadCache : ChangeStampedReadCache
{
    /// <summary>
    /// The pipeline board of <paramref name="scope"/> (<c>*</c> for every case, else a department) over
    /// <paramref name="period"/> (null: the plan has no RPA indicator) as of <paramref name="today"/>, loaded by
    /// <paramref name="load"/> when the stamp, the day or the period changed. <see cref="PipelineBoard.CanMove"/> is the
    /// loader's; the caller sets its user's.
    /// </summary>
    public async Task<PipelineBoard> BoardAsync(RpaDbContext db, string scope, ReportingPeriod? period, DateOnly today,
        Func<CancellationToken, Task<PipelineBoard>> load, CancellationToken ct) =>
        (await GetAsync<PipelineBoard>(db, $"board:{scope}:{period?.Start.StartYear}-{period?.End.StartYear}", today, async c => await load(c), ct))!;
}
