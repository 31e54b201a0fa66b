using System.Collections.Concurrent;
using System.Threading.Channels;
using Intranet.Shared.Import.Data;
using Intranet.Shared.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Intranet.Shared.Import;

/// <summary>
/// Runs uploaded imports of every module in the background, one at a time per host, so a large file neither blocks the
/// uploader's request nor other users. Jobs live in the <see cref="ImportJob"/> table with their file, shared by every
/// host on the database (issue #11):
/// <list type="bullet">
/// <item>a queued job is found by polling the table (every <see cref="PollInterval"/>; the host that received the upload
/// also starts it at once) and claimed atomically, so exactly one host runs it;</item>
/// <item>the running host renews the job's lease (<see cref="ImportJob.HeartbeatAt"/>) every <see cref="HeartbeatInterval"/>
/// and stores the progress with it, so every host shows the same progress;</item>
/// <item>a running job whose lease is older than <see cref="LeaseDuration"/> was interrupted (its host was killed or lost
/// the database): any host marks it failed with <see cref="InterruptedMessage"/> — once, by a conditional update — and
/// a job with a live lease is never touched, so a restarting host leaves another host's running import alone.</item>
/// </list>
/// An interrupted import wrote nothing (its transaction rolled back). Its file stays stored (in parts,
/// <see cref="ImportJobFileChunk"/>) for <see cref="FileRetention"/>, so the user can run it again (<see cref="RetryAsync"/>). On SQLite (one file, so one host) no heartbeat is
/// written — a second connection writing while the import holds the write transaction would wait for it — so progress
/// stays in this process's memory, and a running job of any other runner is a previous run of this host: failed at once.
/// </summary>
public sealed class ImportJobRunner(IServiceScopeFactory scopes, Persistence.DatabaseSettings settings, TimeProvider clock, ILogger<ImportJobRunner> logger)
    : BackgroundService
{
    private readonly Channel<Guid> _queue = Channel.CreateUnbounded<Guid>();
    private readonly ConcurrentDictionary<Guid, (int Done, int Total)> _progress = new();

    /// <summary>The message a job interrupted by a stop or crash gets.</summary>
    public const string InterruptedMessage = "ホストの停止により中断されました。何も書き込んでいません。「もう一度取り込む」で同じファイルを取り込み直せます。";

    /// <summary>The message a job that failed for an unexpected reason gets (followed by the exception's type name).</summary>
    public const string UnexpectedMessage = "予期しないエラーのため取り込めませんでした。何も書き込んでいません。「もう一度取り込む」で取り込み直せます。続く場合はシステム管理者に連絡してください。";

    /// <summary>This process's runner id: <c>{machine}:{process id}:{8 hex}</c>, unique even for two hosts on one machine.</summary>
    public string RunnerId { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>How often a running job's lease and progress are written (default 5 s).</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How old a lease may get before the job counts as interrupted (default 30 s: six missed heartbeats).</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the table is read for queued jobs and expired leases (default 2 s).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Records written / to write of a running job of this process; null when unknown.</summary>
    public (int Done, int Total)? Progress(Guid id) => _progress.TryGetValue(id, out var p) ? p : null;

    /// <summary>Size of a stored file part (<see cref="ImportJobFileChunk"/>): 1 MiB.</summary>
    public const int ChunkSize = 1024 * 1024;

    /// <summary>How long the file of an interrupted job is kept for a retry (default 7 days); then it is deleted.</summary>
    public TimeSpan FileRetention { get; set; } = TimeSpan.FromDays(7);

    private DateTimeOffset _lastRetentionSweep = DateTimeOffset.MinValue;

    /// <summary>Stores the file and a queued job; returns the job's id. See <see cref="EnqueueAsync(string, Func{Stream}, string, ImportMapping, string, CancellationToken)"/>.</summary>
    public Task<Guid> EnqueueAsync(string kind, byte[] content, string fileName, ImportMapping mapping, string user, CancellationToken ct) =>
        EnqueueAsync(kind, () => new MemoryStream(content, writable: false), fileName, mapping, user, ct);

    /// <summary>
    /// Stores a queued job and the file <paramref name="open"/> streams, in parts of <see cref="ChunkSize"/> bytes (never the
    /// whole file in memory), in one transaction: no host sees the job before its whole file is stored. Returns the job's id.
    /// </summary>
    public async Task<Guid> EnqueueAsync(string kind, Func<Stream> open, string fileName, ImportMapping mapping, string user, CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ImportDbContext>();
        var job = new ImportJob
        {
            Kind = kind, FileName = fileName, MappingName = mapping.Name, MappingJson = mapping.ToJson(), State = ImportJobState.Queued,
            CreatedBy = user, CreatedAt = clock.GetUtcNow(),
        };
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            db.Jobs.Add(job);
            await db.SaveChangesAsync(ct);
            await using (var source = open()) await StoreFileAsync(db, job.Id, source, ct);
            await tx.CommitAsync(ct);
        }
        await _queue.Writer.WriteAsync(job.Id, ct);
        return job.Id;
    }

    /// <summary>Writes <paramref name="source"/> as the parts of <paramref name="jobId"/>'s file, one part in memory at a time.</summary>
    internal static async Task StoreFileAsync(ImportDbContext db, Guid jobId, Stream source, CancellationToken ct)
    {
        var buffer = new byte[ChunkSize];
        for (var number = 0; ; number++)
        {
            var read = await source.ReadAtLeastAsync(buffer, ChunkSize, throwOnEndOfStream: false, ct);
            if (read == 0 && number > 0) return;
            db.JobFileChunks.Add(new ImportJobFileChunk { JobId = jobId, Number = number, Content = buffer[..read] });
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();   // the part's bytes are not kept by the context
            if (read < ChunkSize) return;
        }
    }

    /// <summary>
    /// Queues the file of the failed job <paramref name="failedJobId"/> again, as a new job of <paramref name="user"/> with the
    /// same kind and mapping (the file moves to the new job; the failed job keeps its history and points to the new one
    /// through <see cref="ImportJob.RetriedAs"/>). Returns the new job's id, or null when the job is not failed, was already
    /// retried (by anyone, on any host: a conditional update decides) or its file is no longer kept.
    /// </summary>
    public async Task<Guid?> RetryAsync(Guid failedJobId, string user, CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ImportDbContext>();
        var failed = await db.Jobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == failedJobId, ct);
        if (failed is not { State: ImportJobState.Failed, RetriedAs: null }) return null;
        var retry = new ImportJob
        {
            Kind = failed.Kind, FileName = failed.FileName, MappingName = failed.MappingName, MappingJson = failed.MappingJson,
            State = ImportJobState.Queued, CreatedBy = user, CreatedAt = clock.GetUtcNow(),
        };
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            db.Jobs.Add(retry);
            await db.SaveChangesAsync(ct);
            var claimed = await db.Jobs.Where(j => j.Id == failedJobId && j.State == ImportJobState.Failed && j.RetriedAs == null)
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.RetriedAs, retry.Id), ct);
            var moved = claimed == 0 ? 0 : await db.JobFileChunks.Where(c => c.JobId == failedJobId)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.JobId, retry.Id), ct);
            if (moved == 0)
            {
                await tx.RollbackAsync(ct);
                return null;
            }
            await tx.CommitAsync(ct);
        }
        logger.LogInformation("Import job {Job} retried as {Retry} by {User}", failedJobId, retry.Id, user);
        await _queue.Writer.WriteAsync(retry.Id, ct);
        return retry.Id;
    }

    /// <summary>
    /// Deletes the kept files of failed jobs that ended more than <see cref="FileRetention"/> ago; returns how many files.
    /// </summary>
    public async Task<int> DeleteExpiredFilesAsync(CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ImportDbContext>();
        var kept = await db.Jobs.AsNoTracking()
            .Where(j => j.State == ImportJobState.Failed && db.JobFileChunks.Any(c => c.JobId == j.Id))
            .Select(j => new { j.Id, j.FinishedAt }).ToListAsync(ct);
        var limit = clock.GetUtcNow() - FileRetention;
        var deleted = 0;
        foreach (var job in kept.Where(j => j.FinishedAt is not { } at || at < limit))   // compared here: SQLite stores DateTimeOffset as text
        {
            await db.JobFileChunks.Where(c => c.JobId == job.Id).ExecuteDeleteAsync(ct);
            deleted++;
        }
        return deleted;
    }

    /// <summary>
    /// Marks failed every running job of another runner whose lease expired (on SQLite: every running job of another
    /// runner); their files are kept, so the user can retry (<see cref="RetryAsync"/>). Returns how many this call failed; a job another host failed first is not counted.
    /// </summary>
    public async Task<int> FailInterruptedAsync(CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ImportDbContext>();
        var now = clock.GetUtcNow();
        var sqlite = db.Database.IsSqlite();
        var candidates = await db.Jobs.AsNoTracking()
            .Where(j => j.State == ImportJobState.Running && (j.Runner == null || j.Runner != RunnerId))
            .Select(j => new { j.Id, j.HeartbeatAt }).ToListAsync(ct);
        var failed = 0;
        foreach (var job in candidates)
        {
            // DateTimeOffset comparisons are done here, not in SQL (SQLite stores them as text).
            if (!sqlite && job.HeartbeatAt is { } beat && beat > now - LeaseDuration) continue;   // a live lease: never touched
            var heartbeat = job.HeartbeatAt;
            // Conditional on the lease read above: if its host renewed it meanwhile, or another host failed it first, nothing happens.
            var changed = await db.Jobs.Where(j => j.Id == job.Id && j.State == ImportJobState.Running && j.HeartbeatAt == heartbeat)
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.State, ImportJobState.Failed).SetProperty(j => j.Errors, InterruptedMessage)
                    .SetProperty(j => j.FinishedAt, now), ct);
            if (changed == 0) continue;
            failed++;
            Diagnostics.IntranetTelemetry.InterruptedJobs.Add(1);
            logger.LogWarning("Import job {Job} was interrupted (lease {Heartbeat} expired); marked failed by {Runner}", job.Id, heartbeat, RunnerId);
        }
        return failed;
    }

    /// <summary>Runs every queued job this host can claim, oldest first; returns how many it ran.</summary>
    public async Task<int> RunQueuedAsync(CancellationToken ct)
    {
        List<Guid> queued;
        using (var scope = scopes.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ImportDbContext>();
            // Ordered here, not in SQL: SQLite cannot order by a DateTimeOffset.
            var rows = await db.Jobs.AsNoTracking().Where(j => j.State == ImportJobState.Queued).Select(j => new { j.Id, j.CreatedAt }).ToListAsync(ct);
            queued = rows.OrderBy(j => j.CreatedAt).Select(j => j.Id).ToList();
        }
        var ran = 0;
        foreach (var id in queued)
        {
            if (await RunAsync(id, ct)) ran++;
        }
        return ran;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (_queue.Reader.TryRead(out var id)) await RunAsync(id, stoppingToken);
                await FailInterruptedAsync(stoppingToken);
                await RunQueuedAsync(stoppingToken);
                if (clock.GetUtcNow() - _lastRetentionSweep > TimeSpan.FromMinutes(10))
                {
                    await DeleteExpiredFilesAsync(stoppingToken);
                    _lastRetentionSweep = clock.GetUtcNow();
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // The database may be down for a while (issue #11): log and poll again.
                logger.LogWarning(e, "Import runner {Runner}: could not look for queued or interrupted imports", RunnerId);
            }
            try
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                var delay = Task.Delay(PollInterval, wait.Token);
                var upload = _queue.Reader.WaitToReadAsync(wait.Token).AsTask();
                await Task.WhenAny(delay, upload);
                await wait.CancelAsync();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Claims and runs one job; false when another host has it or it is no longer queued.</summary>
    private async Task<bool> RunAsync(Guid id, CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ImportDbContext>();
        // Claim the job atomically: with several hosts only one of them runs it.
        var now = clock.GetUtcNow();
        var claimed = await db.Jobs.Where(j => j.Id == id && j.State == ImportJobState.Queued)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.State, ImportJobState.Running).SetProperty(j => j.StartedAt, now)
                .SetProperty(j => j.Runner, RunnerId).SetProperty(j => j.HeartbeatAt, now), ct);
        if (claimed == 0) return false;   // taken by another host or already done
        var job = await db.Jobs.SingleAsync(j => j.Id == id, ct);
        using var actor = HttpCurrentUser.ActOnBehalfOf(job.CreatedBy);
        using var beating = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var heartbeat = db.Database.IsSqlite() ? Task.CompletedTask : HeartbeatAsync(id, beating.Token);
        var keepFile = false;   // an unexpected failure keeps the file for a retry; a success or a rejected file does not
        ImportUpload? file = null;
        try
        {
            // The stored parts are copied to a temporary file of this host (one part in memory at a time) and read from there.
            file = await CopyFileAsync(db, job, ct)
                ?? throw new ImportRejectedException(job.FileName, [new ImportError(0, "ファイル", "アップロードされたファイルが見つかりません。")]);
            using var work = scopes.CreateScope();   // the import's own contexts, apart from the job's
            var pipeline = work.ServiceProvider.GetRequiredService<ImportPipeline>();
            var kind = pipeline.Find(job.Kind) ?? throw new ImportRejectedException(job.FileName, [new ImportError(0, "kind", $"取込の種類「{job.Kind}」はありません。")]);
            var mapping = ImportMapping.FromJson(job.MappingJson, job.FileName);
            var result = await pipeline.RunAsync(kind, file.OpenRead, job.FileName, mapping, dryRun: false, (done, total) =>
            {
                _progress[id] = (done, total);
                return Task.CompletedTask;
            }, ct);
            (job.State, job.Summary, job.Rows) = (ImportJobState.Succeeded, result.ToString(), result.Rows);
        }
        catch (ImportRejectedException e)
        {
            (job.State, job.ErrorCount, job.Errors) = (ImportJobState.Failed, e.Total, string.Join("\n", e.Errors.Select(x => x.ToString())));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Nothing was written (the import's transaction rolled back); the job must not look as if it still ran.
            logger.LogError(e, "Import job {Job} ({Kind}) failed", id, job.Kind);
            (job.State, job.Errors) = (ImportJobState.Failed, UnexpectedMessage + "(" + e.GetType().Name + ")");
            keepFile = true;
        }
        finally
        {
            file?.Dispose();
            await beating.CancelAsync();
            try { await heartbeat; } catch (OperationCanceledException) { }
        }
        if (_progress.TryRemove(id, out var last)) (job.ProgressDone, job.ProgressTotal) = last;
        job.FinishedAt = clock.GetUtcNow();
        job.HeartbeatAt = job.FinishedAt;
        await db.SaveChangesAsync(CancellationToken.None);
        if (!keepFile) await db.JobFileChunks.Where(c => c.JobId == id).ExecuteDeleteAsync(CancellationToken.None);
        return true;
    }

    /// <summary>
    /// Copies the stored parts of <paramref name="job"/>'s file, in order, to a temporary file in the data folder
    /// (<see cref="ImportUpload.TempDirectory"/>, 0600); null when no part is stored. The caller disposes (deletes) it.
    /// </summary>
    private async Task<ImportUpload?> CopyFileAsync(ImportDbContext db, ImportJob job, CancellationToken ct)
    {
        if (!await db.JobFileChunks.AnyAsync(c => c.JobId == job.Id, ct)) return null;
        var parts = db.JobFileChunks.AsNoTracking().Where(c => c.JobId == job.Id).OrderBy(c => c.Number).Select(c => c.Content).AsAsyncEnumerable();
        await using var source = new PartsStream(parts, ct);
        return await ImportUpload.SaveAsync(source, job.FileName, ImportUpload.TempDirectory(settings.DataDirectory), long.MaxValue, ct: ct);
    }

    /// <summary>A forward-only stream over a file's parts as the database returns them (one part held at a time).</summary>
    private sealed class PartsStream(IAsyncEnumerable<byte[]> parts, CancellationToken ct) : Stream
    {
        private readonly IAsyncEnumerator<byte[]> _parts = parts.GetAsyncEnumerator(ct);
        private byte[] _current = [];
        private int _offset;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            while (_offset >= _current.Length)
            {
                if (!await _parts.MoveNextAsync()) return 0;
                (_current, _offset) = (_parts.Current, 0);
            }
            var count = Math.Min(buffer.Length, _current.Length - _offset);
            _current.AsMemory(_offset, count).CopyTo(buffer);
            _offset += count;
            return count;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Read the parts asynchronously.");
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override async ValueTask DisposeAsync()
        {
            await _parts.DisposeAsync();
            await base.DisposeAsync();
        }
    }

    /// <summary>Renews the lease of a running job of this runner and stores its progress, every <see cref="HeartbeatInterval"/>.</summary>
    private async Task HeartbeatAsync(Guid id, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(HeartbeatInterval);
        while (await timer.WaitForNextTickAsync(ct))
        {
            try
            {
                using var scope = scopes.CreateScope();
                var db = scope.ServiceProvider.GetRequiredService<ImportDbContext>();
                var (done, total) = _progress.TryGetValue(id, out var p) ? p : (0, 0);
                var now = clock.GetUtcNow();
                await db.Jobs.Where(j => j.Id == id && j.Runner == RunnerId && j.State == ImportJobState.Running)
                    .ExecuteUpdateAsync(s => s.SetProperty(j => j.HeartbeatAt, now).SetProperty(j => j.ProgressDone, done)
                        .SetProperty(j => j.ProgressTotal, total), ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Import job {Job}: could not renew the lease", id);
            }
        }
    }
}
