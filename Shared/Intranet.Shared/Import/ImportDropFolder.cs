using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Intranet.Shared.Import;

/// <summary>
/// Drop folders: the files other systems export on a schedule (the attendance system's telework days, an RPA tool's run
/// log, the meeting system's sessions) are written into a folder per import kind, and the running host imports them
/// through the shared <see cref="ImportPipeline"/> as the system user, with no one at a screen. Each file moves to
/// <c>done/</c> or <c>failed/</c> with a report <c>FILE.report.txt</c> next to it.
/// </summary>
/// <remarks>
/// Settings (<see cref="Read"/>): <c>Imports:DropFolders:KIND</c> = folder (e.g. <c>Imports:DropFolders:telework-days</c>,
/// environment <c>Imports__DropFolders__telework-days</c>), <c>Imports:DropFolderMappings:KIND</c> = the saved mapping of
/// files whose name has no <c>NAME__</c> prefix (default <c>standard</c>, the kind's own format),
/// <c>Imports:DropFolderPollSeconds</c> (default 60). The RPA module's earlier settings <c>Rpa:DropFolder</c> and
/// <c>Rpa:DropFolderMapping</c> still name the folder and mapping of <c>rpa-runs</c>.
/// </remarks>
public static class ImportDropFolder
{
    /// <summary>Sub-folder a run moves a file into before importing it: the move is the claim (issue #11).</summary>
    public const string ProcessingFolder = "processing";

    /// <summary>A file left in <see cref="ProcessingFolder"/> this long (its run was killed) goes back to the drop folder.</summary>
    public static readonly TimeSpan StaleClaim = TimeSpan.FromMinutes(10);

    /// <summary>How often the folders are looked at unless <c>Imports:DropFolderPollSeconds</c> says otherwise.</summary>
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromMinutes(1);

    /// <summary>One configured folder: the import kind (e.g. <c>telework-days</c>), the folder, the default mapping or null.</summary>
    public sealed record Folder(string Kind, string Path, string? DefaultMapping);

    /// <summary>The folders configured in <paramref name="configuration"/> (see the remarks of <see cref="ImportDropFolder"/>).</summary>
    public static IReadOnlyList<Folder> Read(IConfiguration configuration)
    {
        var folders = configuration.GetSection("Imports:DropFolders").GetChildren()
            .Where(c => !string.IsNullOrWhiteSpace(c.Value))
            .Select(c => new Folder(c.Key, c.Value!, configuration[$"Imports:DropFolderMappings:{c.Key}"]))
            .ToList();
        if (configuration["Rpa:DropFolder"] is { } rpa && !string.IsNullOrWhiteSpace(rpa) && folders.All(f => f.Kind != "rpa-runs"))
            folders.Add(new Folder("rpa-runs", rpa, configuration["Rpa:DropFolderMapping"]));
        return folders;
    }

    /// <summary>
    /// The interval of <c>Imports:DropFolderPollSeconds</c> (1 to 3,600 seconds), else <see cref="DefaultPollInterval"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The setting is not a whole number of seconds from 1 to 3600 (the host does not start).</exception>
    public static TimeSpan PollInterval(IConfiguration configuration)
    {
        var text = configuration["Imports:DropFolderPollSeconds"];
        if (string.IsNullOrWhiteSpace(text)) return DefaultPollInterval;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s is >= 1 and <= 3600
            ? TimeSpan.FromSeconds(s)
            : throw new InvalidOperationException($"設定 Imports:DropFolderPollSeconds「{text}」は1〜3600の整数(秒)で指定してください。");
    }

