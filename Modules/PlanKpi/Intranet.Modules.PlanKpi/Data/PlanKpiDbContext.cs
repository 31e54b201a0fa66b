using Intranet.Modules.PlanKpi.Domain;
using Intranet.Modules.PlanKpi.Domain.Evaluation;
using Intranet.Shared.Persistence;
using Intranet.Shared.Security;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.PlanKpi.Data;

/// <summary>
/// The plan-KPI module's data: schema <c>plankpi</c> on PostgreSQL, tables prefixed <c>plankpi_</c> on
/// SQLite. Migrations in <c>Data/Migrations</c> are hand-written; the schema-drift test checks them against this model.
/// </summary>
public sealed class PlanKpiDbContext(DbContextOptions<PlanKpiDbContext> options, ICurrentUser currentUser, TimeProvider clock)
    : ChangeStampedDbContext(options, currentUser, clock)
{
    /// <summary>Schema / table prefix of this module.</summary>
    public const string SchemaName = "plankpi";

    /// <inheritdoc />
    public override string Schema => SchemaName;

    public DbSet<Plan> Plans => Set<Plan>();
    public DbSet<Policy> Policies => Set<Policy>();
    public DbSet<Measure> Measures => Set<Measure>();
    public DbSet<Project> Projects => Set<Project>();
    public DbSet<ProjectDepartment> ProjectDepartments => Set<ProjectDepartment>();
    public DbSet<AnnualActivity> AnnualActivities => Set<AnnualActivity>();
    public DbSet<Placement> Placements => Set<Placement>();
    public DbSet<Indicator> Indicators => Set<Indicator>();
    public DbSet<Target> Targets => Set<Target>();
    public DbSet<Actual> Actuals => Set<Actual>();
    public DbSet<FedMetricValue> MetricValues => Set<FedMetricValue>();
    public DbSet<EvaluationStageDefinition> EvaluationStageDefinitions => Set<EvaluationStageDefinition>();
    public DbSet<EvaluationRound> EvaluationRounds => Set<EvaluationRound>();
    public DbSet<EvaluationStage> EvaluationStages => Set<EvaluationStage>();
    public DbSet<EvaluationSheet> EvaluationSheets => Set<EvaluationSheet>();
    public DbSet<EvaluationReview> EvaluationReviews => Set<EvaluationReview>();
    public DbSet<EvaluationEvent> EvaluationEvents => Set<EvaluationEvent>();
    public DbSet<EvaluationReminder> EvaluationReminders => Set<EvaluationReminder>();
    /// <summary>Plan revisions (版) with their changes (issue #10).</summary>
    public DbSet<PlanRevision> PlanRevisions => Set<PlanRevision>();
    public DbSet<PlanRevisionChange> PlanRevisionChanges => Set<PlanRevisionChange>();
    /// <summary>
    /// Plans with their whole graph: policies, measures, placements, projects with departments and
    /// activities, indicators with targets and actuals (split queries, one per collection).
    /// </summary>
    public IQueryable<Plan> WholePlans() => Plans
        .Include(p => p.Policies).ThenInclude(p => p.Measures).ThenInclude(m => m.Placements)
        .Include(p => p.Projects).ThenInclude(p => p.Departments)
        .Include(p => p.Projects).ThenInclude(p => p.AnnualActivities)
        .Include(p => p.Indicators).ThenInclude(i => i.Targets)
        .Include(p => p.Indicators).ThenInclude(i => i.Actuals)
        .AsSplitQuery();

    /// <summary>Evaluation rounds with their stages and sheets, each sheet with its reviews (split queries).</summary>
    public IQueryable<EvaluationRound> EvaluationRoundsWithSheets() => EvaluationRounds
        .Include(r => r.Stages).Include(r => r.Sheets).ThenInclude(s => s.Reviews).AsSplitQuery();

    /// <inheritdoc />
    protected override void ConfigureModel(ModelBuilder b)
    {
        b.Entity<Plan>(e =>
        {
            e.ToTable("Plans");
            e.HasIndex(x => x.Code).IsUnique();
            e.Property(x => x.Code).IsRequired();
            e.Property(x => x.Title).IsRequired();
            e.Property(x => x.Municipality).IsRequired();
            e.Property(x => x.PolicyLevelName).IsRequired();
            e.Property(x => x.MeasureLevelName).IsRequired();
            e.Property(x => x.ProjectLevelName).IsRequired();
            e.HasMany(x => x.Policies).WithOne().HasForeignKey(x => x.PlanId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(x => x.Projects).WithOne().HasForeignKey(x => x.PlanId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(x => x.Indicators).WithOne().HasForeignKey(x => x.PlanId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<Policy>(e =>
        {
            e.ToTable("Policies");
            e.HasIndex(x => new { x.PlanId, x.Code }).IsUnique();
            e.Property(x => x.Code).IsRequired();
            e.Property(x => x.Title).IsRequired();
            e.HasMany(x => x.Measures).WithOne().HasForeignKey(x => x.PolicyId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<Measure>(e =>
        {
            e.ToTable("Measures");
            e.HasIndex(x => new { x.PlanId, x.Code }).IsUnique();
            e.Property(x => x.Code).IsRequired();
            e.Property(x => x.Title).IsRequired();
            e.HasMany(x => x.Placements).WithOne().HasForeignKey(x => x.MeasureId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<Project>(e =>
        {
            e.ToTable("Projects");
            e.HasIndex(x => new { x.PlanId, x.Code }).IsUnique();
            e.Property(x => x.Code).IsRequired();
            e.Property(x => x.Name).IsRequired();
            e.Property(x => x.Continuity).HasConversion<string>();
            e.HasMany(x => x.Departments).WithOne().HasForeignKey(x => x.ProjectId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(x => x.AnnualActivities).WithOne().HasForeignKey(x => x.ProjectId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(x => x.Placements).WithOne(x => x.Project).HasForeignKey(x => x.ProjectId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<ProjectDepartment>(e =>
        {
            e.ToTable("ProjectDepartments");
            e.Property(x => x.Role).HasConversion<string>().IsRequired();
            e.Property(x => x.Department).IsRequired();
            e.HasIndex(x => x.Department);
            e.HasIndex(x => x.ProjectId);
        });
        b.Entity<AnnualActivity>(e =>
        {
            e.ToTable("AnnualActivities");
            e.Property(x => x.Name).IsRequired();
            e.Property(x => x.FiscalYears).IsRequired();
            e.Ignore(x => x.Years);
            e.HasIndex(x => x.ProjectId);
        });
        b.Entity<Placement>(e =>
        {
            e.ToTable("Placements");
            e.Property(x => x.Code).IsRequired();
            e.HasIndex(x => new { x.MeasureId, x.Code }).IsUnique();
            e.HasIndex(x => x.ProjectId);
        });
        b.Entity<Indicator>(e =>
        {
            e.ToTable("Indicators");
            e.HasIndex(x => new { x.PlanId, x.Code }).IsUnique();
            e.HasIndex(x => x.ProjectId);
            e.HasIndex(x => x.MeasureId);
            e.HasIndex(x => x.MetricKey);
            e.Property(x => x.Code).IsRequired();
            e.Property(x => x.Name).IsRequired();
            e.Property(x => x.Unit).IsRequired();
            e.Property(x => x.Direction).HasConversion<string>().IsRequired();
            e.Property(x => x.Comparator).HasConversion<string>().IsRequired();
            e.HasOne<Project>().WithMany().HasForeignKey(x => x.ProjectId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Measure>().WithMany().HasForeignKey(x => x.MeasureId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(x => x.Targets).WithOne().HasForeignKey(x => x.IndicatorId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(x => x.Actuals).WithOne().HasForeignKey(x => x.IndicatorId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<Target>(e =>
        {
            e.ToTable("Targets");
            e.HasIndex(x => new { x.IndicatorId, x.FiscalYear }).IsUnique();
            e.Property(x => x.Value).HasPrecision(18, 4);
        });
        b.Entity<Actual>(e =>
        {
            e.ToTable("Actuals");
            e.HasIndex(x => new { x.IndicatorId, x.FiscalYear }).IsUnique();
            e.Property(x => x.Value).HasPrecision(18, 4);
            e.Property(x => x.EnteredBy).IsRequired();
        });
        b.Entity<FedMetricValue>(e =>
        {
            e.ToTable("MetricValues");
            e.HasIndex(x => new { x.Key, x.FiscalYear }).IsUnique();
            e.Property(x => x.Key).IsRequired();
            e.Property(x => x.Unit).IsRequired();
            e.Property(x => x.SourceModule).IsRequired();
            e.Property(x => x.Value).HasPrecision(18, 4);
        });
        ConfigureEvaluation(b);
        // Plan revisions (issue #10): migration 202612010201_PlanKpi_PlanRevisions.
        b.Entity<PlanRevision>(e =>
        {
            e.ToTable("PlanRevisions");
            e.HasIndex(x => new { x.PlanId, x.Number }).IsUnique();
            e.Property(x => x.Kind).HasConversion<string>().IsRequired();
            e.Property(x => x.Title).IsRequired();
            e.Property(x => x.Reason).IsRequired();
            e.Property(x => x.RecordedBy).IsRequired();
            e.HasOne<Plan>().WithMany().HasForeignKey(x => x.PlanId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(x => x.Changes).WithOne().HasForeignKey(x => x.RevisionId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<PlanRevisionChange>(e =>
        {
            e.ToTable("PlanRevisionChanges");
            e.HasIndex(x => x.RevisionId);
            e.HasIndex(x => x.ProjectId);
            e.Property(x => x.Kind).HasConversion<string>().IsRequired();
            e.Property(x => x.ProjectCode).IsRequired();
            e.Property(x => x.Reason).IsRequired();
        });
        // Issue #10 (Sagamihara): 成果指標 / 施策目標値 / 行動目標, stored by name; migration 202612010101 adds the column with default 'Outcome'.
        b.Entity<Indicator>(e => e.Property(x => x.Kind).HasConversion<string>().IsRequired());
    }

    /// <summary>The yearly evaluation round (issue #10): stage definitions per plan, rounds, stages, sheets, reviews, history, reminders.</summary>
    private static void ConfigureEvaluation(ModelBuilder b)
    {
        b.Entity<EvaluationStageDefinition>(e =>
        {
            e.ToTable("EvaluationStageDefinitions");
            e.HasIndex(x => new { x.PlanId, x.Order }).IsUnique();
            e.Property(x => x.Name).IsRequired();
            e.Property(x => x.Evaluator).HasConversion<string>().IsRequired();
            e.Property(x => x.Visibility).HasConversion<string>().IsRequired();
            e.HasOne<Plan>().WithMany().HasForeignKey(x => x.PlanId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<EvaluationRound>(e =>
        {
            e.ToTable("EvaluationRounds");
            e.HasIndex(x => new { x.PlanId, x.FiscalYear }).IsUnique();
            e.Property(x => x.OpenedBy).IsRequired();
            e.Ignore(x => x.IsClosed);
            e.HasOne<Plan>().WithMany().HasForeignKey(x => x.PlanId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(x => x.Stages).WithOne().HasForeignKey(x => x.RoundId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(x => x.Sheets).WithOne().HasForeignKey(x => x.RoundId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<EvaluationStage>(e =>
        {
            e.ToTable("EvaluationStages");
            e.HasIndex(x => new { x.RoundId, x.Order }).IsUnique();
            e.Property(x => x.Name).IsRequired();
            e.Property(x => x.Evaluator).HasConversion<string>().IsRequired();
            e.Property(x => x.Visibility).HasConversion<string>().IsRequired();
            e.Ignore(x => x.ReviewerNames);
        });
        b.Entity<EvaluationSheet>(e =>
        {
            e.ToTable("EvaluationSheets");
            e.HasIndex(x => new { x.RoundId, x.ProjectId }).IsUnique();
            e.HasIndex(x => x.ProjectId);
            e.Property(x => x.ProjectCode).IsRequired();
            e.Property(x => x.ProjectName).IsRequired();
            e.Property(x => x.MeasureCode).IsRequired();
            e.Property(x => x.LeadDepartments).IsRequired();
            e.Property(x => x.Status).HasConversion<string>().IsRequired();
            e.Property(x => x.Grade).HasConversion<string>();
            e.Property(x => x.NextYear).HasConversion<string>();
            e.Property(x => x.CostThousandYen).HasPrecision(18, 4);
            e.Property(x => x.StaffEffort).HasPrecision(18, 4);
            e.Ignore(x => x.LeadDepartmentNames);
            e.HasOne<Project>().WithMany().HasForeignKey(x => x.ProjectId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(x => x.Reviews).WithOne().HasForeignKey(x => x.SheetId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(x => x.Events).WithOne().HasForeignKey(x => x.SheetId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<EvaluationReview>(e =>
        {
            e.ToTable("EvaluationReviews");
            e.HasIndex(x => new { x.SheetId, x.StageOrder }).IsUnique();
            e.Property(x => x.Grade).HasConversion<string>();
            e.Property(x => x.Decision).HasConversion<string>();
            e.Property(x => x.RecordedBy).IsRequired();
        });
        b.Entity<EvaluationEvent>(e =>
        {
            e.ToTable("EvaluationEvents");
            e.HasIndex(x => x.SheetId);
            e.Property(x => x.Kind).HasConversion<string>().IsRequired();
            e.Property(x => x.User).IsRequired();
        });
        b.Entity<EvaluationReminder>(e =>
        {
            e.ToTable("EvaluationReminders");
            e.HasIndex(x => new { x.RoundId, x.StageOrder, x.Department, x.DaysFromDeadline }).IsUnique();
            e.Property(x => x.Department).IsRequired();
            e.Property(x => x.Message).IsRequired();
            e.HasOne<EvaluationRound>().WithMany().HasForeignKey(x => x.RoundId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}