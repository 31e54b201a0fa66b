using System.Net;
using Intranet.Host.Identity;
using Intranet.IntegrationTests.Infrastructure;
using Intranet.Shared.Messaging;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Intranet.IntegrationTests;

/// <summary>
/// Logout, a password change and disabling end every session of the user at its next request (the security stamp is
/// checked on each request): another browser's session and a copied cookie go to the login page. Logout needs the
/// antiforgery token. Real host over HTTP, SQLite and PostgreSQL.
/// </summary>
public sealed class SessionTests
{
    private const string Email = "session@example.jp";
    private const string Password = "session-pass-2026";

    private static async Task<(HttpClient Client, string Cookie)> LoginAsync(IntranetApp app, string password = Password)
    {
        var client = app.NewClient();
        var response = await client.LoginAsync(Email, password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("Intranet.Auth=", StringComparison.Ordinal));
        return (client, cookie[..cookie.IndexOf(';')]);
    }

    /// <summary>A client without a cookie jar sending <paramref name="cookie"/> as copied from another browser.</summary>
    private static async Task<HttpResponseMessage> WithCopiedCookieAsync(IntranetApp app, string cookie, string url)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("Cookie", cookie);
        return await client.SendAsync(request);
    }

    private static async Task<HttpResponseMessage> LogoutAsync(HttpClient client)
    {
        var token = HttpClientForms.Token(await client.GetStringAsync("/account/change-password"));
        return await client.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
        }));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Logout_ends_every_session_of_the_user_and_copied_cookies(Db db)
    {
        using var app = new IntranetApp(db);
        await app.CreateUserAsync(Email, Password, "Viewer");
        var (office, officeCookie) = await LoginAsync(app);
        var (home, _) = await LoginAsync(app);
        Assert.Equal(HttpStatusCode.OK, (await office.GetAsync("/plans")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await home.GetAsync("/plans")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await WithCopiedCookieAsync(app, officeCookie, "/plans")).StatusCode);

        var logout = await LogoutAsync(office);
        Assert.Equal("/account/login", logout.LocationPath());

        // No clock change: the very next request of the other browser, and the copied cookie, go to the login page.
        Assert.StartsWith("/account/login", (await home.GetAsync("/plans")).LocationPath());
        Assert.StartsWith("/account/login", (await office.GetAsync("/plans")).LocationPath());
        Assert.StartsWith("/account/login", (await WithCopiedCookieAsync(app, officeCookie, "/plans")).LocationPath());

        // Signing in again works.
        var (again, _) = await LoginAsync(app);
        Assert.Equal(HttpStatusCode.OK, (await again.GetAsync("/plans")).StatusCode);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task A_password_change_keeps_this_session_and_ends_the_others(Db db)
    {
        using var app = new IntranetApp(db);
        await app.CreateUserAsync(Email, Password, "Viewer");
        var (changing, changingCookie) = await LoginAsync(app);
        var (other, otherCookie) = await LoginAsync(app);

        var changed = await changing.PostFormAsync("/account/change-password", "change-password", new Dictionary<string, string>
        {
            ["Input.CurrentPassword"] = Password, ["Input.NewPassword"] = "renewed-pass-2026", ["Input.ConfirmPassword"] = "renewed-pass-2026",
        });
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        Assert.DoesNotContain("/account/login", changed.LocationPath());

        Assert.Equal(HttpStatusCode.OK, (await changing.GetAsync("/plans")).StatusCode);        // signed in again with the new stamp
        Assert.StartsWith("/account/login", (await other.GetAsync("/plans")).LocationPath());
        Assert.StartsWith("/account/login", (await WithCopiedCookieAsync(app, otherCookie, "/plans")).LocationPath());
        Assert.StartsWith("/account/login", (await WithCopiedCookieAsync(app, changingCookie, "/plans")).LocationPath());
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Disabling_a_user_ends_their_sessions_at_once(Db db)
    {
        using var app = new IntranetApp(db);
        await app.CreateUserAsync("admin-session@example.jp", "admin-password-2026", "Administrator");
        await app.CreateUserAsync(Email, Password, "Viewer");
        var (session, cookie) = await LoginAsync(app);
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync("/plans")).StatusCode);

        await app.SendAsAsync(new DisableUser(Email), "Administrator", email: "admin-session@example.jp");

        Assert.StartsWith("/account/login", (await session.GetAsync("/plans")).LocationPath());
        Assert.StartsWith("/account/login", (await WithCopiedCookieAsync(app, cookie, "/plans")).LocationPath());
    }

    [Fact]
    public async Task Logout_without_the_antiforgery_token_is_refused()
    {
        using var app = new IntranetApp(Db.Sqlite);
        await app.CreateUserAsync(Email, Password, "Viewer");
        var (client, _) = await LoginAsync(app);

        var forged = await client.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string>()));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/plans")).StatusCode);     // still signed in

        var wrongToken = await client.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = "CfDJ8-not-a-token",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, wrongToken.StatusCode);

        // The layout's logout form carries the token.
        var page = await client.GetStringAsync("/plans");
        Assert.Matches("<form method=\"post\" action=\"/account/logout\"[^>]*>\\s*<input type=\"hidden\" name=\"__RequestVerificationToken\"", page);
        Assert.Equal("/account/login", (await LogoutAsync(client)).LocationPath());
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task An_open_page_of_an_ended_session_can_no_longer_run_use_cases(Db db)
    {
        using var app = new IntranetApp(db);
        await app.CreateUserAsync(Email, Password, "Administrator");
        System.Security.Claims.ClaimsPrincipal principal;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            principal = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<ApplicationUser>>()
                .CreateAsync((await users.FindByEmailAsync(Email))!);
        }
        Assert.NotEmpty(await app.Services.SendAsAsync(new ListUsers(), principal));

        // Logged out in another tab: the same circuit principal is refused at its next use case.
        var (client, _) = await LoginAsync(app);
        await LogoutAsync(client);
        var refused = await Assert.ThrowsAsync<ForbiddenException>(() => app.Services.SendAsAsync(new ListUsers(), principal));
        Assert.Equal(SessionStampBehavior<ListUsers, IReadOnlyList<UserSummary>>.EndedMessage, refused.Message);

        // A circuit whose revalidation already failed holds an anonymous principal: even requests open to every role
        // (the home page) are refused for it.
        var anonymous = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity());
        var home = await Assert.ThrowsAsync<ForbiddenException>(() => app.Services.SendAsAsync(new Intranet.Host.Home.GetHomePage(), anonymous));
        Assert.Equal(SessionStampBehavior<ListUsers, IReadOnlyList<UserSummary>>.EndedMessage, home.Message);
    }
}
