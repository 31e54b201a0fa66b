using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace Intranet.Shared.Persistence;

/// <summary>
/// Row locks that serialise the maintenance of tallies (issue #12) across concurrent transactions: the writer locks the
/// parent rows whose tallies it will read and write (a person, an RPA case) before it reads them, and holds the locks to the
/// end of its transaction. Without them, two writers of one parent would read each other's uncommitted rows as absent and
/// the later commit would overwrite the earlier tally (a lost update); with them the second waits and, under read committed,
/// reads the first one's committed rows. Used by <c>TeleworkAggregates</c> (staff) and <c>RpaTallies</c> (cases).
/// </summary>
public static class RowLocks
{
    /// <summary>
    /// Locks the rows of <typeparamref name="TEntity"/> whose Guid key <c>Id</c> is in <paramref name="ids"/> (every row when
    /// null), in key order, to the end of the current transaction: on PostgreSQL <c>FOR NO KEY UPDATE</c> (child rows a writer
    /// inserted already hold <c>FOR KEY SHARE</c> on the same parent through their foreign key, which <c>FOR UPDATE</c> would
    /// wait for, so two writers of one parent would deadlock), on SQL Server <c>UPDLOCK, ROWLOCK</c>. SQLite has one writer at
    /// a time (Microsoft.Data.Sqlite begins transactions <c>IMMEDIATE</c>), and outside a transaction a lock would end at once:
    /// nothing is done in either case.
    /// </summary>
    /// <typeparam name="TEntity">A mapped entity type with a Guid key column <c>Id</c>.</typeparam>
    /// <exception cref="InvalidOperationException"><typeparamref name="TEntity"/> is not mapped by <paramref name="db"/>.</exception>
    public static async Task LockRowsAsync<TEntity>(this DbContext db, IReadOnlyCollection<Guid>? ids, CancellationToken ct) where TEntity : class
    {
        if (db.Database.IsSqlite() || db.Database.CurrentTransaction is null) return;
        var entity = db.Model.FindEntityType(typeof(TEntity)) ?? throw new InvalidOperationException($"{typeof(TEntity).Name} is not mapped by {db.GetType().Name}.");
        var sql = db.GetService<ISqlGenerationHelper>();
        var table = sql.DelimitIdentifier(entity.GetTableName()!, entity.GetSchema());
        var id = sql.DelimitIdentifier("Id");
        // Guids formatted by .NET ("D": hex and hyphens only) are safe to write as literals.
        var where = ids is null ? "" : $" WHERE {id} IN ({string.Join(", ", ids.Order().Select(g => $"'{g:D}'"))})";
        var statement = db.Database.ProviderName == IntranetDatabase.SqlServerProviderName
            ? $"SELECT {id} FROM {table} WITH (UPDLOCK, ROWLOCK){where}"
            : $"SELECT {id} FROM {table}{where} ORDER BY {id} FOR NO KEY UPDATE";
        await db.Database.ExecuteSqlRawAsync(statement, ct);
    }

    /// <summary>
    /// Renews <paramref name="db"/>'s change stamp (<see cref="ChangeStampedDbContext.RenewChangeStampAsync"/>), then locks
    /// the rows as <see cref="LockRowsAsync{TEntity}"/>: for the tallies' maintenance, whose deletes and bulk inserts bypass
    /// <c>SaveChanges</c> and must still invalidate the figures cached per stamp. On a server the writer then holds the stamp
    /// row before the parent rows, the order every writer of the schema takes (a form's save renews the stamp before its
    /// rows, <see cref="ChangeStampedDbContext.SaveChangesAsync(bool, CancellationToken)"/>); the other order would deadlock
    /// with a form that changes one of the parents.
    /// </summary>
    /// <exception cref="InvalidOperationException">As <see cref="LockRowsAsync{TEntity}"/>.</exception>
    public static async Task RenewStampAndLockRowsAsync<TEntity>(this ChangeStampedDbContext db, IReadOnlyCollection<Guid>? ids, CancellationToken ct)
        where TEntity : class
    {
        await db.RenewChangeStampAsync(ct);
        await db.LockRowsAsync<TEntity>(ids, ct);
    }
}
