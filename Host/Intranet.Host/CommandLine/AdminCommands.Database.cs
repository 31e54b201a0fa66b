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
        _ => throw new UsageException($"{verb} は不明です。"),
    };

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
