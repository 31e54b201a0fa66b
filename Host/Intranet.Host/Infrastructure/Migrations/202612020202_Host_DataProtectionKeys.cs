using Intranet.Shared.Persistence;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Intranet.Host.Infrastructure.Migrations;

/// <summary>
/// The data-protection key ring in the database (issue #11: several hosts must read one key ring): table
/// <c>DataProtectionKeys</c> (Id identity, FriendlyName, Xml) as <c>Microsoft.AspNetCore.DataProtection.EntityFrameworkCore</c>
/// maps it. Keys written to <c>{data}/keys</c> by earlier versions are not imported: users sign in once more after the upgrade.
/// </summary>
[DbContext(typeof(HostDb))]
[Migration("202612020202_Host_DataProtectionKeys")]
public sealed class HostDataProtectionKeys : ModuleMigration
{
    /// <inheritdoc />
    protected override string ModuleSchema => HostDb.SchemaName;

    /// <inheritdoc />
    protected override void Up(MigrationBuilder m)
    {
        EnsureSchema(m);
        m.CreateTable(name: Table("DataProtectionKeys"), schema: Schema, columns: t => new
        {
            Id = t.Column<int>(nullable: false)
                .Annotation("Sqlite:Autoincrement", true)
                .Annotation("Npgsql:ValueGenerationStrategy", Npgsql.EntityFrameworkCore.PostgreSQL.Metadata.NpgsqlValueGenerationStrategy.IdentityByDefaultColumn)
                .Annotation("SqlServer:Identity", "1, 1"),
            FriendlyName = t.Column<string>(nullable: true),
            Xml = t.Column<string>(nullable: true),
        }, constraints: t => t.PrimaryKey($"PK_{Table("DataProtectionKeys")}", x => x.Id));
    }
}
