using System.Text.RegularExpressions;
using Intranet.BrowserTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Intranet.BrowserTests;

/// <summary>Each role's home page: what waits for the user (or the empty state), the role's main links; axe clean.</summary>
public sealed class HomePageBrowserTests(IntranetHostFixture host, ITestOutputHelper output) : IClassFixture<IntranetHostFixture>
{
    [Theory]
    [InlineData("Department", "広報広聴課")]
    [InlineData("PlanOffice", null)]
    [InlineData("Cio", null)]
    [InlineData("RpaTeam", null)]
    [InlineData("HumanResources", null)]
    [InlineData("MeetingOrganizer", "行政経営課")]
    [InlineData("Viewer", null)]
    public async Task Each_role_sees_what_waits_for_it(string role, string? department)
    {
        var email = $"home-{role.ToLowerInvariant()}@intranet.local";
        await host.CreateUserAsync(email, "home-page-pass-2026", role, department);
        var page = await host.NewPageAsync();
        await Pages.LoginAsync(page, email, "home-page-pass-2026");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        await Pages.WaitForInteractiveAsync(page);

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "対応待ちの作業", Level = 2 })).ToBeVisibleAsync();
        // Either items (each a link with a count) or the empty state; never the partial-failure notice.
        var items = page.Locator(".work-item a");
        if (await items.CountAsync() == 0) await Expect(page.Locator(".work-empty")).ToHaveTextAsync("対応待ちの作業はありません。");
        else await Expect(items.First.Locator(".work-count")).ToHaveTextAsync(new Regex(@"^[\d,]+\s*件$"));
        await Expect(page.Locator(".work-partial")).ToHaveCountAsync(0);
        output.WriteLine($"{role}: {string.Join(" / ", await page.Locator(".work-item").AllInnerTextsAsync())}");

        var links = page.Locator(".home-links");
        await Expect(links.GetByRole(AriaRole.Link, new() { Name = "ダッシュボード" })).ToBeVisibleAsync();
        if (role is "Department" or "PlanOffice")
            await Expect(links.Locator("a[href='/plans/hadano-ict-2021/entry']")).ToBeVisibleAsync();
        else
            await Expect(links.Locator("a[href$='/entry']")).ToHaveCountAsync(0);

        if (role == "Department")
        {
            await Axe.AssertNoSeriousViolationsAsync(page, "home (department)", output.WriteLine);
            await Pages.SaveScreenshotAsync(page, "home-department.png");
        }
    }
}
