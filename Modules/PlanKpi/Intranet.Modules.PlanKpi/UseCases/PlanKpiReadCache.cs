using System.Collections.Concurrent;
using Intranet.Modules.PlanKpi.Contracts;
using Intranet.Modules.PlanKpi.Data;
using Intranet.Modules.PlanKpi.Domain.Evaluation;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.PlanKpi.UseCases;

/// <summary>
/// Figures read from the plan-KPI schema, cached per host and shared by every request (issue #12: the dashboard at
/// hundreds of users): the plan list, each plan's <see cref="PlanSnapshot"/> (every indicator evaluated for every plan
/// year, i.e. the status computation per plan and fiscal year) and each plan's evaluation rounds.
/// </summary>
/// <remarks>
/// <para>Every entry remembers the schema's change stamp (<see cref="PlanKpiChangeStamp"/>) it was loaded under and the
/// evaluation date (today in Japan). A read first asks the database for the current stamp (one primary-key query per
/// context, <see cref="Intranet.Shared.Persistence.ChangeStampedDbContext{TStamp}.ChangeStampAsync"/>) and reloads when it or the date differs, so a write on any
/// host that shares the database — an actual, target, plan revision, evaluation or a module feed's figure, all saved
/// through <see cref="PlanKpiDbContext"/> — is seen by the next request on every host; no entry is ever served after
/// its stamp changed.</para>
/// <para>The stamp is read before the data: an entry may hold data newer than its stamp (a write committed between
/// the two reads), never older, and the next request reloads it. One load per key runs at a time (the others wait for
/// it), so a write under load costs one reload, not one per request in flight.</para>
/// <para>Cached values are shared across threads and must be treated as read-only (they are loaded
/// <c>AsNoTracking</c>; nothing attaches or edits them). Memory: a few hundred entities per plan, nothing per user or
/// per request. Unknown keys (a plan code that does not exist) are not cached.</para>
/// </remarks>
public sealed class PlanKpiReadCache
{
    private sealed record Entry(Guid Stamp, DateOnly AsOf, object Value);

    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim[] gates = Enumerable.Range(0, 8).Select(_ => new SemaphoreSlim(1, 1)).ToArray();
    private long loads;

    /// <summary>How many loads ran since start (tests check that a write causes a reload and a read does not).</summary>
    public long Loads => Interlocked.Read(ref loads);

    /// <summary>
    /// The value cached under <paramref name="key"/> if it was loaded under the current change stamp and
    /// <paramref name="asOf"/>; else <paramref name="load"/>'s result, cached unless null.
    /// </summary>
    /// <typeparam name="T">The value's type (one type per key).</typeparam>
    /// <param name="db">The caller's context: reads the stamp and is handed to <paramref name="load"/>.</param>
    /// <param name="key">E.g. <c>snapshot:hadano-ict-2021</c>.</param>
    /// <param name="asOf">The evaluation date the value depends on (today in Japan).</param>
    /// <param name="load">Loads the value from the database; must return a value that is never modified afterwards.</param>
    /// <param name="ct">Cancels the wait and the load.</param>
    public async Task<T?> GetAsync<T>(PlanKpiDbContext db, string key, DateOnly asOf, Func<CancellationToken, Task<T?>> load,
        CancellationToken ct) where T : class
    {
        var stamp = await db.ChangeStampAsync(ct);
        if (Fresh(key, stamp, asOf) is T hit) return hit;
        var gate = gates[(StringComparer.Ordinal.GetHashCode(key) & int.MaxValue) % gates.Length];
        await gate.WaitAsync(ct);
        try
        {
            if (Fresh(key, stamp, asOf) is T again) return again;
            Interlocked.Increment(ref loads);
            var value = await load(ct);
            if (value is not null) entries[key] = new Entry(stamp, asOf, value);
            return value;
        }
        finally
        {
            gate.Release();
        }
    }

    private object? Fresh(string key, Guid stamp, DateOnly asOf) =>
        entries.TryGetValue(key, out var e) && e.Stamp == stamp && e.AsOf == asOf ? e.Value : null;

    /// <summary>Plan <paramref name="planCode"/> evaluated on <paramref name="asOf"/> (<see cref="PlanSnapshot.LoadAsync"/>), cached.</summary>
    public Task<PlanSnapshot?> SnapshotAsync(PlanKpiDbContext db, string planCode, DateOnly asOf, IEnumerable<MetricDefinition> definitions,
        CancellationToken ct) =>
        GetAsync(db, "snapshot:" + planCode, asOf, c => PlanSnapshot.LoadAsync(db, planCode, asOf, definitions, c), ct);

    /// <summary>Every evaluation round of plan <paramref name="planId"/> with stages, sheets and reviews (no tracking), cached.</summary>
    public Task<IReadOnlyList<EvaluationRound>?> RoundsAsync(PlanKpiDbContext db, Guid planId, DateOnly asOf, CancellationToken ct) =>
        GetAsync<IReadOnlyList<EvaluationRound>>(db, "rounds:" + planId.ToString("N"), asOf,
            async c => await db.EvaluationRoundsWithSheets().AsNoTracking().Where(r => r.PlanId == planId).ToListAsync(c), ct);
}
