using System.Text.RegularExpressions;
using Intranet.BrowserTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Intranet.BrowserTests;

/// <summary>
/// The administrator's audit page (issue #11): user administration's trail with before → after, the overview of every area
/// chosen in the page (state in the URL), the xlsx link carrying the filters; axe clean; a screenshot.
/// </summary>
public sealed class AuditBrowserTests(IntranetHostFixture host, ITestOutputHelper output) : IClassFixture<IntranetHostFixture>
{
    private const string AdminEmail = "audit-admin@intranet.local";
    private const string AdminPassword = "audit-admin-pass-2026";

    [Fact]
    public async Task Administrator_reads_the_audit_trail_of_user_administration_and_of_every_area()
    {
        await host.CreateUserAsync(AdminEmail, AdminPassword, "Administrator");
        var page = await host.NewPageAsync();
        await Pages.LoginAsync(page, AdminEmail, AdminPassword);

        // A change to audit: the administrator edits a user's department on the user page.
        await host.CreateUserAsync("audited@intranet.local", "audited-pass-2026", "Department", "広報広聴課");
        await Pages.GotoInteractiveAsync(page, "/admin/users");
        await page.GetByRole(AriaRole.Button, new() { Name = "audited@intranet.local を編集" }).ClickAsync();
        await page.Locator("#edit-Department").SelectOptionAsync("情報システム課");
        await page.Locator(".user-editor").GetByRole(AriaRole.Button, new() { Name = "保存", Exact = true }).ClickAsync();
        await Expect(page.Locator(".rz-notification")).ToContainTextAsync("保存しました");

        await Pages.GotoInteractiveAsync(page, "/admin/audit");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "操作履歴", Level = 1 })).ToBeVisibleAsync();
        var row = page.Locator("table tbody tr", new() { HasText = "audited@intranet.local" }).First;
        await Expect(row).ToContainTextAsync("変更");
        await Expect(row).ToContainTextAsync("所属課: 広報広聴課 → 情報システム課");
        await Expect(row).ToContainTextAsync(AdminEmail);
        await Axe.AssertNoSeriousViolationsAsync(page, "admin-audit", output.WriteLine);

        // Filter by the user who made the change: in the URL, and in the download's link.
        await page.Locator("#audit-user").FillAsync(AdminEmail);
        await page.GetByRole(AriaRole.Button, new() { Name = "検索", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("user=audit-admin%40intranet.local"));
        await Expect(page.Locator("a[href^='/audit/admin.xlsx']")).ToHaveAttributeAsync("href", new Regex("user=audit-admin%40intranet.local"));
        await Pages.SaveScreenshotAsync(page, "admin-audit.png");

        // The overview of every area.
        await page.Locator("#audit-area").SelectOptionAsync("all");
        await Expect(page).ToHaveURLAsync(new Regex("area=all"));
        await Expect(page.Locator("table thead")).ToContainTextAsync("機能");
    }
}
