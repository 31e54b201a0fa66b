using Intranet.Shared.Persistence;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Intranet.Modules.Telework.Data.Migrations;

/// <summary>Roster, assignments, eligibility rules (with Hadano's three), telework days, settings, audit log.</summary>
[DbContext(typeof(TeleworkDbContext))]
[Migration("202611210301_Telework_Initial")]
public sealed class Initial : ModuleMigration
{
    /// <inheritdoc />
    protected override string ModuleSchema => TeleworkDbContext.SchemaName;

    /// <inheritdoc />
    protected override void Up(MigrationBuilder m)
    {
        EnsureSchema(m);
        m.CreateTable(name: Table("Staff"), schema: Schema, columns: t => new
        {
            Id = t.Column<Guid>(nullable: false),
            EmployeeNumber = t.Column<string>(nullable: false),
            Name = t.Column<string>(nullable: false),
            ActiveFrom = t.Column<DateOnly>(nullable: false),
            ActiveTo = t.Column<DateOnly>(nullable: true),
            MissingFromLastImport = t.Column<bool>(nullable: false),
            Version = t.Column<Guid>(nullable: false),
        }, constraints: t => t.PrimaryKey($"PK_{Table("Staff")}", x => x.Id));
        Index(m, "Staff", ["EmployeeNumber"], unique: true);

        m.CreateTable(name: Table("Assignments"), schema: Schema, columns: t => new
        {
            Id = t.Column<Guid>(nullable: false),
            StaffId = t.Column<Guid>(nullable: false),
            From = t.Column<DateOnly>(nullable: false),
            Department = t.Column<string>(nullable: false),
            Workplace = t.Column<string>(nullable: false),
            WorkplaceType = t.Column<string>(nullable: false),
            IsManager = t.Column<bool>(nullable: false),
            EmploymentCategory = t.Column<string>(nullable: false),
        }, constraints: t =>
        {
            t.PrimaryKey($"PK_{Table("Assignments")}", x => x.Id);
            t.ForeignKey($"FK_{Table("Assignments")}_{Table("Staff")}_StaffId", x => x.StaffId, Table("Staff"), "Id",
                principalSchema: Schema, onDelete: ReferentialAction.Cascade);
        });
        Index(m, "Assignments", ["StaffId", "From"], unique: true);

        m.CreateTable(name: Table("EligibilityRules"), schema: Schema, columns: t => new
        {
            Id = t.Column<Guid>(nullable: false),
            Field = t.Column<string>(nullable: false),
            Value = t.Column<string>(nullable: false),
            Reason = t.Column<string>(nullable: false),
        }, constraints: t => t.PrimaryKey($"PK_{Table("EligibilityRules")}", x => x.Id));
        // Hadano's scope (issue #5): staff at こども園, 幼稚園 and 消防署 are not eligible. HR can change these rules.
        // Plain SQL (the same on both providers): InsertData without a model snapshot would need store types.
        var table = IsSqlite ? $"\"{Table("EligibilityRules")}\"" : $"\"{Schema}\".\"EligibilityRules\"";
        foreach (var (id, value) in new[] { ("6F1C2A34-0C6B-4B0E-9F47-1B1F0E1A0001", "こども園"), ("6F1C2A34-0C6B-4B0E-9F47-1B1F0E1A0002", "幼稚園"),
                     ("6F1C2A34-0C6B-4B0E-9F47-1B1F0E1A0003", "消防署") })
        {
            m.Sql($"INSERT INTO {table} (\"Id\", \"Field\", \"Value\", \"Reason\") VALUES ('{id}', 'WorkplaceType', '{value}', '{value}に勤務する職員はテレワークの対象外');");
        }

        m.CreateTable(name: Table("Days"), schema: Schema, columns: t => new
        {
            Id = t.Column<Guid>(nullable: false),
            StaffId = t.Column<Guid>(nullable: false),
            Date = t.Column<DateOnly>(nullable: false),
            Type = t.Column<string>(nullable: false),
            DayFraction = t.Column<decimal>(nullable: false, precision: 6, scale: 4),
            ManagerTrial = t.Column<bool>(nullable: false),
            RecordedBy = t.Column<string>(nullable: false),
            RecordedAt = t.Column<DateTimeOffset>(nullable: false),
        }, constraints: t =>
        {
            t.PrimaryKey($"PK_{Table("Days")}", x => x.Id);
            t.ForeignKey($"FK_{Table("Days")}_{Table("Staff")}_StaffId", x => x.StaffId, Table("Staff"), "Id",
                principalSchema: Schema, onDelete: ReferentialAction.Cascade);
        });
        Index(m, "Days", ["StaffId", "Date"], unique: true);
        Index(m, "Days", ["Date"]);

        m.CreateTable(name: Table("DayMappings"), schema: Schema, columns: t => new
        {
            Id = t.Column<Guid>(nullable: false),
            Name = t.Column<string>(nullable: false),
            ColumnsJson = t.Column<string>(nullable: false),
            DefaultsJson = t.Column<string>(nullable: true),
        }, constraints: t => t.PrimaryKey($"PK_{Table("DayMappings")}", x => x.Id));
        Index(m, "DayMappings", ["Name"], unique: true);

        m.CreateTable(name: Table("Settings"), schema: Schema, columns: t => new
        {
            Key = t.Column<string>(nullable: false),
            Value = t.Column<string>(nullable: false),
        }, constraints: t => t.PrimaryKey($"PK_{Table("Settings")}", x => x.Key));

        CreateAuditTable(m);
    }
}
