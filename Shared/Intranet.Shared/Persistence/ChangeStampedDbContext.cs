using Intranet.Shared.Auditing;
using Intranet.Shared.Security;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Shared.Persistence;

/// <summary>
/// A module schema's change stamp (issue #12): the only row (<see cref="RowId"/>) of the module's <c>ChangeStamps</c> table,
/// whose <see cref="Stamp"/> gets a fresh random value in the same transaction as every write to the schema
/// (<see cref="ChangeStampedDbContext"/>). Figures cached per host (<see cref="ChangeStampedReadCache"/>) are keyed by it, so
/// a write on any host sharing the database invalidates them on every host, and a read costs one primary-key query. One
/// entity type for every module: each context maps it to its own schema's table, which the module's migration creates with
/// its only row (<see cref="ModuleMigration"/>'s <c>CreateChangeStampTable</c>).
/// </summary>
public sealed class ChangeStamp
{
    /// <summary>The key of the only row.</summary>
    public const int RowId = 1;

    /// <summary>Always <see cref="RowId"/>.</summary>
    public int Id { get; set; }

    /// <summary>Changes (to a new random value) with every committed write to the schema.</summary>
    public Guid Stamp { get; set; }
}

/// <summary>
/// A module context whose schema carries a change stamp (<see cref="ChangeStamp"/>, mapped here to the module's
/// <c>ChangeStamps</c> table): used by the modules that cache figures per host (PlanKpi's plan snapshots, Paperless's and
/// Telework's aggregates) with <see cref="ChangeStampedReadCache"/>. The module's migration creates the table with
/// <see cref="ModuleMigration"/>'s <c>CreateChangeStampTable</c>.
/// </summary>
public abstract class ChangeStampedDbContext(DbContextOptions options, ICurrentUser currentUser, TimeProvider clock)
    : ModuleDbContext(options, currentUser, clock)
{
    /// <inheritdoc />
    private protected override void ConfigureSharedModel(ModelBuilder b) => b.Entity<ChangeStamp>(e =>
    {
        e.ToTable("ChangeStamps");
        e.Property(x => x.Id).ValueGeneratedNever();
    });

    /// <summary>The change stamp (one row) that invalidates the cached figures on every host.</summary>
    public DbSet<ChangeStamp> ChangeStamps => Set<ChangeStamp>();

    private Guid? stamp;

    /// <summary>
    /// The schema's current change stamp: one primary-key query, remembered for the rest of this context's life (one request
    /// or one use case) until this context saves a change.
    /// </summary>
    public async Task<Guid> ChangeStampAsync(CancellationToken ct)
    {
        if (stamp is { } known) return known;
        // Not a compiled query: those are bound to one model, and a process may run SQLite and PostgreSQL models (tests).
        var read = await ChangeStamps.AsNoTracking().Where(s => s.Id == ChangeStamp.RowId).Select(s => s.Stamp).FirstOrDefaultAsync(ct);
        stamp = read;
        return read;
    }

    /// <summary>
    /// Saves as <see cref="ModuleDbContext"/> does and, when anything but audit rows changed, gives the change stamp a new
    /// random value in the same transaction, so every host's caches see the write. Every path that writes the schema (forms,
    /// imports, module feeds, command line) passes here; a write that bypasses SaveChanges (bulk insert, ExecuteUpdate, raw
    /// SQL) must call <see cref="MarkChanged"/> and save, or <see cref="RenewChangeStampAsync"/>, or its figures stay cached
    /// (<see cref="BulkInsert"/> does it by itself).
    /// <para>The stamp is renewed <em>before</em> the changed rows are written (in the caller's transaction, or in one begun
    /// here): on a server the writer then holds the stamp row before any other row it changes, which is the order every
    /// writer of the schema takes (the tallies' maintenance renews it before its row locks, <see cref="RowLocks"/>). Written in
    /// the same batch as the rows, the stamp's place among them was EF's choice: a form that updated an RPA case before the
    /// stamp and a runs import that renewed the stamp before locking that case could each wait for the other.</para>
    /// </summary>
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        ChangeTracker.DetectChanges();
        var changed = ChangeTracker.Entries().Any(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted
                                                       && e.Entity is not AuditEntry and not ChangeStamp);
        stamp = null;
        try
        {
            if (!changed) return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
            await using var own = Database.CurrentTransaction is null ? await Database.BeginTransactionAsync(cancellationToken) : null;
            await RenewChangeStampAsync(cancellationToken);
            var saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
            if (own is not null) await own.CommitAsync(cancellationToken);
            return saved;
        }
        finally
        {
            stamp = null;
        }
    }

    /// <summary>
    /// Gives the stamp a new random value now, with one <c>UPDATE</c> in the context's current transaction (if any): for writes
    /// that bypass <c>SaveChanges</c> (<see cref="BulkInsert"/> calls it after inserting rows).
    /// </summary>
    public async Task RenewChangeStampAsync(CancellationToken ct)
    {
        var fresh = Guid.NewGuid();
        stamp = null;
        await ChangeStamps.Where(s => s.Id == ChangeStamp.RowId).ExecuteUpdateAsync(u => u.SetProperty(s => s.Stamp, fresh), ct);
    }

    /// <summary>
    /// Gives the change stamp a new random value with the next <c>SaveChanges</c> (for a caller that saves anyway;
    /// <see cref="RenewChangeStampAsync"/> does it at once).
    /// </summary>
    public void MarkChanged()
    {
        var entry = ChangeTracker.Entries<ChangeStamp>().FirstOrDefault(e => e.Entity.Id == ChangeStamp.RowId);
        if (entry is null || entry.State == EntityState.Detached)
        {
            var row = new ChangeStamp { Id = ChangeStamp.RowId, Stamp = Guid.NewGuid() };
            Attach(row).Property(x => x.Stamp).IsModified = true;
            return;
        }
        entry.Entity.Stamp = Guid.NewGuid();
        if (entry.State != EntityState.Added) entry.Property(x => x.Stamp).IsModified = true;
    }
}
