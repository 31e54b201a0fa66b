using Intranet.Shared.Persistence;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Intranet.Modules.PlanKpi.Data.Migrations;

/// <summary>The yearly evaluation round (issue #10): stage definitions per plan, rounds, stages, sheets, reviews, history, reminders.</summary>
[DbContext(typeof(PlanKpiDbContext))]
[Migration("202612010301_PlanKpi_Evaluation")]
public sealed class Evaluation : ModuleMigration
{
    /// <inheritdoc />
    protected override string ModuleSchema => PlanKpiDbContext.SchemaName;

    /// <inheritdoc />
    protected override void Up(MigrationBuilder m)
    {
        m.CreateTable(name: Table("EvaluationStageDefinitions"), schema: Schema, columns: t => new
        {
            Id = t.Column<Guid>(nullable: false),
            PlanId = t.Column<Guid>(nullable: false),
            Order = t.Column<int>(nullable: false),
            Name = t.Column<string>(nullable: false),
            Evaluator = t.Column<string>(nullable: false),
            Role = t.Column<string>(nullable: true),
            BodyName = t.Column<string>(nullable: true),
            Visibility = t.Column<string>(nullable: false),
            RecordsGrade = t.Column<bool>(nullable: false),
            DeadlineMonth = t.Column<int>(nullable: false),
            DeadlineDay = t.Column<int>(nullable: false),
        }, constraints: t =>
        {
            t.PrimaryKey($"PK_{Table("EvaluationStageDefinitions")}", x => x.Id);
            ForeignKey(t, "EvaluationStageDefinitions", "PlanId", "Plans", x => x.PlanId);
        });
        Index(m, "EvaluationStageDefinitions", ["PlanId", "Order"], unique: true);

        m.CreateTable(name: Table("EvaluationRounds"), schema: Schema, columns: t => new
        {
            Id = t.Column<Guid>(nullable: false),
            PlanId = t.Column<Guid>(nullable: false),
            FiscalYear = t.Column<int>(nullable: false),
            CurrentStage = t.Column<int>(nullable: false),
            OpenedAt = t.Column<DateTimeOffset>(nullable: false),
            OpenedBy = t.Column<string>(nullable: false),
            ClosedAt = t.Column<DateTimeOffset>(nullable: true),
            Version = t.Column<Guid>(nullable: false),
        }, constraints: t =>
        {
            t.PrimaryKey($"PK_{Table("EvaluationRounds")}", x => x.Id);
            ForeignKey(t, "EvaluationRounds", "PlanId", "Plans", x => x.PlanId);
        });
        Index(m, "EvaluationRounds", ["PlanId", "FiscalYear"], unique: true);

        m.CreateTable(name: Table("EvaluationStages"), schema: Schema, columns: t => new
        {
            Id = t.Column<Guid>(nullable: false),
            RoundId = t.Column<Guid>(nullable: false),
            Order = t.Column<int>(nullable: false),
            Name = t.Column<string>(nullable: false),
            Evaluator = t.Column<string>(nullable: false),
            Role = t.Column<string>(nullable: true),
            BodyName = t.Column<string>(nullable: true),
            Visibility = t.Column<string>(nullable: false),
            RecordsGrade = t.Column<bool>(nullable: false),
            Deadline = t.Column<DateOnly>(nullable: true),
            Reviewers = t.Column<string>(nullable: true),
            ClosedAt = t.Column<DateTimeOffset>(nullable: true),
            ClosedBy = t.Column<string>(nullable: true),
        }, constraints: t =>
        {
            t.PrimaryKey($"PK_{Table("EvaluationStages")}", x => x.Id);
            ForeignKey(t, "EvaluationStages", "RoundId", "EvaluationRounds", x => x.RoundId);
        });
        Index(m, "EvaluationStages", ["RoundId", "Order"], unique: true);

        m.CreateTable(name: Table("EvaluationSheets"), schema: Schema, columns: t => new
        {
            Id = t.Column<Guid>(nullable: false),
            RoundId = t.Column<Guid>(nullable: false),
            ProjectId = t.Column<Guid>(nullable: false),
            ProjectCode = t.Column<string>(nullable: false),
            ProjectName = t.Column<string>(nullable: false),
            MeasureCode = t.Column<string>(nullable: false),
            LeadDepartments = t.Column<string>(nullable: false),
            SortOrder = t.Column<int>(nullable: false),
            Status = t.Column<string>(nullable: false),
            Achievements = t.Column<string>(nullable: true),
            Grade = t.Column<string>(nullable: true),
            Issues = t.Column<string>(nullable: true),
            NextYear = t.Column<string>(nullable: true),
            CostThousandYen = t.Column<decimal>(nullable: true, precision: 18, scale: 4),
            StaffEffort = t.Column<decimal>(nullable: true, precision: 18, scale: 4),
            SubmittedAt = t.Column<DateTimeOffset>(nullable: true),
            SubmittedBy = t.Column<string>(nullable: true),
            ReturnComment = t.Column<string>(nullable: true),
            ReturnCount = t.Column<int>(nullable: false),
            Version = t.Column<Guid>(nullable: false),
        }, constraints: t =>
        {
            t.PrimaryKey($"PK_{Table("EvaluationSheets")}", x => x.Id);
            ForeignKey(t, "EvaluationSheets", "RoundId", "EvaluationRounds", x => x.RoundId);
            ForeignKey(t, "EvaluationSheets", "ProjectId", "Projects", x => x.ProjectId);
        });
        Index(m, "EvaluationSheets", ["RoundId", "ProjectId"], unique: true);
        Index(m, "EvaluationSheets", ["ProjectId"]);

        m.CreateTable(name: Table("EvaluationReviews"), schema: Schema, columns: t => new
        {
            Id = t.Column<Guid>(nullable: false),
            SheetId = t.Column<Guid>(nullable: false),
            StageOrder = t.Column<int>(nullable: false),
            Grade = t.Column<string>(nullable: true),
            Comment = t.Column<string>(nullable: true),
            Decision = t.Column<string>(nullable: true),
            RecordedBy = t.Column<string>(nullable: false),
            RecordedAt = t.Column<DateTimeOffset>(nullable: false),
            Version = t.Column<Guid>(nullable: false),
        }, constraints: t =>
        {
            t.PrimaryKey($"PK_{Table("EvaluationReviews")}", x => x.Id);
            ForeignKey(t, "EvaluationReviews", "SheetId", "EvaluationSheets", x => x.SheetId);
        });
        Index(m, "EvaluationReviews", ["SheetId", "StageOrder"], unique: true);

        m.CreateTable(name: Table("EvaluationEvents"), schema: Schema, columns: t => new
        {
            Id = t.Column<Guid>(nullable: false),
            SheetId = t.Column<Guid>(nullable: false),
            Kind = t.Column<string>(nullable: false),
            StageOrder = t.Column<int>(nullable: false),
            User = t.Column<string>(nullable: false),
            At = t.Column<DateTimeOffset>(nullable: false),
            Text = t.Column<string>(nullable: true),
        }, constraints: t =>
        {
            t.PrimaryKey($"PK_{Table("EvaluationEvents")}", x => x.Id);
            ForeignKey(t, "EvaluationEvents", "SheetId", "EvaluationSheets", x => x.SheetId);
        });
        Index(m, "EvaluationEvents", ["SheetId"]);

        m.CreateTable(name: Table("EvaluationReminders"), schema: Schema, columns: t => new
        {
            Id = t.Column<Guid>(nullable: false),
            RoundId = t.Column<Guid>(nullable: false),
            StageOrder = t.Column<int>(nullable: false),
            Department = t.Column<string>(nullable: false),
            DaysFromDeadline = t.Column<int>(nullable: false),
            SentAt = t.Column<DateTimeOffset>(nullable: false),
            Message = t.Column<string>(nullable: false),
            Mailed = t.Column<int>(nullable: false),
        }, constraints: t =>
        {
            t.PrimaryKey($"PK_{Table("EvaluationReminders")}", x => x.Id);
            ForeignKey(t, "EvaluationReminders", "RoundId", "EvaluationRounds", x => x.RoundId);
        });
        Index(m, "EvaluationReminders", ["RoundId", "StageOrder", "Department", "DaysFromDeadline"], unique: true);
    }
}
