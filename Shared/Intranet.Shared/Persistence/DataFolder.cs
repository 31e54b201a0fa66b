using System.Runtime.InteropServices;

namespace Intranet.Shared.Persistence;

/// <summary>
/// Keeps the data folder (the SQLite database with names and password hashes, data-protection keys, the initial
/// administrator's password, backups) readable by the service account only. On Unix: the folder is created or
/// tightened to 0700, the process's umask becomes 077 so every file it creates later — including the SQLite
/// <c>-wal</c>/<c>-shm</c> files SQLite creates on its own — is 0600 (directories 0700), and the known files already
/// there are tightened to 0600. Published static files are only read, so the umask does not affect them. On Windows
/// nothing changes (the folder inherits the ACL of its parent: grant the service account only).
/// </summary>
public static class DataFolder
{
    /// <summary>0700: owner read, write, search.</summary>
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>0600: owner read and write.</summary>
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates <paramref name="directory"/> (0700) or tightens it, sets the umask 077 and tightens the files the suite
    /// keeps there (<c>intranet.db*</c>, <c>initial-admin-password*</c>, <c>keys/</c>).</summary>
    public static void Secure(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            return;
        }
        UsePrivateUmask();
        Directory.CreateDirectory(directory, DirectoryMode);
        TryChmod(directory, DirectoryMode);
        foreach (var file in Directory.EnumerateFiles(directory))
        {
            var name = Path.GetFileName(file);
            if (name.StartsWith(DatabaseSettings.SqliteFileName, StringComparison.Ordinal)
                || name.StartsWith("initial-admin-password", StringComparison.Ordinal)
                || name.EndsWith(".backup", StringComparison.Ordinal))
                TryChmod(file, FileMode);
        }
        var keys = Path.Combine(directory, "keys");
        if (Directory.Exists(keys))
        {
            TryChmod(keys, DirectoryMode);
            foreach (var file in Directory.EnumerateFiles(keys)) TryChmod(file, FileMode);
        }
    }

    /// <summary>Sets the file's mode to 0600 on Unix (backups, scripts, exports written by the admin verbs).</summary>
    public static void RestrictFile(string path)
    {
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, FileMode);
    }

    /// <summary>Sets the process umask to 077 (Unix): files are created 0600 and folders 0700 from now on.</summary>
    public static void UsePrivateUmask()
    {
        if (OperatingSystem.IsWindows()) return;
        try
        {
            _ = umask(0x3F); // 077 octal
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // No libc umask (unusual platform): the chmods above and RestrictFile still apply.
        }
    }

    private static void TryChmod(string path, UnixFileMode mode)
    {
        if (OperatingSystem.IsWindows()) return;
        try
        {
            File.SetUnixFileMode(path, mode);
        }
        catch (UnauthorizedAccessException)
        {
            // Not the owner (e.g. a folder prepared by root): leave it; the documentation asks for an owned folder.
        }
    }

    // DllImport, not LibraryImport: the latter needs unsafe code in the project for this blittable signature.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "umask")]
    private static extern uint umask(uint mask);
#pragma warning restore SYSLIB1054
}
