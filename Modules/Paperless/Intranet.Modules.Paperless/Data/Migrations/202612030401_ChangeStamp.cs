using Intranet.Shared.Persistence;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Intranet.Modules.Paperless.Data.Migrations;

/// <summary>
/// Issue #12: the change stamp (<see cref="Intranet.Shared.Persistence.ChangeStamp"/>) that invalidates the cached paperless figures on every
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
    protected override void Up(MigrationBuilder m) => CreateChangeStampTable(m);

    /// <inheritdoc />
    protected override void Down(MigrationBuilder m) => DropChangeStampTable(m);
}
