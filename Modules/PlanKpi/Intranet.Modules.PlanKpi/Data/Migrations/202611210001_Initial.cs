using Intranet.Shared.Persistence;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Intranet.Modules.PlanKpi.Data.Migrations;

/// <summary>Plan hierarchy, indicators, targets, actuals, fed metric values and the audit log.</summary>
[DbContext(typeof(PlanKpiDbContext))]
[Migration("202611210001_PlanKpi_Initial")]
public sealed class Initial : ModuleMigration
{
    /// <inheritdoc />
    protected override string ModuleSchema => PlanKpiDbContext.SchemaName;

    /// <inheritdoc />
    protected override void Up(MigrationBuilder m)
    {
        EnsureSchema(m);

        m.CreateTable(name: Table("Plans"), schema: Schema, columns: t => new
        {
            Id = t.Column<Guid>(nullable: false),
            Code = t.Column<string>(nullable: false),
            Title = t.Column<string>(nullable: false),
            Municipality = t.Column<string>(nullable: false),
            FirstFiscalYear = t.Column<int>(nullable: false),
            LastFiscalYear = t.Column<int>(nullable: false),
            Vision = t.Column<string>(nullable: true),
            PolicyLevelName = t.Column<string>(nullable: false),
            MeasureLevelName = t.Column<string>(nullable: false),
            ProjectLevelName = t.Column<string>(nullable: false),
            Source = t.Column<string>(nullable: true),
            ImportedAt = t.Column<DateTimeOffset>(nullable: false),
            SortOrder = t.Column<int>(nullable: false),
        }, constraints: t => t.PrimaryKey($"PK_{Table("Plans")}", x => x.Id));
        Index(m, "Plans", ["Code"], unique: true);

        m.CreateTable(name: Table("Policies"), schema: Schema, columns: t => new
        {
            Id = t.Column<Guid>(nullable: false),
            PlanId = t.Column<Guid>(nullable: false),
            Code = t.Column<string>(nullable: false),
            Title = t.Column<string>(nullable: false),
            SortOrder = t.Column<int>(nullable: false),
        }, constraints: t =>
        {
            t.PrimaryKey($"PK_{Table("Policies")}", x => x.Id);
            t.ForeignKey($"FK_{Table("Policies")}_{Table("Plans")}_PlanId", x => x.PlanId, Table("Plans"), "Id",
                principalSchema: Schema, onDelete: ReferentialAction.Cascade);
        });
        Index(m, "Policies", ["PlanId", "Code"], unique: true);

        m.CreateTable(name: Table("Measures"), schema: Schema, columns: t => new
        {
            Id = t.Column<Guid>(nullable: false),
            PlanId = t.Column<Guid>(nullable: false),
            PolicyId = t.Column<Guid>(nullable: false),
            Code = t.Column<string>(nullable: false),
            Title = t.Column<string>(nullable: false),
            SortOrder = t.Column<int>(nullable: false),
        }, constraints: t =>
        {
            t.PrimaryKey($"PK_{Table("Measures")}", x => x.Id);
            t.ForeignKey($"FK_{Table("Measures")}_{Table("Policies")}_PolicyId", x => x.PolicyId, Table("Policies"), "Id",
                principalSchema: Schema, onDelete: ReferentialAction.Cascade);
        });
        Index(m, "Measures", ["PlanId", "Code"], unique: true);
        Index(m, "Measures", ["PolicyId"]);

        m.CreateTable(name: Table("Projects"), schema: Schema, columns: t => new
        {
            Id = t.Column<Guid>(nullable: false),
            PlanId = t.Column<Guid>(nullable: false),
            Code = t.Column<string>(nullable: false),
            Name = t.Column<string>(nullable: false),
            Continuity = t.Column<string>(nullable: true),
            Summary = t.Column<string>(nullable: true),
            Aim = t.Column<string>(nullable: true),
            OfficialSummary = t.Column<string>(nullable: true),
            OfficialAim = t.Column<string>(nullable: true),
            SortOrder = t.Column<int>(nullable: false),
        }, constraints: t =>
        {
            t.PrimaryKey($"PK_{Table("Projects")}", x => x.Id);
            t.ForeignKey($"FK_{Table("Projects")}_{Table("Plans")}_PlanId", x => x.PlanId, Table("Plans"), "Id",
                principalSchema: Schema, onDelete: ReferentialAction.Cascade);
        });
        Index(m, "Projects", ["PlanId", "Code"], unique: true);

        m.CreateTable(name: Table("ProjectDepartments"), schema: Schema, columns: t => new
        {
            Id = t.Column<Guid>(nullable: false),
            ProjectId = t.Column<Guid>(nullable: false),
            Role = t.Column<string>(nullable: false),
            Department = t.Column<string>(nullable: false),
            SortOrder = t.Column<int>(nullable: false),
        }, constraints: t =>
        {
            t.PrimaryKey($"PK_{Table("ProjectDepartments")}", x => x.Id);
            t.ForeignKey($"FK_{Table("ProjectDepartments")}_{Table("Projects")}_ProjectId", x => x.ProjectId, Table("Projects"), "Id",
                principalSchema: Schema, onDelete: ReferentialAction.Cascade);
        });
        Index(m, "ProjectDepartments", ["Department"]);
        Index(m, "ProjectDepartments", ["ProjectId"]);

        m.CreateTable(name: Table("AnnualActivities"), schema: Schema, columns: t => new
        {
            Id = t.Column<Guid>(nullable: false),
            ProjectId = t.Column<Guid>(nullable: false),
            Name = t.Column<string>(nullable: false),
            FiscalYears = t.Column<string>(nullable: false),
            SortOrder = t.Column<int>(nullable: false),
        }, constraints: t =>
        {
            t.PrimaryKey($"PK_{Table("AnnualActivities")}", x => x.Id);
            t.ForeignKey($"FK_{Table("AnnualActivities")}_{Table("Projects")}_ProjectId", x => x.ProjectId, Table("Projects"), "Id",
                principalSchema: Schema, onDelete: ReferentialAction.Cascade);
        });
        Index(m, "AnnualActivities", ["ProjectId"]);

        m.CreateTable(name: Table("Placements"), schema: Schema, columns: t => new
        {
            Id = t.Column<Guid>(nullable: false),
            MeasureId = t.Column<Guid>(nullable: false),
            ProjectId = t.Column<Guid>(nullable: false),
            Code = t.Column<string>(nullable: false),
            IsCrossListing = t.Column<bool>(nullable: false),
            SortOrder = t.Column<int>(nullable: false),
        }, constraints: t =>
        {
            t.PrimaryKey($"PK_{Table("Placements")}", x => x.Id);
            t.ForeignKey($"FK_{Table("Placements")}_{Table("Measures")}_MeasureId", x => x.MeasureId, Table("Measures"), "Id",
                principalSchema: Schema, onDelete: ReferentialAction.Cascade);
            t.ForeignKey($"FK_{Table("Placements")}_{Table("Projects")}_ProjectId", x => x.ProjectId, Table("Projects"), "Id",
                principalSchema: Schema, onDelete: ReferentialAction.Cascade);
        });
        Index(m, "Placements", ["MeasureId", "Code"], unique: true);
        Index(m, "Placements", ["ProjectId"]);

        m.CreateTable(name: Table("Indicators"), schema: Schema, columns: t => new
        {
            Id = t.Column<Guid>(nullable: false),
            PlanId = t.Column<Guid>(nullable: false),
            ProjectId = t.Column<Guid>(nullable: true),
            MeasureId = t.Column<Guid>(nullable: true),
            Code = t.Column<string>(nullable: false),
            Name = t.Column<string>(nullable: false),
            Unit = t.Column<string>(nullable: false),
            Direction = t.Column<string>(nullable: false),
            Comparator = t.Column<string>(nullable: false),
            Cumulative = t.Column<bool>(nullable: false),
            Rationale = t.Column<string>(nullable: true),
            OfficialRationale = t.Column<string>(nullable: true),
            ReadingNote = t.Column<string>(nullable: true),
            MetricKey = t.Column<string>(nullable: true),
            SortOrder = t.Column<int>(nullable: false),
        }, constraints: t =>
        {
            t.PrimaryKey($"PK_{Table("Indicators")}", x => x.Id);
            t.ForeignKey($"FK_{Table("Indicators")}_{Table("Plans")}_PlanId", x => x.PlanId, Table("Plans"), "Id",
                principalSchema: Schema, onDelete: ReferentialAction.Cascade);
            t.ForeignKey($"FK_{Table("Indicators")}_{Table("Projects")}_ProjectId", x => x.ProjectId, Table("Projects"), "Id",
                principalSchema: Schema, onDelete: ReferentialAction.Cascade);
            t.ForeignKey($"FK_{Table("Indicators")}_{Table("Measures")}_MeasureId", x => x.MeasureId, Table("Measures"), "Id",
                principalSchema: Schema, onDelete: ReferentialAction.Cascade);
        });
        Index(m, "Indicators", ["PlanId", "Code"], unique: true);
        Index(m, "Indicators", ["ProjectId"]);
        Index(m, "Indicators", ["MeasureId"]);
        Index(m, "Indicators", ["MetricKey"]);

        m.CreateTable(name: Table("Targets"), schema: Schema, columns: t => new
        {
            Id = t.Column<Guid>(nullable: false),
            IndicatorId = t.Column<Guid>(nullable: false),
            FiscalYear = t.Column<int>(nullable: false),
            Value = t.Column<decimal>(nullable: true, precision: 18, scale: 4),
            Text = t.Column<string>(nullable: true),
        }, constraints: t =>
        {
            t.PrimaryKey($"PK_{Table("Targets")}", x => x.Id);
            t.ForeignKey($"FK_{Table("Targets")}_{Table("Indicators")}_IndicatorId", x => x.IndicatorId, Table("Indicators"), "Id",
                principalSchema: Schema, onDelete: ReferentialAction.Cascade);
        });
        Index(m, "Targets", ["IndicatorId", "FiscalYear"], unique: true);

        m.CreateTable(name: Table("Actuals"), schema: Schema, columns: t => new
        {
            Id = t.Column<Guid>(nullable: false),
            IndicatorId = t.Column<Guid>(nullable: false),
            FiscalYear = t.Column<int>(nullable: false),
            Value = t.Column<decimal>(nullable: false, precision: 18, scale: 4),
            Note = t.Column<string>(nullable: true),
            EnteredBy = t.Column<string>(nullable: false),
            EnteredAt = t.Column<DateTimeOffset>(nullable: false),
            Version = t.Column<Guid>(nullable: false),
        }, constraints: t =>
        {
            t.PrimaryKey($"PK_{Table("Actuals")}", x => x.Id);
            t.ForeignKey($"FK_{Table("Actuals")}_{Table("Indicators")}_IndicatorId", x => x.IndicatorId, Table("Indicators"), "Id",
                principalSchema: Schema, onDelete: ReferentialAction.Cascade);
        });
        Index(m, "Actuals", ["IndicatorId", "FiscalYear"], unique: true);

        m.CreateTable(name: Table("MetricValues"), schema: Schema, columns: t => new
        {
            Id = t.Column<Guid>(nullable: false),
            Key = t.Column<string>(nullable: false),
            FiscalYear = t.Column<int>(nullable: false),
            Value = t.Column<decimal>(nullable: false, precision: 18, scale: 4),
            Unit = t.Column<string>(nullable: false),
            SourceModule = t.Column<string>(nullable: false),
            MeasuredAt = t.Column<DateTimeOffset>(nullable: false),
        }, constraints: t => t.PrimaryKey($"PK_{Table("MetricValues")}", x => x.Id));
        Index(m, "MetricValues", ["Key", "FiscalYear"], unique: true);

        CreateAuditTable(m);
    }
}
