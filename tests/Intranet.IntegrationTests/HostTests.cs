using System.Net;
using Intranet.IntegrationTests.Infrastructure;

namespace Intranet.IntegrationTests;

/// <summary>Health, anonymous access and the first administrator, on both databases.</summary>
public sealed class HostTests
{
    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Health_endpoints_answer_and_ready_means_migrated(Db db)
    {
        using var app = new IntranetApp(db);
        var client = app.NewClient();
        var live = await client.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        var (ready, body) = await app.ReadyAsync(client);
        Assert.True(ready.StatusCode == HttpStatusCode.OK, $"/health/ready answered {(int)ready.StatusCode}: {body}");
        Assert.Contains("\"status\": \"Healthy\"", body);   // JSON since issue #11 (ClusterTests)
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/dashboard")]
    [InlineData("/plans")]
    [InlineData("/plans/hadano-ict-2021")]
    [InlineData("/plans/hadano-ict-2021/projects/2-1-(1)")]
    [InlineData("/plans/hadano-ict-2021/kpis.csv")]
    [InlineData("/plans/hadano-ict-2021/indicators/1-2-(1)-1/actuals/2021")]
    [InlineData("/plans/import")]
    [InlineData("/indicators")]
    public async Task Anonymous_users_get_the_login_page(string url)
    {
        using var app = new IntranetApp(Db.Sqlite);
        var response = await app.NewClient().GetAsync(url);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/login", response.LocationPath());
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task First_administrator_gets_a_private_random_password_and_must_change_it(Db db)
    {
        using var app = new IntranetApp(db);
        var client = app.NewClient();
        var file = Path.Combine(app.DataDirectory, "initial-admin-password.txt");
        Assert.True(File.Exists(file));
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        var lines = await File.ReadAllLinesAsync(file);
        Assert.Equal("admin@intranet.local", lines[0]);
        Assert.True(lines[1].Length >= 16);

        var login = await client.LoginAsync(lines[0], lines[1]);
        Assert.Equal("/account/change-password", login.LocationPath());
        var blocked = await client.GetAsync("/dashboard");
        Assert.Equal("/account/change-password", blocked.LocationPath());

        var tooShort = await client.PostFormAsync("/account/change-password", "change-password", new Dictionary<string, string>
        {
            ["Input.CurrentPassword"] = lines[1], ["Input.NewPassword"] = "short1", ["Input.ConfirmPassword"] = "short1",
        });
        Assert.Equal(HttpStatusCode.OK, tooShort.StatusCode);
        Assert.Contains("12文字以上", await tooShort.Content.ReadAsStringAsync());

        var changed = await client.PostFormAsync("/account/change-password", "change-password", new Dictionary<string, string>
        {
            ["Input.CurrentPassword"] = lines[1], ["Input.NewPassword"] = "new-admin-pass-2026", ["Input.ConfirmPassword"] = "new-admin-pass-2026",
        });
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/dashboard")).StatusCode);

        var fresh = app.NewClient();
        Assert.Equal("/", (await fresh.LoginAsync(lines[0], "new-admin-pass-2026")).LocationPath());
    }

    [Fact]
    public async Task Repeated_failures_lock_the_account()
    {
        using var app = new IntranetApp(Db.Sqlite);
        await app.CreateUserAsync("viewer@example.jp", "viewer-password-1", "Viewer");
        var client = app.NewClient();
        for (var i = 0; i < 5; i++)
        {
            var wrong = await client.LoginAsync("viewer@example.jp", "wrong-password-" + i);
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        }
        var locked = await client.LoginAsync("viewer@example.jp", "viewer-password-1");
        Assert.Equal(HttpStatusCode.OK, locked.StatusCode);
        Assert.Contains("ロックされています", await locked.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task The_bundled_plans_are_loaded_on_a_new_database(Db db)
    {
        using var app = new IntranetApp(db);
        var client = await app.SignedInAsync("Viewer");
        var plans = await client.GetStringAsync("/plans");
        Assert.Contains("はだのICT活用推進計画", plans);
        Assert.Contains("茅ヶ崎市地域情報化計画", plans);
        Assert.Contains("第2次相模原市ICT総合戦略", plans);
        var tree = await client.GetStringAsync("/plans/hadano-ict-2021");
        Assert.Contains("RPA(自動化技術)の導入による事務の効率化", tree);
        Assert.Contains("【再掲】", tree);
        var chigasaki = await client.GetStringAsync("/plans/chigasaki-chiiki-2016");
        Assert.Contains("施策展開の柱", chigasaki);
        Assert.Contains("茅ヶ崎市職員のテレワーク導入の検討", chigasaki);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/plans/no-such-plan")).StatusCode);
    }
}
