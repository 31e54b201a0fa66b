using Intranet.Shared.Security;
using System.Net;
using Intranet.Host.Identity;
using Intranet.IntegrationTests.Infrastructure;
using Intranet.Shared.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Intranet.IntegrationTests;

/// <summary>
/// The system administrator's user administration, through the use cases the interactive page sends (as a signed-in
/// administrator), on SQLite and PostgreSQL; sign-in effects through the real login page.
/// </summary>
public sealed class UserAdministrationTests
{
    private const string Admin = "Administrator";
    private const string AdminEmail = "admin-test@example.jp";

    private static Task<T> AsAdmin<T>(IntranetApp app, MediatR.IRequest<T> request) =>
        app.SendAsAsync(request, Admin, email: AdminEmail);

    private static async Task<List<Intranet.Shared.Auditing.AuditEntry>> AuditAsync(IntranetApp app, string email)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDb>();
        return (await db.AuditEntries.AsNoTracking().Where(a => a.EntityType == "User" && a.EntityKey == email).ToListAsync())
            .OrderBy(a => a.At).ToList();
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Administrator_adds_a_department_user_who_must_change_the_generated_password(Db db)
    {
        using var app = new IntranetApp(db);
        await app.CreateUserAsync(AdminEmail, "admin-password-2026", Admin);

        var missing = await Assert.ThrowsAsync<RequestValidationException>(() =>
            AsAdmin(app, new CreateUser("koho@example.jp", null, ["Department"], null)));
        Assert.Equal("Department", Assert.Single(missing.Errors).Field);
        Assert.Contains("所属課", missing.Errors[0].Message);
        var organizer = await Assert.ThrowsAsync<RequestValidationException>(() =>
            AsAdmin(app, new CreateUser("kaigi@example.jp", null, ["MeetingOrganizer"], " ")));
        Assert.Contains("会議主管課", organizer.Errors[0].Message);
        var noRole = await Assert.ThrowsAsync<RequestValidationException>(() => AsAdmin(app, new CreateUser("x@example.jp", null, [], null)));
        Assert.Equal("Roles", noRole.Errors[0].Field);

        var created = await AsAdmin(app, new CreateUser("koho@example.jp", "広報 花子", ["Department"], "広報広聴課"));
        Assert.Equal("広報広聴課", created.User.Department);
        Assert.Equal("パスワード変更待ち", created.User.StateLabel);
        Assert.True(created.Password.Length >= 16);

        var duplicate = await Assert.ThrowsAsync<RequestValidationException>(() =>
            AsAdmin(app, new CreateUser("koho@example.jp", null, ["Viewer"], null)));
        Assert.Contains("既に登録されています", duplicate.Errors[0].Message);

        var client = app.NewClient();
        Assert.Equal("/account/change-password", (await client.LoginAsync("koho@example.jp", created.Password)).LocationPath());
        var audit = await AuditAsync(app, "koho@example.jp");
        Assert.Equal("Created", Assert.Single(audit).Action);
        Assert.Equal(AdminEmail, audit[0].UserName);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Administrator_changes_roles_and_department_and_the_change_is_recorded(Db db)
    {
        using var app = new IntranetApp(db);
        await app.CreateUserAsync(AdminEmail, "admin-password-2026", Admin);
        await app.CreateUserAsync("staff@example.jp", "staff-password-2026", "Viewer");

        var options = await AsAdmin(app, new GetUserFormOptions());
        Assert.Contains("広報広聴課", options.Departments);            // a lead department of the Hadano plan
        Assert.Contains("情報システム課", options.Departments);
        Assert.Equal(options.Departments.Order(StringComparer.Ordinal), options.Departments);
        Assert.Equal(Roles.All, options.Roles.Select(r => r.Key));      // every role, outside reviewers (外部評価者) included
        Assert.Equal("外部評価者(学識経験者)", options.Roles.Single(r => r.Key == Roles.Reviewer).Value);

        var noDepartment = await Assert.ThrowsAsync<RequestValidationException>(() =>
            AsAdmin(app, new SaveUser("staff@example.jp", ["Department"], "", null)));
        Assert.Equal("Department", noDepartment.Errors[0].Field);
        Assert.Contains("所属課を選んでください", noDepartment.Errors[0].Message);

        var saved = await AsAdmin(app, new SaveUser("staff@example.jp", ["Department", "MeetingOrganizer"], "広報広聴課", "職員 一郎"));
        Assert.Equal(["MeetingOrganizer", "Department"], saved.Roles);
        Assert.Equal("広報広聴課", saved.Department);
        Assert.Equal("職員 一郎", saved.DisplayName);

        // Null keeps a value (the command line's set-user); a new department appears in the form's list.
        var moved = await AsAdmin(app, new SaveUser("staff@example.jp", null, "新設課", null));
        Assert.Equal(["MeetingOrganizer", "Department"], moved.Roles);
        Assert.Contains("新設課", (await AsAdmin(app, new GetUserFormOptions())).Departments);

        // The department claim of a new sign-in follows.
        var client = app.NewClient();
        Assert.Equal(HttpStatusCode.Redirect, (await client.LoginAsync("staff@example.jp", "staff-password-2026")).StatusCode);

        var audit = (await AuditAsync(app, "staff@example.jp")).Where(a => a.Action != "Created").ToList();
        Assert.Equal(["Updated", "Updated"], audit.Select(a => a.Action));
        Assert.Contains(audit, a => a.Changes.Contains("\"Roles\":[\"Viewer\",\"MeetingOrganizer,Department\"]"));
        Assert.Contains(audit, a => a.Changes.Contains("\"Department\":[\"広報広聴課\",\"新設課\"]"));
        Assert.All(audit, a => Assert.Equal(AdminEmail, a.UserName));

        var listed = await AsAdmin(app, new ListUsers("新設"));
        Assert.Equal("staff@example.jp", Assert.Single(listed).Email);
        Assert.Single(await AsAdmin(app, new ListUsers("会議主管課")));   // by role label
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task A_disabled_user_cannot_log_in_until_enabled_again(Db db)
    {
        using var app = new IntranetApp(db);
        await app.CreateUserAsync(AdminEmail, "admin-password-2026", Admin);
        await app.CreateUserAsync("leaver@example.jp", "leaver-password-2026", "Viewer");
        var session = app.NewClient();
        Assert.Equal(HttpStatusCode.Redirect, (await session.LoginAsync("leaver@example.jp", "leaver-password-2026")).StatusCode);

        var disabled = await AsAdmin(app, new DisableUser("leaver@example.jp"));
        Assert.Equal("無効", disabled.StateLabel);
        Assert.NotNull(disabled.DisabledAt);

        var refused = await app.NewClient().LoginAsync("leaver@example.jp", "leaver-password-2026");
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("利用停止されています", await refused.Content.ReadAsStringAsync());
        var wrongPassword = await app.NewClient().LoginAsync("leaver@example.jp", "not-the-password-1");
        Assert.DoesNotContain("利用停止", await wrongPassword.Content.ReadAsStringAsync());   // told only to who knows the password

        // The open session ends at the next security-stamp check (5 minutes).
        app.Clock.Now += TimeSpan.FromMinutes(6);
        Assert.StartsWith("/account/login", (await session.GetAsync("/plans")).LocationPath());

        var enabled = await AsAdmin(app, new EnableUser("leaver@example.jp"));
        Assert.Equal("有効", enabled.StateLabel);
        Assert.Equal(HttpStatusCode.Redirect, (await app.NewClient().LoginAsync("leaver@example.jp", "leaver-password-2026")).StatusCode);
        Assert.Equal(["Created", "Disabled", "Enabled"], (await AuditAsync(app, "leaver@example.jp")).Select(a => a.Action).Order());
    }

    [Fact]
    public async Task An_administrator_cannot_lock_themselves_out()
    {
        using var app = new IntranetApp(Db.Sqlite);
        await app.CreateUserAsync(AdminEmail, "admin-password-2026", Admin);
        var self = await Assert.ThrowsAsync<RequestValidationException>(() => AsAdmin(app, new DisableUser(AdminEmail)));
        Assert.Contains("自分自身", self.Message);
        var role = await Assert.ThrowsAsync<RequestValidationException>(() => AsAdmin(app, new SaveUser(AdminEmail, ["Viewer"], null, null)));
        Assert.Contains("自分自身", role.Message);
        await Assert.ThrowsAsync<NotFoundException>(() => AsAdmin(app, new DisableUser("nobody@example.jp")));
        await Assert.ThrowsAsync<ForbiddenException>(() => app.SendAsAsync(new ListUsers(), "PlanOffice"));
        await Assert.ThrowsAsync<ForbiddenException>(() => app.SendAsAsync(new ResetUserPassword(AdminEmail), "PlanOffice"));

        var planOffice = await app.SignedInAsync("PlanOffice");
        Assert.StartsWith("/account/access-denied", (await planOffice.GetAsync("/admin/users")).LocationPath());
        var admin = app.NewClient();
        await admin.LoginAsync(AdminEmail, "admin-password-2026");
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/admin/users")).StatusCode);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task A_reset_password_works_once_and_must_be_changed_at_the_next_login(Db db)
    {
        using var app = new IntranetApp(db);
        await app.CreateUserAsync(AdminEmail, "admin-password-2026", Admin);
        await app.CreateUserAsync("forgot@example.jp", "forgotten-password-1", "Cio");

        var password = await AsAdmin(app, new ResetUserPassword("forgot@example.jp"));
        Assert.True(password.Length >= 16);
        var old = await app.NewClient().LoginAsync("forgot@example.jp", "forgotten-password-1");
        Assert.Equal(HttpStatusCode.OK, old.StatusCode);

        var client = app.NewClient();
        Assert.Equal("/account/change-password", (await client.LoginAsync("forgot@example.jp", password)).LocationPath());
        Assert.Equal("/account/change-password", (await client.GetAsync("/dashboard")).LocationPath());
        var changed = await client.PostFormAsync("/account/change-password", "change-password", new Dictionary<string, string>
        {
            ["Input.CurrentPassword"] = password, ["Input.NewPassword"] = "remembered-pass-2026", ["Input.ConfirmPassword"] = "remembered-pass-2026",
        });
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/dashboard")).StatusCode);
        Assert.Equal("/", (await app.NewClient().LoginAsync("forgot@example.jp", "remembered-pass-2026")).LocationPath());

        var audit = await AuditAsync(app, "forgot@example.jp");
        Assert.Equal(["Created", "PasswordChanged", "PasswordReset"], audit.Select(a => a.Action).Order());   // the user's own change too
        Assert.All(audit, a => Assert.DoesNotContain(password, a.Changes));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task The_last_login_is_recorded(Db db)
    {
        using var app = new IntranetApp(db);
        await app.CreateUserAsync(AdminEmail, "admin-password-2026", Admin);
        await app.CreateUserAsync("daily@example.jp", "daily-password-2026", "Viewer");
        Assert.Null((await AsAdmin(app, new ListUsers("daily@"))).Single().LastLoginAt);

        await app.NewClient().LoginAsync("daily@example.jp", "daily-password-2026");
        Assert.Equal(app.Clock.Now, (await AsAdmin(app, new ListUsers("daily@"))).Single().LastLoginAt);

        app.Clock.Now += TimeSpan.FromDays(1);
        await app.NewClient().LoginAsync("daily@example.jp", "wrong-password-000");
        Assert.Equal(app.Clock.Now - TimeSpan.FromDays(1), (await AsAdmin(app, new ListUsers("daily@"))).Single().LastLoginAt);
        await app.NewClient().LoginAsync("daily@example.jp", "daily-password-2026");
        Assert.Equal(app.Clock.Now, (await AsAdmin(app, new ListUsers("daily@"))).Single().LastLoginAt);
    }
}
