using Intranet.Shared.Persistence;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Intranet.Modules.PlanKpi.Data.Migrations;

/// <summary>
/// Issue #12: the change stamp (<see cref="Intranet.Shared.Persistence.ChangeStamp"/>) that invalidates cached plan snapshots on every host.
/// Creates the table with its only row, so an upgraded database works from the first request (the first read of the
/// stamp loads everything once, as before). Hand-written and provider-neutral like <see cref="Initial"/>.
/// </summary>
[DbContext(typeof(PlanKpiDbContext))]
[Migration("202612030001_PlanKpi_ChangeStamp")]
public sealed class ChangeStampMigration : ModuleMigration
{
    /// <inheritdoc />
    protected override string ModuleSchema => PlanKpiDbContext.SchemaName;

    /// <inheritdoc />
    protected override void Up(MigrationBuilder m) => CreateChangeStampTable(m);

    /// <inheritdoc />
    protected override void Down(MigrationBuilder m) => DropChangeStampTable(m);
}
