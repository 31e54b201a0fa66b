using Intranet.Host.CommandLine;
using Intranet.IntegrationTests.Infrastructure;

namespace Intranet.IntegrationTests;

/// <summary>The user verbs of the admin tool, run in-process against a test host (the process itself: CommandLineTests).</summary>
public sealed class UserCommandLineTests
{
    private static async Task<(int Exit, string Out, string Err)> RunAsync(IntranetApp app, params string[] args)
    {
        _ = app.Server;
        var (output, error) = (new StringWriter(), new StringWriter());
        var exit = await AdminCommands.RunUserVerbAsync(app.Services, args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Set_user_changes_only_what_it_is_given_and_refuses_a_department_user_without_department()
    {
        using var app = new IntranetApp(Db.Sqlite);
        await app.CreateUserAsync("staff@example.jp", "staff-password-2026", "Viewer");

        var refused = await RunAsync(app, "set-user", "--email", "staff@example.jp", "--role", "Department");
        Assert.Equal(1, refused.Exit);
        Assert.Contains("所属課", refused.Err);
        Assert.Contains("--department", refused.Err);

        var set = await RunAsync(app, "set-user", "--email", "staff@example.jp", "--role", "Department,Cio", "--department", "広報広聴課");
        Assert.Equal(0, set.Exit);
        Assert.Contains("ロール: Cio, Department", set.Out);
        Assert.Contains("所属: 広報広聴課", set.Out);

        var renamed = await RunAsync(app, "set-user", "--email", "staff@example.jp", "--name", "職員 一郎");
        Assert.Equal(0, renamed.Exit);
        Assert.Contains("ロール: Cio, Department", renamed.Out);

        var list = await RunAsync(app, "list-users");
        Assert.Equal(0, list.Exit);
        var lines = list.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("メールアドレス\t表示名\t所属\tロール\t状態\t最終ログイン", lines[0]);
        Assert.Contains("staff@example.jp\t職員 一郎\t広報広聴課\tCio,Department\t有効\t-", lines);
        Assert.Contains(lines, l => l.StartsWith("admin@intranet.local\t", StringComparison.Ordinal));

        var nothing = await RunAsync(app, "set-user", "--email", "staff@example.jp");
        Assert.Equal(2, nothing.Exit);
        var unknown = await RunAsync(app, "set-user", "--email", "nobody@example.jp", "--role", "Viewer");
        Assert.Equal(1, unknown.Exit);
        Assert.Contains("nobody@example.jp は登録されていません", unknown.Err);
        var noEmail = await RunAsync(app, "disable-user");
        Assert.Equal(2, noEmail.Exit);
        Assert.Contains("--email", noEmail.Err);
    }

    [Fact]
    public async Task Disable_enable_and_reset_password()
    {
        using var app = new IntranetApp(Db.Sqlite);
        await app.CreateUserAsync("leaver@example.jp", "leaver-password-2026", "Viewer");

        var disabled = await RunAsync(app, "disable-user", "--email", "leaver@example.jp");
        Assert.Equal(0, disabled.Exit);
        Assert.Contains("無効にしました", disabled.Out);
        Assert.Contains("leaver@example.jp\t\t\tViewer\t無効", (await RunAsync(app, "list-users")).Out);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await app.NewClient().LoginAsync("leaver@example.jp", "leaver-password-2026")).StatusCode);

        var enabled = await RunAsync(app, "enable-user", "--email", "leaver@example.jp");
        Assert.Equal(0, enabled.Exit);

        var reset = await RunAsync(app, "reset-password", "--email", "leaver@example.jp");
        Assert.Equal(0, reset.Exit);
        var password = reset.Out.Trim().Split(' ')[^1];
        Assert.True(password.Length >= 16);
        Assert.Contains("次回ログイン時に変更", reset.Err);
        Assert.Equal("/account/change-password", (await app.NewClient().LoginAsync("leaver@example.jp", password)).LocationPath());
    }
}
