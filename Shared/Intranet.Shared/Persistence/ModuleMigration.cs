using Microsoft.EntityFrameworkCore.Migrations;

namespace Intranet.Shared.Persistence;

/// <summary>
/// Base of the suite's hand-written migrations. Columns are declared without store types so the
/// same migration runs on SQLite and PostgreSQL; <see cref="Table"/> and <see cref="Schema"/> apply
/// the module's schema (PostgreSQL) or table prefix (SQLite) the same way
/// <see cref="IntranetDatabase.ApplyModuleSchema"/> does for the model.
/// </summary>
public abstract class ModuleMigration : Migration
{
    /// <summary>The module's schema name, e.g. <c>plankpi</c>.</summary>
    protected abstract string ModuleSchema { get; }

    /// <summary>Whether this migration is running against SQLite.</summary>
    protected bool IsSqlite => ActiveProvider == IntranetDatabase.SqliteProviderName;

    /// <summary>The schema argument for operations: null on SQLite.</summary>
    protected string? Schema => IsSqlite ? null : ModuleSchema;

    /// <summary>The table name as stored: prefixed on SQLite.</summary>
    protected string Table(string name) => IsSqlite ? $"{ModuleSchema}_{name}" : name;

    /// <summary>Creates the schema on providers that have schemas.</summary>
    protected void EnsureSchema(MigrationBuilder migrationBuilder)
    {
        if (!IsSqlite) migrationBuilder.EnsureSchema(ModuleSchema);
    }

    /// <summary>Creates an index named like EF's default (<c>IX_{table}_{columns}</c>) on a module table.</summary>
    protected void Index(MigrationBuilder migrationBuilder, string table, string[] columns, bool unique = false) =>
        migrationBuilder.CreateIndex($"IX_{Table(table)}_{string.Join("_", columns)}", Table(table), columns, Schema, unique);

    /// <summary>
    /// A cascading foreign key named like EF's default (<c>FK_{table}_{principal}_{column}</c>) from <paramref name="table"/>'s
    /// <paramref name="column"/> to the <c>Id</c> of the module table <paramref name="principal"/>.
    /// </summary>
    protected void ForeignKey<T>(Microsoft.EntityFrameworkCore.Migrations.Operations.Builders.CreateTableBuilder<T> t, string table, string column,
        string principal, System.Linq.Expressions.Expression<Func<T, object>> columns) =>
        t.ForeignKey($"FK_{Table(table)}_{Table(principal)}_{column}", columns, Table(principal), "Id", principalSchema: Schema,
            onDelete: ReferentialAction.Cascade);

    /// <summary>
    /// Creates the module's <c>ChangeStamps</c> table (<see cref="ChangeStamp"/>) with its only row (stamp all zeros), so an
    /// upgraded database works from the first request: the first read of the stamp computes the cached figures once
    /// (<see cref="ChangeStampedReadCache"/>). Plain SQL for the row, the same on every provider (InsertData would need store types).
    /// </summary>
    protected void CreateChangeStampTable(MigrationBuilder m)
    {
        m.CreateTable(name: Table("ChangeStamps"), schema: Schema, columns: t => new
        {
            Id = t.Column<int>(nullable: false),
            Stamp = t.Column<Guid>(nullable: false),
        }, constraints: t => t.PrimaryKey($"PK_{Table("ChangeStamps")}", x => x.Id));
        var table = IsSqlite ? $"\"{Table("ChangeStamps")}\"" : $"\"{Schema}\".\"ChangeStamps\"";
        m.Sql($"INSERT INTO {table} (\"Id\", \"Stamp\") VALUES ({ChangeStamp.RowId}, '00000000-0000-0000-0000-000000000000');");
    }

    /// <summary>Drops the module's <c>ChangeStamps</c> table (the <c>Down</c> of <see cref="CreateChangeStampTable"/>).</summary>
    protected void DropChangeStampTable(MigrationBuilder m) => m.DropTable(name: Table("ChangeStamps"), schema: Schema);

    /// <summary>Creates the module's <c>AuditEntries</c> table (see <see cref="Auditing.AuditEntry"/>).</summary>
    protected void CreateAuditTable(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: Table("AuditEntries"),
            schema: Schema,
            columns: t => new
            {
                Id = t.Column<Guid>(nullable: false),
                At = t.Column<DateTimeOffset>(nullable: false),
                UserName = t.Column<string>(nullable: false),
                EntityType = t.Column<string>(nullable: false),
                EntityKey = t.Column<string>(nullable: false),
                Action = t.Column<string>(nullable: false),
                Changes = t.Column<string>(nullable: false),
            },
            constraints: t => t.PrimaryKey($"PK_{Table("AuditEntries")}", x => x.Id));
        migrationBuilder.CreateIndex(
            name: $"IX_{Table("AuditEntries")}_EntityType_EntityKey",
            table: Table("AuditEntries"), schema: Schema,
            columns: ["EntityType", "EntityKey"]);
    }
}
