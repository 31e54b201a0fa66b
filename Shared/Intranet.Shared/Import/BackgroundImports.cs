using System.Collections.Concurrent;
using System.Threading.Channels;
using Intranet.Shared.Modules;
using Intranet.Shared.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Intranet.Shared.Import;

/// <summary>State of a background import.</summary>
/// <param name="Id">Job id.</param>
/// <param name="Kind">The <see cref="IFileImporter.Kind"/>.</param>
/// <param name="FileName">Uploaded file name.</param>
/// <param name="User">Who uploaded it.</param>
/// <param name="Done">Rows written so far.</param>
/// <param name="Total">Rows to write (0 until known).</param>
/// <param name="Finished">True when the import ended, successfully or not.</param>
/// <param name="Summary">The importer's one-line summary on success.</param>
/// <param name="Error">The rejection message (every error with line and column) on failure.</param>
public sealed record BackgroundImportStatus(Guid Id, string Kind, string FileName, string User, int Done, int Total, bool Finished, string? Summary, string? Error);

/// <summary>
/// Runs large uploads of any module's <see cref="IFileImporter"/> in the background, one at a time, so the
/// uploader gets a status page with progress at once and other users are never blocked. State is kept in
/// memory: after a host restart a running import's transaction has rolled back and the file must be uploaded
/// again. (The RPA module keeps its own persistent queue.)
/// </summary>
public sealed class BackgroundImports(IServiceScopeFactory scopes, ILogger<BackgroundImports> logger) : BackgroundService
{
    private readonly Channel<(Guid Id, byte[] Content, IReadOnlyDictionary<string, string> Options)> _queue = Channel.CreateUnbounded<(Guid, byte[], IReadOnlyDictionary<string, string>)>();
    private readonly ConcurrentDictionary<Guid, BackgroundImportStatus> _jobs = new();

    /// <summary>Queues an import and returns its id for the status page.</summary>
    public Guid Enqueue(string kind, byte[] content, string fileName, IReadOnlyDictionary<string, string> options, string user)
    {
        var id = Guid.NewGuid();
        _jobs[id] = new BackgroundImportStatus(id, kind, fileName, user, 0, 0, false, null, null);
        _queue.Writer.TryWrite((id, content, options));
        return id;
    }

    /// <summary>The state of a job of this process, or null.</summary>
    public BackgroundImportStatus? Status(Guid id) => _jobs.TryGetValue(id, out var s) ? s : null;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var (id, content, options) in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            var job = _jobs[id];
            try
            {
                using var scope = scopes.CreateScope();
                using var actor = HttpCurrentUser.ActOnBehalfOf(job.User);
                var importer = scope.ServiceProvider.GetServices<IFileImporter>().Single(i => i.Kind == job.Kind);
                var summary = await importer.ImportAsync(content, job.FileName, options, dryRun: false,
                    (done, total) => _jobs[id] = _jobs[id] with { Done = done, Total = total }, stoppingToken);
                _jobs[id] = _jobs[id] with { Finished = true, Summary = summary };
            }
            catch (InvalidOperationException e)
            {
                _jobs[id] = _jobs[id] with { Finished = true, Error = e.Message };
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Background import {Job} ({Kind}) failed", id, job.Kind);
                _jobs[id] = _jobs[id] with { Finished = true, Error = "予期しないエラーのため取り込めませんでした。何も書き込んでいません。(" + e.GetType().Name + ")" };
            }
        }
    }
}
