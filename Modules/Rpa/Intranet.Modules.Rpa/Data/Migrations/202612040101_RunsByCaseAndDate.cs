using Intranet.Shared.Persistence;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Intranet.Modules.Rpa.Data.Migrations;

/// <summary>
/// Issue #12: index <c>Runs (CaseId, RunDate)</c> for the savings summed by the database (<see cref="UseCases.RpaSavings"/>):
/// a case's runs (case page) and a department's (its cases) are read as ranges in date order instead of through
/// <c>(CaseId, RunKey)</c> and a sort. Hand-written and provider-neutral; the schema-drift test checks it.
/// </summary>
[DbContext(typeof(RpaDbContext))]
[Migration("202612040101_Rpa_RunsByCaseAndDate")]
public sealed class RunsByCaseAndDate : ModuleMigration
{
    /// <inheritdoc />
    protected override string ModuleSchema => RpaDbContext.SchemaName;

    /// <inheritdoc />
    protected override void Up(MigrationBuilder m) => Index(m, "Runs", ["CaseId", "RunDate"]);

    /// <inheritdoc />
    protected override void Down(MigrationBuilder m) => m.DropIndex($"IX_{Table("Runs")}_CaseId_RunDate", Table("Runs"), Schema);
}
