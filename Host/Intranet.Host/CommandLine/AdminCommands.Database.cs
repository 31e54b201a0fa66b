using System.Text;
using Intranet.Host.Infrastructure;
using Intranet.Shared.Persistence;

namespace Intranet.Host.CommandLine;

/// <summary>
/// The database verbs: <c>migrate --script</c>, <c>backup</c> and <c>restore</c>. They run before (and instead of) the
/// start-up migration of the other verbs: a script connects to no database, and a restore must not migrate the
/// database it is about to replace.
/// </summary>
public static partial class AdminCommands
{
    /// <summary>Whether the verb is one of the database verbs that must not prepare the database first.</summary>
    private static bool IsDatabaseVerb(string verb, ParsedArgs a) => verb is "backup" or "restore" || (verb == "migrate" && a.Flag("script"));

    private static Task<int> RunDatabaseVerbAsync(IServiceProvider sp, string verb, ParsedArgs a) => verb switch
    {
        "migrate" => ScriptAsync(sp, a.Single("provider"), a.Single("out"), Console.Out, Console.Error),
        "backup" => BackupAsync(sp, a.Single("out") ?? throw new UsageException("backup には --out FILE を指定してください。"), Console.Out, Console.Error),
        "restore" => RestoreAsync(sp, a.Positional.Count == 1 ? a.Positional[0] : throw new UsageException("restore にはバックアップファイルを1つ指定してください。"),
            a.Flag("force"), Console.Out, Console.Error),
        _ => throw new UsageException($"{verb} は不明です。"),
    };

    /// <summary><c>backup --out FILE</c> (see <see cref="DatabaseBackup.BackupAsync"/>): 0, or 1 with a Japanese message.</summary>
    internal static async Task<int> BackupAsync(IServiceProvider sp, string outPath, TextWriter output, TextWriter error)
    {
        try
        {
            await output.WriteLineAsync(await new DatabaseBackup(sp.GetRequiredService<DatabaseSettings>()).BackupAsync(outPath, CancellationToken.None));
            return 0;
        }
        catch (DatabaseBackupException e)
        {
            await error.WriteLineAsync("エラー: " + e.Message);
            return 1;
        }
    }

    /// <summary><c>restore FILE [--force]</c> (see <see cref="DatabaseBackup.RestoreAsync"/>): 0, or 1 with a Japanese message.
    /// The next start of the host (or <c>migrate</c>) applies any migration newer than the backup.</summary>
    internal static async Task<int> RestoreAsync(IServiceProvider sp, string file, bool force, TextWriter output, TextWriter error)
    {
        try
        {
            await output.WriteLineAsync(await new DatabaseBackup(sp.GetRequiredService<DatabaseSettings>()).RestoreAsync(file, force, CancellationToken.None));
            return 0;
        }
        catch (DatabaseBackupException e)
        {
            await error.WriteLineAsync("エラー: " + e.Message);
            return 1;
        }
    }

    /// <summary>
    /// <c>migrate --script [--provider Sqlite|PostgreSql|SqlServer] [--out FILE]</c>: writes the DDL of every context (see
    /// <see cref="DatabaseMigrator.GenerateScript"/>) to <paramref name="outPath"/> (created 0600 on Unix) or to
    /// <paramref name="output"/>. The provider defaults to the configured one. Returns 0, or 2 for an unknown provider.
    /// </summary>
    internal static async Task<int> ScriptAsync(IServiceProvider sp, string? providerText, string? outPath, TextWriter output, TextWriter error)
    {
        var provider = sp.GetRequiredService<DatabaseSettings>().Provider;
        if (providerText is not null && !Enum.TryParse(providerText, ignoreCase: true, out provider))
            throw new UsageException($"--provider は Sqlite、PostgreSql、SqlServer のいずれかです ('{providerText}' は使えません)。");
        var script = sp.GetRequiredService<DatabaseMigrator>().GenerateScript(provider);
        if (outPath is null)
        {
            await output.WriteAsync(script);
            return 0;
        }
        await File.WriteAllTextAsync(outPath, script, new UTF8Encoding(false));
        DataFolder.RestrictFile(outPath);
        await error.WriteLineAsync($"{provider} 用のスクリプトを {outPath} に書き出しました。");
        return 0;
    }
}
