using System.Data.Common;
using Intranet.Shared.Auditing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Intranet.Shared.Persistence;

/// <summary>
/// Inserts many new rows of one entity type without change tracking, on the context's connection and inside its
/// current transaction, storing every value exactly as EF Core's own <c>SaveChanges</c> would: the same tables and
/// columns from the model, and each value through the property's own type mapping (value converters included, so a
/// <see cref="Guid"/> on SQLite is the same upper-case text, a <see cref="DateOnly"/> the same <c>yyyy-MM-dd</c>).
/// <list type="bullet">
/// <item>SQLite: one prepared <c>INSERT</c> reused for every row (what <c>sqlite3</c> does in one transaction).</item>
/// <item>PostgreSQL: binary <c>COPY … FROM STDIN</c> through Npgsql.</item>
/// <item>Other providers (SQL Server): the entities are added and saved by EF in batches of
/// <see cref="FallbackBatch"/> (correct, not fast; no SQL Server runs here to measure a faster path against).</item>
/// </list>
/// Why not a bulk library: linq2db's bulk copy (the one served here) writes through its own type mapping, where SQLite
/// can hold a <see cref="Guid"/> as a blob or as text; a row stored in another form than EF's text would not be found
/// again by EF. Going through EF's mappings rules that out (not tried with linq2db: no time, and not needed).
/// <para>
/// What <see cref="ModuleDbContext"/>'s save does is not done here: no <see cref="AuditEntry"/> is written (the caller
/// records the import), and <see cref="IVersioned.Version"/> is set to a new value on each row. A context with a change stamp
/// (<see cref="ChangeStampedDbContext"/>) gets a new stamp after the rows, as its save would give it. Used by imports and by
/// aggregates that rebuild many rows (issue #12: tracked entities wrote 550–2,000 rows/s).
/// </para>
/// </summary>
public static class BulkInsert
{
    /// <summary>Rows per <c>SaveChanges</c> on providers without a bulk path.</summary>
    public const int FallbackBatch = 1000;

    /// <summary>Inserts <paramref name="rows"/> (new rows only; a key already stored fails the statement) and returns how many.</summary>
    /// <typeparam name="T">A mapped entity type of <paramref name="db"/> without shadow properties.</typeparam>
    /// <exception cref="InvalidOperationException"><typeparamref name="T"/> is not mapped by <paramref name="db"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> has a shadow property or a store-generated column (no value to copy).</exception>
    /// <exception cref="DbUpdateException">The database refused a row (e.g. a unique index: another process stored the same
    /// record meanwhile), as <c>SaveChanges</c> reports it, with the provider's exception inside; roll the transaction back.</exception>
    public static async Task<int> BulkInsertAsync<T>(this DbContext db, IEnumerable<T> rows, CancellationToken ct = default) where T : class
    {
        var table = Table.Of<T>(db);
        int count;
        try
        {
            if (db.Database.IsSqlite()) count = await SqliteAsync(db, table, rows, ct);
            else if (db.Database.IsNpgsql()) count = await CopyAsync(db, table, rows, ct);
            else return await FallbackAsync(db, rows, ct);   // SaveChanges: renews a change stamp by itself
        }
        catch (DbException e)
        {
            // The import pipeline retries a write refused this way once (IImportSession.WriteAsync's contract).
            throw new DbUpdateException($"Bulk insert into {table.Name} was refused: {e.Message}", e);
        }
        // The rows bypassed SaveChanges: a schema with a change stamp gets a new one in the same transaction, so figures
        // cached on every host (ChangeStampedReadCache) see them. Audit rows change no figure.
        if (count > 0 && db is ChangeStampedDbContext stamped && typeof(T) != typeof(AuditEntry)) await stamped.RenewChangeStampAsync(ct);
        return count;
    }

