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

    /// <summary>
    /// Opens the dashboard of the Hadano plan for <paramref name="fiscalYear"/>, checks it is the dashboard and waits until
    /// it runs interactively (the interactive render replaces the prerendered list, so scroll only after this).
    /// </summary>
    public static async Task OpenDashboardAsync(IPage page, int fiscalYear = 2021)
    {
        await page.GotoAsync($"/dashboard?plan={PlanCode}&fy={fiscalYear}");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "指標ダッシュボード", Level = 1 })).ToBeVisibleAsync();
        await WaitForInteractiveAsync(page);
    }

    /// <summary>Opens project 1-2-(1) of the Hadano plan.</summary>
    public static async Task OpenProjectAsync(IPage page)
    {
        await page.GotoAsync(ProjectPath);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync(ProjectCode);
    }

    /// <summary>
    /// On the project page, follows 「実績入力」 of <paramref name="eraYear"/> (e.g. 令和3年度) for the indicator to the year's
    /// 実績入力 grid, types the value and note into the indicator's row, saves with 「すべて保存」, waits for the success
    /// notification and returns to the project page (interactive).
    /// </summary>
    public static async Task EnterActualAsync(IPage page, string indicatorCode, string eraYear, int fiscalYear, string value, string note)
    {
        await WaitForInteractiveAsync(page);
        var projectUrl = page.Url;
        var row = IndicatorSection(page, indicatorCode).Locator("tbody tr", new() { Has = page.Locator("th", new() { HasText = eraYear }) });
        // The link reads 「実績入力」 plus the year in visually hidden text, so its accessible name starts with 実績入力.
        var link = row.GetByRole(AriaRole.Link, new() { Name = "実績入力" });
        await Expect(link).ToHaveAttributeAsync("href", new Regex($"/entry\\?fy={fiscalYear}$"));
        await link.ClickAsync();
        await page.WaitForURLAsync(new Regex($"/entry\\?fy={fiscalYear}"));
        await WaitForEntryGridAsync(page, fiscalYear);
        await FillEntryRowAsync(page, indicatorCode, value, note);
        await SaveEntryGridAsync(page);
        await Expect(page.Locator("#entry-errors")).ToHaveCountAsync(0);
        await Expect(page.Locator(".rz-notification-item").Filter(new() { HasText = "1件の実績値を保存しました" }).First).ToBeVisibleAsync();

        await GotoInteractiveAsync(page, projectUrl);
    }

    /// <summary>
    /// Waits until the 実績入力 grid of <paramref name="fiscalYear"/> runs interactively (its own marker: after an enhanced
    /// navigation the previous page's PageReady marker can still be attached for a moment).
    /// </summary>
    public static Task WaitForEntryGridAsync(IPage page, int fiscalYear) =>
        page.Locator($"[data-entry-ready^=\"{fiscalYear}:\"]").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 60_000 });

    /// <summary>On the 実績入力 grid, types <paramref name="value"/> (and <paramref name="note"/>) into the indicator's row.</summary>
    public static async Task FillEntryRowAsync(IPage page, string indicatorCode, string value, string? note = null)
    {
        var input = page.Locator($"input.entry-value[data-indicator=\"{indicatorCode}\"]");
        await input.FillAsync(value);
        await input.PressAsync("Tab");
        if (note is not null)
        {
            var noteInput = page.Locator($"input.entry-note[data-indicator=\"{indicatorCode}\"]");
            await noteInput.FillAsync(note);
            await noteInput.PressAsync("Tab");
        }
    }

    /// <summary>Clicks 「すべて保存」 on the 実績入力 grid and waits for the 「保存しました」 notification.</summary>
    public static async Task SaveEntryGridAsync(IPage page)
    {
        var save = page.Locator("#entry-save");
        await Expect(save).ToBeEnabledAsync();
        await save.ClickAsync();
        await Expect(page.Locator(".rz-notification-item").Filter(new() { HasText = "保存しました" }).First).ToBeVisibleAsync(new() { Timeout = 30_000 });
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

    /// <summary>
    /// Chooses <paramref name="file"/> in the file input <paramref name="input"/> (a Blazor <c>InputFile</c>) and waits until
    /// <paramref name="seen"/> shows that the page took it. In CI (runs of ecd34ef and c885b23, two of session 7's four) the
    /// import page now and then ignored a chosen file: its circuit was alive and had read the page's data, yet no upload
    /// started, and choosing the file again did not help. The cause is not found (see the closing note of session 7).
    /// So when the page shows nothing within 10 s, the page is reloaded (a new circuit) and the file chosen again, as a
    /// person would do; after three tries the test fails.
    /// </summary>
    public static async Task ChooseFileAsync(IPage page, string input, string file, ILocator seen)
    {
        for (var attempt = 1; ; attempt++)
        {
            await page.Locator(input).SetInputFilesAsync(file);
            try
            {
                await Expect(seen.First).ToBeVisibleAsync(new() { Timeout = 10_000 });
                return;
            }
            catch (PlaywrightException) when (attempt < 3)
            {
                Console.WriteLine($"ChooseFileAsync: {page.Url} did not take {Path.GetFileName(file)} (try {attempt}); reloading");
                await page.ReloadAsync();
                await WaitForInteractiveAsync(page);
            }
        }
    }

    /// <summary>
    /// Imports <paramref name="file"/> on the import page of <paramref name="kind"/> (<c>/imports/{kind}</c>) with the saved
    /// mapping <paramref name="mapping"/> (null: the standard format): 「確認のみ」 first (fails with the listed errors when the
    /// file is refused), then 「取り込む」, and waits on the job page until the job has ended. Returns the job's summary
    /// (「取り込み完了: 23行 (追加 23、更新 0、変更なし 0)、文字コード UTF-8」).
    /// </summary>
    public static async Task<string> ImportFileAsync(IPage page, string kind, string file, string? mapping = null)
    {
        await GotoInteractiveAsync(page, $"/imports/{kind}" + (mapping is null ? "" : $"?mapping={Uri.EscapeDataString(mapping)}"));
        if (mapping is not null) await Expect(page.Locator("#mapping")).ToHaveValueAsync(mapping);
        await ChooseFileAsync(page, "#file", file, page.Locator("#check-only:enabled, [aria-label='ファイルの読み込み']"));
        await Expect(page.Locator("#check-only")).ToBeEnabledAsync(new() { Timeout = 30_000 });   // the file has been read
        await page.Locator("#check-only").ClickAsync();
        await Expect(page.Locator(".import-result, .import-errors").First).ToBeVisibleAsync(new() { Timeout = 60_000 });
        if (await page.Locator(".import-errors").CountAsync() > 0) Assert.Fail($"{kind}: the check refused the file: " + await page.Locator(".import-errors").InnerTextAsync());
        await page.Locator("#import").ClickAsync();
        await page.WaitForURLAsync(new Regex("/imports/jobs/[0-9a-f-]{36}$"), new() { Timeout = 60_000 });
        var state = page.Locator("dd.import-job-state");
        await Expect(state).ToHaveAttributeAsync("data-state", new Regex("^(Succeeded|Failed)$"), new() { Timeout = 90_000 });
        if (await state.GetAttributeAsync("data-state") == "Failed") Assert.Fail($"{kind}: the import failed: " + await page.Locator("main .import-errors").InnerTextAsync());
        return await page.Locator("main .message-ok").InnerTextAsync();
    }
}
