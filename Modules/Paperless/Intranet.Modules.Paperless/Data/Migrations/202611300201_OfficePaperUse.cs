using Intranet.Shared.Persistence;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Intranet.Modules.Paperless.Data.Migrations;

/// <summary>
/// Issue #9: office-wide paper use per fiscal year (<see cref="Domain.OfficePaperUse"/>), the source of 2-2-(2)-1 紙の削減量
/// against FY2019. Hand-written like <see cref="Initial"/>: provider-neutral columns, kept honest by the schema-drift test.
/// </summary>
[DbContext(typeof(PaperlessDbContext))]
[Migration("202611300201_Paperless_OfficePaperUse")]
public sealed class OfficePaperUseMigration : ModuleMigration
{
    /// <inheritdoc />
    protected override string ModuleSchema => PaperlessDbContext.SchemaName;

    /// <inheritdoc />
    protected override void Up(MigrationBuilder m)
    {
        m.CreateTable(name: Table("OfficePaperUse"), schema: Schema, columns: t => new
        {
            Id = t.Column<Guid>(nullable: false),
            FiscalYear = t.Column<int>(nullable: false),
            SheetsUsed = t.Column<long>(nullable: false),
            SourceNote = t.Column<string>(nullable: true),
            RecordedBy = t.Column<string>(nullable: false),
            RecordedAt = t.Column<DateTimeOffset>(nullable: false),
            Version = t.Column<Guid>(nullable: false),
        }, constraints: t => t.PrimaryKey($"PK_{Table("OfficePaperUse")}", x => x.Id));
        Index(m, "OfficePaperUse", ["FiscalYear"], unique: true);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder m) => m.DropTable(Table("OfficePaperUse"), Schema);
}