    private static async Task<int> SqliteAsync<T>(DbContext db, Table table, IEnumerable<T> rows, CancellationToken ct) where T : class
    {
        var connection = await OpenAsync(db, ct);
        // The rows go into indexes on random keys (Guid ids): with SQLite's default 2 MB page cache, a table of a few hundred
        // thousand rows thrashes it (200,000 telework days: 8.5 s, 6.8 s with 64 MB). The larger cache is given back after
        // the insert, so pooled connections do not keep it.
        var cacheSize = await PragmaAsync(connection, db, "PRAGMA cache_size", ct);
        await PragmaAsync(connection, db, $"PRAGMA cache_size = {SqliteBulkCacheKiB}", ct);
        try
        {
            return await SqliteInsertAsync(db, connection, table, rows, ct);
        }
        finally
        {
            await PragmaAsync(connection, db, $"PRAGMA cache_size = {Convert.ToInt64(cacheSize, System.Globalization.CultureInfo.InvariantCulture)}", CancellationToken.None);
        }
    }

    /// <summary>SQLite's page cache during a bulk insert, in the PRAGMA's negative-KiB form (64 MiB).</summary>
    private const int SqliteBulkCacheKiB = -65536;

    private static async Task<object?> PragmaAsync(DbConnection connection, DbContext db, string sql, CancellationToken ct)
    {
        await using var pragma = connection.CreateCommand();
        pragma.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        pragma.CommandText = sql;
        return await pragma.ExecuteScalarAsync(ct);
    }

    private static async Task<int> SqliteInsertAsync<T>(DbContext db, DbConnection connection, Table table, IEnumerable<T> rows, CancellationToken ct) where T : class =>
        SqliteRow.For(table) is { } forms
            ? SqliteRow.Insert((SqliteConnection)connection, table, forms, rows, ct)
            : await SqliteCommandInsertAsync(db, connection, table, rows, ct);

    /// <summary>
    /// The SQLite insert through Microsoft.Data.Sqlite's command, parameters made by EF's type mappings: for a table
    /// <see cref="SqliteRow"/> has no plan for, and the reference its plans are tested against.
    /// </summary>
    internal static async Task<int> SqliteCommandInsertAsync<T>(DbContext db, DbConnection connection, Table table, IEnumerable<T> rows, CancellationToken ct) where T : class
    {
        await using var command = connection.CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = table.InsertSql;
        // Each column's parameter is made by its mapping (type, converter) from the first non-null value and then only given
        // the next rows' values, converted as the mapping converts them; a null needs no type (a placeholder until then).
        var configured = new bool[table.Columns.Count];
        for (var i = 0; i < table.Columns.Count; i++) command.Parameters.Add(table.Columns[i].Mapping.CreateParameter(command, "@p" + i, null, true));
        var count = 0;
        foreach (var row in rows)
        {
            if (++count % 10_000 == 0) ct.ThrowIfCancellationRequested();
            Stamp(row);
            for (var i = 0; i < configured.Length; i++)
            {
                var c = table.Columns[i];
                var value = c.Getter.GetClrValueUsingContainingEntity(row);
                if (value is null) command.Parameters[i].Value = DBNull.Value;
                else if (configured[i]) command.Parameters[i].Value = (c.Mapping.Converter is { } converter ? converter.ConvertToProvider(value) : value) ?? DBNull.Value;
                else (command.Parameters[i], configured[i]) = (c.Mapping.CreateParameter(command, "@p" + i, value, c.Property.IsNullable), true);
            }
            // One prepared statement for every row (Microsoft.Data.Sqlite keeps it while the command text stays); SQLite does
            // no I/O here (the transaction writes at commit), so the synchronous call blocks no more than the async one.
            command.ExecuteNonQuery();
        }
        return count;
    }

