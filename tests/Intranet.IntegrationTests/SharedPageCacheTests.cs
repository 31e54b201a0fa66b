using System.Net;
using System.Text.RegularExpressions;
using Intranet.IntegrationTests.Infrastructure;
using Intranet.Modules.PlanKpi.UseCases;
using Intranet.Shared.Security;
using Intranet.Shared.Web;
using Microsoft.Extensions.DependencyInjection;

namespace Intranet.IntegrationTests;

/// <summary>
/// The dashboard's prerendered HTML is rendered once and shared by users of the same roles and department
/// (<see cref="SharedPageCache"/>, issue #12), each response carrying its own user's name and antiforgery token; other
/// roles, a write to the plan figures and the next day render anew. Real host over HTTP, SQLite and PostgreSQL.
/// </summary>
public sealed partial class SharedPageCacheTests
{
    private const string Password = "shared-page-pass-2026";
    private const string Url = "/dashboard?fy=2021";

    private static async Task<HttpClient> LoginAsync(IntranetApp app, string email)
    {
        var client = app.NewClient();
        Assert.Equal(HttpStatusCode.Redirect, (await client.LoginAsync(email, Password)).StatusCode);
        return client;
    }

    private static async Task<string> PageAsync(HttpClient client, string url = Url)
    {
        var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/html", response.Content.Headers.ContentType!.ToString());
        return await response.Content.ReadAsStringAsync();
    }

    [GeneratedRegex("<!--Blazor-Server-Component-State:.*?-->", RegexOptions.Singleline)]
    private static partial Regex PersistedState();

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Users_of_the_same_roles_share_one_render_each_with_their_own_name_and_token(Db db)
    {
        using var app = new IntranetApp(db);
        await app.CreateUserAsync("cio-a@example.jp", Password, Roles.Cio);
        await app.CreateUserAsync("cio-b@example.jp", Password, Roles.Cio);
        var a = await LoginAsync(app, "cio-a@example.jp");
        var b = await LoginAsync(app, "cio-b@example.jp");
        var cache = app.Services.GetRequiredService<SharedPageCache>();
        var hits = cache.Hits;

        var pageA = await PageAsync(a);
        Assert.Equal(hits, cache.Hits);
        var pageB = await PageAsync(b);
        Assert.Equal(hits + 1, cache.Hits);

        // Each sees their own name, never the other's, and no slot is left.
        Assert.Contains("<span>cio-a@example.jp</span>", pageA);
        Assert.DoesNotContain("cio-b@", pageA);
        Assert.Contains("<span>cio-b@example.jp</span>", pageB);
        Assert.DoesNotContain("cio-a@", pageB);
        foreach (var page in new[] { pageA, pageB }) Assert.DoesNotContain("__intranet_shared_page", page);

        // Each token is the user's own: it pairs with their antiforgery cookie (the logout accepts it).
        var (tokenA, tokenB) = (HttpClientForms.Token(pageA), HttpClientForms.Token(pageB));
        Assert.NotEqual(tokenA, tokenB);

        // The shared copy leaves out the first user's persisted component state; otherwise the pages are the same.
        Assert.Matches(PersistedState(), pageA);
        Assert.DoesNotMatch(PersistedState(), pageB);
        Assert.Equal(PersistedState().Replace(pageA, "").Replace("cio-a@example.jp", "NAME").Replace(tokenA, "TOKEN"),
            pageB.Replace("cio-b@example.jp", "NAME").Replace(tokenB, "TOKEN"));

        // A third request of the first user is served from the copy too, with a fresh pairing token.
        Assert.Contains("<span>cio-a@example.jp</span>", await PageAsync(a));
        Assert.Equal(hits + 2, cache.Hits);

        var logout = await b.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = tokenB }));
        Assert.Equal("/account/login", logout.LocationPath());
        Assert.StartsWith("/account/login", (await b.GetAsync(Url)).LocationPath());
        Assert.Equal(hits + 2, cache.Hits);   // an ended session is sent to the login page, never served the copy
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Other_roles_departments_queries_a_write_and_the_next_day_render_anew(Db db)
    {
        using var app = new IntranetApp(db);
        await app.CreateUserAsync("cio@example.jp", Password, Roles.Cio);
        await app.CreateUserAsync("viewer@example.jp", Password, Roles.Viewer);
        await app.CreateUserAsync("dept-a@example.jp", Password, Roles.Department, "広報広聴課");
        await app.CreateUserAsync("dept-b@example.jp", Password, Roles.Department, "情報政策課");
        var cio = await LoginAsync(app, "cio@example.jp");
        var cache = app.Services.GetRequiredService<SharedPageCache>();

        var before = await PageAsync(cio);
        var hits = cache.Hits;
        await PageAsync(await LoginAsync(app, "viewer@example.jp"));
        await PageAsync(await LoginAsync(app, "dept-a@example.jp"));
        await PageAsync(await LoginAsync(app, "dept-b@example.jp"));
        await PageAsync(cio, "/dashboard?fy=2022");
        Assert.Equal(hits, cache.Hits);

        // An actual for FY2021 (1-2-(1)-1, target 7,000: 6,500 is behind) renews the plan's change stamp.
        await app.SendAsAsync(new RecordActual("hadano-ict-2021", "1-2-(1)-1", 2021, 6500m, "共有ページの確認", null), Roles.PlanOffice);
        var after = await PageAsync(cio);
        Assert.Equal(hits, cache.Hits);
        Assert.DoesNotContain("共有ページの確認", before);
        Assert.Contains("共有ページの確認", after);
        await PageAsync(cio);
        Assert.Equal(hits + 1, cache.Hits);

        // The evaluation date is part of the key: the next day renders again (signed in anew: the cookie has expired).
        app.Clock.Now = app.Clock.Now.AddDays(1);
        await PageAsync(await LoginAsync(app, "cio@example.jp"));
        Assert.Equal(hits + 1, cache.Hits);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    public async Task Pages_without_the_attribute_and_anonymous_requests_pass_through(Db db)
    {
        using var app = new IntranetApp(db);
        await app.CreateUserAsync("cio@example.jp", Password, Roles.Cio);
        var cio = await LoginAsync(app, "cio@example.jp");
        var cache = app.Services.GetRequiredService<SharedPageCache>();
        await PageAsync(cio, "/plans");
        await PageAsync(cio, "/plans");
        Assert.Equal(0, cache.Hits);
        Assert.StartsWith("/account/login", (await app.NewClient().GetAsync(Url)).LocationPath());
        Assert.Equal(0, cache.Hits);
    }
}
