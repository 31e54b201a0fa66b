using Intranet.Modules.PlanKpi.Domain;
using Intranet.Shared.Persistence;
using Intranet.Shared.Security;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.PlanKpi.Data;

/// <summary>
/// The plan-KPI module's data: schema <c>plankpi</c> on PostgreSQL, tables prefixed <c>plankpi_</c> on
/// SQLite. Migrations in <c>Data/Migrations</c> are hand-written; the schema-drift test checks them against this model.
/// </summary>
public sealed class PlanKpiDbContext(DbContextOptions<PlanKpiDbContext> options, ICurrentUser currentUser, TimeProvider clock)
    : ModuleDbContext(options, currentUser, clock)
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
        // Issue #10 (Sagamihara): 成果指標 / 施策目標値 / 行動目標, stored by name; migration 202612010101 adds the column with default 'Outcome'.
        b.Entity<Indicator>(e => e.Property(x => x.Kind).HasConversion<string>().IsRequired());
    }
}
