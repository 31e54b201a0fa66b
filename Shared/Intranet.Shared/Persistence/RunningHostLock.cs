using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Intranet.Shared.Persistence;

/// <summary>
/// A running web host's claim on its SQLite database: an exclusive lock (<c>flock</c> on Linux) on
/// <c>{database file}.host-lock</c> (0600), held from start to stop. <c>restore</c> refuses while it is held, even when
/// the host sits idle with no connection open (its pool pruned), which the database file itself cannot show.
/// The command line never starts hosted services, so its verbs do not take it. PostgreSQL and SQL Server: nothing.
/// </summary>
public sealed class RunningHostLock(DatabaseSettings settings, ILogger<RunningHostLock> logger) : IHostedService, IDisposable
{
    private FileStream? _lock;

    /// <summary>The lock file of the SQLite database at <paramref name="databaseFile"/>.</summary>
    public static string PathFor(string databaseFile) => databaseFile + ".host-lock";

    /// <summary>Whether a running host holds the lock of the SQLite database at <paramref name="databaseFile"/>.</summary>
    public static bool IsHeld(string databaseFile)
    {
        var path = PathFor(databaseFile);
        if (!File.Exists(path)) return false;
        try
        {
            using var probe = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            return false;
        }
        catch (IOException)
        {
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return true;   // not ours to open: treat as held rather than restore under a host
        }
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (settings.Provider != DatabaseProvider.Sqlite) return Task.CompletedTask;
        var path = PathFor(settings.SqliteFile());
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = DataFolder.FileMode;
        try
        {
            _lock = new FileStream(path, options);
        }
        catch (IOException e)
        {
            // Another host already runs on this SQLite file (one SQLite database serves one host): keep serving, say so.
            logger.LogWarning(e, "Another host holds {LockFile}: one SQLite database should be served by one host only", path);
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _lock?.Dispose();
        _lock = null;
    }
}
