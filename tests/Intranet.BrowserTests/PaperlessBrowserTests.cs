using System.Text.RegularExpressions;
using Deque.AxeCore.Playwright;
using Intranet.BrowserTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Intranet.BrowserTests;

/// <summary>
/// ペーパーレス会議: a meeting organizer adds a 庁議 body and records a month of its sessions in FY2022; the
/// FY2022 dashboard's 2-2-(1)-1 (庁議のペーパーレス化率(WEB会議含む), target 100%) then shows the rate fed by the
/// module (2 of 4 paperless = 50%), and /paperless shows the same figures. The form starts on a date inside the
/// selected fiscal year, and a date outside the plan period (FY2021–FY2025) asks before it is saved (issue #8); every
/// page of the module passes axe. An organizer of another department is refused the body's page (403) and a Viewer
/// sees only the aggregates.
/// </summary>
public sealed class PaperlessBrowserTests(IntranetHostFixture host, ITestOutputHelper output) : IClassFixture<IntranetHostFixture>
{
    private const string ExecutiveRateIndicator = "2-2-(1)-1";   // 庁議のペーパーレス化率(WEB会議含む), FY2022 target 100%
    private const string Department = "総合政策課";
    private const string OtherDepartment = "情報システム課";

    [Fact]
    public Task Organizer_records_a_month_of_executive_meetings_and_the_dashboard_shows_the_paperless_rate() =>
        host.RunScenarioAsync(output, OrganizerScenarioAsync);

    [Fact]
    public Task Organizer_of_another_department_is_refused_the_body_and_a_viewer_sees_only_the_aggregates() =>
        host.RunScenarioAsync(output, AccessScenarioAsync);

