using Intranet.BrowserTests.Infrastructure;
using Microsoft.Playwright;

namespace Intranet.BrowserTests;

/// <summary>
/// A page left open in one browser moves to the login page by itself once the user logs out in another (issue #11:
/// logout ends every session), within the circuit's revalidation interval (30 s), with the page it was on as the ReturnUrl.
/// </summary>
public sealed class SessionEndBrowserTests(IntranetHostFixture host, ITestOutputHelper output) : IClassFixture<IntranetHostFixture>
{
    private const string Email = "session-end@intranet.local";
    private const string Password = "session-end-pass-2026";

    [Fact]
    public async Task An_open_page_moves_to_login_with_its_return_url_when_the_user_logs_out_elsewhere()
    {
        output.WriteLine(await host.CreateUserAsync(Email, Password, "PlanOffice"));
        var open = await host.NewPageAsync();
        await Pages.LoginAsync(open, Email, Password);
        await Pages.GotoInteractiveAsync(open, Pages.DashboardFy2021);
        var target = new Uri(open.Url).PathAndQuery;

        var other = await host.NewPageAsync();   // another browser (its own cookies)
        await Pages.LoginAsync(other, Email, Password);
        await other.GetByRole(AriaRole.Button, new() { Name = "ログアウト", Exact = true }).ClickAsync();
        // Waits end when the navigation commits, not at the next page's load event (slow on a loaded machine), as Pages.LoginAsync.
        await other.WaitForURLAsync(url => url.Contains("/account/login", StringComparison.Ordinal), new() { Timeout = 60_000, WaitUntil = WaitUntilState.Commit });

        // The open page notices at its circuit's next revalidation (every 30 s) and goes to login, keeping the way back.
        await open.WaitForURLAsync(url => url.Contains("/account/login?ReturnUrl=", StringComparison.Ordinal), new() { Timeout = 90_000, WaitUntil = WaitUntilState.Commit });
        Assert.Equal(target, Uri.UnescapeDataString(new Uri(open.Url).Query.Split("ReturnUrl=")[1]));
    }
}
