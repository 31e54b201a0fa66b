using Intranet.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Intranet.BrowserTests;

/// <summary>
/// A plan-office user enters actuals for 1-2-(1)-1 (Twitter フォロワー数, FY2021 target 7,000) and the dashboard follows:
/// 未測定 → 遅れ (6,500) → 達成 (7,100).
/// </summary>
public sealed class ActualEntryTests(IntranetHostFixture host, ITestOutputHelper output) : IClassFixture<IntranetHostFixture>
{
    private const string Indicator = "1-2-(1)-1";
    private const string Email = "plan-office@intranet.local";
    private const string Password = "plan-office-pass-2024";

    [Fact]
    public async Task Entering_actuals_moves_the_indicator_from_not_measured_to_behind_to_achieved()
    {
        output.WriteLine(await host.CreateUserAsync(Email, Password, "PlanOffice", "企画課"));
        var page = await host.NewPageAsync();
        await Pages.LoginAsync(page, Email, Password);

        // Before: no actual for FY2021.
        await Pages.OpenDashboardAsync(page);
        var card = Pages.IndicatorCard(page, Indicator);
        await Expect(card.Locator(".status")).ToHaveTextAsync("未測定");
        await Expect(card.Locator("svg").First).ToBeVisibleAsync();
        var before = await Pages.StatusCountsAsync(page);
        output.WriteLine("before: " + string.Join(", ", before.Select(kv => $"{kv.Key}={kv.Value}")));
        Assert.True(before["not_measured"] > 0);

        // 6,500 < 7,000 after the year has ended: 遅れ.
        await Pages.OpenProjectAsync(page);
        await Pages.EnterActualAsync(page, Indicator, "令和3年度", 2021, "6500", "ブラウザテスト: 目標未達");
        await Expect(Pages.IndicatorSection(page, Indicator).Locator("tbody tr", new() { HasText = "令和3年度" }).Locator(".status"))
            .ToHaveTextAsync("遅れ");

        await Pages.OpenDashboardAsync(page);
        await Expect(card.Locator(".status")).ToHaveTextAsync("遅れ");
        await Expect(card).ToContainTextAsync("6,500人");
        var afterBehind = await Pages.StatusCountsAsync(page);
        output.WriteLine("after 6500: " + string.Join(", ", afterBehind.Select(kv => $"{kv.Key}={kv.Value}")));
        Assert.Equal(before["not_measured"] - 1, afterBehind["not_measured"]);
        Assert.Equal(before["behind"] + 1, afterBehind["behind"]);
        Assert.Equal(before["achieved"], afterBehind["achieved"]);

        // 7,100 ≥ 7,000: 達成.
        await Pages.OpenProjectAsync(page);
        await Pages.EnterActualAsync(page, Indicator, "令和3年度", 2021, "7100", "ブラウザテスト: 目標達成");
        await Expect(Pages.IndicatorSection(page, Indicator).Locator("tbody tr", new() { HasText = "令和3年度" }).Locator(".status"))
            .ToHaveTextAsync("達成");
        foreach (var path in await Pages.SaveScreenshotAsync(page, "project-1-2-1.png")) output.WriteLine("screenshot: " + path);

        await Pages.OpenDashboardAsync(page);
        await Expect(card.Locator(".status")).ToHaveTextAsync("達成");
        await Expect(card).ToContainTextAsync("7,100人");
        var afterAchieved = await Pages.StatusCountsAsync(page);
        output.WriteLine("after 7100: " + string.Join(", ", afterAchieved.Select(kv => $"{kv.Key}={kv.Value}")));
        Assert.Equal(before["not_measured"] - 1, afterAchieved["not_measured"]);
        Assert.Equal(before["behind"], afterAchieved["behind"]);
        Assert.Equal(before["achieved"] + 1, afterAchieved["achieved"]);
        foreach (var path in await Pages.SaveScreenshotAsync(page, "dashboard.png")) output.WriteLine("screenshot: " + path);
        foreach (var path in await Pages.SaveScreenshotAsync(page, "dashboard-top.png", fullPage: false)) output.WriteLine("screenshot: " + path);
    }
}
