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
/// Hand-written and provider-neutral apart from that; the schema-drift tests check the result.
/// </summary>
[DbContext(typeof(TeleworkDbContext))]
[Migration("202612060301_Telework_DaysKey")]
public sealed class DaysKey : ModuleMigration
{
    private const string Columns = "\"StaffId\", \"Date\", \"Type\", \"DayFraction\", \"ManagerTrial\", \"RecordedBy\", \"RecordedAt\"";

    /// <inheritdoc />
    protected override string ModuleSchema => TeleworkDbContext.SchemaName;

    /// <inheritdoc />
    protected override void Up(MigrationBuilder m)
    {
        if (!IsSqlite)
        {
            m.DropIndex($"IX_{Table("Days")}_StaffId_Date", Table("Days"), Schema);
            m.DropPrimaryKey($"PK_{Table("Days")}", Table("Days"), Schema);
            m.DropColumn("Id", Table("Days"), Schema);
            m.AddPrimaryKey($"PK_{Table("Days")}", Table("Days"), ["StaffId", "Date"], Schema);
            return;
        }
        Rebuild(m, withId: false);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder m)
    {
        if (!IsSqlite)
        {
            m.DropPrimaryKey($"PK_{Table("Days")}", Table("Days"), Schema);
            m.AddColumn<Guid>("Id", Table("Days"), schema: Schema, nullable: true);
            var table = $"\"{Schema}\".\"{Table("Days")}\"";
            m.Sql(ActiveProvider == IntranetDatabase.SqlServerProviderName
                ? $"UPDATE {table} SET \"Id\" = NEWID();"
                : $"UPDATE {table} SET \"Id\" = gen_random_uuid();");
            m.AlterColumn<Guid>("Id", Table("Days"), schema: Schema, nullable: false, oldClrType: typeof(Guid), oldNullable: true);
            m.AddPrimaryKey($"PK_{Table("Days")}", Table("Days"), "Id", Schema);
            Index(m, "Days", ["StaffId", "Date"], unique: true);
            return;
        }
        Rebuild(m, withId: true);
    }

    /// <summary>
    /// SQLite: the days table rebuilt with the given key, as EF creates it on SQLite, and its rows copied (with new ids, upper-case
    /// text as EF stores a Guid there, when <paramref name="withId"/>).
    /// </summary>
    private void Rebuild(MigrationBuilder m, bool withId)
    {
        var (days, rebuilt) = (Table("Days"), Table("Days") + "_rebuilt");
        var id = withId ? $"\"Id\" TEXT NOT NULL CONSTRAINT \"PK_{days}\" PRIMARY KEY, " : "";
        var key = withId ? "" : $"CONSTRAINT \"PK_{days}\" PRIMARY KEY (\"StaffId\", \"Date\"), ";
        m.Sql($"CREATE TABLE \"{rebuilt}\" ({id}\"StaffId\" TEXT NOT NULL, \"Date\" TEXT NOT NULL, \"Type\" TEXT NOT NULL, \"DayFraction\" TEXT NOT NULL, " +
              $"\"ManagerTrial\" INTEGER NOT NULL, \"RecordedBy\" TEXT NOT NULL, \"RecordedAt\" TEXT NOT NULL, {key}" +
              $"CONSTRAINT \"FK_{days}_{Table("Staff")}_StaffId\" FOREIGN KEY (\"StaffId\") REFERENCES \"{Table("Staff")}\" (\"Id\") ON DELETE CASCADE);");
        const string newId = "substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-' || substr(h, 13, 4) || '-' || substr(h, 17, 4) || '-' || substr(h, 21, 12)";
        m.Sql(withId
            ? $"INSERT INTO \"{rebuilt}\" (\"Id\", {Columns}) SELECT {newId}, {Columns} FROM (SELECT hex(randomblob(16)) AS h, * FROM \"{days}\");"
            : $"INSERT INTO \"{rebuilt}\" ({Columns}) SELECT {Columns} FROM \"{days}\";");
        m.DropTable(days);
        m.RenameTable(rebuilt, newName: days);
        if (withId) Index(m, "Days", ["StaffId", "Date"], unique: true);
        Index(m, "Days", ["Date"]);
    }
}
