using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Intranet.BrowserTests.Infrastructure;

/// <summary>Steps and look-ups on the app's pages shared by the tests.</summary>
public static class Pages
{
    public const string PlanCode = "hadano-ict-2021";
    public const string DashboardFy2021 = "/dashboard?plan=hadano-ict-2021&fy=2021";
    public const string ProjectCode = "1-2-(1)";
    public const string ProjectPath = "/plans/hadano-ict-2021/projects/1-2-%281%29";

    /// <summary>Statuses as the dashboard's <c>.count[data-status]</c> names them.</summary>
    public static readonly string[] StatusCodes = ["achieved", "on_track", "behind", "not_measured", "no_numeric_target"];

    /// <summary>Signs in on /account/login and waits until the browser has left the login page.</summary>
    public static async Task LoginAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("/account/login");
        await page.Locator("#email").FillAsync(email);
        await page.Locator("#password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "ログイン", Exact = true }).ClickAsync();
        try
        {
            // Wait for the redirect to be committed, not for every resource of the next page: on a busy
            // two-core machine the next page's load event can take long although the login succeeded.
            await page.WaitForURLAsync(url => !new Uri(url).AbsolutePath.StartsWith("/account/login", StringComparison.OrdinalIgnoreCase),
                new() { Timeout = 60_000, WaitUntil = WaitUntilState.Commit });
        }
        catch (TimeoutException)
        {
            var alert = await page.Locator(".rz-alert, .validation-message").AllInnerTextsAsync();
            Assert.Fail($"Login as {email} stayed on {page.Url}: {string.Join(" / ", alert)}");
        }
    }

    /// <summary>
    /// Waits until the current page runs interactively (its <c>PageReady</c> marker is rendered by the circuit):
    /// a prerendered page shows its content before its buttons and inputs respond.
    /// </summary>
    public static Task WaitForInteractiveAsync(IPage page) =>
        page.Locator("[data-page-ready]").First.WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 60_000 });

    /// <summary>Opens <paramref name="url"/> and waits until it is interactive.</summary>
    public static async Task GotoInteractiveAsync(IPage page, string url)
    {
        await page.GotoAsync(url);
        await WaitForInteractiveAsync(page);
    }

    /// <summary>The number in <c>.count[data-status=STATUS]</c> on the dashboard.</summary>
    public static async Task<int> StatusCountAsync(IPage page, string status)
    {
        var text = await page.Locator($".count[data-status=\"{status}\"]").InnerTextAsync();
        return int.Parse(text.Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>All five counts of the dashboard.</summary>
    public static async Task<Dictionary<string, int>> StatusCountsAsync(IPage page)
    {
        var counts = new Dictionary<string, int>();
        foreach (var s in StatusCodes) counts[s] = await StatusCountAsync(page, s);
        return counts;
    }

    /// <summary>The dashboard card of one indicator.</summary>
    public static ILocator IndicatorCard(IPage page, string indicatorCode) =>
        page.Locator($"article.indicator-card[data-indicator=\"{indicatorCode}\"]");

    /// <summary>The project page's section of one indicator (its heading has id <c>ind-CODE</c>).</summary>
    public static ILocator IndicatorSection(IPage page, string indicatorCode) =>
        page.Locator($"section.indicator-card[aria-labelledby=\"ind-{indicatorCode}\"]");

    /// <summary>Opens the dashboard for FY2021 of the Hadano plan and checks it is the dashboard.</summary>
    public static async Task OpenDashboardAsync(IPage page)
    {
        await page.GotoAsync(DashboardFy2021);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "指標ダッシュボード", Level = 1 })).ToBeVisibleAsync();
    }

    /// <summary>Opens project 1-2-(1) of the Hadano plan.</summary>
    public static async Task OpenProjectAsync(IPage page)
    {
        await page.GotoAsync(ProjectPath);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync(ProjectCode);
    }

    /// <summary>
    /// On the project page, follows 「実績入力」 of <paramref name="eraYear"/> (e.g. 令和3年度) for the indicator,
    /// enters the value, saves, and waits for the project page's 「保存しました」.
    /// </summary>
    public static async Task EnterActualAsync(IPage page, string indicatorCode, string eraYear, int fiscalYear, string value, string note)
    {
        var row = IndicatorSection(page, indicatorCode).Locator("tbody tr", new() { Has = page.Locator("th", new() { HasText = eraYear }) });
        // The link reads 「実績入力」 plus the year in visually hidden text, so its accessible name starts with 実績入力.
        var link = row.GetByRole(AriaRole.Link, new() { Name = "実績入力" });
        await Expect(link).ToHaveAttributeAsync("href", new Regex($"/indicators/{Regex.Escape(Uri.EscapeDataString(indicatorCode))}/actuals/{fiscalYear}$"));
        await link.ClickAsync();
        await page.WaitForURLAsync(new Regex($"/actuals/{fiscalYear}$"));

        await page.Locator("#value").FillAsync(value);
        await page.Locator("#note").FillAsync(note);
        await page.GetByRole(AriaRole.Button, new() { Name = "保存", Exact = true }).ClickAsync();

        await page.WaitForURLAsync(new Regex("/projects/"));
        await Expect(page.Locator(".message-ok")).ToContainTextAsync("保存しました");
    }

    /// <summary>
    /// Saves a full-page PNG as TestResults/screenshots/<paramref name="fileName"/> under the test output folder and,
    /// when INTRANET_ARTIFACTS_DIR is set, into that folder too. Returns the paths written.
    /// </summary>
    public static async Task<IReadOnlyList<string>> SaveScreenshotAsync(IPage page, string fileName, bool fullPage = true)
    {
        var png = await page.ScreenshotAsync(new PageScreenshotOptions { FullPage = fullPage, Type = ScreenshotType.Png });
        var folders = new List<string> { Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots") };
        if (Environment.GetEnvironmentVariable("INTRANET_ARTIFACTS_DIR") is { Length: > 0 } artifacts) folders.Add(Path.GetFullPath(artifacts));
        var written = new List<string>();
        foreach (var folder in folders)
        {
            Directory.CreateDirectory(folder);
            var path = Path.Combine(folder, fileName);
            await File.WriteAllBytesAsync(path, png);
            written.Add(path);
        }
        return written;
    }
}
