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
    /// Re-keys a module table between its own Guid <c>Id</c> (<paramref name="toId"/>) and <paramref name="key"/>, the columns
    /// every path finds a record by, which carry a unique index named like EF's default while <c>Id</c> is the key
    /// (issue #12: the id is a 36-character text with an index of its own on SQLite). Rows are kept; going back to
    /// <c>Id</c> gives each a new random one.
    /// <list type="bullet">
    /// <item>PostgreSQL and SQL Server: index, key and column altered in place.</item>
    /// <item>SQLite cannot change a primary key in place: the table is rebuilt from <paramref name="sqliteColumns"/> (every
    /// column but <c>Id</c>, with its SQLite type as EF creates it) and <paramref name="sqliteConstraints"/> (its foreign
    /// keys, <see cref="SqliteForeignKey"/>), the rows copied, the old table dropped, the new one renamed, and
    /// <paramref name="sqliteIndexes"/> (the table's other indexes, dropped with it) created again.</item>
    /// </list>
    /// </summary>
    /// <param name="m">The migration's builder.</param>
    /// <param name="table">The module table (<c>Days</c>).</param>
    /// <param name="key">The natural key's columns, in index order.</param>
    /// <param name="toId">True to go back to the <c>Id</c> key (a migration's <c>Down</c>).</param>
    /// <param name="sqliteColumns">Name and SQLite column definition (<c>("Date", "TEXT NOT NULL")</c>) of every column but <c>Id</c>.</param>
    /// <param name="sqliteConstraints">The table's foreign-key constraints as SQL, comma-separated.</param>
    /// <param name="sqliteIndexes">The columns of each other (non-unique) index.</param>
    protected void SwitchIdKey(MigrationBuilder m, string table, string[] key, bool toId, IReadOnlyList<(string Name, string Type)> sqliteColumns,
        string sqliteConstraints, IReadOnlyList<string[]> sqliteIndexes)
    {
        var name = Table(table);
        if (!IsSqlite)
        {
            if (toId)
            {
                m.DropPrimaryKey($"PK_{name}", name, Schema);
                m.AddColumn<Guid>("Id", name, schema: Schema, nullable: true);
                m.Sql(ActiveProvider == IntranetDatabase.SqlServerProviderName
                    ? $"UPDATE \"{Schema}\".\"{name}\" SET \"Id\" = NEWID();"
                    : $"UPDATE \"{Schema}\".\"{name}\" SET \"Id\" = gen_random_uuid();");
                m.AlterColumn<Guid>("Id", name, schema: Schema, nullable: false, oldClrType: typeof(Guid), oldNullable: true);
                m.AddPrimaryKey($"PK_{name}", name, "Id", Schema);
                Index(m, table, key, unique: true);
            }
            else
            {
                m.DropIndex($"IX_{name}_{string.Join("_", key)}", name, Schema);
                m.DropPrimaryKey($"PK_{name}", name, Schema);
                m.DropColumn("Id", name, Schema);
                m.AddPrimaryKey($"PK_{name}", name, key, Schema);
            }
            return;
        }
        var rebuilt = name + "_rebuilt";
        var columns = string.Join(", ", sqliteColumns.Select(c => $"\"{c.Name}\""));
        var id = toId ? $"\"Id\" TEXT NOT NULL CONSTRAINT \"PK_{name}\" PRIMARY KEY, " : "";
        var primaryKey = toId ? "" : $"CONSTRAINT \"PK_{name}\" PRIMARY KEY ({string.Join(", ", key.Select(k => $"\"{k}\""))}), ";
        m.Sql($"CREATE TABLE \"{rebuilt}\" ({id}{string.Join(", ", sqliteColumns.Select(c => $"\"{c.Name}\" {c.Type}"))}, {primaryKey}{sqliteConstraints});");
        // A new id in the text form EF stores a Guid in on SQLite (upper-case, hyphenated).
        const string newId = "substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-' || substr(h, 13, 4) || '-' || substr(h, 17, 4) || '-' || substr(h, 21, 12)";
        m.Sql(toId
            ? $"INSERT INTO \"{rebuilt}\" (\"Id\", {columns}) SELECT {newId}, {columns} FROM (SELECT hex(randomblob(16)) AS h, * FROM \"{name}\");"
            : $"INSERT INTO \"{rebuilt}\" ({columns}) SELECT {columns} FROM \"{name}\";");
        m.DropTable(name);
        m.RenameTable(rebuilt, newName: name);
        if (toId) Index(m, table, key, unique: true);
        foreach (var index in sqliteIndexes) Index(m, table, index);
    }

    /// <summary>
    /// A cascading foreign key from <paramref name="table"/>'s <paramref name="column"/> to the <c>Id</c> of the module table
    /// <paramref name="principal"/> as SQLite table constraint, named like EF's default (for <see cref="SwitchIdKey"/>).
    /// </summary>
    protected string SqliteForeignKey(string table, string column, string principal) =>
        $"CONSTRAINT \"FK_{Table(table)}_{Table(principal)}_{column}\" FOREIGN KEY (\"{column}\") REFERENCES \"{Table(principal)}\" (\"Id\") ON DELETE CASCADE";

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

    /// <summary>
    /// Creates the module's <c>AggregateState</c> table (<see cref="AggregateState"/>), empty: the module's tallies count as not
    /// built until the first read builds them.
    /// </summary>
    protected void CreateAggregateStateTable(MigrationBuilder m) =>
        m.CreateTable(name: Table("AggregateState"), schema: Schema, columns: t => new
        {
            Name = t.Column<string>(nullable: false),
            BuiltAt = t.Column<DateTimeOffset>(nullable: false),
        }, constraints: t => t.PrimaryKey($"PK_{Table("AggregateState")}", x => x.Name));

    /// <summary>Drops the module's <c>AggregateState</c> table (the <c>Down</c> of <see cref="CreateAggregateStateTable"/>).</summary>
    protected void DropAggregateStateTable(MigrationBuilder m) => m.DropTable(Table("AggregateState"), Schema);

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
