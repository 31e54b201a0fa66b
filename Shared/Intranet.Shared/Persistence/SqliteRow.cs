using System.Globalization;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Intranet.Shared.Persistence;

/// <summary>
/// <see cref="BulkInsert"/>'s SQLite path: one prepared <c>INSERT</c>, each row's values bound by position straight to SQLite
/// through SQLitePCLRaw (the library under Microsoft.Data.Sqlite) and stepped. Microsoft.Data.Sqlite's command does the same
/// with more work per row (a data reader per execution, each parameter looked up by name, a binder object per value):
/// issue #12, measured on 1,000,000 telework days, 8–9 s of CPU against 11–12 s.
/// <para>
/// Every value is stored in the form Microsoft.Data.Sqlite 10 stores it for a parameter EF Core's SQLite type mappings
/// create (its <c>SqliteValueBinder</c>, text forms): text as is; a <see cref="Guid"/> as upper-case <c>D</c> text; a
/// <see cref="DateOnly"/> as <c>yyyy-MM-dd</c>; a <see cref="DateTime"/> as <c>yyyy-MM-dd HH:mm:ss.FFFFFFF</c>; a
/// <see cref="DateTimeOffset"/> the same with its offset (<c>zzz</c>); a <see cref="decimal"/> as
/// <c>0.0###########################</c>; <see cref="bool"/> as 1/0 and whole numbers (and enums stored as numbers) as
/// integers; <see cref="double"/>/<see cref="float"/> as reals (NaN refused as Microsoft.Data.Sqlite refuses it); byte arrays
/// as blobs. A table with any other column (a date or time stored as a real, a Guid as a blob, <see cref="TimeOnly"/>,
/// <see cref="TimeSpan"/>, <see cref="char"/>) gets no plan here (<see cref="For"/> is null) and is written through the
/// command. <c>SqliteRowTests</c> compares both paths' stored values, type and text, column by column for every entity
/// type of every context.
/// </para>
/// </summary>
internal static class SqliteRow
{
    /// <summary>How a column's provider value is bound.</summary>
    internal enum Form { Text, Guid, DateOnly, DateTime, DateTimeOffset, Decimal, Boolean, Integer, Real, Blob }

    /// <summary>Each column's form, in column order, or null when a column has none (the table is written through the command).</summary>
    public static Form[]? For(BulkInsert.Table table)
    {
        var forms = new Form[table.Columns.Count];
        for (var i = 0; i < forms.Length; i++)
        {
            var mapping = table.Columns[i].Mapping;
            var type = mapping.Converter?.ProviderClrType ?? mapping.ClrType;
            type = Nullable.GetUnderlyingType(type) ?? type;
            var store = mapping.StoreTypeNameBase.ToUpperInvariant();
            Form? form = store switch
            {
                "TEXT" when type == typeof(string) => Form.Text,
                "TEXT" when type == typeof(Guid) => Form.Guid,
                "TEXT" when type == typeof(DateOnly) => Form.DateOnly,
                "TEXT" when type == typeof(DateTime) => Form.DateTime,
                "TEXT" when type == typeof(DateTimeOffset) => Form.DateTimeOffset,
                "TEXT" when type == typeof(decimal) => Form.Decimal,
                "INTEGER" when type == typeof(bool) => Form.Boolean,
                "INTEGER" when type == typeof(long) || type == typeof(int) || type == typeof(short) || type == typeof(byte) || type.IsEnum => Form.Integer,
                "REAL" when type == typeof(double) || type == typeof(float) => Form.Real,
                "BLOB" when type == typeof(byte[]) => Form.Blob,
                _ => null,
            };
            if (form is null) return null;
            forms[i] = form.Value;
        }
        return forms;
    }

