using Intranet.Shared.Persistence;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Intranet.Modules.Paperless.Data.Migrations;

/// <summary>
/// Issue #12: the change stamp (<see cref="PaperlessChangeStamp"/>) that invalidates the cached paperless figures on every
/// host. Creates the table with its only row, so an upgraded database works from the first request (the first read computes
/// the figures once). Hand-written and provider-neutral like <see cref="Initial"/>.
/// </summary>
[DbContext(typeof(PaperlessDbContext))]
[Migration("202612030401_Paperless_ChangeStamp")]
public sealed class ChangeStampMigration : ModuleMigration
{
    /// <inheritdoc />
    protected override string ModuleSchema => PaperlessDbContext.SchemaName;

    /// <inheritdoc />
    protected override void Up(MigrationBuilder m)
    {
        m.CreateTable(name: Table("ChangeStamps"), schema: Schema, columns: t => new
        {
            Id = t.Column<int>(nullable: false),
            Stamp = t.Column<Guid>(nullable: false),
        }, constraints: t => t.PrimaryKey($"PK_{Table("ChangeStamps")}", x => x.Id));
        // Plain SQL (the same on every provider), as the plan schema's stamp: InsertData would need store types.
        var table = IsSqlite ? $"\"{Table("ChangeStamps")}\"" : $"\"{Schema}\".\"ChangeStamps\"";
        m.Sql($"INSERT INTO {table} (\"Id\", \"Stamp\") VALUES ({PaperlessChangeStamp.RowId}, '00000000-0000-0000-0000-000000000000');");
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder m) => m.DropTable(name: Table("ChangeStamps"), schema: Schema);
}
