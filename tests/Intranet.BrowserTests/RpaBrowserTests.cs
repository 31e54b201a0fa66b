using System.Text;
using System.Text.RegularExpressions;
using Intranet.BrowserTests.Infrastructure;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Intranet.BrowserTests;

/// <summary>
/// Issue #3 (RPA台帳): an RPA team member registers a case, takes it to 本番稼働 in FY2022, values it with an
/// assessment, uploads a run log, and the FY2022 dashboard's 2-1-(1) indicators show the figures fed by the
/// module (1業務, 25時間). The lifecycle moves are made on the pipeline board, one step per card button and a dialog
/// (issue #8), where an invalid date is refused inside the dialog. A Department user may only propose ideas.
/// </summary>
public sealed class RpaBrowserTests(IntranetHostFixture host, ITestOutputHelper output) : IClassFixture<IntranetHostFixture>
{
    private const string CountIndicator = "2-1-(1)-1";   // 適用業務数(累積), FY2022 target 6業務
    private const string HoursIndicator = "2-1-(1)-2";   // 削減時間(累積), FY2022 target 1,500時間
    private const string Department = "戸籍住民課";

    [Fact]
    public Task Rpa_team_registers_a_case_takes_it_to_production_imports_runs_and_the_dashboard_shows_the_fed_figures() =>
        host.RunScenarioAsync(output, RpaTeamScenarioAsync);

    [Fact]
    public Task Department_user_can_propose_an_idea_but_cannot_open_the_import_page() =>
        host.RunScenarioAsync(output, DepartmentScenarioAsync);

