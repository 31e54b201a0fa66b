using Intranet.Shared.Auditing;
using Intranet.Shared.Persistence;
using Intranet.Shared.Security;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Shared.Import.Data;

/// <summary>A saved <see cref="ImportMapping"/> (audited: who changed which mapping when).</summary>
public sealed class SavedMapping : IAudited, IVersioned
{
    /// <summary>Key.</summary>
    public Guid Id { get; set; } = Guid.NewGuid();
    /// <summary>The import kind.</summary>
    public string Kind { get; set; } = "";
    /// <summary>Name, unique per kind.</summary>
    public string Name { get; set; } = "";
    /// <summary>The mapping as JSON (<see cref="ImportMapping.ToJson"/>).</summary>
    public string Json { get; set; } = "";
    /// <summary>Who saved it last.</summary>
    public string UpdatedBy { get; set; } = "";
    /// <summary>When (UTC).</summary>
    public DateTimeOffset UpdatedAt { get; set; }
    /// <inheritdoc />
    public Guid Version { get; set; }
}

/// <summary>State of an import job.</summary>
public enum ImportJobState
{
    /// <summary>Waiting for the runner.</summary>
    Queued,
    /// <summary>Being imported.</summary>
    Running,
    /// <summary>Written (and reported to the plan).</summary>
    Succeeded,
    /// <summary>Rejected or interrupted; nothing written.</summary>
    Failed,
}

/// <summary>An import run in the background (<see cref="ImportJobRunner"/>); kept after it ends as the import history.</summary>
public sealed class ImportJob
{
    /// <summary>Key.</summary>
    public Guid Id { get; set; } = Guid.NewGuid();
    /// <summary>The import kind.</summary>
    public string Kind { get; set; } = "";
    /// <summary>The uploaded file's name.</summary>
    public string FileName { get; set; } = "";
    /// <summary>The mapping's name as chosen.</summary>
    public string MappingName { get; set; } = "";
    /// <summary>The mapping as used (JSON), so a later edit of the mapping does not change what this job did.</summary>
    public string MappingJson { get; set; } = "";
    /// <summary>State.</summary>
    public ImportJobState State { get; set; }
    /// <summary>Data rows in the file (known when done).</summary>
    public int Rows { get; set; }
    /// <summary>The one-line summary on success.</summary>
    public string? Summary { get; set; }
    /// <summary>How many errors the file had (the true count).</summary>
    public int ErrorCount { get; set; }
    /// <summary>The first errors, one per line (<see cref="ImportError.ToString"/>), or the reason of a failure.</summary>
    public string? Errors { get; set; }
    /// <summary>The uploading user.</summary>
    public string CreatedBy { get; set; } = "";
    /// <summary>When queued (UTC).</summary>
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>When the runner took it.</summary>
    public DateTimeOffset? StartedAt { get; set; }
    /// <summary>When it ended.</summary>
    public DateTimeOffset? FinishedAt { get; set; }
    /// <summary>
    /// The runner (host process) that claimed it: <c>{machine}:{process id}:{random}</c>, unique per process, so two hosts
    /// on one machine are two runners (<see cref="ImportJobRunner.RunnerId"/>).
    /// </summary>
    public string? Runner { get; set; }
    /// <summary>
    /// The running host's lease (UTC): renewed every <see cref="ImportJobRunner.HeartbeatInterval"/> while the job runs. A
    /// running job whose lease is older than <see cref="ImportJobRunner.LeaseDuration"/> (or null) was interrupted and is
    /// failed by whichever host sees it first; a live lease is never touched.
    /// </summary>
    public DateTimeOffset? HeartbeatAt { get; set; }
    /// <summary>Records written so far (stored with the heartbeat, so every host can show progress; 0 on SQLite).</summary>
    public int ProgressDone { get; set; }
    /// <summary>Records to write (0 when unknown).</summary>
    public int ProgressTotal { get; set; }
    /// <summary>
    /// The job that re-ran this failed job's file (<see cref="RetryImportJob"/>); set once, by a conditional update, so a
    /// file is re-run at most once however many users press the button.
    /// </summary>
    public Guid? RetriedAs { get; set; }
}

