using Intranet.Shared.Persistence;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Intranet.Shared.Import.Data.Migrations;

/// <summary>
/// A job's file is stored in parts (<c>JobFileChunks</c>, one row per <see cref="ImportJobRunner.ChunkSize"/> bytes) instead
/// of one value (<c>JobFiles</c>), so storing and reading it never holds the whole file in memory (issue #11). Files of jobs
/// queued when the database is upgraded are kept as one part each. A job remembers which job re-ran its file
/// (<c>RetriedAs</c>), so an interrupted import can be retried from the page once.
/// </summary>
[DbContext(typeof(ImportDbContext))]
[Migration("202612030401_Import_JobFileChunks")]
public sealed class JobFileChunks : ModuleMigration
{
    /// <inheritdoc />
    protected override string ModuleSchema => ImportDbContext.SchemaName;

    /// <inheritdoc />
    protected override void Up(MigrationBuilder m)
    {
        m.CreateTable(name: Table("JobFileChunks"), schema: Schema, columns: t => new
        {
            JobId = t.Column<Guid>(nullable: false),
            Number = t.Column<int>(nullable: false),
            Content = t.Column<byte[]>(nullable: false),
        }, constraints: t => t.PrimaryKey($"PK_{Table("JobFileChunks")}", x => new { x.JobId, x.Number }));
        // Plain SQL, the same on every provider (SqlServerMigrations makes the quoting SQL Server's).
        string Name(string table) => IsSqlite ? $"\"{Table(table)}\"" : $"\"{Schema}\".\"{table}\"";
        m.Sql($"INSERT INTO {Name("JobFileChunks")} (\"JobId\", \"Number\", \"Content\") SELECT \"JobId\", 0, \"Content\" FROM {Name("JobFiles")};");
        m.DropTable(name: Table("JobFiles"), schema: Schema);
        m.AddColumn<Guid>(name: "RetriedAs", table: Table("Jobs"), schema: Schema, nullable: true);
    }
}
