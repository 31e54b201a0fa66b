using System.Collections.Concurrent;

namespace Intranet.Shared.Persistence;

/// <summary>
/// Figures read from one module schema, cached per host and shared by every request (issue #12: pages flat in data size,
/// the dashboard at hundreds of users). Each module derives its own cache (one singleton per module, e.g.
/// <c>PlanKpiReadCache</c>, <c>PaperlessReadCache</c>, <c>TeleworkReadCache</c>) and names what it caches.
/// </summary>
/// <remarks>
/// <para>Every entry remembers the schema's change stamp (<see cref="ChangeStamp"/>) it was loaded under and a date it
/// depends on (e.g. today in Japan). A read first asks the database for the current stamp (one primary-key query per
/// context, <see cref="ChangeStampedDbContext.ChangeStampAsync"/>) and reloads when it or the date differs, so a write on any host
/// that shares the database is seen by the next request on every host; no entry is ever served after its stamp changed.</para>
/// <para>The stamp is read before the data: an entry may hold data newer than its stamp (a write committed between the two
/// reads), never older, and the next request reloads it. One load per key runs at a time (the others wait for it), so a
/// write under load costs one reload, not one per request in flight.</para>
/// <para>Cached values are shared across threads and must be treated as read-only (loaded <c>AsNoTracking</c>, never edited
/// afterwards). A load that returns null is not cached (an unknown key).</para>
/// </remarks>
public abstract class ChangeStampedReadCache
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
    /// <param name="db">The caller's context: reads the stamp (the caller's <paramref name="load"/> usually reads it too).</param>
    /// <param name="key">E.g. <c>snapshot:hadano-ict-2021</c>.</param>
    /// <param name="asOf">The date the value depends on (today in Japan).</param>
    /// <param name="load">Loads the value from the database; must return a value that is never modified afterwards, and must
    /// not read from the same cache (one load per key runs at a time, behind a gate that is not re-entrant).</param>
    /// <param name="ct">Cancels the wait and the load.</param>
    protected async Task<T?> GetAsync<T>(ChangeStampedDbContext db, string key, DateOnly asOf, Func<CancellationToken, Task<T?>> load,
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

    /// <summary>
    /// As <see cref="GetAsync{T}(ChangeStampedDbContext, string, DateOnly, Func{CancellationToken, Task{T}}, CancellationToken)"/>
    /// for a value that depends on the stamp only (no date).
    /// </summary>
    protected Task<T?> GetAsync<T>(ChangeStampedDbContext db, string key, Func<CancellationToken, Task<T?>> load, CancellationToken ct)
        where T : class => GetAsync(db, key, DateOnly.MinValue, load, ct);

    private object? Fresh(string key, Guid stamp, DateOnly asOf) =>
        entries.TryGetValue(key, out var e) && e.Stamp == stamp && e.AsOf == asOf ? e.Value : null;
}
