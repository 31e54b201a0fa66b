using Intranet.Shared.Persistence;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Intranet.Modules.Rpa.Data.Migrations;

/// <summary>
/// Issue #12, maintained tallies: <see cref="Domain.RunYearTally"/> (runs and minutes saved per case and fiscal year) and the
/// module's <see cref="AggregateState"/>. The tables start empty: an upgraded database is filled by the first read
/// (<see cref="UseCases.RpaTallies.EnsureBuiltAsync"/>), because the savings rule (<see cref="Domain.SavingsRules"/>) is a
/// domain rule that plain SQL in a migration cannot apply. Hand-written and provider-neutral, as the telework tallies'
/// migration; the schema-drift test checks it.
/// </summary>
[DbContext(typeof(RpaDbContext))]
[Migration("202612080101_Rpa_RunTallies")]
public sealed class RunTallies : ModuleMigration
{
    /// <inheritdoc />
    protected override string ModuleSchema => RpaDbContext.SchemaName;

    /// <inheritdoc />
    protected override void Up(MigrationBuilder m)
    {
        m.CreateTable(name: Table("RunTallies"), schema: Schema, columns: t => new
        {
            CaseId = t.Column<Guid>(nullable: false),
            FiscalYear = t.Column<int>(nullable: false),
            Runs = t.Column<int>(nullable: false),
            MinutesSaved = t.Column<decimal>(precision: 28, scale: 4, nullable: false),
        }, constraints: t =>
        {
            t.PrimaryKey($"PK_{Table("RunTallies")}", x => new { x.CaseId, x.FiscalYear });
            ForeignKey(t, "RunTallies", "CaseId", "Cases", x => x.CaseId);
        });

        CreateAggregateStateTable(m);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder m)
    {
        DropAggregateStateTable(m);
        m.DropTable(Table("RunTallies"), Schema);
    }
}
