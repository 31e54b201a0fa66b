using Microsoft.EntityFrameworkCore;

namespace Intranet.Shared.Persistence;

/// <summary>
/// Marks that a module's maintained tallies (issue #12: figures kept up to date by the write path instead of summed from the
/// raw rows on every read) were built for the whole database: one row in the module's <c>AggregateState</c> table. An
/// upgraded database has no row, so the module's maintenance does nothing and its first read builds the tallies. Used by
/// the telework tallies (<c>TeleworkAggregates</c>) and the RPA run tallies (<c>RpaTallies</c>).
/// </summary>
public sealed class AggregateState
{
    /// <summary>Always <see cref="Tallies"/>.</summary>
    public string Name { get; set; } = Tallies;
    /// <summary>When the last full rebuild finished.</summary>
    public DateTimeOffset BuiltAt { get; set; }

    /// <summary>The one row's name.</summary>
    public const string Tallies = "tallies";

    /// <summary>Maps the entity to the module's <c>AggregateState</c> table, keyed by <see cref="Name"/>.</summary>
    public static void Map(ModelBuilder b) => b.Entity<AggregateState>(e =>
    {
        e.ToTable("AggregateState");
        e.HasKey(x => x.Name);
    });
}
