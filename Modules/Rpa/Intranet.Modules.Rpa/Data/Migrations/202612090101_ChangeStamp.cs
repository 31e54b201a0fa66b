using Intranet.Shared.Persistence;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Intranet.Modules.Rpa.Data.Migrations;

/// <summary>
/// Issue #12: the change stamp (<see cref="Intranet.Shared.Persistence.ChangeStamp"/>) that invalidates the RPA figures
/// cached on every host (<see cref="UseCases.RpaReadCache"/>). Creates the table with its only row, so an upgraded database
/// works from the first request (the first read computes the figures once). Hand-written and provider-neutral like
/// <see cref="Initial"/>; the schema-drift test checks it.
/// </summary>
[DbContext(typeof(RpaDbContext))]
[Migration("202612090101_Rpa_ChangeStamp")]
public sealed class ChangeStampMigration : ModuleMigration
{
    /// <inheritdoc />
    protected override string ModuleSchema => RpaDbContext.SchemaName;

    /// <inheritdoc />
    protected override void Up(MigrationBuilder m) => CreateChangeStampTable(m);

    /// <inheritdoc />
    protected override void Down(MigrationBuilder m) => DropChangeStampTable(m);
}
