using System.Text;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Intranet.BrowserTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Intranet.BrowserTests;

/// <summary>axe-core on the main pages: no violation of impact serious or critical.</summary>
public sealed class AccessibilityTests(IntranetHostFixture host, ITestOutputHelper output) : IClassFixture<IntranetHostFixture>
{
    private const string Email = "a11y-viewer@intranet.local";
    private const string Password = "a11y-viewer-pass-2024";
    private static readonly string[] Blocking = ["serious", "critical"];

    [Fact]
    public async Task Login_page_has_no_serious_or_critical_axe_violations()
    {
        var page = await host.NewPageAsync();
        await page.GotoAsync("/account/login");
        await Expect(page.Locator("#email")).ToBeVisibleAsync();
        await AssertNoBlockingViolationsAsync(page, "login");
    }

    [Theory]
    [InlineData("dashboard", Pages.DashboardFy2021)]
    [InlineData("project 1-2-(1)", Pages.ProjectPath)]
    public async Task Signed_in_page_has_no_serious_or_critical_axe_violations(string name, string path)
    {
        await EnsureUserAsync();
        var page = await host.NewPageAsync();
        await Pages.LoginAsync(page, Email, Password);
        await page.GotoAsync(path);
        await Expect(page.Locator("main#main h1")).ToBeVisibleAsync();
        await AssertNoBlockingViolationsAsync(page, name);
    }

    [Theory]
    [InlineData("dashboard (interactive, trend open)", Pages.DashboardFy2021 + "&ind=1-2-(1)-1")]
    [InlineData("indicator list", "/indicators?plan=hadano-ict-2021&fy=2021&status=not_measured")]
    [InlineData("plan tree", "/plans/hadano-ict-2021?fy=2022")]
    [InlineData("plan list", "/plans")]
    [InlineData("plan import", "/plans/import")]
    [InlineData("Sagamihara plan tree (施策目標値 under each 施策)", "/plans/sagamihara-ict-2024?fy=2025")]
    [InlineData("Sagamihara indicator list (kind labels, no figures)", "/indicators?plan=sagamihara-ict-2024&fy=2025")]
    [InlineData("Sagamihara project (行動目標, empty targets)", "/plans/sagamihara-ict-2024/projects/2-1-(2)")]
    public async Task Interactive_plan_kpi_page_has_no_serious_or_critical_axe_violations(string name, string path)
    {
        await EnsureUserAsync();
        var page = await host.NewPageAsync();
        await Pages.LoginAsync(page, Email, Password);
        await Pages.GotoInteractiveAsync(page, path);
        await Expect(page.Locator("main#main h1")).ToBeVisibleAsync();
        await AssertNoBlockingViolationsAsync(page, name);
    }

    private static readonly SemaphoreSlim UserGate = new(1, 1);
    private static readonly HashSet<string> UsersCreatedOn = [];

    /// <summary>One plan-office user per host (the theory's cases share the class fixture).</summary>
    private async Task EnsureUserAsync()
    {
        await UserGate.WaitAsync();
        try
        {
            if (UsersCreatedOn.Add(host.DataDirectory)) await host.CreateUserAsync(Email, Password, "PlanOffice");
        }
        finally
        {
            UserGate.Release();
        }
    }

    private Task AssertNoBlockingViolationsAsync(IPage page, string name) => Axe.AssertNoSeriousViolationsAsync(page, name, output.WriteLine);
}