    private async Task OrganizerScenarioAsync()
    {
        const string email = "seisaku-organizer@intranet.local";
        const string password = "seisaku-pass-2024";
        output.WriteLine(await host.CreateUserAsync(email, password, "MeetingOrganizer", Department));
        var page = await host.NewPageAsync();
        await Pages.LoginAsync(page, email, password);

        // Before: nothing has been fed for FY2022.
        await Pages.OpenDashboardAsync(page, 2022);
        var card = Pages.IndicatorCard(page, ExecutiveRateIndicator);
        await Expect(card).ToContainTextAsync("庁議のペーパーレス化率(WEB会議含む)");
        await Expect(card).ToContainTextAsync("目標 100%");
        await Expect(card).ToContainTextAsync("実績 —");
        await Expect(card).Not.ToContainTextAsync("入力元");
        output.WriteLine("before: " + Normalize(await card.InnerTextAsync()));

        // Add the 庁議 body; an organizer's department is fixed to their own.
        await Pages.GotoInteractiveAsync(page, "/paperless/bodies");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "会議の記録 (会議体と開催)", Level = 1 })).ToBeVisibleAsync();
        await AssertNoBlockingViolationsAsync(page, "bodies");
        await Expect(page.Locator("#Department")).ToBeDisabledAsync();
        await Expect(page.Locator("#Department")).ToHaveValueAsync(Department);
        await page.Locator("#Name").FillAsync("政策会議");
        await page.Locator("#Category").SelectOptionAsync("Executive");
        await page.Locator("#UsualAttendees").FillAsync("12");
        await page.Locator("#SheetsPerAttendee").FillAsync("40");
        await page.Locator("#BaselineFrom").FillAsync("2021-04-01");
        await page.GetByRole(AriaRole.Button, new() { Name = "追加する", Exact = true }).ClickAsync();
        var saved = new Regex(@"/paperless/bodies/MTG-\d{3}$");
        var problems = page.Locator(".validation-message, .form-error-summary");
        try
        {
            await page.WaitForURLAsync(saved);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"「追加する」 stayed on {page.Url}: {string.Join(" / ", await problems.AllInnerTextsAsync())}");
        }
        var code = Regex.Match(page.Url, @"MTG-\d{3}").Value;
        output.WriteLine("added " + code);
        await Pages.WaitForInteractiveAsync(page);
        var heading = page.GetByRole(AriaRole.Heading, new() { Level = 1 });
        await Expect(heading).ToContainTextAsync("政策会議");
        await Expect(heading).ToContainTextAsync($"({code} / 庁議 / {Department})");
        await Expect(page.Locator("ul li", new() { HasText = "2021/04/01 から: 40 枚" })).ToBeVisibleAsync();
        // No session yet: the form starts from the body's usual attendees, dated today (this fiscal year).
        await Expect(page.Locator("#Attendees")).ToHaveValueAsync("12");
        await Expect(page.Locator("#fy")).ToHaveValueAsync(FiscalYearOf(DateTime.UtcNow.AddHours(9)).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(page.Locator("#HeldOn")).ToHaveValueAsync(DateTime.UtcNow.AddHours(9).ToString("yyyy-MM-dd"));
        await AssertNoBlockingViolationsAsync(page, "body page");

        // Today is after the plan (FY2021–FY2025): saving asks first; 「日付を直す」 saves nothing.
        await page.GetByRole(AriaRole.Button, new() { Name = "開催を記録", Exact = true }).ClickAsync();
        var outside = page.Locator(".rz-dialog", new() { HasText = "計画期間 (令和3年度(2021)〜令和7年度(2025)) の外です" });
        await Expect(outside).ToBeVisibleAsync();
        await AssertNoBlockingViolationsAsync(page, "out-of-plan confirmation");
        await outside.GetByRole(AriaRole.Button, new() { Name = "日付を直す" }).ClickAsync();
        await Expect(outside).ToHaveCountAsync(0);
        await Expect(page.Locator(".session-grid")).ToContainTextAsync("この年度の開催の記録はありません。");

        // FY2022 chosen in the list (kept in the URL): the form starts on its first day, inside the year.
        await page.Locator("#fy").SelectOptionAsync("2022");
        await page.WaitForURLAsync(new Regex(@"\?fy=2022$"));
        await Expect(page.Locator("#HeldOn")).ToHaveValueAsync("2022-04-01");

        // May 2022: baseline 40 sheets × 12 attendees = 480 sheets per session.
        // 05-02 in person, digital only: paperless, saves 480.
        await RecordSessionAsync(page, "2022-05-02", "InPerson", "DigitalOnly", 12, 0, "電子のみで開催");
        await ExpectSessionRowAsync(page, "2022/05/02", "対面", "電子のみ", "12", "0", "480", "○");
        // 05-09 WEB with 100 sheets printed on paper: paperless all the same (「WEB会議含む」), saves 380.
        await RecordSessionAsync(page, "2022-05-09", "Web", "Paper", 12, 100, "WEB会議 (一部紙で配付)");
        await ExpectSessionRowAsync(page, "2022/05/09", "WEB", "紙", "12", "100", "380", "○");
        // 05-16 in person on paper, 480 printed: not paperless, saves nothing.
        await RecordSessionAsync(page, "2022-05-16", "InPerson", "Paper", 12, 480, "紙で配付");
        await ExpectSessionRowAsync(page, "2022/05/16", "対面", "紙", "12", "480", "0", "×");
        // 05-23 hybrid with paper and digital: counts by its materials, not paperless; saves 240.
        await RecordSessionAsync(page, "2022-05-23", "Hybrid", "Mixed", 12, 240, "ハイブリッド開催");
        await ExpectSessionRowAsync(page, "2022/05/23", "ハイブリッド", "紙と電子の併用", "12", "240", "240", "×");
        await Expect(page.Locator(".session-grid tbody tr")).ToHaveCountAsync(4);
        // The next one is expected a week after the last (the typical interval), still inside FY2022.
        await Expect(page.Locator("#HeldOn")).ToHaveValueAsync("2022-05-30");
        foreach (var path in await Pages.SaveScreenshotAsync(page, "organizer-paperless.png")) output.WriteLine("screenshot: " + path);
        foreach (var path in await Pages.SaveScreenshotAsync(page, "paperless-body.png")) output.WriteLine("screenshot: " + path);

        // The organizer's list shows the body.
        await Pages.GotoInteractiveAsync(page, "/paperless/bodies");
        var listRow = page.Locator(".body-grid tbody tr", new() { HasText = code });
        await Expect(listRow).ToContainTextAsync("政策会議");
        await Expect(listRow).ToContainTextAsync("庁議");
        await Expect(listRow).ToContainTextAsync(Department);

        // Dashboard FY2022: 2 of 4 paperless = 50%, fed by the module; FY2022 is over and below target.
        await Pages.OpenDashboardAsync(page, 2022);
        await Expect(card).ToContainTextAsync("目標 100%");
        await Expect(card).ToContainTextAsync("実績 50.0%");
        await Expect(card).ToContainTextAsync("達成率 50.0%");
        await Expect(card).ToContainTextAsync("入力元: ペーパーレス会議 (自動連携)");
        await Expect(card.Locator(".status")).ToHaveTextAsync("遅れ");
        output.WriteLine("after: " + Normalize(await card.InnerTextAsync()));
        await card.EvaluateAsync("e => { e.scrollIntoView({ block: 'start' }); window.scrollBy(0, -64); }");
        await Expect(card).ToBeInViewportAsync();
        foreach (var path in await Pages.SaveScreenshotAsync(page, "dashboard-paperless.png", fullPage: false)) output.WriteLine("screenshot: " + path);

        // /paperless, FY2022, 庁議: year rate 50.0% against the 100% target; May held 4, 2 paperless.
        await Pages.GotoInteractiveAsync(page, "/paperless?fy=2022&category=Executive");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "ペーパーレス会議の状況", Level = 1 })).ToBeVisibleAsync();
        await AssertNoBlockingViolationsAsync(page, "overview");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "庁議 の月別ペーパーレス化率 (令和4年度(2022))", Level = 2 })).ToBeVisibleAsync();
        await Expect(page.Locator("p", new() { HasText = "年度の率:" })).ToContainTextAsync("年度の率: 50.0% / 目標 100.0%");
        var months = page.Locator("table.grid.months");
        var headers = (await months.Locator("thead th").AllInnerTextsAsync()).Select(t => t.Trim()).ToList();
        var may = headers.IndexOf("5月");
        Assert.True(may > 0, "the monthly table has no 5月 column: " + string.Join(",", headers));
        Assert.Equal("4月", headers[1]);
        await Expect(MonthCell(months, "開催", may)).ToHaveTextAsync("4");
        await Expect(MonthCell(months, "ペーパーレス", may)).ToHaveTextAsync("2");
        await Expect(MonthCell(months, "率", may)).ToHaveTextAsync("50.0%");
        // April had no session: no rate (never 0%).
        await Expect(MonthCell(months, "開催", 1)).ToHaveTextAsync("0");
        await Expect(MonthCell(months, "率", 1)).ToHaveTextAsync("—");
        var bodyRow = page.Locator(".bodies-in-year tbody tr", new() { HasText = "政策会議" });
        await Expect(bodyRow.Locator("td")).ToHaveTextAsync(["政策会議", Department, "4", "2", "50.0%", "820", "1,100"]);
        var yearRow = page.Locator("table.grid.years tbody tr", new() { Has = page.Locator("th[scope=row]", new() { HasText = "令和4年度(2022)" }) });
        await Expect(yearRow.Locator("td").First).ToHaveTextAsync("50.0% (4 回)");
        await Expect(yearRow.Locator("td").Last).ToHaveTextAsync("1,100枚");

        // The upload page passes axe too.
        await Pages.GotoInteractiveAsync(page, "/paperless/import");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "会議体・開催記録の取込", Level = 1 })).ToBeVisibleAsync();
        await AssertNoBlockingViolationsAsync(page, "import");
    }

    private async Task AccessScenarioAsync()
    {
        // An organizer of 総合政策課 adds a body (その他庁内会議: it does not touch the 庁議 rate of the other test).
        const string ownerEmail = "seisaku-owner@intranet.local";
        const string ownerPassword = "seisaku-owner-2024";
        output.WriteLine(await host.CreateUserAsync(ownerEmail, ownerPassword, "MeetingOrganizer", Department));
        var owner = await host.NewPageAsync();
        await Pages.LoginAsync(owner, ownerEmail, ownerPassword);
        await Pages.GotoInteractiveAsync(owner, "/paperless/bodies");
        await owner.Locator("#Name").FillAsync("行政改革推進会議");
        await owner.Locator("#Category").SelectOptionAsync("OtherInternal");
        await owner.Locator("#UsualAttendees").FillAsync("8");
        await owner.Locator("#SheetsPerAttendee").FillAsync("15");
        await owner.Locator("#BaselineFrom").FillAsync("2021-04-01");
        await owner.GetByRole(AriaRole.Button, new() { Name = "追加する", Exact = true }).ClickAsync();
        await owner.WaitForURLAsync(new Regex(@"/paperless/bodies/MTG-\d{3}$"));
        var code = Regex.Match(owner.Url, @"MTG-\d{3}").Value;
        var bodyPath = "/paperless/bodies/" + code;
        output.WriteLine("added " + code);
        await Expect(owner.Locator("#HeldOn")).ToBeVisibleAsync();

        // An organizer of 情報システム課 does not see it and is refused its page.
        const string otherEmail = "johosys-organizer@intranet.local";
        const string otherPassword = "johosys-pass-2024";
        output.WriteLine(await host.CreateUserAsync(otherEmail, otherPassword, "MeetingOrganizer", OtherDepartment));
        var other = await host.NewPageAsync();
        await Pages.LoginAsync(other, otherEmail, otherPassword);
        await other.GotoAsync("/paperless/bodies");
        await Expect(other.GetByRole(AriaRole.Heading, new() { Name = "会議の記録 (会議体と開催)", Level = 1 })).ToBeVisibleAsync();
        await Expect(other.Locator("p", new() { HasText = "が主管する会議体です" })).ToContainTextAsync($"{OtherDepartment} が主管する会議体です");
        await Expect(other.Locator(".body-grid tbody tr", new() { HasText = code })).ToHaveCountAsync(0);
        var refused = await other.GotoAsync(bodyPath);
        Assert.NotNull(refused);
        output.WriteLine($"{OtherDepartment} organizer GET {bodyPath}: {refused.Status} {await refused.TextAsync()}");
        Assert.Equal(403, refused.Status);
        await Expect(other.Locator("#HeldOn")).ToHaveCountAsync(0);
        await Expect(other.Locator("body")).Not.ToContainTextAsync("行政改革推進会議");

        // A Viewer sees the aggregates but not the bodies.
        const string viewerEmail = "viewer-paperless@intranet.local";
        const string viewerPassword = "viewer-pass-2024";
        output.WriteLine(await host.CreateUserAsync(viewerEmail, viewerPassword, "Viewer"));
        var viewer = await host.NewPageAsync();
        await Pages.LoginAsync(viewer, viewerEmail, viewerPassword);
        var aggregates = await viewer.GotoAsync("/paperless");
        Assert.Equal(200, aggregates!.Status);
        await Expect(viewer.GetByRole(AriaRole.Heading, new() { Name = "ペーパーレス会議の状況", Level = 1 })).ToBeVisibleAsync();
        await Expect(viewer.GetByRole(AriaRole.Heading, new() { Name = "年度別の実績", Level = 2 })).ToBeVisibleAsync();
        foreach (var path in new[] { "/paperless/bodies", bodyPath })
        {
            await viewer.GotoAsync(path);
            await viewer.WaitForURLAsync(new Regex("/account/access-denied"));
            await Expect(viewer.GetByRole(AriaRole.Heading, new() { Name = "このページを開く権限がありません", Level = 1 })).ToBeVisibleAsync();
            await Expect(viewer.Locator("#Name, #HeldOn")).ToHaveCountAsync(0);
        }
    }

    /// <summary>
    /// Fills the session form of the body page (which starts as a copy of the last session), saves, and waits for
    /// the new row; fails with the messages shown when the form was refused.
    /// </summary>
    private static async Task RecordSessionAsync(IPage page, string date, string format, string materials, int attendees, int sheetsPrinted, string note)
    {
        await page.Locator("#HeldOn").FillAsync(date);
        await page.Locator("#Sequence").FillAsync("1");
        await page.Locator("#Format").SelectOptionAsync(format);
        await page.Locator("#Materials").SelectOptionAsync(materials);
        await page.Locator("#Attendees").FillAsync(attendees.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.Locator("#SheetsPrinted").FillAsync(sheetsPrinted.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.Locator("#Note").FillAsync(note);
        await page.GetByRole(AriaRole.Button, new() { Name = "開催を記録", Exact = true }).ClickAsync();
        var shown = date.Replace('-', '/');
        var row = page.Locator(".session-grid tbody tr", new() { HasText = shown });
        var problems = page.Locator(".validation-message, .form-error-summary, .rz-dialog");
        await row.Or(problems).First.WaitForAsync();
        if (await problems.CountAsync() > 0)
            Assert.Fail($"「開催を記録」 ({date}) was refused on {page.Url}: {string.Join(" / ", await problems.AllInnerTextsAsync())}");
        await Expect(page.Locator(".rz-notification")).ToContainTextAsync("保存しました");
        // The next entry starts as a copy of this one (the latest session).
        await Expect(page.Locator("p.hint", new() { HasText = "前回" })).ToContainTextAsync($"前回 ({shown}) の内容を写してあります。");
        await Expect(page.Locator("#Format")).ToHaveValueAsync(format);
        await Expect(page.Locator("#Materials")).ToHaveValueAsync(materials);
        await Expect(page.Locator("#Attendees")).ToHaveValueAsync(attendees.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(page.Locator("#SheetsPrinted")).ToHaveValueAsync(sheetsPrinted.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>The row of the sessions list for a date: 開催日, 形式, 資料, 出席, 印刷枚数, 削減枚数, ペーパーレス (recorder and link follow).</summary>
    private static async Task ExpectSessionRowAsync(IPage page, string shownDate, params string[] cells)
    {
        var row = page.Locator(".session-grid tbody tr", new() { HasText = shownDate });
        await Expect(row).ToHaveCountAsync(1);
        var tds = row.Locator("td");
        await Expect(tds.Nth(0)).ToHaveTextAsync(shownDate);
        for (var i = 0; i < cells.Length; i++) await Expect(tds.Nth(i + 1)).ToHaveTextAsync(cells[i]);
    }

    private static int FiscalYearOf(DateTime now) => now.Month >= 4 ? now.Year : now.Year - 1;

    private Task AssertNoBlockingViolationsAsync(IPage page, string name) => Axe.AssertNoSeriousViolationsAsync(page, name, output.WriteLine);

    /// <summary>The cell of a monthly table row (開催 / ペーパーレス / 率) under header column <paramref name="column"/> (1 = April).</summary>
    private static ILocator MonthCell(ILocator table, string rowHeader, int column) =>
        table.Locator("tbody tr", new() { Has = table.Page.Locator($"th[scope=row]:text-is('{rowHeader}')") }).Locator("td").Nth(column - 1);

    private static string Normalize(string text) => Regex.Replace(text, @"\s+", " ").Trim();
}
