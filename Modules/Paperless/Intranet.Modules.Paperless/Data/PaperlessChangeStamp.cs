namespace Intranet.Modules.Paperless.Data;

/// <summary>
/// The paperless schema's change stamp (issue #12), as <c>PlanKpiChangeStamp</c> is the plan schema's: one row
/// (<see cref="RowId"/>) whose <see cref="Stamp"/> is set to a fresh random value by <see cref="PaperlessDbContext"/>'s
/// <c>SaveChanges</c> in the same transaction as every write to bodies, baselines, sessions or paper use (and by a bulk insert
/// of sessions). The figures cached by <see cref="UseCases.PaperlessReadCache"/> are keyed by it, so a
/// write on any host sharing the database invalidates them on every host: a read costs one primary-key query.
/// </summary>
/// <remarks>Created with its only row by migration <c>202612030401_Paperless_ChangeStamp</c>.</remarks>
public sealed class PaperlessChangeStamp : Intranet.Shared.Persistence.IChangeStamp
{
    /// <summary>The key of the only row.</summary>
    public const int RowId = Intranet.Shared.Persistence.IChangeStamp.RowId;

    /// <summary>Always <see cref="RowId"/>.</summary>
    public int Id { get; set; }

    /// <summary>Changes (to a new random value) with every committed write to the schema.</summary>
    public Guid Stamp { get; set; }
}
