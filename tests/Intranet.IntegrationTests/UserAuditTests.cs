using Intranet.Host.CommandLine;
using Intranet.Host.Identity;
using Intranet.IntegrationTests.Infrastructure;
using Intranet.Shared.Auditing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Intranet.IntegrationTests;

/// <summary>
/// Every path that administers users records who did what to whom in the identity schema's AuditEntries: the first
/// start, the command line (create-user, set-user, disable-user, enable-user, reset-password) as the operating-system
/// account, the administration page's use cases as the administrator, and a user's own password change. Never a
/// password. SQLite and PostgreSQL.
/// </summary>
public sealed class UserAuditTests
{
    private static async Task<List<AuditEntry>> AuditAsync(IntranetApp app, string email)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDb>();
        return (await db.AuditEntries.AsNoTracking().Where(a => a.EntityType == "User" && a.EntityKey == email).ToListAsync())
            .OrderBy(a => a.At).ToList();
    }

    private static async Task<int> CliAsync(IntranetApp app, params string[] args)
    {
        _ = app.Server;
        return await AdminCommands.RunUserVerbAsync(app.Services, args, new StringWriter(), new StringWriter());
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task The_command_line_and_the_first_start_are_recorded_as_the_operating_system_account(Db db)
    {
        using var app = new IntranetApp(db);
        _ = app.Server;
        var operatorName = $"system (os: {Environment.UserName})";

        var first = Assert.Single(await AuditAsync(app, UserAdministration.FirstAdministratorEmail));
        Assert.Equal(("Created", operatorName), (first.Action, first.UserName));
        Assert.Contains("\"Roles\":[null,\"Administrator\"]", first.Changes);

        // create-user goes through UserAdministration.CreateUserAsync, as IntranetApp.CreateUserAsync does.
        await app.CreateUserAsync("clerk@example.jp", "clerk-password-2026", "Department", "広報広聴課");
        string[][] verbs =
        [
            ["set-user", "--email", "clerk@example.jp", "--role", "Department,Cio", "--department", "秘書課"],
            ["disable-user", "--email", "clerk@example.jp"], ["enable-user", "--email", "clerk@example.jp"],
            ["reset-password", "--email", "clerk@example.jp"],
        ];
        foreach (var verb in verbs)
        {
            app.Clock.Now += TimeSpan.FromMinutes(1);      // entries are ordered by time
            Assert.Equal(0, await CliAsync(app, verb));
        }

        var audit = await AuditAsync(app, "clerk@example.jp");
        Assert.Equal(["Created", "Updated", "Disabled", "Enabled", "PasswordReset"], audit.Select(a => a.Action));
        Assert.All(audit, a => Assert.Equal(operatorName, a.UserName));
        Assert.Contains("\"Department\":[null,\"広報広聴課\"]", audit[0].Changes);
        Assert.Contains("\"Roles\":[null,\"Department\"]", audit[0].Changes);
        Assert.Contains("\"Roles\":[\"Department\",\"Cio,Department\"]", audit[1].Changes);
        Assert.Contains("\"Department\":[\"広報広聴課\",\"秘書課\"]", audit[1].Changes);
        Assert.All(audit, a => Assert.DoesNotContain("clerk-password-2026", a.Changes));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task The_administration_page_and_a_users_own_password_change_are_recorded_by_who_acted(Db db)
    {
        using var app = new IntranetApp(db);
        await app.CreateUserAsync("boss@example.jp", "boss-password-2026", "Administrator");
        var created = await app.SendAsAsync(new CreateUser("newcomer@example.jp", "新人 花子", ["Viewer"], null), "Administrator",
            email: "boss@example.jp");
        app.Clock.Now += TimeSpan.FromMinutes(1);      // entries are ordered by time
        await app.SendAsAsync(new SaveUser("newcomer@example.jp", ["Department"], "企画課", null), "Administrator", email: "boss@example.jp");
        app.Clock.Now += TimeSpan.FromMinutes(1);
        var reset = await app.SendAsAsync(new ResetUserPassword("newcomer@example.jp"), "Administrator", email: "boss@example.jp");

        app.Clock.Now += TimeSpan.FromMinutes(1);
        var client = app.NewClient();
        await client.LoginAsync("newcomer@example.jp", reset);
        var changed = await client.PostFormAsync("/account/change-password", "change-password", new Dictionary<string, string>
        {
            ["Input.CurrentPassword"] = reset, ["Input.NewPassword"] = "my-own-pass-2026", ["Input.ConfirmPassword"] = "my-own-pass-2026",
        });
        Assert.Equal(System.Net.HttpStatusCode.Redirect, changed.StatusCode);

        var audit = await AuditAsync(app, "newcomer@example.jp");
        Assert.Equal(["Created", "Updated", "PasswordReset", "PasswordChanged"], audit.Select(a => a.Action));
        Assert.Equal(["boss@example.jp", "boss@example.jp", "boss@example.jp", "newcomer@example.jp"], audit.Select(a => a.UserName));
        Assert.Contains("\"DisplayName\":[null,\"新人 花子\"]", audit[0].Changes);
        Assert.Contains("\"MustChangePassword\":[true,false]", audit[3].Changes);
        foreach (var secret in new[] { created.Password, reset, "my-own-pass-2026" })
            Assert.All(audit, a => Assert.DoesNotContain(secret, a.Changes));
    }
}