    private async Task RpaTeamScenarioAsync()
    {
        const string email = "rpa-team@intranet.local";
        const string password = "rpa-team-pass-2024";
        output.WriteLine(await host.CreateUserAsync(email, password, "RpaTeam"));
        var page = await host.NewPageAsync();
        await Pages.LoginAsync(page, email, password);

        // Before: nothing has been fed for FY2022.
        await Pages.OpenDashboardAsync(page, 2022);
        var countCard = Pages.IndicatorCard(page, CountIndicator);
        var hoursCard = Pages.IndicatorCard(page, HoursIndicator);
        await Expect(countCard).ToContainTextAsync("目標 6業務");
        await Expect(countCard).ToContainTextAsync("実績 —");
        await Expect(countCard.Locator(".status")).ToHaveTextAsync("未測定");
        output.WriteLine("before: " + Normalize(await countCard.InnerTextAsync()));

        // Register the case (plan project 2-1-(1) of the Hadano plan).
        await Pages.GotoInteractiveAsync(page, "/rpa/cases/new");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "RPA適用業務の登録", Level = 1 })).ToBeVisibleAsync();
        await page.Locator("#title").FillAsync("住民票の写し交付件数の集計");
        await page.Locator("#process").FillAsync("窓口システムから出力した交付件数を月ごとに集計し、報告用の表に転記する。");
        // Registered now with its real history: the idea arose before the FY2022 moves below.
        await page.Locator("#proposed-on").FillAsync("2022-03-01");
        await page.Locator("#dept").FillAsync(Department);
        await page.Locator("#tool").SelectOptionAsync(new SelectOptionValue { Label = "WinActor" });
        await page.Locator("#robot").FillAsync("住民票集計ロボ");
        await page.Locator("#contact").FillAsync("戸籍住民課 秦野太郎");
        await page.Locator("#project").SelectOptionAsync("hadano-ict-2021|2-1-(1)");
        await page.GetByRole(AriaRole.Button, new() { Name = "登録する", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(new Regex(@"/rpa/cases/RPA-\d{3}$"));
        var code = Regex.Match(page.Url, @"RPA-\d{3}").Value;
        output.WriteLine("registered " + code);
        await Pages.WaitForInteractiveAsync(page);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync(code);
        await Expect(StatusOf(page)).ToHaveTextAsync("候補");
        // The plan project by its name, not by its codes.
        await Expect(page.Locator("dl.facts dt:text-is('計画の個別事業') + dd")).ToContainTextAsync("2-1-(1) RPA");
        await Expect(page.Locator("dl.facts")).Not.ToContainTextAsync("hadano-ict-2021");
        await Expect(page.Locator("dl.facts dt:text-is('優先度') + dd")).ToHaveTextAsync("未評価");

        // The board: 候補 → 検討 → 開発 → 試行 → 本番稼働, all in FY2022, each one step from the card.
        // Clicks: per move 1 (the card's 「… へ」 button) + 1 (「変更する」) = 2, the date and reason typed; 4 moves = 8 clicks
        // and no page load (was 4 form posts and about 16 clicks on the case page).
        await Pages.GotoInteractiveAsync(page, "/rpa/pipeline");
        await Expect(Card(page, "Idea", code)).ToBeVisibleAsync();
        await Expect(Card(page, "Idea", code).Locator(".rpa-priority")).ToHaveTextAsync("未評価");
        // Only the allowed next statuses are offered on a 候補 card.
        await Expect(Card(page, "Idea", code).Locator("button.rpa-move")).ToHaveCountAsync(2);

        // An invalid move (a date in the future): the error is shown inside the dialog, which stays open; the card stays.
        await Card(page, "Idea", code).Locator("button.rpa-move[data-to=Assessment]").ClickAsync();
        var dialog = page.Locator("[data-move-dialog]");
        await Expect(dialog).ToBeVisibleAsync();
        await dialog.Locator("#move-on").FillAsync("2099-04-01");
        await dialog.Locator("#move-reason").FillAsync("効果と実現性の検討を開始");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "変更する", Exact = true }).ClickAsync();
        await Expect(dialog.Locator(".form-error-summary")).ToContainTextAsync("未来の日付は指定できません。");
        await Expect(dialog.Locator(".form-error-summary")).ToBeInViewportAsync();
        await Expect(dialog.Locator(".validation-message")).ToHaveTextAsync("未来の日付は指定できません。");
        await Expect(Card(page, "Idea", code)).ToBeVisibleAsync();
        foreach (var path in await Pages.SaveScreenshotAsync(page, "rpa-board-move-refused.png", fullPage: false)) output.WriteLine("screenshot: " + path);
        await dialog.Locator("#move-on").FillAsync("2022-04-01");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "変更する", Exact = true }).ClickAsync();
        await Expect(Card(page, "Assessment", code)).ToBeVisibleAsync();
        await Expect(dialog).ToHaveCountAsync(0);
        await Expect(page.Locator(".rz-notification")).ToContainTextAsync("状態を変更しました");

        await MoveOnBoardAsync(page, code, "Assessment", "Development", "2022-04-08", "シナリオ作成に着手");
        await MoveOnBoardAsync(page, code, "Development", "Trial", "2022-04-20", "課内で試行");
        await MoveOnBoardAsync(page, code, "Trial", "Production", "2022-05-01", "試行結果が良好のため本番稼働");
        // The board without the move notifications over it (each stays 5 s).
        await Expect(page.Locator(".rz-notification-item")).ToHaveCountAsync(0, new() { Timeout = 30_000 });
        foreach (var path in await Pages.SaveScreenshotAsync(page, "rpa-board.png")) output.WriteLine("screenshot: " + path);
        await AssertNoBlockingAxeViolationsAsync(page, "RPA board");

        await Pages.GotoInteractiveAsync(page, "/rpa/cases/" + code);
        await Expect(StatusOf(page)).ToHaveTextAsync("本番稼働");
        await Expect(page.Locator("dl.facts")).ToContainTextAsync("本番稼働日 2022/05/01");
        var history = page.Locator("table.grid tbody tr", new() { HasText = "試行 → 本番稼働" });
        await Expect(history).ToContainTextAsync("2022/05/01");
        await Expect(history).ToContainTextAsync("試行結果が良好のため本番稼働");
        await Expect(history).ToContainTextAsync(email);

        // Assessment from 2022-05-01: 12 runs/year × 100 items × (6 − 1) min ÷ 60 = 100 hours/year.
        await page.Locator("#a-from").FillAsync("2022-05-01");
        await page.Locator("#a-exec").FillAsync("12");
        await page.Locator("#a-items").FillAsync("100");
        await page.Locator("#a-manual").FillAsync("6");
        await page.Locator("#a-robot").FillAsync("1");
        // The assessment row (its estimate column ends in 時間), not the history row of the same date.
        var assessmentRow = page.Locator("table.grid tbody tr", new() { HasText = "2022/05/01" }).Filter(new() { HasText = "100時間" });
        await SubmitAndWaitAsync(page, "見積りを保存", assessmentRow);
        await Expect(assessmentRow).ToContainTextAsync("100時間");

        // Run log: three successful runs of 100 items (May–June 2022) and one failure, which saves nothing.
        var runFile = Path.Combine(Path.GetTempPath(), $"rpa-runs-{Guid.NewGuid():N}.csv");
        try
        {
            var csv = new StringBuilder()
                .AppendLine("case,run_id,started_at,ended_at,outcome,items")
                .AppendLine($"{code},BT-0001,2022-05-10 09:00:00,2022-05-10 09:40:00,success,100")
                .AppendLine($"{code},BT-0002,2022-06-10 09:00:00,2022-06-10 09:35:00,success,100")
                .AppendLine($"{code},BT-0003,2022-06-20 09:00:00,2022-06-20 09:20:00,failure,100")
                .AppendLine($"{code},BT-0004,2022-06-24 09:00:00,2022-06-24 09:38:00,success,100");
            await File.WriteAllTextAsync(runFile, csv.ToString(), new UTF8Encoding(false));

            // The module's import page links to the shared import pages (issue #9); the file itself goes in through the
            // pipeline as a scripted import would (the shared upload page has its own browser tests).
            await Pages.GotoInteractiveAsync(page, "/rpa/import");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "RPA 取込", Level = 1 })).ToBeVisibleAsync();
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = "実行ログを取り込む" })).ToHaveAttributeAsync("href", "/imports/rpa-runs");
            var dry = await host.RunCliAsync("import", "rpa-runs", runFile, "--dry-run");
            Assert.Contains("確認のみ (書き込みなし): 4行 (追加 4", dry);
            var imported = await host.RunCliAsync("import", "rpa-runs", runFile);
            Assert.Contains("取り込み完了: 4行 (追加 4", imported);
            output.WriteLine("import: " + imported);
        }
        finally
        {
            File.Delete(runFile);
        }

        // Case page: 3 successful runs × 100 items × 5 min ÷ 60 = 25 hours; the failure counts 0.
        await Pages.GotoInteractiveAsync(page, "/rpa/cases/" + code);
        await Expect(StatusOf(page)).ToHaveTextAsync("本番稼働");
        await Expect(page.Locator("dl.facts dt:text-is('削減時間 (実績累計)') + dd")).ToContainTextAsync("25時間");
        var monthly = page.Locator("table.grid", new() { Has = page.Locator("th", new() { HasText = "削減時間" }) }).First;
        await Expect(monthly.Locator("tbody tr", new() { HasText = "2022-05" })).ToContainTextAsync("8.3時間");
        await Expect(monthly.Locator("tbody tr", new() { HasText = "2022-06" })).ToContainTextAsync("16.7時間");
        foreach (var path in await Pages.SaveScreenshotAsync(page, "rpa-case.png")) output.WriteLine("screenshot: " + path);
        await AssertNoBlockingAxeViolationsAsync(page, "RPA case page");

        // The registry grid, filtered and sorted from the URL.
        await Pages.GotoInteractiveAsync(page, "/rpa?status=Production&sort=since&desc=true");
        await Expect(page.Locator(".rz-data-row", new() { HasText = code })).ToBeVisibleAsync();
        await Expect(page.Locator("#status")).ToHaveValueAsync("Production");
        await AssertNoBlockingAxeViolationsAsync(page, "RPA registry");

        // Dashboard FY2022: 1 process (production since 2022-05-01), 25 hours, both fed by RPA台帳.
        await Pages.OpenDashboardAsync(page, 2022);
        await Expect(countCard).ToContainTextAsync("目標 6業務");
        await Expect(countCard).ToContainTextAsync("実績 1業務");
        await Expect(countCard).ToContainTextAsync("入力元: RPA台帳");
        await Expect(hoursCard).ToContainTextAsync("目標 1,500時間");
        await Expect(hoursCard).ToContainTextAsync("実績 25時間");
        await Expect(hoursCard).ToContainTextAsync("入力元: RPA台帳");
        // FY2022 is over and both are below target.
        await Expect(countCard.Locator(".status")).ToHaveTextAsync("遅れ");
        await Expect(hoursCard.Locator(".status")).ToHaveTextAsync("遅れ");
        output.WriteLine("after count: " + Normalize(await countCard.InnerTextAsync()));
        output.WriteLine("after hours: " + Normalize(await hoursCard.InnerTextAsync()));

        // Both 2-1-(1) cards (side by side) at the top of the viewport, with a little room above.
        await countCard.EvaluateAsync("e => { e.scrollIntoView({ block: 'start' }); window.scrollBy(0, -24); }");
        await Expect(countCard).ToBeInViewportAsync();
        await Expect(hoursCard).ToBeInViewportAsync();
        foreach (var path in await Pages.SaveScreenshotAsync(page, "dashboard-rpa.png", fullPage: false)) output.WriteLine("screenshot: " + path);
    }

    private async Task DepartmentScenarioAsync()
    {
        const string email = "koseki@intranet.local";
        const string password = "koseki-pass-2024";
        output.WriteLine(await host.CreateUserAsync(email, password, "Department", Department));
        var page = await host.NewPageAsync();
        await Pages.LoginAsync(page, email, password);

        await Pages.GotoInteractiveAsync(page, "/rpa/cases/new");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "RPA化の提案", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.Locator("#dept")).ToBeDisabledAsync();
        await Expect(page.Locator("#dept")).ToHaveValueAsync(Department);
        await page.Locator("#title").FillAsync("転入届の入力補助");
        await page.Locator("#process").FillAsync("転入届の記載内容を住民記録システムへ入力する作業を自動化したい。");
        await page.GetByRole(AriaRole.Button, new() { Name = "提案する", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(new Regex(@"/rpa/cases/RPA-\d{3}$"));
        output.WriteLine("proposed: " + page.Url);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("転入届の入力補助");
        await Expect(StatusOf(page)).ToHaveTextAsync("候補");
        await Expect(page.Locator("dl.facts dt:text-is('所管課') + dd")).ToHaveTextAsync(Department);
        // A proposer does not manage the case.
        await Expect(page.Locator("button.rpa-move")).ToHaveCountAsync(0);

        await page.GotoAsync("/rpa/import");
        await page.WaitForURLAsync(new Regex("/account/access-denied"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "このページを開く権限がありません", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.Locator("#file")).ToHaveCountAsync(0);
    }

    /// <summary>The 状態 fact of the case page (<c>dt 状態 + dd strong</c>).</summary>
    private static ILocator StatusOf(IPage page) => page.Locator("dl.facts dt:text-is('状態') + dd strong");

    /// <summary>A case's card in a column of the board.</summary>
    private static ILocator Card(IPage page, string status, string code) =>
        page.Locator($".rpa-board-column[data-status={status}] .rpa-card[data-code=\"{code}\"]");

    /// <summary>
    /// One step on the board: the card's 「… へ」 button (1 click), the date and reason typed, 「変更する」 (1 click); waits for
    /// the card in the new column and the notification.
    /// </summary>
    private static async Task MoveOnBoardAsync(IPage page, string code, string from, string to, string date, string reason)
    {
        await Card(page, from, code).Locator($"button.rpa-move[data-to={to}]").ClickAsync();
        var dialog = page.Locator("[data-move-dialog]");
        await dialog.Locator("#move-on").FillAsync(date);
        await dialog.Locator("#move-reason").FillAsync(reason);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "変更する", Exact = true }).ClickAsync();
        var problems = dialog.Locator(".form-error-summary");
        await Card(page, to, code).Or(problems).First.WaitForAsync();
        if (await problems.CountAsync() > 0) Assert.Fail($"move to {to} refused: {await problems.InnerTextAsync()}");
        await Expect(dialog).ToHaveCountAsync(0);
    }

    private Task AssertNoBlockingAxeViolationsAsync(IPage page, string name) => Axe.AssertNoSeriousViolationsAsync(page, name, output.WriteLine);

    /// <summary>
    /// Clicks a submit button, then waits for <paramref name="done"/> or a validation/error message; fails with
    /// the messages shown when the form was refused.
    /// </summary>
    private static async Task SubmitAndWaitAsync(IPage page, string button, ILocator done)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = button, Exact = true }).ClickAsync();
        var problems = page.Locator(".validation-message, .message-error, .form-error-summary");
        await done.Or(problems).First.WaitForAsync();
        if (await problems.CountAsync() > 0)
            Assert.Fail($"「{button}」 was refused on {page.Url}: {string.Join(" / ", await problems.AllInnerTextsAsync())}");
        await Expect(page.Locator(".rz-notification")).ToContainTextAsync("保存しました");
    }

    private static string Normalize(string text) => Regex.Replace(text, @"\s+", " ").Trim();
}