    private static async Task<int> CopyAsync<T>(DbContext db, Table table, IEnumerable<T> rows, CancellationToken ct) where T : class
    {
        var connection = (NpgsqlConnection)await OpenAsync(db, ct);
        await using var importer = await connection.BeginBinaryImportAsync($"COPY {table.Name} ({table.ColumnList}) FROM STDIN (FORMAT BINARY)", ct);
        var count = 0;
        foreach (var row in rows)
        {
            count++;
            Stamp(row);
            await importer.StartRowAsync(ct);
            foreach (var c in table.Columns)
            {
                var value = c.Getter.GetClrValueUsingContainingEntity(row);
                if (value is not null && c.Mapping.Converter is { } converter) value = converter.ConvertToProvider(value);
                if (value is null) await importer.WriteNullAsync(ct);
                else await importer.WriteAsync(value, c.Mapping.StoreTypeNameBase, ct);
            }
        }
        await importer.CompleteAsync(ct);
        return count;
    }

    private static async Task<int> FallbackAsync<T>(DbContext db, IEnumerable<T> rows, CancellationToken ct) where T : class
    {
        var count = 0;
        var tracking = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            foreach (var batch in rows.Chunk(FallbackBatch))
            {
                db.Set<T>().AddRange(batch);
                await db.SaveChangesAsync(ct);
                db.ChangeTracker.Clear();
                count += batch.Length;
            }
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = tracking;
        }
        return count;
    }

    /// <summary>A new <see cref="IVersioned.Version"/> for a versioned row, as a save would give it.</summary>
    internal static void Stamp(object row)
    {
        if (row is IVersioned versioned) versioned.Version = Guid.NewGuid();
    }

    private static async Task<DbConnection> OpenAsync(DbContext db, CancellationToken ct)
    {
        // Opened through EF so that EF closes it again with the context (or keeps it for the open transaction).
        if (db.Database.GetDbConnection().State != System.Data.ConnectionState.Open) await db.Database.OpenConnectionAsync(ct);
        return db.Database.GetDbConnection();
    }

    /// <summary>An entity type's table and the columns written, from the model.</summary>
    internal sealed record Table(string Name, string ColumnList, IReadOnlyList<(IProperty Property, RelationalTypeMapping Mapping, IClrPropertyGetter Getter)> Columns)
    {
        /// <summary>The SQLite insert of one row, parameters <c>@p0</c>… in column order.</summary>
        public string InsertSql => $"INSERT INTO {Name} ({ColumnList}) VALUES ({string.Join(", ", Columns.Select((_, i) => "@p" + i))})";

        public static Table Of<T>(DbContext db) => Of(db, typeof(T));

        /// <summary>The table of <paramref name="type"/> in <paramref name="db"/>'s model.</summary>
        /// <exception cref="InvalidOperationException">The type is not mapped.</exception>
        /// <exception cref="NotSupportedException">As <see cref="BulkInsertAsync{T}"/>.</exception>
        public static Table Of(DbContext db, Type type)
        {
            var entity = db.Model.FindEntityType(type) ?? throw new InvalidOperationException($"{type.Name} is not mapped by {db.GetType().Name}.");
            var sql = db.GetService<ISqlGenerationHelper>();
            var store = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
            var columns = new List<(IProperty, RelationalTypeMapping, IClrPropertyGetter)>();
            foreach (var p in entity.GetProperties())
            {
                if (p.IsShadowProperty()) throw new NotSupportedException($"{type.Name}.{p.Name} is a shadow property: bulk insert copies CLR properties only.");
                if (p.ValueGenerated != ValueGenerated.Never && p.ClrType != typeof(Guid))
                    throw new NotSupportedException($"{type.Name}.{p.Name} is generated by the database: bulk insert copies every column's value.");
                columns.Add((p, (RelationalTypeMapping)p.GetTypeMapping(), p.GetGetter()));
            }
            return new Table(sql.DelimitIdentifier(store.Name, store.Schema),
                string.Join(", ", columns.Select(c => sql.DelimitIdentifier(c.Item1.GetColumnName(store)!))), columns);
        }
    }
}
