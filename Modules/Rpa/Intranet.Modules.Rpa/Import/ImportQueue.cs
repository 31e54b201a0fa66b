using System.Collections.Concurrent;
using System.Threading.Channels;
using Intranet.Modules.Rpa.Data;
using Intranet.Modules.Rpa.Domain;
using Intranet.Shared.Persistence;
using Intranet.Shared.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Intranet.Shared.Import;

namespace Intranet.Modules.Rpa.Import;

/// <summary>
/// Imports uploaded on the web run here, in the background, so a 100,000-row file neither blocks the
/// uploader's request nor other users; the status page reads <see cref="ImportJob"/> for progress.
/// Uploaded files wait in <c>{DataDirectory}/rpa-imports/</c> and are deleted when done.
/// </summary>
public sealed class ImportQueue(IServiceScopeFactory scopes, DatabaseSettings settings, TimeProvider clock, ILogger<ImportQueue> logger)
    : BackgroundService
{
    private readonly Channel<Guid> _jobs = Channel.CreateUnbounded<Guid>();

    // Progress lives in memory: the import holds a write transaction, and on SQLite a second connection
    // writing progress rows would wait for it (and fail with "database is locked").
    private readonly ConcurrentDictionary<Guid, (int Done, int Total)> _progress = new();

    /// <summary>Rows written so far and rows to write, for a running job of this process; null when unknown.</summary>
    public (int Done, int Total)? Progress(Guid id) => _progress.TryGetValue(id, out var p) ? p : null;

    private string Folder => Directory.CreateDirectory(Path.Combine(settings.DataDirectory, "rpa-imports")).FullName;

    /// <summary>Stores the file, records a queued job and returns its id.</summary>
    public async Task<Guid> EnqueueAsync(string kind, byte[] content, string fileName, string? mappingName, string user, CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RpaDbContext>();
        var job = new ImportJob
        {
            Kind = kind, FileName = fileName, MappingName = mappingName, State = ImportState.Queued, CreatedBy = user, CreatedAt = clock.GetUtcNow(),
        };
        await File.WriteAllBytesAsync(Path.Combine(Folder, job.Id + ".csv"), content, ct);
        db.ImportJobs.Add(job);
        await db.SaveChangesAsync(ct);
        await _jobs.Writer.WriteAsync(job.Id, ct);
        return job.Id;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Jobs left queued by a stopped host are picked up again.
        using (var scope = scopes.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RpaDbContext>();
            try
            {
                foreach (var id in await db.ImportJobs.Where(j => j.State == ImportState.Queued || j.State == ImportState.Running)
                             .Select(j => j.Id).ToListAsync(stoppingToken))
                    await _jobs.Writer.WriteAsync(id, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Could not look for unfinished RPA imports");
            }
        }
        await foreach (var id in _jobs.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await RunAsync(id, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "RPA import {Job} failed", id);
            }
        }
    }

    private async Task RunAsync(Guid id, CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var sp = scope.ServiceProvider;
        var db = sp.GetRequiredService<RpaDbContext>();
        var job = await db.ImportJobs.SingleAsync(j => j.Id == id, ct);
        var path = Path.Combine(Folder, id + ".csv");
        if (!File.Exists(path))
        {
            (job.State, job.Errors, job.FinishedAt) = (ImportState.Failed, "アップロードされたファイルが見つかりません。", clock.GetUtcNow());
            await db.SaveChangesAsync(ct);
            return;
        }
        job.State = ImportState.Running;
        await db.SaveChangesAsync(ct);
        using var actor = HttpCurrentUser.ActOnBehalfOf(job.CreatedBy);
        var content = await File.ReadAllBytesAsync(path, ct);

        Task Progress(int done, int total)
        {
            _progress[id] = (done, total);
            return Task.CompletedTask;
        }

        try
        {
            var result = job.Kind == RpaImportKinds.Cases
                ? await sp.GetRequiredService<CaseImporter>().ImportAsync(content, job.FileName, dryRun: false, ct)
                : await sp.GetRequiredService<RunImporter>().ImportAsync(content, job.FileName, job.MappingName, dryRun: false, Progress, ct);
            job = await db.ImportJobs.SingleAsync(j => j.Id == id, ct);
            (job.State, job.Summary, job.TotalRows, job.ProcessedRows) = (ImportState.Succeeded, result.ToString(), result.Rows, result.Rows);
        }
        catch (ImportRejectedException e)
        {
            db.ChangeTracker.Clear();
            job = await db.ImportJobs.SingleAsync(j => j.Id == id, ct);
            (job.State, job.Errors) = (ImportState.Failed, string.Join("\n", e.Errors.Select(x => x.ToString())));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Nothing was written (the import's transaction rolled back); the job must not look as if it still ran.
            logger.LogError(e, "RPA import {Job} failed", id);
            db.ChangeTracker.Clear();
            job = await db.ImportJobs.SingleAsync(j => j.Id == id, ct);
            (job.State, job.Errors) = (ImportState.Failed, "予期しないエラーのため取り込めませんでした。何も書き込んでいません。システム管理者に連絡してください。(" + e.GetType().Name + ")");
        }
        finally
        {
            _progress.TryRemove(id, out _);
        }
        job.FinishedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        File.Delete(path);
    }
}

/// <summary>Import kinds of the module.</summary>
public static class RpaImportKinds
{
    /// <summary>Automation cases in the module's format.</summary>
    public const string Cases = "rpa-cases";
    /// <summary>Run logs (module format or a saved column mapping).</summary>
    public const string Runs = "rpa-runs";
}
