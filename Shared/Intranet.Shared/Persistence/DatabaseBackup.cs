using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Intranet.Shared.Persistence;

/// <summary>A backup or restore that cannot be done; the message is Japanese and says what to do.</summary>
public sealed class DatabaseBackupException(string message) : Exception(message);

/// <summary>
/// Backup and restore of the suite's database. SQLite: an online backup (<see cref="SqliteConnection.BackupDatabase(SqliteConnection)"/>,
/// consistent while the host runs); restore replaces <c>intranet.db</c> by writing a temp file in the data folder and
/// renaming it over (the host must be stopped). PostgreSQL: <c>pg_dump -Fc</c> / <c>pg_restore --clean --if-exists
/// --single-transaction</c>, with the password passed in <c>PGPASSWORD</c>, never on the command line. SQL Server: the
/// DBA's native backup. Every file written is 0600 on Unix.
/// </summary>
public sealed class DatabaseBackup(DatabaseSettings settings)
{
    private static readonly byte[] SqliteHeader = "SQLite format 3\0"u8.ToArray();
    private static readonly byte[] PgDumpHeader = "PGDMP"u8.ToArray();

    /// <summary>Writes a backup to <paramref name="outPath"/> (must not exist) and returns a one-line Japanese summary.</summary>
    /// <exception cref="DatabaseBackupException">The file exists, the folder is missing, pg_dump is missing or fails, or SQL Server.</exception>
    public async Task<string> BackupAsync(string outPath, CancellationToken ct)
    {
        outPath = Path.GetFullPath(outPath);
        if (File.Exists(outPath)) throw new DatabaseBackupException($"{outPath} は既にあります。別のファイル名を指定してください。");
        if (Path.GetDirectoryName(outPath) is { } dir && !Directory.Exists(dir)) throw new DatabaseBackupException($"フォルダ {dir} がありません。");
        var temp = outPath + ".partial";
        try
        {
            switch (settings.Provider)
            {
                case DatabaseProvider.Sqlite:
                {
                    var source = settings.SqliteFile();
                    if (!File.Exists(source)) throw new DatabaseBackupException($"データベース {source} がありません。");
                    CreatePrivate(temp);
                    await using (var from = new SqliteConnection(Pooled(settings.ConnectionString, false)))
                    await using (var to = new SqliteConnection($"Data Source={temp};Pooling=False"))
                    {
                        await from.OpenAsync(ct);
                        await to.OpenAsync(ct);
                        from.BackupDatabase(to);
                    }
                    break;
                }
                case DatabaseProvider.PostgreSql:
                {
                    CreatePrivate(temp);
                    var b = new NpgsqlConnectionStringBuilder(settings.ConnectionString);
                    await RunAsync("pg_dump", ["-Fc", "--no-owner", "-f", temp, .. ConnectionArgs(b)], b, ct);
                    break;
                }
                default:
                    throw NotForSqlServer();
            }
            DataFolder.RestrictFile(temp);
            File.Move(temp, outPath);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
        return $"バックアップを {outPath} に書き出しました ({new FileInfo(outPath).Length:N0} バイト)。";
    }

    /// <summary>
    /// Replaces the database with the backup <paramref name="file"/>. Without <paramref name="force"/> refuses when the
    /// database already holds tables. Returns a Japanese summary of what was replaced.
    /// </summary>
    /// <exception cref="DatabaseBackupException">File missing or of the wrong format, data present without force, the host
    /// still running (SQLite), pg_restore missing or failing, or SQL Server.</exception>
    public async Task<string> RestoreAsync(string file, bool force, CancellationToken ct)
    {
        if (settings.Provider == DatabaseProvider.SqlServer) throw NotForSqlServer();
        file = Path.GetFullPath(file);
        if (!File.Exists(file)) throw new DatabaseBackupException($"バックアップファイル {file} が見つかりません。");
        var expected = settings.Provider == DatabaseProvider.Sqlite ? SqliteHeader : PgDumpHeader;
        var head = new byte[expected.Length];
        await using (var s = File.OpenRead(file)) _ = await s.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
        if (!head.AsSpan().SequenceEqual(expected))
            throw new DatabaseBackupException(settings.Provider == DatabaseProvider.Sqlite
                ? $"{file} は SQLite のバックアップではありません (backup で作ったファイルを指定してください)。"
                : $"{file} は pg_dump -Fc 形式のバックアップではありません (backup で作ったファイルを指定してください)。");
        var existing = await DescribeExistingAsync(ct);
        if (existing is not null && !force)
            throw new DatabaseBackupException($"復元先のデータベースには既にデータがあります ({existing})。置き換えてよければ --force を付けて実行してください。");

        if (settings.Provider == DatabaseProvider.Sqlite)
        {
            var target = settings.SqliteFile();
            if (File.Exists(target))
            {
                if (RunningHostLock.IsHeld(target)) throw new DatabaseBackupException(InUse);
                await EnsureNotInUseAsync(target, ct);
            }
            await using (var check = new SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False"))
            {
                await check.OpenAsync(ct);
                await using var cmd = check.CreateCommand();
                cmd.CommandText = "PRAGMA integrity_check";
                if (await cmd.ExecuteScalarAsync(ct) is not "ok") throw new DatabaseBackupException($"{file} は壊れています (integrity_check)。");
            }
            var temp = target + ".restoring";
            try
            {
                CreatePrivate(temp);
                await using (var from = File.OpenRead(file))
                await using (var to = new FileStream(temp, FileMode.Truncate, FileAccess.Write))
                {
                    await from.CopyToAsync(to, ct);
                    await to.FlushAsync(ct);
                    to.Flush(flushToDisk: true);
                }
                foreach (var side in new[] { target + "-wal", target + "-shm" }) if (File.Exists(side)) File.Delete(side);
                File.Move(temp, target, overwrite: true);
            }
            finally
            {
                if (File.Exists(temp)) File.Delete(temp);
            }
        }
        else
        {
            var b = new NpgsqlConnectionStringBuilder(settings.ConnectionString);
            NpgsqlConnection.ClearAllPools();
            await RunAsync("pg_restore", ["--clean", "--if-exists", "--single-transaction", "--no-owner", "--exit-on-error", .. ConnectionArgs(b), file], b, ct);
        }
        return existing is null ? $"{file} から復元しました。" : $"{file} から復元しました (置き換えたデータ: {existing})。";
    }

    /// <summary>What the database holds now, e.g. 「テーブル 52、利用者 3 人」, or null when it has no tables.</summary>
    public async Task<string?> DescribeExistingAsync(CancellationToken ct)
    {
        if (settings.Provider == DatabaseProvider.Sqlite)
        {
            var path = settings.SqliteFile();
            if (!File.Exists(path) || new FileInfo(path).Length == 0) return null;
            await using var conn = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
            await conn.OpenAsync(ct);
            var tables = Convert.ToInt64(await Scalar(conn, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'", ct));
            if (tables == 0) return null;
            var users = Convert.ToInt64(await Scalar(conn,
                "SELECT CASE WHEN EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'identity_AspNetUsers') THEN (SELECT count(*) FROM identity_AspNetUsers) ELSE 0 END", ct));
            return $"テーブル {tables}、利用者 {users} 人";
        }
        await using (var conn = new NpgsqlConnection(Pooled(settings.ConnectionString, true)))
        {
            await conn.OpenAsync(ct);
            var tables = Convert.ToInt64(await Scalar(conn,
                "SELECT count(*) FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')", ct));
            if (tables == 0) return null;
            var hasUsers = await Scalar(conn, "SELECT to_regclass('identity.\"AspNetUsers\"') IS NOT NULL", ct) is true;
            var users = hasUsers ? Convert.ToInt64(await Scalar(conn, "SELECT count(*) FROM identity.\"AspNetUsers\"", ct)) : 0;
            return $"テーブル {tables}、利用者 {users} 人";
        }
    }

    /// <summary>The directories searched for PostgreSQL's client tools after PATH: Debian's versioned folders, newest first.</summary>
    public static string? FindTool(string name)
    {
        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, name))
            .Concat(Directory.Exists("/usr/lib/postgresql")
                ? Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
                    .Select(d => Path.Combine(d, "bin", name))
                : []);
        return candidates.FirstOrDefault(File.Exists);
    }

    private static async Task RunAsync(string tool, string[] args, NpgsqlConnectionStringBuilder b, CancellationToken ct)
    {
        var path = FindTool(tool) ?? throw new DatabaseBackupException(
            $"{tool} が見つかりません。PostgreSQL のクライアント (Debian: apt-get install postgresql-client) を入れてから実行してください。");
        var start = new ProcessStartInfo(path) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        if (!string.IsNullOrEmpty(b.Password)) start.Environment["PGPASSWORD"] = b.Password;
        if (b.SslMode != SslMode.Prefer) start.Environment["PGSSLMODE"] = b.SslMode.ToString().ToLowerInvariant() switch
        {
            "verifyca" => "verify-ca", "verifyfull" => "verify-full", var m => m,
        };
        using var process = Process.Start(start) ?? throw new DatabaseBackupException($"{tool} を起動できませんでした。");
        var stderr = process.StandardError.ReadToEndAsync(ct);
        _ = process.StandardOutput.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0) throw new DatabaseBackupException($"{tool} が失敗しました (終了コード {process.ExitCode}): {(await stderr).Trim()}");
    }

    private static string[] ConnectionArgs(NpgsqlConnectionStringBuilder b) =>
        ["-h", b.Host ?? "localhost", "-p", b.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", b.Username ?? Environment.UserName,
            "-d", b.Database ?? throw new DatabaseBackupException("接続文字列にデータベース名 (Database) がありません。")];

    private const string InUse = "データベースが使用中です。ホスト (systemctl stop intranet など) を停止してから復元してください。";

    /// <summary>Refuses when another process (a running host) has the SQLite database open: switching the journal mode needs
    /// the only connection.</summary>
    private static async Task EnsureNotInUseAsync(string path, CancellationToken ct)
    {
        try
        {
            await using var conn = new SqliteConnection($"Data Source={path};Pooling=False;Default Timeout=1");
            await conn.OpenAsync(ct);
            var mode = await Scalar(conn, "PRAGMA journal_mode=DELETE", ct) as string;
            if (!string.Equals(mode, "delete", StringComparison.OrdinalIgnoreCase)) throw new SqliteException("busy", 5);
        }
        catch (SqliteException)
        {
            throw new DatabaseBackupException(InUse);
        }
    }

    private static async Task<object?> Scalar(System.Data.Common.DbConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        return await cmd.ExecuteScalarAsync(ct);
    }

    private static string Pooled(string connectionString, bool pooling) =>
        connectionString.Contains("Host=", StringComparison.OrdinalIgnoreCase) || connectionString.Contains("Server=", StringComparison.OrdinalIgnoreCase)
            ? connectionString
            : new SqliteConnectionStringBuilder(connectionString) { Pooling = pooling }.ConnectionString;

    /// <summary>Creates an empty file readable by the owner only (0600 on Unix) before anything is written into it.</summary>
    private static void CreatePrivate(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = DataFolder.FileMode;
        using (new FileStream(path, options)) { }
        DataFolder.RestrictFile(path);
    }

    private static DatabaseBackupException NotForSqlServer() => new(
        "SQL Server のバックアップと復元は DBA の標準の手順 (BACKUP DATABASE / RESTORE DATABASE、または保守計画) で行ってください。");
}
