using Intranet.Modules.Rpa.Domain;
using Intranet.Shared.Persistence;
using Intranet.Shared.Security;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.Rpa.Data;

/// <summary>
/// The RPA registry's data: schema <c>rpa</c> (PostgreSQL) or table prefix <c>rpa_</c> (SQLite), with a change stamp
/// (migration <c>202612090101_Rpa_ChangeStamp</c>) that invalidates the figures cached by <see cref="UseCases.RpaReadCache"/>.
/// </summary>
public sealed class RpaDbContext(DbContextOptions<RpaDbContext> options, ICurrentUser currentUser, TimeProvider clock)
    : ChangeStampedDbContext(options, currentUser, clock)
{
    /// <summary>Schema / table prefix.</summary>
    public const string SchemaName = "rpa";

    /// <inheritdoc />
    public override string Schema => SchemaName;

    public DbSet<AutomationCase> Cases => Set<AutomationCase>();
    public DbSet<StatusTransition> Transitions => Set<StatusTransition>();
    public DbSet<CaseAssessment> Assessments => Set<CaseAssessment>();
    public DbSet<Run> Runs => Set<Run>();
    /// <summary>Maintained per case and fiscal year (<see cref="UseCases.RpaTallies"/>).</summary>
    public DbSet<RunYearTally> RunTallies => Set<RunYearTally>();
    /// <summary>Whether <see cref="RunTallies"/> were built (<see cref="UseCases.RpaTallies.EnsureBuiltAsync"/>).</summary>
    public DbSet<AggregateState> AggregateState => Set<AggregateState>();
    public DbSet<RunColumnMapping> Mappings => Set<RunColumnMapping>();
    public DbSet<RpaSetting> Settings => Set<RpaSetting>();
    public DbSet<ImportJob> ImportJobs => Set<ImportJob>();

    /// <inheritdoc />
    protected override void ConfigureModel(ModelBuilder b)
    {
        b.Entity<AutomationCase>(e =>
        {
            e.ToTable("Cases");
            e.HasIndex(x => x.Code).IsUnique();
            e.HasIndex(x => x.OwningDepartment);
            e.HasIndex(x => x.RobotName);
            e.Property(x => x.Code).IsRequired();
            e.Property(x => x.Title).IsRequired();
            e.Property(x => x.BusinessProcess).IsRequired();
            e.Property(x => x.OwningDepartment).IsRequired();
            e.Property(x => x.CreatedBy).IsRequired();
            e.Property(x => x.Tool).HasConversion<string>().IsRequired();
            e.Property(x => x.Status).HasConversion<string>().IsRequired();
            e.HasMany(x => x.Transitions).WithOne().HasForeignKey(x => x.CaseId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(x => x.Assessments).WithOne().HasForeignKey(x => x.CaseId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<StatusTransition>(e =>
        {
            e.ToTable("StatusTransitions");
            e.HasIndex(x => x.CaseId);
            e.Property(x => x.From).HasConversion<string>();
            e.Property(x => x.To).HasConversion<string>().IsRequired();
            e.Property(x => x.By).IsRequired();
        });
        b.Entity<CaseAssessment>(e =>
        {
            e.ToTable("Assessments");
            e.HasIndex(x => new { x.CaseId, x.ValidFrom }).IsUnique();
            e.Property(x => x.ItemsPerExecution).HasPrecision(18, 4);
            e.Property(x => x.ManualMinutesPerItem).HasPrecision(18, 4);
            e.Property(x => x.RobotAttendedMinutesPerItem).HasPrecision(18, 4);
            e.Property(x => x.By).IsRequired();
        });
        b.Entity<Run>(e =>
        {
            e.ToTable("Runs");
            e.HasKey(x => new { x.CaseId, x.RunKey });
            // A case's runs are a range of the key; the period's runs one of the date (RpaSavings, migration RunsKey).
            e.HasIndex(x => x.RunDate);
            e.Property(x => x.RunKey).IsRequired();
            e.Property(x => x.Source).IsRequired();
            e.Property(x => x.Outcome).HasConversion<string>().IsRequired();
            e.HasOne<AutomationCase>().WithMany().HasForeignKey(x => x.CaseId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<RunYearTally>(e =>
        {
            e.ToTable("RunTallies");
            e.HasKey(x => new { x.CaseId, x.FiscalYear });
            // Minutes up to 10^24 with the 4 decimals of the assessments' minutes per item (18,4).
            e.Property(x => x.MinutesSaved).HasPrecision(28, 4);
            e.HasOne<AutomationCase>().WithMany().HasForeignKey(x => x.CaseId).OnDelete(DeleteBehavior.Cascade);
        });
        Intranet.Shared.Persistence.AggregateState.Map(b);
        b.Entity<RunColumnMapping>(e =>
        {
            e.ToTable("ColumnMappings");
            e.HasIndex(x => x.Name).IsUnique();
            e.Property(x => x.Name).IsRequired();
            e.Property(x => x.CaseColumn).IsRequired();
            e.Property(x => x.StartedAtColumn).IsRequired();
            e.Property(x => x.OutcomeColumn).IsRequired();
            e.Property(x => x.ItemsColumn).IsRequired();
            e.Property(x => x.SuccessValues).IsRequired();
            e.Property(x => x.UpdatedBy).IsRequired();
        });
        b.Entity<RpaSetting>(e =>
        {
            e.ToTable("Settings");
            e.HasKey(x => x.Key);
            e.Property(x => x.Value).IsRequired();
            e.Property(x => x.UpdatedBy).IsRequired();
        });
        b.Entity<ImportJob>(e =>
        {
            e.ToTable("ImportJobs");
            e.Property(x => x.Kind).IsRequired();
            e.Property(x => x.FileName).IsRequired();
            e.Property(x => x.CreatedBy).IsRequired();
            e.Property(x => x.State).HasConversion<string>().IsRequired();
        });
    }
}
