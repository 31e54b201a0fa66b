using Intranet.Shared.Persistence;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Intranet.Modules.PlanKpi.Data.Migrations;

/// <summary>
/// Issue #10: <see cref="Domain.Indicator.Kind"/> (成果指標 / 施策目標値 / 行動目標, <see cref="Domain.IndicatorKind"/> by name).
/// Existing rows become <c>'Outcome'</c> through the column default, which is what a plan file without <c>kind</c> means.
/// Hand-written like <see cref="Initial"/>: provider-neutral column, kept honest by the schema-drift test.
/// </summary>
[DbContext(typeof(PlanKpiDbContext))]
[Migration("202612010101_PlanKpi_IndicatorKind")]
public sealed class IndicatorKindMigration : ModuleMigration
{
    /// <inheritdoc />
    protected override string ModuleSchema => PlanKpiDbContext.SchemaName;

    /// <inheritdoc />
    protected override void Up(MigrationBuilder m) =>
        m.AddColumn<string>(name: "Kind", table: Table("Indicators"), schema: Schema, nullable: false, defaultValue: "Outcome");

    /// <inheritdoc />
    protected override void Down(MigrationBuilder m) => m.DropColumn(name: "Kind", table: Table("Indicators"), schema: Schema);
}
