using System.Reflection;
using System.Text;
using Intranet.IntegrationTests.Infrastructure;
using Intranet.Shared.Auditing;
using Intranet.Shared.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Intranet.IntegrationTests;

/// <summary>
/// Issue #12: <see cref="BulkInsert"/> on SQLite binds values itself (<see cref="SqliteRow"/>) instead of through
/// Microsoft.Data.Sqlite's command. A value stored in another form than the command stores it (a Guid's case, a date's or a
/// timestamp's format, a decimal's digits, an integer stored as text) would no longer be found by EF's queries, so every
/// entity type of every context gets random rows written both ways and compared column by column: SQLite's storage class
/// and the stored value (<c>typeof</c>, <c>quote</c>).
/// </summary>
public sealed class SqliteRowTests
{
    private const int RowsPerType = 40;

    /// <summary>The tables the imports and aggregates write in bulk: each must be written by the direct path, not the command.</summary>
    private static readonly string[] BulkTables =
        ["telework_Days", "telework_StaffMonths", "telework_EligiblePeriods", "telework_Staff", "telework_Assignments", "telework_AuditEntries",
         "rpa_Runs", "paperless_Sessions", "paperless_AuditEntries"];

    [Fact]
    public async Task Every_entity_type_is_stored_by_the_direct_path_as_the_command_stores_it()
    {
        using var app = new IntranetApp(Db.Sqlite);
        using var scope = app.Services.CreateScope();
        var random = new Random(20261203);
        var (compared, direct) = (new List<string>(), new List<string>());
        foreach (var registration in scope.ServiceProvider.GetRequiredService<IEnumerable<ModuleDbContextRegistration>>())
        {
            var db = (DbContext)scope.ServiceProvider.GetRequiredService(registration.ContextType);
            await db.Database.OpenConnectionAsync();
            var connection = (SqliteConnection)db.Database.GetDbConnection();
            foreach (var entity in db.Model.GetEntityTypes().Where(e => e.GetTableName() is not null && !e.IsOwned() && !e.ClrType.IsAbstract))
            {
                BulkInsert.Table table;
                try { table = BulkInsert.Table.Of(db, entity.ClrType); }
                catch (NotSupportedException) { continue; }   // not insertable in bulk at all (shadow or store-generated columns)
                var previous = new Dictionary<string, object?>();
                var rows = Enumerable.Range(0, RowsPerType).Select(_ => RandomRow(entity.ClrType, table, random, previous)).ToList();
                var forms = SqliteRow.For(table);
                if (forms is null) continue;
                direct.Add(entity.GetTableName()!);

                var (byCommand, byDirect) = (table with { Name = "\"bulk_command\"" }, table with { Name = "\"bulk_direct\"" });
                await ExecAsync(connection, $"DROP TABLE IF EXISTS temp.bulk_command; DROP TABLE IF EXISTS temp.bulk_direct; " +
                                            $"CREATE TEMP TABLE bulk_command ({table.ColumnList}); CREATE TEMP TABLE bulk_direct ({table.ColumnList});");
                Assert.Equal(RowsPerType, await BulkInsert.SqliteCommandInsertAsync(db, connection, byCommand, rows, CancellationToken.None));
                Assert.Equal(RowsPerType, SqliteRow.Insert(connection, byDirect, forms, rows, CancellationToken.None));

                var (a, b) = (await StoredAsync(connection, "bulk_command", table), await StoredAsync(connection, "bulk_direct", table));
                for (var r = 0; r < RowsPerType; r++)
                {
                    for (var c = 0; c < table.Columns.Count; c++)
                    {
                        var column = table.Columns[c].Property.Name;
                        // A versioned row gets a new Version on each insert: only its form can be compared.
                        if (column == nameof(IVersioned.Version)) Assert.Matches("^text '[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}'$", b[r][c]);
                        else Assert.True(a[r][c] == b[r][c], $"{entity.ClrType.Name}.{column}, row {r}: command {a[r][c]}, direct {b[r][c]}");
                    }
                }
                compared.Add(entity.ClrType.Name);
            }
        }
        Assert.True(compared.Count > 40, $"only {compared.Count} entity types compared");
        Assert.Empty(BulkTables.Except(direct));
    }

    [Fact]
    public async Task A_refused_row_raises_the_error_the_command_raises_and_the_statement_is_released()
    {
        using var app = new IntranetApp(Db.Sqlite);
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<Intranet.Modules.Telework.Data.TeleworkDbContext>();
        await db.Database.OpenConnectionAsync();
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        var table = BulkInsert.Table.Of<Intranet.Modules.Telework.Domain.StaffMonth>(db) with { Name = "\"bulk_keyed\"" };
        await ExecAsync(connection, $"CREATE TEMP TABLE bulk_keyed ({table.ColumnList}, PRIMARY KEY (\"StaffId\", \"Month\"))");
        var month = new Intranet.Modules.Telework.Domain.StaffMonth { StaffId = Guid.NewGuid(), Month = new DateOnly(2025, 4, 1), RecordedDays = 3 };
        var e = Assert.Throws<SqliteException>(() => SqliteRow.Insert(connection, table, SqliteRow.For(table)!, [month, month], CancellationToken.None));
        Assert.Equal(19, e.SqliteErrorCode);   // SQLITE_CONSTRAINT
        Assert.Contains("UNIQUE constraint failed", e.Message);
        // The connection is usable and holds no statement of the insert: the table can be dropped at once.
        await ExecAsync(connection, "DROP TABLE temp.bulk_keyed");
    }

