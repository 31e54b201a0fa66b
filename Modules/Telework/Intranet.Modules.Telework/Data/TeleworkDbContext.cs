using Intranet.Modules.Telework.Domain;
using Intranet.Shared.Persistence;
using Intranet.Shared.Security;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.Telework.Data;

/// <summary>Roster, assignments, eligibility rules, telework days, settings: schema <c>telework</c> / prefix <c>telework_</c>.</summary>
public sealed class TeleworkDbContext(DbContextOptions<TeleworkDbContext> options, ICurrentUser currentUser, TimeProvider clock)
    : ChangeStampedDbContext(options, currentUser, clock)
{
    /// <summary>Schema / table prefix.</summary>
    public const string SchemaName = "telework";

    /// <inheritdoc />
    public override string Schema => SchemaName;

    public DbSet<StaffMember> Staff => Set<StaffMember>();
    public DbSet<StaffAssignment> Assignments => Set<StaffAssignment>();
    public DbSet<EligibilityRule> Rules => Set<EligibilityRule>();
    public DbSet<TeleworkDay> Days => Set<TeleworkDay>();
    public DbSet<TeleworkSetting> Settings => Set<TeleworkSetting>();
    public DbSet<DayMapping> Mappings => Set<DayMapping>();
    /// <summary>Maintained per person and month (issue #12).</summary>
    public DbSet<StaffMonth> StaffMonths => Set<StaffMonth>();
    /// <summary>Maintained eligible periods (issue #12).</summary>
    public DbSet<EligiblePeriod> EligiblePeriods => Set<EligiblePeriod>();
    /// <summary>Whether the maintained tables were built.</summary>
    public DbSet<AggregateState> AggregateState => Set<AggregateState>();

    /// <inheritdoc />
    protected override void ConfigureModel(ModelBuilder b)
    {
        b.Entity<StaffMember>(e =>
        {
            e.ToTable("Staff");
            e.HasIndex(x => x.EmployeeNumber).IsUnique();
            e.Property(x => x.EmployeeNumber).IsRequired();
            e.Property(x => x.Name).IsRequired();
            e.HasMany(x => x.Assignments).WithOne().HasForeignKey(x => x.StaffId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<StaffAssignment>(e =>
        {
            e.ToTable("Assignments");
            e.HasIndex(x => new { x.StaffId, x.From }).IsUnique();
            e.Property(x => x.Department).IsRequired();
            e.Property(x => x.Workplace).IsRequired();
            e.Property(x => x.WorkplaceType).IsRequired();
            e.Property(x => x.EmploymentCategory).IsRequired();
        });
        b.Entity<EligibilityRule>(e =>
        {
            e.ToTable("EligibilityRules");
            e.Property(x => x.Field).HasConversion<string>().IsRequired();
            e.Property(x => x.Value).IsRequired();
            e.Property(x => x.Reason).IsRequired();
        });
        b.Entity<TeleworkDay>(e =>
        {
            e.ToTable("Days");
            e.HasKey(x => new { x.StaffId, x.Date });
            e.HasIndex(x => x.Date);
            e.Property(x => x.Type).HasConversion<string>().IsRequired();
            e.Property(x => x.DayFraction).HasPrecision(6, 4);
            e.Property(x => x.RecordedBy).IsRequired();
            e.HasOne<StaffMember>().WithMany().HasForeignKey(x => x.StaffId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<DayMapping>(e =>
        {
            e.ToTable("DayMappings");
            e.HasIndex(x => x.Name).IsUnique();
            e.Property(x => x.Name).IsRequired();
            e.Property(x => x.ColumnsJson).IsRequired();
        });
        b.Entity<StaffMonth>(e =>
        {
            e.ToTable("StaffMonths");
            // Read from the headcount's side: per person a range of months on the key (no index on Month alone, so the
            // planner does not scan a whole year's months per person).
            e.HasKey(x => new { x.StaffId, x.Month });
            e.HasOne<StaffMember>().WithMany().HasForeignKey(x => x.StaffId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<EligiblePeriod>(e =>
        {
            e.ToTable("EligiblePeriods");
            e.HasKey(x => new { x.StaffId, x.From });
            e.Property(x => x.Department).IsRequired();
            e.HasOne<StaffMember>().WithMany().HasForeignKey(x => x.StaffId).OnDelete(DeleteBehavior.Cascade);
        });
        Intranet.Shared.Persistence.AggregateState.Map(b);
        b.Entity<TeleworkSetting>(e =>
        {
            e.ToTable("Settings");
            e.HasKey(x => x.Key);
            e.Property(x => x.Value).IsRequired();
        });
    }
}
