using System.Text.RegularExpressions;
using Intranet.BrowserTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Intranet.BrowserTests;

/// <summary>
/// The CIO on a laptop (1366×768): the first screen shows the counts, the status chart per measure and the
/// behind-first list; the 遅れ count opens the indicator list with exactly that many rows; an indicator's trend opens
/// in place. Data: the Hadano plan with `seed-demo` (FY2021 has indicators behind, achieved and not measured).
/// </summary>
public sealed class CioDashboardTests(IntranetHostFixture host, ITestOutputHelper output) : IClassFixture<IntranetHostFixture>
{
    private const string Email = "cio@intranet.local";
    private const string Password = "cio-dashboard-pass-2026";

    [Fact]
    public async Task Cio_reads_the_dashboard_on_a_laptop_and_follows_the_behind_count_to_the_list()
    {
        output.WriteLine(await host.RunCliAsync("seed-demo"));
        output.WriteLine(await host.CreateUserAsync(Email, Password, "Cio"));
        var page = await host.NewPageAsync();
        await page.SetViewportSizeAsync(1366, 768);
        await Pages.LoginAsync(page, Email, Password);
        await Pages.GotoInteractiveAsync(page, Pages.DashboardFy2021);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "指標ダッシュボード", Level = 1 })).ToBeVisibleAsync();

        // The first screen: counts, the chart per measure and the start of the behind-first list, without scrolling.
        var counts = await Pages.StatusCountsAsync(page);
        output.WriteLine("counts: " + string.Join(", ", counts.Select(kv => $"{kv.Key}={kv.Value}")));
        Assert.True(counts["behind"] > 0, "seed-demo leaves indicators behind in FY2021");
        await Expect(page.Locator(".count[data-status=behind]")).ToBeInViewportAsync();
        await Expect(page.Locator(".status-chart svg").First).ToBeInViewportAsync();
        var first = page.Locator(".indicator-list article.indicator-card").First;
        await Expect(first).ToBeInViewportAsync();
        await Expect(first.Locator(".status")).ToHaveTextAsync("遅れ");
        foreach (var locator in new[] { page.Locator(".count-tiles"), page.Locator(".status-chart svg").First, first })
        {
            var box = (await locator.BoundingBoxAsync())!;
            Assert.True(box.Y + Math.Min(box.Height, 40) <= 768, $"{locator} starts below the first screen (y={box.Y})");
        }
        // Chart labels are the full measure titles, not clipped at the left edge.
        var label = page.Locator(".status-chart svg text", new() { HasText = "2-3 ICT活用による多様で柔軟な働き方の推進" });
        await Expect(label).ToHaveCountAsync(1);
        var labelBox = (await label.BoundingBoxAsync())!;
        var svgBox = (await page.Locator(".status-chart svg").First.BoundingBoxAsync())!;
        Assert.True(labelBox.X >= svgBox.X - 0.5, $"label starts at {labelBox.X}, left of the chart at {svgBox.X}");
        // The note typed with an actual is beside it.
        await Expect(Pages.IndicatorCard(page, "1-2-(1)-2")).ToContainTextAsync("(メモ: デモデータ(seed-demo))");
        foreach (var path in await Pages.SaveScreenshotAsync(page, "cio-dashboard.png", fullPage: false)) output.WriteLine("screenshot: " + path);

        // An indicator's trend (target vs actual over the plan years) opens in place and is in the URL.
        await first.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^推移") }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("[?&]ind="));
        await Expect(first.Locator(".indicator-trend .kpi-chart svg").First).ToBeVisibleAsync();
        await Expect(first.Locator(".indicator-trend tbody tr")).ToHaveCountAsync(5);

        // The 遅れ count opens the list of exactly those indicators.
        await page.Locator(".count[data-status=behind]").ClickAsync();
        await page.WaitForURLAsync(new Regex(@"/indicators\?plan=hadano-ict-2021&fy=2021&status=behind$"));
        await Pages.WaitForInteractiveAsync(page);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "指標一覧", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.Locator(".indicator-grid .rz-data-row")).ToHaveCountAsync(counts["behind"]);
        await Expect(page.Locator("#result-summary [data-count]")).ToHaveTextAsync(counts["behind"].ToString());
        foreach (var badge in await page.Locator(".indicator-grid .rz-data-row .status").AllInnerTextsAsync()) Assert.Equal("遅れ", badge);
        foreach (var path in await Pages.SaveScreenshotAsync(page, "indicator-list.png", fullPage: false)) output.WriteLine("screenshot: " + path);

        // Sorting goes into the URL, and back returns to the dashboard.
        await page.Locator(".indicator-grid th", new() { HasText = "達成率" }).First.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("sort=rate"));
        await page.GoBackAsync();
        await page.GoBackAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/dashboard"));
    }

    /// <summary>
    /// Two CIOs open the same dashboard: the second is served the first's render (SharedPageCache, issue #12), which
    /// still becomes interactive, shows the second's own name, and logs out with the second's own token.
    /// </summary>
    [Fact]
    public async Task A_second_cio_is_served_the_shared_dashboard_which_works_as_their_own()
    {
        string[] users = ["cio-shared-a@intranet.local", "cio-shared-b@intranet.local"];
        foreach (var email in users) output.WriteLine(await host.CreateUserAsync(email, Password, "Cio"));
        var served = new List<string?>();
        foreach (var email in users)
        {
            var page = await host.NewPageAsync();
            await Pages.LoginAsync(page, email, Password);
            var response = await page.GotoAsync(Pages.DashboardFy2021);
            served.Add(await response!.HeaderValueAsync("x-intranet-page-cache"));
            await Pages.WaitForInteractiveAsync(page);
            await Expect(page.Locator(".site-user")).ToContainTextAsync(email);
            foreach (var other in users.Where(u => u != email)) await Expect(page.Locator("body")).Not.ToContainTextAsync(other);

            var first = page.Locator(".indicator-list article.indicator-card").First;
            await first.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^推移") }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("[?&]ind="));
            await Expect(first.Locator(".indicator-trend tbody tr")).ToHaveCountAsync(5);

            await page.GetByRole(AriaRole.Button, new() { Name = "ログアウト" }).ClickAsync();
            await page.WaitForURLAsync(new Regex("/account/login"));
        }
        Assert.Equal("hit", served[1]);   // the first may be served a render of the other test in this class too
    }
}
