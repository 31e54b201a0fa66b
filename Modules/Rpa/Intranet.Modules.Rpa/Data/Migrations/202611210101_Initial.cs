using Intranet.Shared.Persistence;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Intranet.Modules.Rpa.Data.Migrations;

/// <summary>Automation cases, their lifecycle and assessments, runs, column mappings, settings, import jobs, audit log.</summary>
[DbContext(typeof(RpaDbContext))]
[Migration("202611210101_Rpa_Initial")]
public sealed class Initial : ModuleMigration
{
    /// <inheritdoc />
    protected override string ModuleSchema => RpaDbContext.SchemaName;

    /// <inheritdoc />
    protected override void Up(MigrationBuilder m)
    {
        EnsureSchema(m);
        m.CreateTable(name: Table("Cases"), schema: Schema, columns: t => new
        {
            Id = t.Column<Guid>(nullable: false),
            Code = t.Column<string>(nullable: false),
            Title = t.Column<string>(nullable: false),
            BusinessProcess = t.Column<string>(nullable: false),
            OwningDepartment = t.Column<string>(nullable: false),
            Tool = t.Column<string>(nullable: false),
            RobotName = t.Column<string>(nullable: true),
            ContactPerson = t.Column<string>(nullable: true),
            PlanCode = t.Column<string>(nullable: true),
            ProjectCode = t.Column<string>(nullable: true),
            Status = t.Column<string>(nullable: false),
            ProductionSince = t.Column<DateOnly>(nullable: true),
            CreatedAt = t.Column<DateTimeOffset>(nullable: false),
            CreatedBy = t.Column<string>(nullable: false),
            Version = t.Column<Guid>(nullable: false),
        }, constraints: t => t.PrimaryKey($"PK_{Table("Cases")}", x => x.Id));
        Index(m, "Cases", ["Code"], unique: true);
        Index(m, "Cases", ["OwningDepartment"]);
        Index(m, "Cases", ["RobotName"]);

        m.CreateTable(name: Table("StatusTransitions"), schema: Schema, columns: t => new
        {
            Id = t.Column<Guid>(nullable: false),
            CaseId = t.Column<Guid>(nullable: false),
            From = t.Column<string>(nullable: true),
            To = t.Column<string>(nullable: false),
            On = t.Column<DateOnly>(nullable: false),
            By = t.Column<string>(nullable: false),
            Reason = t.Column<string>(nullable: true),
            RecordedAt = t.Column<DateTimeOffset>(nullable: false),
        }, constraints: t =>
        {
            t.PrimaryKey($"PK_{Table("StatusTransitions")}", x => x.Id);
            t.ForeignKey($"FK_{Table("StatusTransitions")}_{Table("Cases")}_CaseId", x => x.CaseId, Table("Cases"), "Id",
                principalSchema: Schema, onDelete: ReferentialAction.Cascade);
        });
        Index(m, "StatusTransitions", ["CaseId"]);

        m.CreateTable(name: Table("Assessments"), schema: Schema, columns: t => new
        {
            Id = t.Column<Guid>(nullable: false),
            CaseId = t.Column<Guid>(nullable: false),
            ValidFrom = t.Column<DateOnly>(nullable: false),
            ExecutionsPerYear = t.Column<int>(nullable: false),
            ItemsPerExecution = t.Column<decimal>(nullable: false, precision: 18, scale: 4),
            ManualMinutesPerItem = t.Column<decimal>(nullable: false, precision: 18, scale: 4),
            RobotAttendedMinutesPerItem = t.Column<decimal>(nullable: false, precision: 18, scale: 4),
            By = t.Column<string>(nullable: false),
            RecordedAt = t.Column<DateTimeOffset>(nullable: false),
        }, constraints: t =>
        {
            t.PrimaryKey($"PK_{Table("Assessments")}", x => x.Id);
            t.ForeignKey($"FK_{Table("Assessments")}_{Table("Cases")}_CaseId", x => x.CaseId, Table("Cases"), "Id",
                principalSchema: Schema, onDelete: ReferentialAction.Cascade);
        });
        Index(m, "Assessments", ["CaseId", "ValidFrom"], unique: true);

        m.CreateTable(name: Table("Runs"), schema: Schema, columns: t => new
        {
            Id = t.Column<Guid>(nullable: false),
            CaseId = t.Column<Guid>(nullable: false),
            RunKey = t.Column<string>(nullable: false),
            RunDate = t.Column<DateOnly>(nullable: false),
            StartedAt = t.Column<DateTimeOffset>(nullable: true),
            EndedAt = t.Column<DateTimeOffset>(nullable: true),
            Outcome = t.Column<string>(nullable: false),
            ItemsProcessed = t.Column<int>(nullable: false),
            Executions = t.Column<int>(nullable: false),
            Source = t.Column<string>(nullable: false),
            RecordedAt = t.Column<DateTimeOffset>(nullable: false),
        }, constraints: t =>
        {
            t.PrimaryKey($"PK_{Table("Runs")}", x => x.Id);
            t.ForeignKey($"FK_{Table("Runs")}_{Table("Cases")}_CaseId", x => x.CaseId, Table("Cases"), "Id",
                principalSchema: Schema, onDelete: ReferentialAction.Cascade);
        });
        Index(m, "Runs", ["CaseId", "RunKey"], unique: true);
        Index(m, "Runs", ["RunDate"]);

        m.CreateTable(name: Table("ColumnMappings"), schema: Schema, columns: t => new
        {
            Id = t.Column<Guid>(nullable: false),
            Name = t.Column<string>(nullable: false),
            CaseColumn = t.Column<string>(nullable: false),
            RunIdColumn = t.Column<string>(nullable: true),
            StartedAtColumn = t.Column<string>(nullable: false),
            EndedAtColumn = t.Column<string>(nullable: true),
            OutcomeColumn = t.Column<string>(nullable: false),
            ItemsColumn = t.Column<string>(nullable: false),
            SuccessValues = t.Column<string>(nullable: false),
            UpdatedBy = t.Column<string>(nullable: false),
            UpdatedAt = t.Column<DateTimeOffset>(nullable: false),
        }, constraints: t => t.PrimaryKey($"PK_{Table("ColumnMappings")}", x => x.Id));
        Index(m, "ColumnMappings", ["Name"], unique: true);

        m.CreateTable(name: Table("Settings"), schema: Schema, columns: t => new
        {
            Key = t.Column<string>(nullable: false),
            Value = t.Column<string>(nullable: false),
            UpdatedBy = t.Column<string>(nullable: false),
            UpdatedAt = t.Column<DateTimeOffset>(nullable: false),
        }, constraints: t => t.PrimaryKey($"PK_{Table("Settings")}", x => x.Key));

        m.CreateTable(name: Table("ImportJobs"), schema: Schema, columns: t => new
        {
            Id = t.Column<Guid>(nullable: false),
            Kind = t.Column<string>(nullable: false),
            FileName = t.Column<string>(nullable: false),
            MappingName = t.Column<string>(nullable: true),
            State = t.Column<string>(nullable: false),
            TotalRows = t.Column<int>(nullable: false),
            ProcessedRows = t.Column<int>(nullable: false),
            Errors = t.Column<string>(nullable: true),
            Summary = t.Column<string>(nullable: true),
            CreatedBy = t.Column<string>(nullable: false),
            CreatedAt = t.Column<DateTimeOffset>(nullable: false),
            FinishedAt = t.Column<DateTimeOffset>(nullable: true),
        }, constraints: t => t.PrimaryKey($"PK_{Table("ImportJobs")}", x => x.Id));

        CreateAuditTable(m);
    }
}
