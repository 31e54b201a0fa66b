using Intranet.Shared.Persistence;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Intranet.Modules.Paperless.Data.Migrations;

/// <summary>Meeting bodies, paper baselines, sessions and the audit log.</summary>
[DbContext(typeof(PaperlessDbContext))]
[Migration("202611210201_Paperless_Initial")]
public sealed class Initial : ModuleMigration
{
    /// <inheritdoc />
    protected override string ModuleSchema => PaperlessDbContext.SchemaName;

    /// <inheritdoc />
    protected override void Up(MigrationBuilder m)
    {
        EnsureSchema(m);
        m.CreateTable(name: Table("Bodies"), schema: Schema, columns: t => new
        {
            Id = t.Column<Guid>(nullable: false),
            Code = t.Column<string>(nullable: false),
            Name = t.Column<string>(nullable: false),
            Category = t.Column<string>(nullable: false),
            OrganizingDepartment = t.Column<string>(nullable: false),
            UsualAttendees = t.Column<int>(nullable: false),
            Active = t.Column<bool>(nullable: false),
            Version = t.Column<Guid>(nullable: false),
        }, constraints: t => t.PrimaryKey($"PK_{Table("Bodies")}", x => x.Id));
        Index(m, "Bodies", ["Code"], unique: true);
        Index(m, "Bodies", ["OrganizingDepartment"]);

        m.CreateTable(name: Table("Baselines"), schema: Schema, columns: t => new
        {
            Id = t.Column<Guid>(nullable: false),
            BodyId = t.Column<Guid>(nullable: false),
            ValidFrom = t.Column<DateOnly>(nullable: false),
            SheetsPerAttendee = t.Column<decimal>(nullable: false, precision: 18, scale: 4),
        }, constraints: t =>
        {
            t.PrimaryKey($"PK_{Table("Baselines")}", x => x.Id);
            t.ForeignKey($"FK_{Table("Baselines")}_{Table("Bodies")}_BodyId", x => x.BodyId, Table("Bodies"), "Id",
                principalSchema: Schema, onDelete: ReferentialAction.Cascade);
        });
        Index(m, "Baselines", ["BodyId", "ValidFrom"], unique: true);

        m.CreateTable(name: Table("Sessions"), schema: Schema, columns: t => new
        {
            Id = t.Column<Guid>(nullable: false),
            BodyId = t.Column<Guid>(nullable: false),
            HeldOn = t.Column<DateOnly>(nullable: false),
            Sequence = t.Column<int>(nullable: false),
            Format = t.Column<string>(nullable: false),
            Materials = t.Column<string>(nullable: false),
            Attendees = t.Column<int>(nullable: false),
            SheetsPrinted = t.Column<int>(nullable: false),
            TabletsUsed = t.Column<bool>(nullable: false),
            Note = t.Column<string>(nullable: true),
            RecordedBy = t.Column<string>(nullable: false),
            RecordedAt = t.Column<DateTimeOffset>(nullable: false),
            Version = t.Column<Guid>(nullable: false),
        }, constraints: t =>
        {
            t.PrimaryKey($"PK_{Table("Sessions")}", x => x.Id);
            t.ForeignKey($"FK_{Table("Sessions")}_{Table("Bodies")}_BodyId", x => x.BodyId, Table("Bodies"), "Id",
                principalSchema: Schema, onDelete: ReferentialAction.Cascade);
        });
        Index(m, "Sessions", ["BodyId", "HeldOn", "Sequence"], unique: true);
        Index(m, "Sessions", ["HeldOn"]);

        m.CreateTable(name: Table("SessionMappings"), schema: Schema, columns: t => new
        {
            Id = t.Column<Guid>(nullable: false),
            Name = t.Column<string>(nullable: false),
            ColumnsJson = t.Column<string>(nullable: false),
            DefaultsJson = t.Column<string>(nullable: true),
        }, constraints: t => t.PrimaryKey($"PK_{Table("SessionMappings")}", x => x.Id));
        Index(m, "SessionMappings", ["Name"], unique: true);

        CreateAuditTable(m);
    }
}
