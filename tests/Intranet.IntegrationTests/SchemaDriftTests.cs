using System.Data.Common;
using Intranet.IntegrationTests.Infrastructure;
using Intranet.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.DependencyInjection;

namespace Intranet.IntegrationTests;

/// <summary>
/// The hand-written migrations must build exactly what the EF model expects: every table, column
/// (type family and nullability), primary key and index of every DbContext, and no index the model does not have, on each provider.
/// </summary>
public sealed class SchemaDriftTests
{
    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Migrated_database_matches_every_model(Db db)
    {
        using var app = new IntranetApp(db);
        _ = app.Server;  // start-up migrates
        using var scope = app.Services.CreateScope();
        var registrations = scope.ServiceProvider.GetRequiredService<IEnumerable<ModuleDbContextRegistration>>().ToList();
        Assert.Contains(registrations, r => r.Schema == "identity");
        Assert.Contains(registrations, r => r.Schema == "plankpi");
        var problems = new List<string>();
        foreach (var registration in registrations)
        {
            var context = (DbContext)scope.ServiceProvider.GetRequiredService(registration.ContextType);
            var model = context.GetService<IDesignTimeModel>().Model.GetRelationalModel();
            var conn = context.Database.GetDbConnection();
            await conn.OpenAsync();
            foreach (var table in model.Tables)
            {
                var columns = await ColumnsAsync(conn, db, table.Schema, table.Name);
                if (columns.Count == 0) { problems.Add($"{registration.Schema}: table {table.Schema}.{table.Name} missing"); continue; }
                foreach (var column in table.Columns)
                {
                    if (!columns.TryGetValue(column.Name, out var actual)) { problems.Add($"{table.Name}.{column.Name} missing"); continue; }
                    if (Family(actual.Type) != Family(column.StoreType))
                        problems.Add($"{table.Name}.{column.Name}: database type {actual.Type}, model {column.StoreType}");
                    if (actual.Nullable != column.IsNullable)
                        problems.Add($"{table.Name}.{column.Name}: database nullable={actual.Nullable}, model {column.IsNullable}");
                }
                foreach (var extra in columns.Keys.Except(table.Columns.Select(c => c.Name)))
                    problems.Add($"{table.Name}.{extra} exists in the database but not in the model");
                var (primaryKey, indexes) = await KeysAsync(conn, db, table.Schema, table.Name);
                var modelKey = string.Join(",", table.PrimaryKey?.Columns.Select(c => c.Name) ?? []);
                if (primaryKey != modelKey) problems.Add($"{table.Name}: primary key ({primaryKey}) in the database, ({modelKey}) in the model");
                var expected = table.Indexes.Select(i => (string.Join(",", i.Columns.Select(c => c.Name)), i.IsUnique))
                    .Concat(table.UniqueConstraints.Where(u => !u.GetIsPrimaryKey()).Select(u => (string.Join(",", u.Columns.Select(c => c.Name)), true))).ToHashSet();
                foreach (var (key, unique) in expected.Except(indexes)) problems.Add($"{table.Name}: index ({key}) unique={unique} missing");
                foreach (var (key, unique) in indexes.Except(expected)) problems.Add($"{table.Name}: index ({key}) unique={unique} in the database, not in the model");
            }
            await conn.CloseAsync();
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>Type family: the base type name without length/precision, e.g. numeric(18,4) → numeric, character varying(256) → character varying.</summary>
    private static string Family(string type) => type.Split('(')[0].Trim().ToLowerInvariant();

    private static async Task<Dictionary<string, (string Type, bool Nullable)>> ColumnsAsync(DbConnection conn, Db db, string? schema, string table)
    {
        var result = new Dictionary<string, (string, bool)>();
        await using var cmd = conn.CreateCommand();
        if (db == Db.Sqlite)
        {
            cmd.CommandText = $"PRAGMA table_info(\"{table}\")";
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync()) result[r.GetString(1)] = (r.GetString(2), r.GetInt64(3) == 0 && r.GetInt64(5) == 0);
        }
        else
        {
            cmd.CommandText = "SELECT column_name, CASE WHEN data_type = 'USER-DEFINED' THEN udt_name ELSE data_type END, is_nullable " +
                              "FROM information_schema.columns WHERE table_schema = @s AND table_name = @t";
            Add(cmd, "@s", schema ?? "public");
            Add(cmd, "@t", table);
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync()) result[r.GetString(0)] = (r.GetString(1), r.GetString(2) == "YES");
        }
        return result;
    }

    /// <summary>
    /// The table's primary key (its columns in key order, comma-separated; "" when none) and its other indexes (columns in
    /// index order, and whether unique).
    /// </summary>
    private static async Task<(string PrimaryKey, HashSet<(string Columns, bool Unique)> Indexes)> KeysAsync(DbConnection conn, Db db, string? schema, string table)
    {
        var indexes = new HashSet<(string, bool)>();
        if (db == Db.Sqlite)
        {
            var key = new List<(long Position, string Name)>();
            await using (var cmd = conn.CreateCommand())
            {
                cmd.CommandText = $"PRAGMA table_info(\"{table}\")";
                await using var r = await cmd.ExecuteReaderAsync();
                while (await r.ReadAsync()) if (r.GetInt64(5) > 0) key.Add((r.GetInt64(5), r.GetString(1)));
            }
            var list = new List<(string Name, bool Unique)>();
            await using (var cmd = conn.CreateCommand())
            {
                cmd.CommandText = $"PRAGMA index_list(\"{table}\")";
                await using var r = await cmd.ExecuteReaderAsync();
                // origin "pk": the index SQLite makes for a primary key that is not the rowid (read from table_info above).
                while (await r.ReadAsync()) if (r.GetString(3) != "pk") list.Add((r.GetString(1), r.GetInt64(2) == 1));
            }
            foreach (var (name, unique) in list)
            {
                await using var cmd = conn.CreateCommand();
                cmd.CommandText = $"PRAGMA index_info(\"{name}\")";
                var cols = new List<(long, string)>();
                await using var r = await cmd.ExecuteReaderAsync();
                while (await r.ReadAsync()) cols.Add((r.GetInt64(0), r.GetString(2)));
                indexes.Add((string.Join(",", cols.OrderBy(c => c.Item1).Select(c => c.Item2)), unique));
            }
            return (string.Join(",", key.OrderBy(c => c.Position).Select(c => c.Name)), indexes);
        }
        var primaryKey = "";
        await using (var cmd = conn.CreateCommand())
        {
            cmd.CommandText = """
                SELECT ix.indisprimary, ix.indisunique, array_to_string(array_agg(a.attname ORDER BY k.ord), ',')
                FROM pg_index ix
                JOIN pg_class t ON t.oid = ix.indrelid
                JOIN pg_namespace n ON n.oid = t.relnamespace
                CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)
                JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
                WHERE n.nspname = @s AND t.relname = @t
                GROUP BY ix.indexrelid, ix.indisprimary, ix.indisunique
                """;
            Add(cmd, "@s", schema ?? "public");
            Add(cmd, "@t", table);
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync())
            {
                if (r.GetBoolean(0)) primaryKey = r.GetString(2);
                else indexes.Add((r.GetString(2), r.GetBoolean(1)));
            }
        }
        return (primaryKey, indexes);
    }

    private static void Add(DbCommand cmd, string name, object value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        cmd.Parameters.Add(p);
    }
}
