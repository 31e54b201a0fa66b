using Intranet.Shared.Persistence;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Intranet.Modules.PlanKpi.Data.Migrations;

/// <summary>
/// Issue #10, plan revisions: <see cref="Domain.PlanRevision"/> (版 per plan, effective fiscal year) with its
/// <see cref="Domain.PlanRevisionChange"/>s, and the active years of a project (<c>Projects.FirstFiscalYear</c> /
/// <c>LastFiscalYear</c>, null = the plan's period). Hand-written like <see cref="Initial"/>; the schema-drift test checks it.
/// </summary>
[DbContext(typeof(PlanKpiDbContext))]
[Migration("202612010201_PlanKpi_PlanRevisions")]
public sealed class PlanRevisionsMigration : ModuleMigration
{
    /// <inheritdoc />
    protected override string ModuleSchema => PlanKpiDbContext.SchemaName;

    /// <inheritdoc />
    protected override void Up(MigrationBuilder m)
    {
        m.AddColumn<int>(name: "FirstFiscalYear", table: Table("Projects"), schema: Schema, nullable: true);
        m.AddColumn<int>(name: "LastFiscalYear", table: Table("Projects"), schema: Schema, nullable: true);

        m.CreateTable(name: Table("PlanRevisions"), schema: Schema, columns: t => new
        {
            Id = t.Column<Guid>(nullable: false),
            PlanId = t.Column<Guid>(nullable: false),
            Number = t.Column<int>(nullable: false),
            EffectiveFiscalYear = t.Column<int>(nullable: false),
            Kind = t.Column<string>(nullable: false),
            Title = t.Column<string>(nullable: false),
            Reason = t.Column<string>(nullable: false),
            RecordedBy = t.Column<string>(nullable: false),
            RecordedAt = t.Column<DateTimeOffset>(nullable: false),
        }, constraints: t =>
        {
            t.PrimaryKey($"PK_{Table("PlanRevisions")}", x => x.Id);
            ForeignKey(t, "PlanRevisions", "PlanId", "Plans", x => x.PlanId);
        });
        Index(m, "PlanRevisions", ["PlanId", "Number"], unique: true);

        m.CreateTable(name: Table("PlanRevisionChanges"), schema: Schema, columns: t => new
        {
            Id = t.Column<Guid>(nullable: false),
            RevisionId = t.Column<Guid>(nullable: false),
            Number = t.Column<int>(nullable: false),
            Kind = t.Column<string>(nullable: false),
            ProjectId = t.Column<Guid>(nullable: true),
            ProjectCode = t.Column<string>(nullable: false),
            IndicatorCode = t.Column<string>(nullable: true),
            FiscalYear = t.Column<int>(nullable: true),
            Before = t.Column<string>(nullable: true),
            After = t.Column<string>(nullable: true),
            Reason = t.Column<string>(nullable: false),
        }, constraints: t =>
        {
            t.PrimaryKey($"PK_{Table("PlanRevisionChanges")}", x => x.Id);
            ForeignKey(t, "PlanRevisionChanges", "RevisionId", "PlanRevisions", x => x.RevisionId);
        });
        Index(m, "PlanRevisionChanges", ["RevisionId"]);
        Index(m, "PlanRevisionChanges", ["ProjectId"]);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder m)
    {
        m.DropTable(Table("PlanRevisionChanges"), Schema);
        m.DropTable(Table("PlanRevisions"), Schema);
        m.DropColumn("FirstFiscalYear", Table("Projects"), Schema);
        m.DropColumn("LastFiscalYear", Table("Projects"), Schema);
    }
}
