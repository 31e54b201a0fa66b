using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Microsoft.EntityFrameworkCore.Update;

namespace Intranet.Shared.Persistence;

/// <summary>
/// SQL Server's migrations SQL for the suite's provider-neutral migrations (<see cref="ModuleMigration"/>), which declare
/// columns without store types and were written for SQLite and PostgreSQL. Without help SQL Server would refuse them:
/// a string without a length is <c>nvarchar(max)</c>, which cannot be in a key, index or unique constraint; an
/// <c>int</c> key needs <c>IDENTITY</c>; two cascading paths to one table are refused; a unique index on a nullable
/// column would allow one NULL only. This generator fixes each centrally, for every context and every future migration:
/// <list type="bullet">
/// <item>Store types come from the context's model when the migration has none (hand-written migrations have no target
/// model): a key/index string gets <c>nvarchar(450)</c> (EF's SQL Server default), other strings <c>nvarchar(max)</c>,
/// <c>decimal(p,s)</c>, <c>datetimeoffset</c>, <c>bit</c>, <c>uniqueidentifier</c> as the model maps them. A string
/// column that is not in the model (e.g. dropped later) but is keyed or indexed in the same migration gets
/// <see cref="KeyStringLength"/>.</item>
/// <item>An integer column marked auto-increment for SQLite or identity for PostgreSQL, or mapped as identity in the
/// model, becomes <c>IDENTITY(1, 1)</c>.</item>
/// <item>Foreign keys in <see cref="NoActionForeignKeys"/> (those that would add a second cascade path to a table, or a
/// cycle) are created <c>ON DELETE NO ACTION</c>. The application deletes through loaded aggregates, whose dependents
/// EF deletes first, so the behaviour does not change.</item>
/// <item>Unique indexes over nullable columns get SQL Server's <c>WHERE [c] IS NOT NULL</c> filter (as EF does for
/// SQL Server models); a filter written with double-quoted identifiers is rewritten with brackets.</item>
/// </list>
/// SQLite and PostgreSQL never use this class: their scripts and deployed databases stay as they are.
/// </summary>
public sealed class IntranetSqlServerMigrationsSqlGenerator(MigrationsSqlGeneratorDependencies dependencies, ICommandBatchPreparer commandBatchPreparer)
    : Microsoft.EntityFrameworkCore.Migrations.SqlServerMigrationsSqlGenerator(dependencies, commandBatchPreparer)
{
    /// <summary>Length (characters) given to a key or indexed string column that the model does not describe: EF's SQL
    /// Server default for keys, 900 bytes, the limit of a clustered index key.</summary>
    public const int KeyStringLength = 450;

    private const string SqlServerIdentity = "SqlServer:Identity";

    /// <inheritdoc />
    public override IReadOnlyList<MigrationCommand> Generate(IReadOnlyList<MigrationOperation> operations, IModel? model = null,
        MigrationsSqlGenerationOptions options = MigrationsSqlGenerationOptions.Default)
    {
        // A migration without a target model (all hand-written ones) arrives with null or an empty model.
        var target = model is not null && model.GetEntityTypes().Any() ? model : CurrentModel() ?? model;
        Prepare(operations, target);
        return base.Generate(operations, target, options);
    }

    /// <summary>The design-time (full relational) model of the context being migrated, or null outside a context.</summary>
    private IModel? CurrentModel()
    {
        try
        {
            return Dependencies.CurrentContext.Context.GetService<IDesignTimeModel>().Model;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Adjusts <paramref name="operations"/> in place for SQL Server (see the class summary).</summary>
    private static void Prepare(IReadOnlyList<MigrationOperation> operations, IModel? model)
    {
        var relational = model?.GetRelationalModel();
        var keyed = KeyedColumns(operations);
        var noAction = model is null ? [] : NoActionForeignKeys(model);
        var nullable = new HashSet<(string?, string, string)>();

        foreach (var operation in operations)
        {
            switch (operation)
            {
                case CreateTableOperation create:
                    foreach (var column in create.Columns)
                    {
                        PrepareColumn(column, relational, keyed);
                        if (column.IsNullable) nullable.Add((create.Schema, create.Name, column.Name));
                    }
                    foreach (var fk in create.ForeignKeys.Where(fk => noAction.Contains(fk.Name))) fk.OnDelete = ReferentialAction.NoAction;
                    break;
                case AddColumnOperation add:
                    PrepareColumn(add, relational, keyed);
                    if (add.IsNullable) nullable.Add((add.Schema, add.Table, add.Name));
                    break;
                case AlterColumnOperation alter:
                    PrepareColumn(alter, relational, keyed);
                    PrepareColumn(alter.OldColumn, relational, keyed);
                    break;
                case AddForeignKeyOperation fk when noAction.Contains(fk.Name):
                    fk.OnDelete = ReferentialAction.NoAction;
                    break;
                case CreateIndexOperation index:
                    PrepareIndex(index, relational, nullable);
                    break;
                case SqlOperation sql:
                    sql.Sql = PortableSql(sql.Sql);
                    break;
            }
        }
    }

    private static void PrepareColumn(ColumnOperation column, IRelationalModel? relational, HashSet<(string?, string, string)> keyed)
    {
        var schema = column is AddColumnOperation a ? a.Schema : column.Schema;
        var modelColumn = relational?.FindTable(column.Table, schema)?.FindColumn(column.Name);
        if (column.ClrType == typeof(string) && column.ColumnType is null && column.MaxLength is null && modelColumn is null
            && keyed.Contains((schema, column.Table, column.Name)))
        {
            column.MaxLength = KeyStringLength;
        }
        if (column[SqlServerIdentity] is null && IsIdentity(column, modelColumn))
            column.AddAnnotation(SqlServerIdentity, "1, 1");
    }

    private static bool IsIdentity(ColumnOperation column, IColumn? modelColumn)
    {
        if (column.ClrType != typeof(int) && column.ClrType != typeof(long) && column.ClrType != typeof(short)) return false;
        if (column["Sqlite:Autoincrement"] is true) return true;
        if (column["Npgsql:ValueGenerationStrategy"]?.ToString() is { } npgsql && npgsql.Contains("Identity", StringComparison.Ordinal)) return true;
        if (modelColumn is null) return false;
        var store = StoreObjectIdentifier.Table(modelColumn.Table.Name, modelColumn.Table.Schema);
        return modelColumn.PropertyMappings.Any(m =>
            Microsoft.EntityFrameworkCore.SqlServerPropertyExtensions.GetValueGenerationStrategy(m.Property, store)
                == Microsoft.EntityFrameworkCore.Metadata.SqlServerValueGenerationStrategy.IdentityColumn);
    }

    private static void PrepareIndex(CreateIndexOperation index, IRelationalModel? relational, HashSet<(string?, string, string)> nullableInBatch)
    {
        if (index.Filter is { } filter)
        {
            index.Filter = System.Text.RegularExpressions.Regex.Replace(filter, "\"([^\"]+)\"", "[$1]");
            return;
        }
        if (!index.IsUnique) return;
        var table = relational?.FindTable(index.Table, index.Schema);
        if (table?.Indexes.FirstOrDefault(i => i.Name == index.Name)?.Filter is { } modelFilter)
        {
            index.Filter = modelFilter;
            return;
        }
        var nullable = index.Columns.Where(c => table?.FindColumn(c)?.IsNullable ?? nullableInBatch.Contains((index.Schema, index.Table, c))).ToList();
        if (nullable.Count > 0) index.Filter = string.Join(" AND ", nullable.Select(c => $"[{c}] IS NOT NULL"));
    }

    /// <summary>
    /// Plain SQL written for SQLite and PostgreSQL (<c>migrationBuilder.Sql</c>) made SQL Server's: <c>"identifier"</c> becomes
    /// <c>[identifier]</c> (so it does not depend on QUOTED_IDENTIFIER), and a string literal with non-ASCII text (Japanese)
    /// becomes <c>N'…'</c>, without which SQL Server would store it as <c>?</c> in a non-UTF-8 collation.
    /// </summary>
    public static string PortableSql(string sql)
    {
        var sb = new System.Text.StringBuilder(sql.Length + 16);
        for (var i = 0; i < sql.Length; i++)
        {
            var c = sql[i];
            if (c == '\'')
            {
                var end = i + 1;
                while (end < sql.Length && !(sql[end] == '\'' && (end + 1 >= sql.Length || sql[end + 1] != '\''))) end += sql[end] == '\'' ? 2 : 1;
                var literal = sql[i..Math.Min(end + 1, sql.Length)];
                var prefixed = i > 0 && (sql[i - 1] == 'N' || sql[i - 1] == 'n');
                if (!prefixed && literal.Any(ch => ch > 127)) sb.Append('N');
                sb.Append(literal);
                i = end;
            }
            else if (c == '"')
            {
                var end = sql.IndexOf('"', i + 1);
                if (end < 0) { sb.Append(sql[i..]); break; }
                sb.Append('[').Append(sql[(i + 1)..end].Replace("]", "]]", StringComparison.Ordinal)).Append(']');
                i = end;
            }
            else sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>Every (schema, table, column) that a key, unique constraint, foreign key or index of these operations uses.</summary>
    public static HashSet<(string? Schema, string Table, string Column)> KeyedColumns(IEnumerable<MigrationOperation> operations)
    {
        var keyed = new HashSet<(string?, string, string)>();
        void Add(string? schema, string table, IEnumerable<string>? columns)
        {
            foreach (var c in columns ?? []) keyed.Add((schema, table, c));
        }
        foreach (var operation in operations)
        {
            switch (operation)
            {
                case CreateTableOperation t:
                    Add(t.Schema, t.Name, t.PrimaryKey?.Columns);
                    foreach (var u in t.UniqueConstraints) Add(t.Schema, t.Name, u.Columns);
                    foreach (var fk in t.ForeignKeys)
                    {
                        Add(t.Schema, t.Name, fk.Columns);
                        Add(fk.PrincipalSchema, fk.PrincipalTable, fk.PrincipalColumns);
                    }
                    break;
                case CreateIndexOperation i: Add(i.Schema, i.Table, i.Columns); break;
                case AddPrimaryKeyOperation pk: Add(pk.Schema, pk.Table, pk.Columns); break;
                case AddUniqueConstraintOperation u: Add(u.Schema, u.Table, u.Columns); break;
                case AddForeignKeyOperation fk:
                    Add(fk.Schema, fk.Table, fk.Columns);
                    Add(fk.PrincipalSchema, fk.PrincipalTable, fk.PrincipalColumns);
                    break;
            }
        }
        return keyed;
    }

    /// <summary>
    /// The names of the cascading foreign keys of <paramref name="model"/> that SQL Server would refuse ("may cause cycles
    /// or multiple cascade paths"). Keys are taken breadth-first from the tables nothing cascades to (the aggregate roots,
    /// e.g. a plan), then by dependent table and name; a key is kept unless it closes a cycle or gives some table a
    /// second cascade path from another. Deleting a root therefore still removes everything below it; what is returned
    /// are the shortcuts (e.g. placement → project when placement → measure → policy → plan already cascades).
    /// </summary>
    public static HashSet<string> NoActionForeignKeys(IModel model)
    {
        var edges = model.GetRelationalModel().Tables
            .SelectMany(t => t.ForeignKeyConstraints)
            .Where(fk => fk.OnDeleteAction == ReferentialAction.Cascade)
            .Select(fk => (Name: fk.Name, From: Key(fk.PrincipalTable), To: Key(fk.Table)))
            .ToList();
        var all = edges.GroupBy(e => e.From).ToDictionary(g => g.Key, g => g.Select(e => e.To).ToList(), StringComparer.Ordinal);
        var depth = new Dictionary<string, int>(StringComparer.Ordinal);
        var queue = new Queue<string>();
        foreach (var root in all.Keys.Where(k => edges.All(e => e.To != k)).Order(StringComparer.Ordinal))
        {
            depth[root] = 0;
            queue.Enqueue(root);
        }
        while (queue.TryDequeue(out var node))
        {
            foreach (var next in all.GetValueOrDefault(node) ?? [])
                if (depth.TryAdd(next, depth[node] + 1)) queue.Enqueue(next);
        }
        var kept = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var refused = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, from, to) in edges.OrderBy(e => depth.GetValueOrDefault(e.From, int.MaxValue))
                     .ThenBy(e => e.To, StringComparer.Ordinal).ThenBy(e => e.Name, StringComparer.Ordinal))
        {
            var below = Reachable(kept, to);        // 'to' and everything it cascades to
            var above = kept.Keys.Where(k => Reachable(kept, k).Contains(from)).Append(from).ToHashSet(StringComparer.Ordinal);
            var cycle = below.Contains(from);
            var second = above.Any(a => Reachable(kept, a).Overlaps(below));
            if (cycle || second)
            {
                refused.Add(name);
                continue;
            }
            if (!kept.TryGetValue(from, out var list)) kept[from] = list = [];
            list.Add(to);
        }
        return refused;

        static string Key(ITable t) => $"{t.Schema}.{t.Name}";
    }

    /// <summary><paramref name="start"/> and every table reachable from it over <paramref name="edges"/>.</summary>
    private static HashSet<string> Reachable(Dictionary<string, List<string>> edges, string start)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { start };
        var stack = new Stack<string>([start]);
        while (stack.TryPop(out var node))
        {
            foreach (var next in edges.GetValueOrDefault(node) ?? [])
                if (seen.Add(next)) stack.Push(next);
        }
        return seen;
    }
}