/// <summary>
/// One part of a job's file, kept in the database (shared by every host) while the job waits or runs and, when it was
/// interrupted, until it is retried or <see cref="ImportJobRunner.FileRetention"/> has passed. A file is stored as parts of
/// <see cref="ImportJobRunner.ChunkSize"/> bytes (the last one shorter), numbered from 0, so neither storing nor reading
/// it holds more than one part in memory (issue #11: uploads streamed, not buffered whole).
/// </summary>
public sealed class ImportJobFileChunk
{
    /// <summary>The job.</summary>
    public Guid JobId { get; set; }
    /// <summary>The part's position in the file, from 0.</summary>
    public int Number { get; set; }
    /// <summary>The part's bytes (at most <see cref="ImportJobRunner.ChunkSize"/>; files stored before parts existed are one part).</summary>
    public byte[] Content { get; set; } = [];
}

/// <summary>A feed that must report to the plan (written before an import's commit, removed after the report).</summary>
public sealed class PendingFeed
{
    /// <summary>The <see cref="ModuleFeed.Name"/>.</summary>
    public string Feed { get; set; } = "";
    /// <summary>When it was marked.</summary>
    public DateTimeOffset Since { get; set; }
}

/// <summary>The import pipeline's own tables (schema <c>imports</c>): saved mappings, jobs and their files, the feed outbox.</summary>
public sealed class ImportDbContext(DbContextOptions<ImportDbContext> options, ICurrentUser user, TimeProvider clock)
    : ModuleDbContext(options, user, clock)
{
    /// <summary>Schema name.</summary>
    public const string SchemaName = "imports";

    /// <inheritdoc />
    public override string Schema => SchemaName;

    /// <summary>Saved mappings.</summary>
    public DbSet<SavedMapping> Mappings => Set<SavedMapping>();
    /// <summary>Jobs.</summary>
    public DbSet<ImportJob> Jobs => Set<ImportJob>();
    /// <summary>Files of queued, running and interrupted jobs, in parts.</summary>
    public DbSet<ImportJobFileChunk> JobFileChunks => Set<ImportJobFileChunk>();
    /// <summary>Feeds to report.</summary>
    public DbSet<PendingFeed> PendingFeeds => Set<PendingFeed>();

    /// <inheritdoc />
    protected override void ConfigureModel(ModelBuilder b)
    {
        b.Entity<SavedMapping>(e =>
        {
            e.ToTable("Mappings");
            e.HasKey(x => x.Id);
            e.Property(x => x.Kind).IsRequired();
            e.Property(x => x.Name).IsRequired();
            e.Property(x => x.Json).IsRequired();
            e.Property(x => x.UpdatedBy).IsRequired();
            e.HasIndex(x => new { x.Kind, x.Name }).IsUnique();
        });
        b.Entity<ImportJob>(e =>
        {
            e.ToTable("Jobs");
            e.HasKey(x => x.Id);
            e.Property(x => x.Kind).IsRequired();
            e.Property(x => x.FileName).IsRequired();
            e.Property(x => x.MappingName).IsRequired();
            e.Property(x => x.MappingJson).IsRequired();
            e.Property(x => x.CreatedBy).IsRequired();
            e.Property(x => x.State).HasConversion<string>().IsRequired();
            e.HasIndex(x => x.CreatedAt);
        });
        b.Entity<ImportJobFileChunk>(e =>
        {
            e.ToTable("JobFileChunks");
            e.HasKey(x => new { x.JobId, x.Number });
            e.Property(x => x.Content).IsRequired();
        });
        b.Entity<PendingFeed>(e =>
        {
            e.ToTable("PendingFeeds");
            e.HasKey(x => x.Feed);
        });
    }
}
