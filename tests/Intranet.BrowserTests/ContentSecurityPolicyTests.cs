using Intranet.BrowserTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Intranet.BrowserTests;

/// <summary>
/// The host's Content-Security-Policy (docs/ops/security.md) does not break the pages: on the main pages, static and
/// interactive (Blazor circuit over WebSocket, Radzen grids, charts with tooltips, dialogs, upload forms), the browser
/// reports no CSP violation (<c>securitypolicyviolation</c> events and console errors), and the header is there.
/// </summary>
public sealed class ContentSecurityPolicyTests(IntranetHostFixture host, ITestOutputHelper output) : IClassFixture<IntranetHostFixture>
{
    private const string Email = "csp-user@intranet.local";
    private const string Password = "csp-user-pass-2026";

    /// <summary>Pages of every module, opened by one user holding the roles that see them.</summary>
    private static readonly string[] InteractivePages =
    [
        "/", Pages.DashboardFy2021 + "&ind=1-2-(1)-1", "/indicators?plan=hadano-ict-2021&fy=2021", "/plans/hadano-ict-2021?fy=2022",
        Pages.ProjectPath, "/plans/import", "/imports", "/rpa?status=Production&sort=since&desc=true", "/rpa/import",
        "/telework?fy=2025", "/paperless?fy=2022&category=Executive", "/paperless/import", "/admin/users",
    ];

    private const string CollectViolations = """
        window.__cspViolations = [];
        document.addEventListener('securitypolicyviolation', e =>
            window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sourceFile || '') + ':' + e.lineNumber));
        """;

    [Fact]
    public async Task Main_pages_run_without_content_security_policy_violations()
    {
        await host.CreateUserAsync(Email, Password, "Administrator,PlanOffice,Cio,RpaTeam,HumanResources,MeetingOrganizer,Department", "企画課");
        var page = await host.NewPageAsync();
        var console = new List<string>();
        page.Console += (_, m) =>
        {
            if (m.Type == "error" && (m.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase) || m.Text.Contains("Refused to", StringComparison.Ordinal)))
                console.Add($"{page.Url}: {m.Text}");
        };
        await page.AddInitScriptAsync(CollectViolations);

        var login = await page.GotoAsync("/account/login");
        Assert.Contains("frame-ancestors 'none'", (await login!.AllHeadersAsync())["content-security-policy"]);
        await AssertNoViolationsAsync(page, "login");
        await Pages.LoginAsync(page, Email, Password);

        foreach (var path in InteractivePages)
        {
            var response = await page.GotoAsync(path);
            Assert.True(response!.Ok, $"{path}: {response.Status}");
            Assert.True((await response.AllHeadersAsync()).ContainsKey("content-security-policy"), $"{path}: no CSP header");
            await Pages.WaitForInteractiveAsync(page);
            await Expect(page.Locator("main#main h1").First).ToBeVisibleAsync();
            await AssertNoViolationsAsync(page, path);
        }

        // A chart tooltip and a dialog (Radzen's script and inline styles) on interactive pages.
        await Pages.GotoInteractiveAsync(page, Pages.DashboardFy2021 + "&ind=1-2-(1)-1");
        var chart = page.Locator(".rz-chart svg").First;
        if (await chart.CountAsync() > 0) await chart.HoverAsync();
        await AssertNoViolationsAsync(page, "dashboard chart");
        Assert.Empty(console);

        // The check itself works: an inline script, which the policy forbids, is reported.
        await page.EvaluateAsync("() => { const s = document.createElement('script'); s.textContent = 'window.__inline = 1;'; document.body.appendChild(s); }");
        await page.WaitForTimeoutAsync(300);
        Assert.Contains(await page.EvaluateAsync<string[]>("() => window.__cspViolations"), v => v.StartsWith("script-src", StringComparison.Ordinal));
        Assert.False(await page.EvaluateAsync<bool>("() => window.__inline === 1"));
    }

    private async Task AssertNoViolationsAsync(IPage page, string where)
    {
        await page.WaitForTimeoutAsync(300);
        var violations = await page.EvaluateAsync<string[]>("() => window.__cspViolations || []");
        foreach (var v in violations) output.WriteLine($"{where}: {v}");
        Assert.True(violations.Length == 0, $"{where}: CSP violations: {string.Join(" | ", violations)}");
    }
}
