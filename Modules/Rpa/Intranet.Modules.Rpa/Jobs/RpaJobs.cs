using Intranet.Modules.Rpa.Import;
using Intranet.Modules.Rpa.UseCases;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Quartz;
using Intranet.Shared.Import;

namespace Intranet.Modules.Rpa.Jobs;

/// <summary>Nightly safety net (02:00 Japan time): recomputes every figure and reports it to the plan again.</summary>
[DisallowConcurrentExecution]
public sealed class RpaRecomputeJob(RpaFeed feed, ILogger<RpaRecomputeJob> logger) : IJob
{
    /// <summary>Job key.</summary>
    public static readonly JobKey Key = new("rpa-recompute", "rpa");

    /// <inheritdoc />
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var result = await feed.PublishAsync(cancellationToken);
        logger.LogInformation("RPA figures recomputed: {Result}", result?.ToString() ?? "no plan indicator bound");
    }
}

/// <summary>
/// Optional drop folder (setting <c>Rpa:DropFolder</c>): every minute, each <c>*.csv</c> or <c>*.xlsx</c> an RPA tool wrote
/// there is imported as run log through the shared <see cref="ImportPipeline"/> (as the system user): with the saved
/// mapping named before <c>__</c> in the file name (<c>winactor__2022-05.csv</c>), else the mapping named by the setting
/// <c>Rpa:DropFolderMapping</c> (default <c>standard</c>, the module's own format). The file then moves to <c>done/</c>
/// or <c>failed/</c> with a report <c>FILE.report.txt</c> next to it.
/// </summary>
[DisallowConcurrentExecution]
public sealed class RpaDropFolderJob(IServiceProvider services, IConfiguration configuration, ILogger<RpaDropFolderJob> logger) : IJob
{
    /// <summary>Job key.</summary>
    public static readonly JobKey Key = new("rpa-drop-folder", "rpa");

    /// <inheritdoc />
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var folder = configuration["Rpa:DropFolder"];
        if (string.IsNullOrWhiteSpace(folder) || !Directory.Exists(folder)) return;
        await ProcessFolderAsync(services, folder, logger, cancellationToken, configuration["Rpa:DropFolderMapping"]);
    }

    /// <summary>Sub-folder a run moves a file into before importing it: the move is the claim (issue #11).</summary>
    public const string ProcessingFolder = "processing";

    /// <summary>A file left in <see cref="ProcessingFolder"/> this long (its run was killed) goes back to the drop folder.</summary>
    public static readonly TimeSpan StaleClaim = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Imports every CSV and workbook in <paramref name="folder"/>; returns how many succeeded and failed. Each file is first
    /// claimed by moving it into <c>processing/</c> (an atomic rename): a file another run (another host, or an overlapping
    /// run) already moved is skipped — no crash and no report for a file this run did not import. A claim older than
    /// <see cref="StaleClaim"/> (its run was killed; the import's transaction rolled back) is put back for the next run.
    /// </summary>
    /// <param name="services">The host's services (a scope is created per file).</param>
    /// <param name="folder">The drop folder.</param>
    /// <param name="logger">Where each move is logged.</param>
    /// <param name="ct">Cancels between files.</param>
    /// <param name="defaultMapping">Mapping for files without a <c>NAME__</c> prefix; null or empty: <c>standard</c>.</param>
    public static async Task<(int Done, int Failed)> ProcessFolderAsync(IServiceProvider services, string folder, ILogger logger, CancellationToken ct,
        string? defaultMapping = null)
    {
        int done = 0, failed = 0;
        var processing = Directory.CreateDirectory(Path.Combine(folder, ProcessingFolder)).FullName;
        foreach (var stale in Directory.EnumerateFiles(processing).Where(f => File.GetLastWriteTimeUtc(f) < DateTime.UtcNow - StaleClaim).ToList())
        {
            if (TryMove(stale, Path.Combine(folder, Path.GetFileName(stale))))
                logger.LogWarning("RPA drop folder: {File} was left in processing by an interrupted run; it is imported again", Path.GetFileName(stale));
        }
        var files = Directory.EnumerateFiles(folder)
            .Where(f => f.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal).ToList();
        foreach (var dropped in files)
        {
            var name = Path.GetFileName(dropped);
            var file = Path.Combine(processing, name);
            if (!TryMove(dropped, file))
            {
                logger.LogInformation("RPA drop folder: {File} was taken by another run", name);
                continue;
            }
            File.SetLastWriteTimeUtc(file, DateTime.UtcNow);   // the claim's time, for StaleClaim
            var sep = name.IndexOf("__", StringComparison.Ordinal);
            var mappingName = sep > 0 ? name[..sep] : string.IsNullOrWhiteSpace(defaultMapping) ? ImportMapping.NativeName : defaultMapping;
            string report;
            string target;
            await using var scope = services.CreateAsyncScope();
            try
            {
                var pipeline = scope.ServiceProvider.GetRequiredService<ImportPipeline>();
                var kind = pipeline.Find(RpaImportKinds.Runs) ?? throw new InvalidOperationException("rpa-runs is not registered");
                var mapping = await pipeline.MappingAsync(kind.Info, mappingName, name, ct);
                var result = await pipeline.RunAsync(kind, await File.ReadAllBytesAsync(file, ct), name, mapping, dryRun: false, null, ct);
                report = result.ToString();
                target = Directory.CreateDirectory(Path.Combine(folder, "done")).FullName;
                done++;
            }
            catch (ImportRejectedException e)
            {
                report = e.Message;
                target = Directory.CreateDirectory(Path.Combine(folder, "failed")).FullName;
                failed++;
            }
            var destination = Path.Combine(target, name);
            if (File.Exists(destination)) destination = Path.Combine(target, $"{Path.GetFileNameWithoutExtension(name)}-{DateTime.UtcNow:yyyyMMddHHmmssfff}{Path.GetExtension(name)}");
            File.Move(file, destination);
            await File.WriteAllTextAsync(destination + ".report.txt", report + "\n", ct);
            logger.LogInformation("RPA drop folder: {File} → {Target}", name, destination);
        }
        return (done, failed);
    }

    /// <summary>Moves <paramref name="from"/> to <paramref name="to"/> unless it is gone or the target exists (someone else's claim).</summary>
    private static bool TryMove(string from, string to)
    {
        try
        {
            File.Move(from, to, overwrite: false);
            return true;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return false;
        }
    }
}
