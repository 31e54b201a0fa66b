using System.Collections.Concurrent;
using Intranet.Modules.Paperless.Data;
using Intranet.Modules.Paperless.Domain;
using Intranet.Shared.Time;

namespace Intranet.Modules.Paperless.UseCases;

/// <summary>
/// The database's aggregates of the paperless figures (<see cref="PaperlessAggregates"/>), cached per host and shared by every
/// request (issue #12: pages flat in the number of sessions). Every entry remembers the schema's change stamp
/// (<see cref="PaperlessChangeStamp"/>) it was computed under; a read asks the database for the current stamp (one primary-key
/// query per context, <see cref="Intranet.Shared.Persistence.ChangeStampedDbContext{TStamp}.ChangeStampAsync"/>) and recomputes when it differs, so a write on any host
/// (a session recorded, corrected or imported, a body or baseline saved or imported, paper use recorded) is seen by the next
/// request on every host.
/// </summary>
/// <remarks>
/// The stamp is read before the data: an entry may hold data newer than its stamp (a write committed between the two reads),
/// never older, and the next request recomputes it. Two requests missing at once both compute (a few ms of SQL each) and
/// the last one's entry stays. Memory: a few hundred small records (≤ 48 tallies a year, one per body of a category and
/// year asked for). Values are shared and read-only.
/// </remarks>
public sealed class PaperlessReadCache
{
    private sealed record Entry(Guid Stamp, object Value);

    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);
    private long loads;

    /// <summary>How many computations ran since start (tests check that a write causes one and a read does not).</summary>
    public long Loads => Interlocked.Read(ref loads);

    /// <summary>Sessions per (category, calendar month) of every year (<see cref="PaperlessAggregates.CategoryMonthsAsync"/>).</summary>
    public Task<IReadOnlyList<CategoryMonthTally>> CategoryMonthsAsync(PaperlessDbContext db, CancellationToken ct) =>
        GetAsync<IReadOnlyList<CategoryMonthTally>>(db, "months", async () => await PaperlessAggregates.CategoryMonthsAsync(db, null, null, null, ct), ct);

    /// <summary>Sessions per body of <paramref name="category"/> in <paramref name="year"/> (<see cref="PaperlessAggregates.BodiesAsync"/>).</summary>
    public Task<IReadOnlyList<BodyTally>> BodiesAsync(PaperlessDbContext db, MeetingCategory category, FiscalYear year, CancellationToken ct) =>
        GetAsync<IReadOnlyList<BodyTally>>(db, $"bodies:{category}:{year.StartYear}", async () => await PaperlessAggregates.BodiesAsync(db, category, year.Start, year.End, ct), ct);

    /// <summary>Per body: sessions in <paramref name="year"/> and the latest date (<see cref="PaperlessAggregates.SessionCountsAsync"/>).</summary>
    public Task<IReadOnlyDictionary<Guid, (int InPeriod, DateOnly? Last)>> SessionCountsAsync(PaperlessDbContext db, FiscalYear year, CancellationToken ct) =>
        GetAsync<IReadOnlyDictionary<Guid, (int InPeriod, DateOnly? Last)>>(db, $"counts:{year.StartYear}",
            async () => await PaperlessAggregates.SessionCountsAsync(db, year.Start, year.End, ct), ct);

    private async Task<T> GetAsync<T>(PaperlessDbContext db, string key, Func<Task<T>> load, CancellationToken ct) where T : class
    {
        var stamp = await db.ChangeStampAsync(ct);
        if (entries.TryGetValue(key, out var entry) && entry.Stamp == stamp) return (T)entry.Value;
        var value = await load();
        Interlocked.Increment(ref loads);
        entries[key] = new Entry(stamp, value);
        return value;
    }
}
