using Intranet.Shared.Persistence;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Intranet.Modules.Telework.Data.Migrations;

/// <summary>
/// Issue #12, maintained tallies: <see cref="Domain.StaffMonth"/> (per person and month), <see cref="Domain.EligiblePeriod"/>
/// (the headcount's periods) and <see cref="Intranet.Shared.Persistence.AggregateState"/>. The tables start empty: an upgraded database is
/// filled by the first read (<see cref="UseCases.TeleworkAggregates.EnsureBuiltAsync"/>), because eligibility is a domain rule
/// (<see cref="Domain.TeleworkRules"/>) that plain SQL in a migration cannot apply. Hand-written and provider-neutral; the
/// schema-drift test checks it.
/// </summary>
[DbContext(typeof(TeleworkDbContext))]
[Migration("202612030301_Telework_Aggregates")]
public sealed class AggregatesMigration : ModuleMigration
{
    /// <inheritdoc />
    protected override string ModuleSchema => TeleworkDbContext.SchemaName;

    /// <inheritdoc />
    protected override void Up(MigrationBuilder m)
    {
        m.CreateTable(name: Table("StaffMonths"), schema: Schema, columns: t => new
        {
            StaffId = t.Column<Guid>(nullable: false),
            Month = t.Column<DateOnly>(nullable: false),
            RecordedDays = t.Column<int>(nullable: false),
            CountedDays = t.Column<int>(nullable: false),
            CountedUnits = t.Column<long>(nullable: false),
            ManagerTrialDays = t.Column<int>(nullable: false),
        }, constraints: t =>
        {
            t.PrimaryKey($"PK_{Table("StaffMonths")}", x => new { x.StaffId, x.Month });
            ForeignKey(t, "StaffMonths", "StaffId", "Staff", x => x.StaffId);
        });

        m.CreateTable(name: Table("EligiblePeriods"), schema: Schema, columns: t => new
        {
            StaffId = t.Column<Guid>(nullable: false),
            From = t.Column<DateOnly>(nullable: false),
            To = t.Column<DateOnly>(nullable: false),
            Department = t.Column<string>(nullable: false),
        }, constraints: t =>
        {
            t.PrimaryKey($"PK_{Table("EligiblePeriods")}", x => new { x.StaffId, x.From });
            ForeignKey(t, "EligiblePeriods", "StaffId", "Staff", x => x.StaffId);
        });

        CreateAggregateStateTable(m);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder m)
    {
        DropAggregateStateTable(m);
        m.DropTable(Table("EligiblePeriods"), Schema);
        m.DropTable(Table("StaffMonths"), Schema);
    }
}
