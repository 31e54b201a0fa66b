using Intranet.Shared.Persistence;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Intranet.Shared.Import.Data.Migrations;

/// <summary>
/// Import jobs claimed by one host at a time (issue #11): the running host's lease (<c>HeartbeatAt</c>) and the progress
/// stored with it (<c>ProgressDone</c>, <c>ProgressTotal</c>), so any host can show it and only an expired lease is failed.
/// </summary>
[DbContext(typeof(ImportDbContext))]
[Migration("202612020203_Import_JobLease")]
public sealed class JobLease : ModuleMigration
{
    /// <inheritdoc />
    protected override string ModuleSchema => ImportDbContext.SchemaName;

    /// <inheritdoc />
    protected override void Up(MigrationBuilder m)
    {
        m.AddColumn<DateTimeOffset>(name: "HeartbeatAt", table: Table("Jobs"), schema: Schema, nullable: true);
        m.AddColumn<int>(name: "ProgressDone", table: Table("Jobs"), schema: Schema, nullable: false, defaultValue: 0);
        m.AddColumn<int>(name: "ProgressTotal", table: Table("Jobs"), schema: Schema, nullable: false, defaultValue: 0);
    }
}