    /// <summary>
    /// Inserts <paramref name="rows"/> on <paramref name="connection"/> and returns how many. Called inside the caller's open
    /// transaction, which holds SQLite's write lock (Microsoft.Data.Sqlite begins <c>IMMEDIATE</c>), so no step waits for a
    /// lock: unlike the command, this path does not retry a busy database.
    /// </summary>
    /// <exception cref="SqliteException">SQLite refused a row (e.g. a unique key); the statement is finalized, the transaction is the caller's.</exception>
    /// <exception cref="InvalidOperationException">A real value is NaN.</exception>
    public static int Insert<T>(SqliteConnection connection, BulkInsert.Table table, Form[] forms, IEnumerable<T> rows, CancellationToken ct) where T : class
    {
        var db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        var rc = raw.sqlite3_prepare_v2(db, table.InsertSql, out var statement);
        SqliteException.ThrowExceptionForRC(rc, db);
        using (statement)
        {
            var count = 0;
            // SQLite keeps a statement's bindings across resets: a column whose value is the previous row's (who recorded the
            // rows and when, a day's type or share) is not formatted and bound again.
            var bound = new object?[forms.Length];
            foreach (var row in rows)
            {
                BulkInsert.Stamp(row);
                for (var i = 0; i < forms.Length; i++)
                {
                    var c = table.Columns[i];
                    var value = c.Getter.GetClrValueUsingContainingEntity(row);
                    if (value is not null && c.Mapping.Converter is { } converter) value = converter.ConvertToProvider(value);
                    if (count > 0 && Same(value, bound[i])) continue;
                    rc = Bind(statement, i + 1, forms[i], value);
                    SqliteException.ThrowExceptionForRC(rc, db);
                    bound[i] = value;
                }
                if (++count % 10_000 == 0) ct.ThrowIfCancellationRequested();
                rc = raw.sqlite3_step(statement);
                if (rc != raw.SQLITE_DONE) SqliteException.ThrowExceptionForRC(rc, db);   // the message of the failed step
                raw.sqlite3_reset(statement);
            }
            return count;
        }
    }

    /// <summary>Whether <paramref name="value"/> is stored exactly as <paramref name="bound"/> (a timestamp also with the same offset).</summary>
    private static bool Same(object? value, object? bound) => value switch
    {
        null => bound is null,
        byte[] => false,   // an array may have changed in place
        DateTimeOffset t => bound is DateTimeOffset b && t.EqualsExact(b),
        _ => value.Equals(bound),
    };

    private static void Formatted(bool done)
    {
        if (!done) throw new InvalidOperationException("A value's text is longer than 64 bytes.");   // none of the forms above can be
    }

    /// <summary>Binds one value (null as NULL) at the 1-based <paramref name="index"/>; returns SQLite's result code.</summary>
    internal static int Bind(sqlite3_stmt statement, int index, Form form, object? value)
    {
        if (value is null or DBNull) return raw.sqlite3_bind_null(statement, index);
        Span<byte> utf8 = stackalloc byte[64];
        int n;
        switch (form)
        {
            case Form.Text:
                return raw.sqlite3_bind_text(statement, index, (string)value);
            case Form.Guid:
                Formatted(((Guid)value).TryFormat(utf8, out n));
                for (var i = 0; i < n; i++) if (utf8[i] is >= (byte)'a' and <= (byte)'f') utf8[i] -= 'a' - 'A';
                return raw.sqlite3_bind_text(statement, index, utf8[..n]);
            case Form.DateOnly:
                Formatted(((DateOnly)value).TryFormat(utf8, out n, @"yyyy\-MM\-dd", CultureInfo.InvariantCulture));
                return raw.sqlite3_bind_text(statement, index, utf8[..n]);
            case Form.DateTime:
                Formatted(((DateTime)value).TryFormat(utf8, out n, @"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFF", CultureInfo.InvariantCulture));
                return raw.sqlite3_bind_text(statement, index, utf8[..n]);
            case Form.DateTimeOffset:
                Formatted(((DateTimeOffset)value).TryFormat(utf8, out n, @"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFFzzz", CultureInfo.InvariantCulture));
                return raw.sqlite3_bind_text(statement, index, utf8[..n]);
            case Form.Decimal:
                Formatted(((decimal)value).TryFormat(utf8, out n, "0.0###########################", CultureInfo.InvariantCulture));
                return raw.sqlite3_bind_text(statement, index, utf8[..n]);
            case Form.Boolean:
                return raw.sqlite3_bind_int64(statement, index, (bool)value ? 1 : 0);
            case Form.Integer:
                return raw.sqlite3_bind_int64(statement, index, Convert.ToInt64(value, CultureInfo.InvariantCulture));
            case Form.Real:
                var real = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                if (double.IsNaN(real)) throw new InvalidOperationException("Cannot store 'NaN' values.");
                return raw.sqlite3_bind_double(statement, index, real);
            default:
                return raw.sqlite3_bind_blob(statement, index, (byte[])value);
        }
    }
}
