using System.Text;
using System.Text.RegularExpressions;
using Deque.AxeCore.Playwright;
using Intranet.BrowserTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Intranet.BrowserTests;

/// <summary>The system administrator's user list: edit a department, disable a user (who then cannot sign in); axe clean.</summary>
public sealed class UserAdministrationBrowserTests(IntranetHostFixture host, ITestOutputHelper output) : IClassFixture<IntranetHostFixture>
{
    private const string AdminEmail = "browser-admin@intranet.local";
    private const string AdminPassword = "browser-admin-pass-2026";

    [Fact]
    public async Task Administrator_changes_a_department_from_the_list_and_disables_a_user()
    {
        await host.CreateUserAsync(AdminEmail, AdminPassword, "Administrator");
        await host.CreateUserAsync("dept-user@intranet.local", "dept-user-pass-2026", "Department", "広報広聴課");
        await host.CreateUserAsync("leaver@intranet.local", "leaver-pass-2026", "Viewer");

        var page = await host.NewPageAsync();
        await Pages.LoginAsync(page, AdminEmail, AdminPassword);
        await Pages.GotoInteractiveAsync(page, "/admin/users");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "利用者管理", Level = 1 })).ToBeVisibleAsync();
        await Axe.AssertNoSeriousViolationsAsync(page, "users", output.WriteLine);

        // Edit the department user's department: chosen from the list of departments.
        await page.GetByRole(AriaRole.Button, new() { Name = "dept-user@intranet.local を編集" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "利用者の編集: dept-user@intranet.local" })).ToBeVisibleAsync();
        await Expect(page.Locator("#edit-Department")).ToHaveValueAsync("広報広聴課");
        await page.Locator("#edit-Department").SelectOptionAsync("情報システム課");
        await page.Locator(".user-editor").GetByRole(AriaRole.Button, new() { Name = "保存", Exact = true }).ClickAsync();
        await Expect(page.Locator(".rz-notification")).ToContainTextAsync("保存しました");
        var row = page.Locator(".users-grid tbody tr", new() { HasText = "dept-user@intranet.local" });
        await Expect(row).ToContainTextAsync("情報システム課");

        // A 主管課 without department is refused, with the message at the top of the form.
        await page.Locator("#edit-Department").SelectOptionAsync("");
        await page.Locator(".user-editor").GetByRole(AriaRole.Button, new() { Name = "保存", Exact = true }).ClickAsync();
        await Expect(page.Locator(".user-editor .form-error-summary")).ToContainTextAsync("所属課を選んでください");
        await Expect(row).ToContainTextAsync("情報システム課");

        // Disable the leaver, after confirming.
        await page.GetByRole(AriaRole.Button, new() { Name = "leaver@intranet.local を編集" }).ClickAsync();
        await page.Locator(".user-editor").GetByRole(AriaRole.Button, new() { Name = "無効にする" }).ClickAsync();
        var dialog = page.Locator(".rz-dialog");
        await Expect(dialog).ToContainTextAsync("leaver@intranet.local を無効にします");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "無効にする" }).ClickAsync();
        var leaverRow = page.Locator(".users-grid tbody tr", new() { HasText = "leaver@intranet.local" });
        await Expect(leaverRow.Locator(".user-state")).ToHaveTextAsync("無効");
        await Expect(page.Locator(".user-editor").GetByRole(AriaRole.Button, new() { Name = "有効にする" })).ToBeVisibleAsync();
        await Pages.SaveScreenshotAsync(page, "admin-users.png");

        // The search lives in the URL.
        await page.Locator("#user-search").FillAsync("leaver");
        await page.GetByRole(AriaRole.Button, new() { Name = "検索", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("q=leaver"));
        await Expect(page.Locator(".users-grid tbody tr")).ToHaveCountAsync(1);

        var leaver = await host.NewPageAsync();
        await leaver.GotoAsync("/account/login");
        await leaver.Locator("#email").FillAsync("leaver@intranet.local");
        await leaver.Locator("#password").FillAsync("leaver-pass-2026");
        await leaver.GetByRole(AriaRole.Button, new() { Name = "ログイン", Exact = true }).ClickAsync();
        await Expect(leaver.Locator(".rz-alert")).ToContainTextAsync("利用停止されています");
    }
}
