using Intranet.Modules.Paperless.Data;
using Intranet.Modules.Paperless.Domain;
using Intranet.Shared.Persistence;
using Intranet.Shared.Time;

namespace Intranet.Modules.Paperless.UseCases;

/// <summary>
/// The database's aggregates of the paperless figures (<see cref="PaperlessAggregates"/>), cached per host and shared by every
/// request (issue #12: pages flat in the number of sessions), keyed by the schema's change stamp
/// (<see cref="Intranet.Shared.Persistence.ChangeStamp"/>) as <see cref="ChangeStampedReadCache"/> describes: a session recorded, corrected or
/// imported, a body or baseline saved or imported, paper use recorded on any host is seen by the next request on every host.
/// Memory: a few hundred small records (≤ 48 tallies a year, one per body of a category and year asked for). Values are
/// shared and read-only.
/// </summary>
public sealed class PaperlessReadCache : ChangeStampedReadCache
{
    /// <summary>
    /// Sessions per (category, calendar month) of every year, from the maintained tallies (<see cref="PaperlessTallies.ReadAsync"/>:
    /// what <see cref="PaperlessAggregates.CategoryMonthsAsync"/> gives over every session).
    /// </summary>
    public async Task<IReadOnlyList<CategoryMonthTally>> CategoryMonthsAsync(PaperlessDbContext db, PaperlessTallies tallies, CancellationToken ct) =>
        (await GetAsync<IReadOnlyList<CategoryMonthTally>>(db, "months", async _ => await tallies.ReadAsync(ct), ct))!;

    /// <summary>Sessions per body of <paramref name="category"/> in <paramref name="year"/> (<see cref="PaperlessAggregates.BodiesAsync"/>).</summary>
    public async Task<IReadOnlyList<BodyTally>> BodiesAsync(PaperlessDbContext db, MeetingCategory category, FiscalYear year, CancellationToken ct) =>
        (await GetAsync<IReadOnlyList<BodyTally>>(db, $"bodies:{category}:{year.StartYear}", async _ => await PaperlessAggregates.BodiesAsync(db, category, year.Start, year.End, ct), ct))!;

    /// <summary>Per body: sessions in <paramref name="year"/> and the latest date (<see cref="PaperlessAggregates.SessionCountsAsync"/>).</summary>
    public async Task<IReadOnlyDictionary<Guid, (int InPeriod, DateOnly? Last)>> SessionCountsAsync(PaperlessDbContext db, FiscalYear year, CancellationToken ct) =>
        (await GetAsync<IReadOnlyDictionary<Guid, (int InPeriod, DateOnly? Last)>>(db, $"counts:{year.StartYear}",
            async _ => await PaperlessAggregates.SessionCountsAsync(db, year.Start, year.End, ct), ct))!;
}
