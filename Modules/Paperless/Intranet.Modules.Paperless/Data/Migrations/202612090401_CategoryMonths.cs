using Intranet.Shared.Persistence;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Intranet.Modules.Paperless.Data.Migrations;

/// <summary>
/// Issue #12, maintained tallies: <see cref="Domain.SessionMonthTally"/> (sessions, paperless sessions, tablet sessions and sheets
/// saved per meeting category and calendar month) and the module's <see cref="AggregateState"/>. The tables start empty: an
/// upgraded database is filled by the first read (<see cref="UseCases.PaperlessTallies.EnsureBuiltAsync"/>), because the
/// rules (<see cref="Domain.PaperlessRules"/>) are domain rules a migration's plain SQL cannot apply. Hand-written and
/// provider-neutral like the RPA and telework tallies' migrations; the schema-drift test checks it.
/// </summary>
[DbContext(typeof(PaperlessDbContext))]
[Migration("202612090401_Paperless_CategoryMonths")]
public sealed class CategoryMonths : ModuleMigration
{
    /// <inheritdoc />
    protected override string ModuleSchema => PaperlessDbContext.SchemaName;

    /// <inheritdoc />
    protected override void Up(MigrationBuilder m)
    {
        m.CreateTable(name: Table("CategoryMonths"), schema: Schema, columns: t => new
        {
            Category = t.Column<string>(nullable: false),
            Year = t.Column<int>(nullable: false),
            Month = t.Column<int>(nullable: false),
            Sessions = t.Column<int>(nullable: false),
            PaperlessSessions = t.Column<int>(nullable: false),
            TabletSessions = t.Column<int>(nullable: false),
            SheetsSaved = t.Column<decimal>(precision: 28, scale: 4, nullable: false),
        }, constraints: t => t.PrimaryKey($"PK_{Table("CategoryMonths")}", x => new { x.Category, x.Year, x.Month }));

        CreateAggregateStateTable(m);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder m)
    {
        DropAggregateStateTable(m);
        m.DropTable(Table("CategoryMonths"), Schema);
    }
}
