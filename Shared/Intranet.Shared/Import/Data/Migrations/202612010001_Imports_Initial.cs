using Intranet.Shared.Persistence;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Intranet.Shared.Import.Data.Migrations;

/// <summary>Saved mappings, import jobs with their files, the feed outbox, audit log (issue #9).</summary>
[DbContext(typeof(ImportDbContext))]
[Migration("202612010001_Imports_Initial")]
public sealed class Initial : ModuleMigration
{
    /// <inheritdoc />
    protected override string ModuleSchema => ImportDbContext.SchemaName;

    /// <inheritdoc />
    protected override void Up(MigrationBuilder m)
    {
        EnsureSchema(m);
        m.CreateTable(name: Table("Mappings"), schema: Schema, columns: t => new
        {
            Id = t.Column<Guid>(nullable: false),
            Kind = t.Column<string>(nullable: false),
            Name = t.Column<string>(nullable: false),
            Json = t.Column<string>(nullable: false),
            UpdatedBy = t.Column<string>(nullable: false),
            UpdatedAt = t.Column<DateTimeOffset>(nullable: false),
            Version = t.Column<Guid>(nullable: false),
        }, constraints: t => t.PrimaryKey($"PK_{Table("Mappings")}", x => x.Id));
        Index(m, "Mappings", ["Kind", "Name"], unique: true);

        m.CreateTable(name: Table("Jobs"), schema: Schema, columns: t => new
        {
            Id = t.Column<Guid>(nullable: false),
            Kind = t.Column<string>(nullable: false),
            FileName = t.Column<string>(nullable: false),
            MappingName = t.Column<string>(nullable: false),
            MappingJson = t.Column<string>(nullable: false),
            State = t.Column<string>(nullable: false),
            Rows = t.Column<int>(nullable: false),
            Summary = t.Column<string>(nullable: true),
            ErrorCount = t.Column<int>(nullable: false),
            Errors = t.Column<string>(nullable: true),
            CreatedBy = t.Column<string>(nullable: false),
            CreatedAt = t.Column<DateTimeOffset>(nullable: false),
            StartedAt = t.Column<DateTimeOffset>(nullable: true),
            FinishedAt = t.Column<DateTimeOffset>(nullable: true),
            Runner = t.Column<string>(nullable: true),
        }, constraints: t => t.PrimaryKey($"PK_{Table("Jobs")}", x => x.Id));
        Index(m, "Jobs", ["CreatedAt"]);

        m.CreateTable(name: Table("JobFiles"), schema: Schema, columns: t => new
        {
            JobId = t.Column<Guid>(nullable: false),
            Content = t.Column<byte[]>(nullable: false),
        }, constraints: t => t.PrimaryKey($"PK_{Table("JobFiles")}", x => x.JobId));

        m.CreateTable(name: Table("PendingFeeds"), schema: Schema, columns: t => new
        {
            Feed = t.Column<string>(nullable: false),
            Since = t.Column<DateTimeOffset>(nullable: false),
        }, constraints: t => t.PrimaryKey($"PK_{Table("PendingFeeds")}", x => x.Feed));

        CreateAuditTable(m);
    }
}
