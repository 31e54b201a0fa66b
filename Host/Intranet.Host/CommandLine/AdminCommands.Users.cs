using Intranet.Host.Identity;
using Intranet.Shared.Messaging;
using Intranet.Shared.Web;
using MediatR;

namespace Intranet.Host.CommandLine;

/// <summary>
/// The user administration verbs: <c>set-user</c>, <c>disable-user</c>, <c>enable-user</c>, <c>reset-password</c>,
/// <c>list-users</c>. They send the same use cases as the user administration page (as the system operator), so the
/// same rules apply (e.g. a 主管課 or 会議主管課 needs a department) and every change is audited.
/// </summary>
public static partial class AdminCommands
{
    private static readonly string[] UserVerbs = ["set-user", "disable-user", "enable-user", "reset-password", "list-users"];

    /// <summary>
    /// Runs a user verb against <paramref name="services"/> (a started host's, or a test host's) in a new scope acting
    /// as the system, writing results to <paramref name="output"/> and Japanese errors to <paramref name="error"/>.
    /// Returns 0 on success, 1 when the change was refused (unknown user, missing department, …), 2 on a usage error.
    /// </summary>
    public static async Task<int> RunUserVerbAsync(IServiceProvider services, string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length == 0 || !UserVerbs.Contains(args[0]))
        {
            await error.WriteLineAsync($"利用者のコマンドは {string.Join(", ", UserVerbs)} です。");
            return 2;
        }
        try
        {
            return await RunUserVerbAsync(services, args[0], ParsedArgs.Parse(args.Skip(1).ToArray()), output, error);
        }
        catch (UsageException e)
        {
            await error.WriteLineAsync(e.Message + "\n" + Usage);
            return 2;
        }
    }

    private static async Task<int> RunUserVerbAsync(IServiceProvider services, string verb, ParsedArgs a, TextWriter output, TextWriter error)
    {
        await using var scope = services.CreateAsyncScope();
        var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
        string Email() => a.Single("email") is { Length: > 0 } e ? e : throw new UsageException($"{verb} には --email が必要です。");
        try
        {
            switch (verb)
            {
                case "list-users":
                    await output.WriteLineAsync("メールアドレス\t表示名\t所属\tロール\t状態\t最終ログイン");
                    foreach (var u in await mediator.Send(new ListUsers()))
                        await output.WriteLineAsync(string.Join('\t', u.Email, u.DisplayName ?? "", u.Department ?? "", string.Join(",", u.Roles),
                            u.StateLabel, u.LastLoginAt is { } at ? Fmt.Time(at) : "-"));
                    return 0;
                case "set-user":
                {
                    var email = Email();
                    var roles = a.Many("role").SelectMany(r => r.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
                    if (roles.Count == 0 && a.Single("department") is null && a.Single("name") is null)
                        throw new UsageException("set-user には変更する項目 (--role, --department, --name) を1つ以上指定してください。");
                    var user = await mediator.Send(new SaveUser(email, roles.Count == 0 ? null : roles, a.Single("department"), a.Single("name")));
                    await output.WriteLineAsync($"利用者 {user.Email} を更新しました (ロール: {string.Join(", ", user.Roles)}, 所属: {user.Department ?? "なし"})。");
                    return 0;
                }
                case "disable-user":
                {
                    var user = await mediator.Send(new DisableUser(Email()));
                    await output.WriteLineAsync($"利用者 {user.Email} を無効にしました。ログインできません。");
                    return 0;
                }
                case "enable-user":
                {
                    var user = await mediator.Send(new EnableUser(Email()));
                    await output.WriteLineAsync($"利用者 {user.Email} を有効にしました。");
                    return 0;
                }
                case "reset-password":
                {
                    var email = Email();
                    var password = await mediator.Send(new ResetUserPassword(email));
                    await output.WriteLineAsync($"利用者 {email} の新しいパスワード: {password}");
                    await error.WriteLineAsync("このパスワードは再表示できません。本人に伝えてください。次回ログイン時に変更が必要です。");
                    return 0;
                }
            }
        }
        catch (RequestValidationException e)
        {
            foreach (var f in e.Errors) await error.WriteLineAsync($"エラー: {f.Message}{OptionHint(f.Field)}");
            return 1;
        }
        catch (NotFoundException e)
        {
            await error.WriteLineAsync("エラー: " + e.Message);
            return 1;
        }
        return 2;
    }

    /// <summary>The command-line option of a use case's field, e.g. Department → 「 (--department)」.</summary>
    private static string OptionHint(string field) => field switch
    {
        "Department" => " (--department)",
        "Roles" or "Role" => " (--role)",
        "Email" => " (--email)",
        "DisplayName" => " (--name)",
        "Password" => " (--password)",
        _ => "",
    };
}
