using System.Text;
using Deque.AxeCore.Playwright;
using Intranet.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Intranet.BrowserTests;

/// <summary>
/// A 主管課 user (広報広聴課) enters the year's actuals on one page: opens 実績入力 for FY2022, sees 5 values owed, types
/// three values (one wrong first: nothing is saved, the row says why), saves once, sees the notification, the owed count
/// drop to 2, and the values with their notes on the project page. axe: 0 serious/critical on the grid page.
/// </summary>
public sealed class DepartmentEntryTests(IntranetHostFixture host, ITestOutputHelper output) : IClassFixture<IntranetHostFixture>
{
    private const string Email = "pr-dept@intranet.local";
    private const string Password = "pr-dept-pass-2024";

    [Fact]
    public async Task A_department_enters_several_values_in_one_save_and_sees_them_on_the_project_page()
    {
        output.WriteLine(await host.CreateUserAsync(Email, Password, "Department", "広報広聴課"));
        var page = await host.NewPageAsync();
        await Pages.LoginAsync(page, Email, Password);

        await page.GotoAsync("/plans/hadano-ict-2021/entry?fy=2022");
        await Pages.WaitForEntryGridAsync(page, 2022);
        await Expect(page.Locator("h1")).ToHaveTextAsync("実績入力");
        await Expect(page.Locator(".entry-owed")).ToContainTextAsync("未入力 5件");
        await Expect(page.Locator("input.entry-value")).ToHaveCountAsync(5);
        await AssertNoBlockingViolationsAsync(page);

        // A wrong value: nothing saved, the row and the summary say why.
        await Pages.FillEntryRowAsync(page, "1-2-(1)-1", "7,400", "ブラウザテスト: 3月末");
        await Pages.FillEntryRowAsync(page, "1-2-(1)-2", "2450");
        await Pages.FillEntryRowAsync(page, "1-2-(1)-3", "-5");
        await page.Locator("#entry-save").ClickAsync();
        await Expect(page.Locator("#entry-errors")).ToContainTextAsync("LINE 友だち登録数: -5人 は受け付けられません");
        await Expect(page.Locator("#value-error-2")).ToContainTextAsync("0以上");
        await Expect(page.Locator(".entry-owed")).ToContainTextAsync("未入力 5件");

        // Corrected: one save stores all three.
        await Pages.FillEntryRowAsync(page, "1-2-(1)-3", "16,000");
        await Expect(page.Locator("#entry-save")).ToContainTextAsync("(3件)");
        await Pages.SaveEntryGridAsync(page);
        await Expect(page.Locator(".rz-notification-item").Filter(new() { HasText = "3件の実績値を保存しました" }).First).ToBeVisibleAsync();
        await Expect(page.Locator(".entry-owed")).ToContainTextAsync("未入力 2件");
        await Expect(page.Locator("#entry-errors")).ToHaveCountAsync(0);
        foreach (var path in await Pages.SaveScreenshotAsync(page, "department-entry.png")) output.WriteLine("screenshot: " + path);

        await Pages.GotoInteractiveAsync(page, Pages.ProjectPath);
        var yearRow = page.Locator("th", new() { HasText = "令和4年度" });     // the year rows (history rows have no th)
        var fy2022 = Pages.IndicatorSection(page, "1-2-(1)-1").Locator("tbody tr", new() { Has = yearRow });
        await Expect(fy2022).ToContainTextAsync("7,400人");
        await Expect(fy2022).ToContainTextAsync("ブラウザテスト: 3月末");
        await Expect(Pages.IndicatorSection(page, "1-2-(1)-3").Locator("tbody tr", new() { Has = yearRow })).ToContainTextAsync("16,000人");
        await Expect(Pages.IndicatorSection(page, "1-2-(1)-1").Locator(".actual-history")).ToContainTextAsync("登録");
        await Expect(page.Locator("main")).Not.ToContainTextAsync("1-2-(1)-1:");   // no internal codes for a department user
    }

    /// <summary>
    /// The connection goes away while a value is typed but not saved (a laptop closed past the circuit's retention):
    /// the Japanese banner says so, and after 「再開する」 .NET 10 resumes the circuit from its persisted state, so the
    /// grid shows the typed value and note again, still unsaved.
    /// </summary>
    [Fact]
    public async Task Unsaved_input_survives_a_paused_and_resumed_connection()
    {
        const string email = "pr-dept-reconnect@intranet.local";
        output.WriteLine(await host.CreateUserAsync(email, Password, "Department", "広報広聴課"));
        var page = await host.NewPageAsync();
        await Pages.LoginAsync(page, email, Password);
        await page.GotoAsync("/plans/hadano-ict-2021/entry?fy=2023");
        await Pages.WaitForEntryGridAsync(page, 2023);
        await Pages.FillEntryRowAsync(page, "1-2-(1)-1", "8,100", "再接続テスト");
        await Expect(page.Locator("#entry-save")).ToContainTextAsync("(1件)");

        Assert.True(await page.EvaluateAsync<bool>("Blazor.pauseCircuit()"), "the circuit could not be paused");
        var banner = page.Locator("#components-reconnect-modal");
        await Expect(banner).ToBeVisibleAsync();
        await Expect(banner).ToContainTextAsync("接続を一時停止しています");
        await banner.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "再開する" }).ClickAsync();
        await Expect(banner).ToBeHiddenAsync();

        await Expect(page.Locator("input.entry-value[data-indicator=\"1-2-(1)-1\"]")).ToHaveValueAsync("8,100");
        await Expect(page.Locator("input.entry-note[data-indicator=\"1-2-(1)-1\"]")).ToHaveValueAsync("再接続テスト");
        await Expect(page.Locator("#entry-save")).ToContainTextAsync("(1件)");
    }

    private Task AssertNoBlockingViolationsAsync(Microsoft.Playwright.IPage page) => Axe.AssertNoSeriousViolationsAsync(page, "the entry grid", output.WriteLine);
}
