using Intranet.Modules.Paperless.Domain;
using Intranet.Shared.Persistence;
using Intranet.Shared.Security;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.Paperless.Data;

/// <summary>Meeting bodies, baselines, sessions and office-wide paper use: schema <c>paperless</c> (PostgreSQL) or prefix <c>paperless_</c> (SQLite).</summary>
public sealed class PaperlessDbContext(DbContextOptions<PaperlessDbContext> options, ICurrentUser currentUser, TimeProvider clock)
    : ModuleDbContext(options, currentUser, clock)
{
    /// <summary>Schema / table prefix.</summary>
    public const string SchemaName = "paperless";

    /// <inheritdoc />
    public override string Schema => SchemaName;

    public DbSet<MeetingBody> Bodies => Set<MeetingBody>();
    public DbSet<PaperBaseline> Baselines => Set<PaperBaseline>();
    public DbSet<MeetingSession> Sessions => Set<MeetingSession>();
    public DbSet<SessionMapping> Mappings => Set<SessionMapping>();
    /// <summary>Office-wide paper use per fiscal year (2-2-(2)-1 紙の削減量).</summary>
    public DbSet<OfficePaperUse> PaperUse => Set<OfficePaperUse>();
    /// <summary>The change stamp (one row) that invalidates the cached figures on every host (issue #12).</summary>
    public DbSet<PaperlessChangeStamp> ChangeStamps => Set<PaperlessChangeStamp>();

    private Guid? stamp;

    /// <summary>
    /// The schema's current change stamp (<see cref="PaperlessChangeStamp"/>): one primary-key query, remembered for the rest
    /// of this context's life (one request or one use case) until this context saves a change.
    /// </summary>
    public async Task<Guid> ChangeStampAsync(CancellationToken ct)
    {
        if (stamp is { } known) return known;
        var read = await ChangeStamps.AsNoTracking().Where(s => s.Id == PaperlessChangeStamp.RowId).Select(s => s.Stamp).FirstOrDefaultAsync(ct);
        stamp = read;
        return read;
    }

    /// <summary>
    /// Saves as <see cref="ModuleDbContext"/> does and, when anything but audit rows changed, gives the change stamp a new random
    /// value in the same transaction (issue #12), so every host's cached figures see the write. Every path that writes the
    /// schema (forms, imports, command line) passes here; a write that bypasses SaveChanges (bulk insert, ExecuteUpdate, raw
    /// SQL) must call <see cref="MarkChanged"/> and save, or its figures stay cached.
    /// </summary>
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        ChangeTracker.DetectChanges();
        if (ChangeTracker.Entries().Any(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted
                                             && e.Entity is not Intranet.Shared.Auditing.AuditEntry and not PaperlessChangeStamp))
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

    /// <summary>Gives the change stamp a new random value with the next <c>SaveChanges</c> (see <see cref="PaperlessChangeStamp"/>).</summary>
    public void MarkChanged()
    {
        var entry = ChangeTracker.Entries<PaperlessChangeStamp>().FirstOrDefault(e => e.Entity.Id == PaperlessChangeStamp.RowId);
        if (entry is null || entry.State == EntityState.Detached)
        {
            var row = new PaperlessChangeStamp { Id = PaperlessChangeStamp.RowId, Stamp = Guid.NewGuid() };
            Attach(row).Property(x => x.Stamp).IsModified = true;
            return;
        }
        entry.Entity.Stamp = Guid.NewGuid();
        if (entry.State != EntityState.Added) entry.Property(x => x.Stamp).IsModified = true;
    }

    /// <inheritdoc />
    protected override void ConfigureModel(ModelBuilder b)
    {
        b.Entity<MeetingBody>(e =>
        {
            e.ToTable("Bodies");
            e.HasIndex(x => x.Code).IsUnique();
            e.HasIndex(x => x.OrganizingDepartment);
            e.Property(x => x.Code).IsRequired();
            e.Property(x => x.Name).IsRequired();
            e.Property(x => x.OrganizingDepartment).IsRequired();
            e.Property(x => x.Category).HasConversion<string>().IsRequired();
            e.HasMany(x => x.Baselines).WithOne().HasForeignKey(x => x.BodyId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<PaperBaseline>(e =>
        {
            e.ToTable("Baselines");
            e.HasIndex(x => new { x.BodyId, x.ValidFrom }).IsUnique();
            e.Property(x => x.SheetsPerAttendee).HasPrecision(18, 4);
        });
        b.Entity<MeetingSession>(e =>
        {
            e.ToTable("Sessions");
            e.HasIndex(x => new { x.BodyId, x.HeldOn, x.Sequence }).IsUnique();
            e.HasIndex(x => x.HeldOn);
            e.Property(x => x.Format).HasConversion<string>().IsRequired();
            e.Property(x => x.Materials).HasConversion<string>().IsRequired();
            e.Property(x => x.RecordedBy).IsRequired();
            e.HasOne<MeetingBody>().WithMany().HasForeignKey(x => x.BodyId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<SessionMapping>(e =>
        {
            e.ToTable("SessionMappings");
            e.HasIndex(x => x.Name).IsUnique();
            e.Property(x => x.Name).IsRequired();
            e.Property(x => x.ColumnsJson).IsRequired();
        });
        // Issue #12: migration 202612030401_Paperless_ChangeStamp creates the table with its only row.
        b.Entity<PaperlessChangeStamp>(e =>
        {
            e.ToTable("ChangeStamps");
            e.Property(x => x.Id).ValueGeneratedNever();
        });
        b.Entity<OfficePaperUse>(e =>
        {
            e.ToTable("OfficePaperUse");
            e.HasIndex(x => x.FiscalYear).IsUnique();
            e.Property(x => x.RecordedBy).IsRequired();
        });
    }
}