    /// <summary>
    /// Imports every CSV and workbook in <paramref name="folder"/> as <paramref name="kindName"/>; returns how many succeeded
    /// and failed. Each file is first claimed by moving it into <c>processing/</c> (an atomic rename): a file another run
    /// (another host, or an overlapping run) already moved is skipped — no crash and no report for a file this run did not
    /// import. A claim older than <see cref="StaleClaim"/> (its run was killed; the import's transaction rolled back) is
    /// put back for the next run. The mapping is the one named before <c>__</c> in the file name
    /// (<c>winactor__2022-05.csv</c>), else <paramref name="defaultMapping"/>, else <c>standard</c>. Each file ends in
    /// <c>done/</c> or <c>failed/</c> beside <c>NAME.report.txt</c>: the result and the import's own time
    /// (<see cref="ImportResult.ElapsedLine"/>), or the errors.
    /// </summary>
    /// <param name="services">The host's services (a scope is created per file).</param>
    /// <param name="folder">The drop folder.</param>
    /// <param name="kindName">The import kind, e.g. <c>telework-days</c>.</param>
    /// <param name="logger">Where each move is logged.</param>
    /// <param name="ct">Cancels between files.</param>
    /// <param name="defaultMapping">Mapping for files without a <c>NAME__</c> prefix; null or empty: <c>standard</c>.</param>
    /// <exception cref="InvalidOperationException"><paramref name="kindName"/> is not a registered import kind.</exception>
    public static async Task<(int Done, int Failed)> ProcessFolderAsync(IServiceProvider services, string folder, string kindName, ILogger logger,
        CancellationToken ct, string? defaultMapping = null)
    {
        int done = 0, failed = 0;
        var processing = Directory.CreateDirectory(Path.Combine(folder, ProcessingFolder)).FullName;
        foreach (var stale in Directory.EnumerateFiles(processing).Where(f => File.GetLastWriteTimeUtc(f) < DateTime.UtcNow - StaleClaim).ToList())
        {
            if (TryMove(stale, Path.Combine(folder, Path.GetFileName(stale))))
                logger.LogWarning("Drop folder {Kind}: {File} was left in processing by an interrupted run; it is imported again", kindName, Path.GetFileName(stale));
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
                logger.LogInformation("Drop folder {Kind}: {File} was taken by another run", kindName, name);
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
                var kind = pipeline.Find(kindName) ?? throw new InvalidOperationException($"No import kind named {kindName}.");
                var mapping = await pipeline.MappingAsync(kind.Info, mappingName, name, ct);
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                var result = await pipeline.RunAsync(kind, await File.ReadAllBytesAsync(file, ct), name, mapping, dryRun: false, null, ct);
                report = result + "\n" + ImportResult.ElapsedLine(System.Diagnostics.Stopwatch.GetElapsedTime(started));
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
            logger.LogInformation("Drop folder {Kind}: {File} → {Target}", kindName, name, destination);
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

/// <summary>
/// Looks at every configured drop folder (<see cref="ImportDropFolder.Read"/>) every
/// <see cref="ImportDropFolder.PollInterval"/> and imports what it finds; a folder that does not exist (yet) is skipped,
/// and one folder's trouble (an unreadable share) does not stop the others.
/// </summary>
[DisallowConcurrentExecution]
public sealed class ImportDropFolderJob(IServiceProvider services, IConfiguration configuration, ILogger<ImportDropFolderJob> logger) : IJob
{
    /// <summary>Job key.</summary>
    public static readonly JobKey Key = new("import-drop-folders", "imports");

    /// <summary>Adds the job and its trigger (a run without configured folders does nothing).</summary>
    /// <exception cref="InvalidOperationException">A bad <c>Imports:DropFolderPollSeconds</c> (<see cref="ImportDropFolder.PollInterval"/>).</exception>
    public static void Configure(IQuartzBuilder quartz, IConfiguration configuration)
    {
        var interval = ImportDropFolder.PollInterval(configuration);
        quartz.AddJob<ImportDropFolderJob>(j => j.WithIdentity(Key));
        quartz.AddTrigger(t => t.ForJob(Key).WithIdentity("import-drop-folders-poll", "imports")
            .WithSimpleSchedule(s => s.WithInterval(interval).RepeatForever()));
    }

    /// <inheritdoc />
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        foreach (var folder in ImportDropFolder.Read(configuration))
        {
            if (!Directory.Exists(folder.Path)) continue;
            try
            {
                await ImportDropFolder.ProcessFolderAsync(services, folder.Path, folder.Kind, logger, cancellationToken, folder.DefaultMapping);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Drop folder {Kind} ({Folder}) could not be processed; the next run tries again", folder.Kind, folder.Path);
            }
        }
    }
}