    private static async Task ExecAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Each row's columns as "storage-class quoted-value".</summary>
    private static async Task<List<string[]>> StoredAsync(SqliteConnection connection, string name, BulkInsert.Table table)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {string.Join(", ", table.ColumnList.Split(", ").Select(c => $"typeof({c}) || ' ' || quote({c})"))} FROM temp.{name} ORDER BY rowid";
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string[]>();
        while (await reader.ReadAsync()) rows.Add(Enumerable.Range(0, reader.FieldCount).Select(reader.GetString).ToArray());
        return rows;
    }

    /// <summary>
    /// An instance of <paramref name="type"/> with a random value (or null, when allowed) in every column; a third of the values
    /// repeat the previous row's (the direct path binds a repeated value only once), a repeated timestamp half the time with
    /// another offset (the same instant, stored differently).
    /// </summary>
    internal static object RandomRow(Type type, BulkInsert.Table table, Random random, Dictionary<string, object?> previous)
    {
        var row = Activator.CreateInstance(type, nonPublic: true)!;
        foreach (var (property, _, _) in table.Columns)
        {
            var clr = Nullable.GetUnderlyingType(property.ClrType) ?? property.ClrType;
            var value = previous.TryGetValue(property.Name, out var last) && random.Next(3) == 0
                ? last is DateTimeOffset t && random.Next(2) == 0 ? t.ToOffset(t.Offset == TimeSpan.Zero ? TimeSpan.FromHours(9) : TimeSpan.Zero) : last
                : property.IsNullable && random.Next(5) == 0 ? null : RandomValue(clr, random);
            previous[property.Name] = value;
            if (property.PropertyInfo is { } p && p.SetMethod is not null) p.SetValue(row, value);
            else if (property.FieldInfo is { } f) f.SetValue(row, value);
            else throw new InvalidOperationException($"{type.Name}.{property.Name} cannot be set");
        }
        return row;
    }

    private static object RandomValue(Type type, Random random)
    {
        var ticks = new DateTime(2019, 1, 1).Ticks + random.NextInt64(TimeSpan.TicksPerDay * 365 * 10);
        // Whole seconds, milliseconds and 100-ns ticks: the fraction's trailing zeros are dropped by the format.
        ticks -= random.Next(3) switch { 0 => ticks % TimeSpan.TicksPerSecond, 1 => ticks % TimeSpan.TicksPerMillisecond, _ => 0 };
        if (type == typeof(string)) return random.Next(6) switch { 0 => "", 1 => "秦野市 情報政策課 <ict@example.jp>", 2 => "it's \"quoted\"; 1,2\n改行", _ => Guid.NewGuid().ToString("N")[..random.Next(1, 32)] };
        if (type == typeof(Guid)) return Guid.NewGuid();
        if (type == typeof(DateOnly)) return DateOnly.FromDateTime(new DateTime(ticks));
        if (type == typeof(DateTime)) return new DateTime(ticks, random.Next(2) == 0 ? DateTimeKind.Utc : DateTimeKind.Unspecified);
        if (type == typeof(DateTimeOffset)) return new DateTimeOffset(ticks, TimeSpan.FromMinutes(random.Next(3) switch { 0 => 0, 1 => 540, _ => -330 }));
        if (type == typeof(decimal)) return random.Next(4) switch { 0 => 0m, 1 => 1m, 2 => -123.45m, _ => Math.Round((decimal)random.NextDouble() * 10_000m, random.Next(0, 8)) };
        if (type == typeof(bool)) return random.Next(2) == 0;
        if (type == typeof(int)) return random.Next(int.MinValue, int.MaxValue);
        if (type == typeof(long)) return random.NextInt64();
        if (type == typeof(short)) return (short)random.Next(short.MinValue, short.MaxValue);
        if (type == typeof(byte)) return (byte)random.Next(256);
        if (type == typeof(double)) return random.NextDouble() * 1e6 - 5e5;
        if (type == typeof(float)) return (float)(random.NextDouble() * 1e3);
        if (type == typeof(byte[])) return Encoding.UTF8.GetBytes(Guid.NewGuid().ToString());
        if (type.IsEnum) { var values = Enum.GetValues(type); return values.GetValue(random.Next(values.Length))!; }
        throw new InvalidOperationException($"no random value for {type.Name}");
    }
}
