namespace Intranet.Modules.Telework.Data;

/// <summary>
/// The telework schema's change stamp (issue #12), as <c>PlanKpiChangeStamp</c> is the plan schema's: one row
/// (<see cref="RowId"/>) whose <see cref="Stamp"/> gets a fresh random value in the same transaction as every write to the
/// schema (<see cref="TeleworkDbContext"/>'s <c>SaveChanges</c>, a bulk insert of staff, days or tallies, and the tallies'
/// maintenance). The year figures cached by <see cref="UseCases.TeleworkReadCache"/> are keyed by it, so a write on any host
/// sharing the database invalidates them on every host: a read costs one primary-key query.
/// </summary>
/// <remarks>Created with its only row by migration <c>202612050101_Telework_ChangeStamp</c>.</remarks>
public sealed class TeleworkChangeStamp : Intranet.Shared.Persistence.IChangeStamp
{
    /// <summary>The key of the only row.</summary>
    public const int RowId = Intranet.Shared.Persistence.IChangeStamp.RowId;

    /// <summary>Always <see cref="RowId"/>.</summary>
    public int Id { get; set; }

    /// <summary>Changes (to a new random value) with every committed write to the schema.</summary>
    public Guid Stamp { get; set; }
}
