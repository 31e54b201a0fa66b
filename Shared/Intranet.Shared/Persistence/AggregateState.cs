using Microsoft.EntityFrameworkCore;

namespace Intranet.Shared.Persistence;

/// <summary>
/// Marks that a module's maintained tallies (issue #12: figures kept up to date by the write path instead of summed from the
/// raw rows on every read) were built for the whole database: one row in the module's <c>AggregateState</c> table. An
/// upgraded database has no row, so the module's maintenance does nothing and its first read builds the tallies. Used by
/// the telework tallies (<c>TeleworkAggregates</c>), the RPA run tallies (<c>RpaTallies</c>) and the paperless tallies
/// (<c>PaperlessTallies</c>).
/// </summary>
public sealed class AggregateState
{
    /// <summary>Always <see cref="Tallies"/>.</summary>
    public string Name { get; set; } = Tallies;
    /// <summary>When the last full rebuild finished.</summary>
    public DateTimeOffset BuiltAt { get; set; }

    /// <summary>The one row's name.</summary>
    public const string Tallies = "tallies";

    /// <summary>Whether the module's tallies were built (a row in <paramref name="states"/>; one indexed read).</summary>
    public static Task<bool> IsBuiltAsync(DbSet<AggregateState> states, CancellationToken ct) => states.AsNoTracking().AnyAsync(ct);

    /// <summary>
    /// Runs <paramref name="rebuild"/> (which must add the row in its transaction) unless the tallies were built: the first
    /// read of an upgraded database builds them. When another host built them at the same moment, its rows clash with ours
    /// and this one's build fails; theirs are complete, so that failure is dropped (outside a caller's transaction only).
    /// </summary>
    /// <exception cref="Exception">Whatever <paramref name="rebuild"/> throws when the tallies are still not built afterwards.</exception>
    public static async Task EnsureBuiltAsync(DbContext db, DbSet<AggregateState> states, Func<CancellationToken, Task> rebuild, CancellationToken ct)
    {
        if (await IsBuiltAsync(states, ct)) return;
        try
        {
            await rebuild(ct);
        }
        catch (Exception) when (db.Database.CurrentTransaction is null)
        {
            db.ChangeTracker.Clear();
            if (!await IsBuiltAsync(states, ct)) throw;
        }
    }

    /// <summary>
    /// A module's full rebuild, in one transaction (the caller's, or one begun and committed here): <paramref name="replace"/>
    /// (which takes the module's locks first, then deletes every tally and inserts them again), then the built row, with
    /// <paramref name="builtAt"/>, in place of the old one. The tracker is cleared afterwards.
    /// </summary>
    /// <returns>Whether the rebuild committed its own transaction (false inside a caller's).</returns>
    /// <exception cref="Exception">Whatever <paramref name="replace"/> or the save throws; its own transaction is rolled back.</exception>
    public static async Task<bool> RebuildAsync(DbContext db, DbSet<AggregateState> states, DateTimeOffset builtAt,
        Func<CancellationToken, Task> replace, CancellationToken ct)
    {
        await using var own = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        await replace(ct);
        await states.ExecuteDeleteAsync(ct);
        states.Add(new AggregateState { BuiltAt = builtAt });
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        if (own is null) return false;
        await own.CommitAsync(ct);
        return true;
    }

    /// <summary>Maps the entity to the module's <c>AggregateState</c> table, keyed by <see cref="Name"/>.</summary>
    public static void Map(ModelBuilder b) => b.Entity<AggregateState>(e =>
    {
        e.ToTable("AggregateState");
        e.HasKey(x => x.Name);
    });
}
