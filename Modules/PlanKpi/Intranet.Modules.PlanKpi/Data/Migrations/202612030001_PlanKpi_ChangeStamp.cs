using Intranet.Shared.Persistence;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Intranet.Modules.PlanKpi.Data.Migrations;

/// <summary>
/// Issue #12: the change stamp (<see cref="PlanKpiChangeStamp"/>) that invalidates cached plan snapshots on every host.
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
    protected override void Up(MigrationBuilder m)
    {
        m.CreateTable(name: Table("ChangeStamps"), schema: Schema, columns: t => new
        {
            Id = t.Column<int>(nullable: false),
            Stamp = t.Column<Guid>(nullable: false),
        }, constraints: t => t.PrimaryKey($"PK_{Table("ChangeStamps")}", x => x.Id));
        // Plain SQL (the same on every provider), as the telework module's initial rules: InsertData would need store types.
        var table = IsSqlite ? $"\"{Table("ChangeStamps")}\"" : $"\"{Schema}\".\"ChangeStamps\"";
        m.Sql($"INSERT INTO {table} (\"Id\", \"Stamp\") VALUES ({PlanKpiChangeStamp.RowId}, '00000000-0000-0000-0000-000000000000');");
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder m) => m.DropTable(name: Table("ChangeStamps"), schema: Schema);
}
