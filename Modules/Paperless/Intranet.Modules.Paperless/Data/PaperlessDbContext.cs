using Intranet.Modules.Paperless.Domain;
using Intranet.Shared.Persistence;
using Intranet.Shared.Security;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.Paperless.Data;

/// <summary>Meeting bodies, baselines, sessions and office-wide paper use: schema <c>paperless</c> (PostgreSQL) or prefix <c>paperless_</c> (SQLite).</summary>
public sealed class PaperlessDbContext(DbContextOptions<PaperlessDbContext> options, ICurrentUser currentUser, TimeProvider clock)
    : ChangeStampedDbContext(options, currentUser, clock)
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
    /// <summary>Maintained per category and month (<see cref="UseCases.PaperlessTallies"/>).</summary>
    public DbSet<SessionMonthTally> CategoryMonths => Set<SessionMonthTally>();
    /// <summary>Whether <see cref="CategoryMonths"/> were built (<see cref="UseCases.PaperlessTallies.EnsureBuiltAsync"/>).</summary>
    public DbSet<AggregateState> AggregateState => Set<AggregateState>();
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
        b.Entity<OfficePaperUse>(e =>
        {
            e.ToTable("OfficePaperUse");
            e.HasIndex(x => x.FiscalYear).IsUnique();
            e.Property(x => x.RecordedBy).IsRequired();
        });
        b.Entity<SessionMonthTally>(e =>
        {
            e.ToTable("CategoryMonths");
            e.HasKey(x => new { x.Category, x.Year, x.Month });
            e.Property(x => x.Category).HasConversion<string>();
            // Sheets per attendee (18,4) × up to 1,000 attendees × every session of a month.
            e.Property(x => x.SheetsSaved).HasPrecision(28, 4);
        });
        Intranet.Shared.Persistence.AggregateState.Map(b);
    }
}
