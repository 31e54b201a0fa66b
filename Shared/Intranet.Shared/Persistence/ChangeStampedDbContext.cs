using Intranet.Shared.Auditing;
using Intranet.Shared.Security;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Shared.Persistence;

/// <summary>
/// A module schema's change stamp (issue #12): one row (<see cref="RowId"/>) whose <see cref="Stamp"/> gets a fresh random
/// value in the same transaction as every write to the schema (<see cref="ChangeStampedDbContext{TStamp}"/>). Figures cached
/// per host are keyed by it, so a write on any host sharing the database invalidates them on every host, and a read costs
/// one primary-key query. The module's migration creates the table with its only row.
/// </summary>
public interface IChangeStamp
{
    /// <summary>The key of the only row.</summary>
    const int RowId = 1;

    /// <summary>Always <see cref="RowId"/>.</summary>
    int Id { get; set; }

    /// <summary>Changes (to a new random value) with every committed write to the schema.</summary>
    Guid Stamp { get; set; }
}

/// <summary>
/// A context whose schema carries a change stamp (<see cref="ChangeStampedDbContext{TStamp}"/>): what
/// <see cref="ChangeStampedReadCache"/> and <see cref="BulkInsert"/> need of it.
/// </summary>
public interface IChangeStamped
{
    /// <summary>The schema's current change stamp (one primary-key query, remembered until this context writes).</summary>
    Task<Guid> ChangeStampAsync(CancellationToken ct);

    /// <summary>
    /// Gives the stamp a new random value now, with one <c>UPDATE</c> in the context's current transaction (if any): for writes
    /// that bypass <c>SaveChanges</c> (<see cref="BulkInsert"/> calls it after inserting rows).
    /// </summary>
    Task RenewChangeStampAsync(CancellationToken ct);
}

/// <summary>
/// A module context whose schema carries a change stamp (<see cref="IChangeStamp"/>, row type <typeparamref name="TStamp"/>):
/// used by the modules that cache figures per host (PlanKpi's plan snapshots, Paperless's and Telework's aggregates), with
/// <see cref="ChangeStampedReadCache"/>. The module maps the stamp with <see cref="MapChangeStamps"/> and creates its table
/// with <see cref="ModuleMigration"/>'s <c>CreateChangeStampTable</c>.
/// </summary>
/// <typeparam name="TStamp">The module's stamp entity, mapped by the module to its own <c>ChangeStamps</c> table.</typeparam>
public abstract class ChangeStampedDbContext<TStamp>(DbContextOptions options, ICurrentUser currentUser, TimeProvider clock)
    : ModuleDbContext(options, currentUser, clock), IChangeStamped where TStamp : class, IChangeStamp, new()
{
    /// <summary>Maps <typeparamref name="TStamp"/> to the module's <c>ChangeStamps</c> table (call from <c>ConfigureModel</c>).</summary>
    protected static void MapChangeStamps(ModelBuilder b) => b.Entity<TStamp>(e =>
    {
        e.ToTable("ChangeStamps");
        e.Property(x => x.Id).ValueGeneratedNever();
    });

    /// <summary>The change stamp (one row) that invalidates the cached figures on every host.</summary>
    public DbSet<TStamp> ChangeStamps => Set<TStamp>();

    private Guid? stamp;

    /// <summary>
    /// The schema's current change stamp: one primary-key query, remembered for the rest of this context's life (one request
    /// or one use case) until this context saves a change.
    /// </summary>
    public async Task<Guid> ChangeStampAsync(CancellationToken ct)
    {
        if (stamp is { } known) return known;
        // Not a compiled query: those are bound to one model, and a process may run SQLite and PostgreSQL models (tests).
        var read = await ChangeStamps.AsNoTracking().Where(s => EF.Property<int>(s, nameof(IChangeStamp.Id)) == IChangeStamp.RowId)
            .Select(s => EF.Property<Guid>(s, nameof(IChangeStamp.Stamp))).FirstOrDefaultAsync(ct);
        stamp = read;
        return read;
    }

    /// <summary>
    /// Saves as <see cref="ModuleDbContext"/> does and, when anything but audit rows changed, gives the change stamp a new
    /// random value in the same transaction, so every host's caches see the write. Every path that writes the schema (forms,
    /// imports, module feeds, command line) passes here; a write that bypasses SaveChanges (bulk insert, ExecuteUpdate, raw
    /// SQL) must call <see cref="MarkChanged"/> and save, or <see cref="RenewChangeStampAsync"/>, or its figures stay cached
    /// (<see cref="BulkInsert"/> does it by itself).
    /// </summary>
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        ChangeTracker.DetectChanges();
        if (ChangeTracker.Entries().Any(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted
                                             && e.Entity is not AuditEntry and not TStamp))
            MarkChanged();
        stamp = null;
        try
        {
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }
        finally
        {
            stamp = null;
        }
    }

    /// <inheritdoc />
    public async Task RenewChangeStampAsync(CancellationToken ct)
    {
        var fresh = Guid.NewGuid();
        stamp = null;
        await ChangeStamps.Where(s => EF.Property<int>(s, nameof(IChangeStamp.Id)) == IChangeStamp.RowId)
            .ExecuteUpdateAsync(u => u.SetProperty(s => EF.Property<Guid>(s, nameof(IChangeStamp.Stamp)), fresh), ct);
    }

    /// <summary>Gives the change stamp a new random value with the next <c>SaveChanges</c>.</summary>
    public void MarkChanged()
    {
        var entry = ChangeTracker.Entries<TStamp>().FirstOrDefault(e => e.Entity.Id == IChangeStamp.RowId);
        if (entry is null || entry.State == EntityState.Detached)
        {
            var row = new TStamp { Id = IChangeStamp.RowId, Stamp = Guid.NewGuid() };
            Attach(row).Property(x => x.Stamp).IsModified = true;
            return;
        }
        entry.Entity.Stamp = Guid.NewGuid();
        if (entry.State != EntityState.Added) entry.Property(x => x.Stamp).IsModified = true;
    }
}
