using Intranet.BrowserTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Intranet.BrowserTests;

/// <summary>
/// 計画の見直し in a browser: the plan office records a yearly revision that ends 1-3-(4) 電子書籍の導入検討 (changes added one
/// by one, confirmation, notification); the list shows 第1版, the plan tree marks the project 「令和…年度で終了」; axe finds no
/// serious or critical violation on the page with its form.
/// </summary>
public sealed class PlanRevisionBrowserTests(IntranetHostFixture host, ITestOutputHelper output) : IClassFixture<IntranetHostFixture>
{
    private const string Email = "revision-office@intranet.local";
    private const string Password = "revision-office-pass-2026";
    private const string Path = "/plans/hadano-ict-2021/revisions";

    [Fact]
    public async Task The_plan_office_records_a_revision_that_ends_a_project()
    {
        await host.CreateUserAsync(Email, Password, "PlanOffice");
        var page = await host.NewPageAsync();
        await Pages.LoginAsync(page, Email, Password);
        await Pages.GotoInteractiveAsync(page, Path);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "見直しを記録する" })).ToBeVisibleAsync();
        await Axe.AssertNoSeriousViolationsAsync(page, "revisions (form)", output.WriteLine);

        await page.Locator("#EffectiveFiscalYear").SelectOptionAsync("2024");
        await page.Locator("#ChangeKind").SelectOptionAsync("ProjectEnded");
        await page.Locator("#ProjectCode").SelectOptionAsync("1-3-(4)");
        await page.Locator("#ChangeReason").FillAsync("検討の結果、導入を見送ったため");
        await Expect(page.GetByText("令和5年度で終了します")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "変更を追加", Exact = true }).ClickAsync();
        await Expect(page.Locator("tbody th", new() { HasText = "変更1" })).ToBeVisibleAsync();
        await page.Locator("#Title").FillAsync("令和6年度 個別事業の見直し");
        await page.Locator("#Reason").FillAsync("令和5年度の評価を踏まえた見直し");
        await page.GetByRole(AriaRole.Button, new() { Name = "見直しを記録する" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "記録する", Exact = true }).ClickAsync();

        await Expect(page.GetByText("第1版「令和6年度 個別事業の見直し」を記録しました。")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(page.Locator("table.revision-changes")).ToContainTextAsync("令和5年度で終了");
        await Expect(page.Locator("#Title")).ToHaveValueAsync("");

        await Pages.GotoInteractiveAsync(page, "/plans/hadano-ict-2021?fy=2024");
        await Expect(page.Locator(".project-years.inactive", new() { HasText = "令和5年度で終了" })).ToBeVisibleAsync();
        await Pages.GotoInteractiveAsync(page, "/plans/hadano-ict-2021/projects/1-3-%284%29");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "計画の見直し履歴" })).ToBeVisibleAsync();
        await Axe.AssertNoSeriousViolationsAsync(page, "project with revision history", output.WriteLine);
    }
}
