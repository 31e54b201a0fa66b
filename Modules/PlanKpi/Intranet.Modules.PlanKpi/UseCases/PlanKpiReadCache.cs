using Intranet.Modules.PlanKpi.Contracts;
using Intranet.Modules.PlanKpi.Data;
using Intranet.Modules.PlanKpi.Domain.Evaluation;
using Intranet.Shared.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.PlanKpi.UseCases;

/// <summary>
/// Figures read from the plan-KPI schema, cached per host and shared by every request (issue #12: the dashboard at
/// hundreds of users): the plan list, each plan's <see cref="PlanSnapshot"/> (every indicator evaluated for every plan
/// year, i.e. the status computation per plan and fiscal year) and each plan's evaluation rounds. Keyed by the schema's
/// change stamp (<see cref="Intranet.Shared.Persistence.ChangeStamp"/>) and the evaluation date (today in Japan), as
/// <see cref="ChangeStampedReadCache"/> describes: an actual, target, plan revision, evaluation or a module feed's figure,
/// all saved through <see cref="PlanKpiDbContext"/>, is seen by the next request on every host. Memory: a few hundred
/// entities per plan, nothing per user or per request.
/// </summary>
public sealed class PlanKpiReadCache : ChangeStampedReadCache
{
    /// <summary>
    /// The value cached under <paramref name="key"/> (see <see cref="ChangeStampedReadCache"/>), e.g. the plan list of
    /// <c>Queries</c>; loaded by <paramref name="load"/> when the stamp or <paramref name="asOf"/> changed.
    /// </summary>
    public Task<T?> GetAsync<T>(PlanKpiDbContext db, string key, DateOnly asOf, Func<CancellationToken, Task<T?>> load, CancellationToken ct)
        where T : class => base.GetAsync(db, key, asOf, load, ct);

    /// <summary>Plan <paramref name="planCode"/> evaluated on <paramref name="asOf"/> (<see cref="PlanSnapshot.LoadAsync"/>), cached.</summary>
    public Task<PlanSnapshot?> SnapshotAsync(PlanKpiDbContext db, string planCode, DateOnly asOf, IEnumerable<MetricDefinition> definitions,
        CancellationToken ct) =>
        GetAsync(db, "snapshot:" + planCode, asOf, c => PlanSnapshot.LoadAsync(db, planCode, asOf, definitions, c), ct);

    /// <summary>Every evaluation round of plan <paramref name="planId"/> with stages, sheets and reviews (no tracking), cached.</summary>
    public Task<IReadOnlyList<EvaluationRound>?> RoundsAsync(PlanKpiDbContext db, Guid planId, DateOnly asOf, CancellationToken ct) =>
        GetAsync<IReadOnlyList<EvaluationRound>>(db, "rounds:" + planId.ToString("N"), asOf,
            async c => await db.EvaluationRoundsWithSheets().AsNoTracking().Where(r => r.PlanId == planId).ToListAsync(c), ct);
}

/// <summary>
/// The version of pages that show only plan-KPI figures (the dashboard, <see cref="Intranet.Shared.Web.SharedPageCacheAttribute"/>):
/// the schema's change stamp, which every write through <see cref="PlanKpiDbContext"/> renews (one primary-key query, read
/// without a context: <see cref="KeyedRowReader"/>).
/// </summary>
public sealed class PlanKpiPageVersion(KeyedRowReader rows) : Intranet.Shared.Web.IPageVersionSource
{
    /// <inheritdoc />
    public async Task<string> VersionAsync(CancellationToken ct) => (await rows.ChangeStampAsync<PlanKpiDbContext>(ct)).ToString("N");
}
