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
/// Runs uploaded imports of every module in the background, one at a time, so a large file neither blocks the
/// uploader's request nor other users. Jobs live in the <see cref="ImportJob"/> table with their file, so a job's
/// state survives a restart: at start-up this host's jobs left <see cref="ImportJobState.Running"/> are marked failed
/// (their transaction rolled back: nothing was written) and queued jobs run. Progress is kept in memory (on SQLite a
/// second connection writing progress rows would wait for the import's write transaction).
/// </summary>
public sealed class ImportJobRunner(IServiceScopeFactory scopes, TimeProvider clock, ILogger<ImportJobRunner> logger) : BackgroundService
{
    private readonly Channel<Guid> _queue = Channel.CreateUnbounded<Guid>();
    private readonly ConcurrentDictionary<Guid, (int Done, int Total)> _progress = new();

    /// <summary>The message a job interrupted by a stop or crash gets.</summary>
    public const string InterruptedMessage = "ホストの停止により中断されました。何も書き込んでいません。もう一度取り込んでください。";

    /// <summary>Records written / to write of a running job of this process; null when unknown.</summary>
    public (int Done, int Total)? Progress(Guid id) => _progress.TryGetValue(id, out var p) ? p : null;

    /// <summary>Stores the file and a queued job; returns the job's id.</summary>
    public async Task<Guid> EnqueueAsync(string kind, byte[] content, string fileName, ImportMapping mapping, string user, CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ImportDbContext>();
        var job = new ImportJob
        {
            Kind = kind, FileName = fileName, MappingName = mapping.Name, MappingJson = mapping.ToJson(), State = ImportJobState.Queued,
            CreatedBy = user, CreatedAt = clock.GetUtcNow(),
        };
        db.Jobs.Add(job);
        db.JobFiles.Add(new ImportJobFile { JobId = job.Id, Content = content });
        await db.SaveChangesAsync(ct);
        await _queue.Writer.WriteAsync(job.Id, ct);
        return job.Id;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<ImportDbContext>();
            foreach (var job in await db.Jobs.Where(j => j.State == ImportJobState.Running && j.Runner == Environment.MachineName).ToListAsync(stoppingToken))
                (job.State, job.Errors, job.FinishedAt) = (ImportJobState.Failed, InterruptedMessage, clock.GetUtcNow());
            await db.SaveChangesAsync(stoppingToken);
            await db.JobFiles.Where(f => db.Jobs.Any(j => j.Id == f.JobId && j.State == ImportJobState.Failed)).ExecuteDeleteAsync(stoppingToken);
            foreach (var id in await db.Jobs.Where(j => j.State == ImportJobState.Queued).Select(j => j.Id).ToListAsync(stoppingToken))
                await _queue.Writer.WriteAsync(id, stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Could not look for unfinished imports");
        }
        await foreach (var id in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await RunAsync(id, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Import job {Job} failed", id);
            }
        }
    }

    private async Task RunAsync(Guid id, CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ImportDbContext>();
        // Claim the job atomically: with several hosts only one of them runs it.
        var now = clock.GetUtcNow();
        var claimed = await db.Jobs.Where(j => j.Id == id && j.State == ImportJobState.Queued)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.State, ImportJobState.Running).SetProperty(j => j.StartedAt, now)
                .SetProperty(j => j.Runner, Environment.MachineName), ct);
        if (claimed == 0) return;   // taken by another host or already done
        var job = await db.Jobs.SingleAsync(j => j.Id == id, ct);
        var file = await db.JobFiles.AsNoTracking().SingleOrDefaultAsync(f => f.JobId == id, ct);
        using var actor = HttpCurrentUser.ActOnBehalfOf(job.CreatedBy);
        try
        {
            if (file is null) throw new ImportRejectedException(job.FileName, [new ImportError(0, "ファイル", "アップロードされたファイルが見つかりません。")]);
            using var work = scopes.CreateScope();   // the import's own contexts, apart from the job's
            var pipeline = work.ServiceProvider.GetRequiredService<ImportPipeline>();
            var kind = pipeline.Find(job.Kind) ?? throw new ImportRejectedException(job.FileName, [new ImportError(0, "kind", $"取込の種類「{job.Kind}」はありません。")]);
            var mapping = ImportMapping.FromJson(job.MappingJson, job.FileName);
            var result = await pipeline.RunAsync(kind, file.Content, job.FileName, mapping, dryRun: false, (done, total) =>
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
            (job.State, job.Errors) = (ImportJobState.Failed, "予期しないエラーのため取り込めませんでした。何も書き込んでいません。システム管理者に連絡してください。(" + e.GetType().Name + ")");
        }
        finally
        {
            _progress.TryRemove(id, out _);
        }
        job.FinishedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(CancellationToken.None);
        await db.JobFiles.Where(f => f.JobId == id).ExecuteDeleteAsync(CancellationToken.None);
    }
}
