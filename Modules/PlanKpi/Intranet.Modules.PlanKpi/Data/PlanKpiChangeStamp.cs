namespace Intranet.Modules.PlanKpi.Data;

/// <summary>
/// The plan-KPI schema's change stamp (issue #12): one row (<see cref="RowId"/>) whose <see cref="Stamp"/> is set to a fresh
/// random value by <see cref="PlanKpiDbContext"/>'s <c>SaveChanges</c> in the same transaction as every write to the
/// schema (actuals, targets, plans and revisions, evaluations, module feeds' figures). Caches of figures computed from the
/// schema (<see cref="UseCases.PlanKpiReadCache"/>) are keyed by the stamp, so a write on any host sharing the database
/// invalidates them on every host: each request reads the stamp with one primary-key query and reloads when it differs.
/// </summary>
/// <remarks>
/// A random value rather than a counter: EF writes it like any other column (no raw SQL, no extra transaction), two
/// concurrent writers each leave a value no cache has seen, and a cache entry can never be matched by a later write.
/// Created and filled by migration <c>202612030001_PlanKpi_ChangeStamp</c>.
/// </remarks>
public sealed class PlanKpiChangeStamp : Intranet.Shared.Persistence.IChangeStamp
{
    /// <summary>The key of the only row.</summary>
    public const int RowId = Intranet.Shared.Persistence.IChangeStamp.RowId;

    /// <summary>Always <see cref="RowId"/>.</summary>
    public int Id { get; set; }

    /// <summary>Changes (to a new random value) with every committed write to the schema.</summary>
    public Guid Stamp { get; set; }
}
