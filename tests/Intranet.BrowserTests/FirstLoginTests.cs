using System.Text.RegularExpressions;
using Intranet.BrowserTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Intranet.BrowserTests;

/// <summary>The first administrator: initial password from the data folder, forced password change, then the app.</summary>
public sealed class FirstLoginTests(IntranetHostFixture host) : IClassFixture<IntranetHostFixture>
{
    [Fact]
    public async Task First_administrator_must_change_the_initial_password_then_reaches_home_and_dashboard()
    {
        var (email, initialPassword) = host.ReadInitialAdministrator();
        Assert.Equal("admin@intranet.local", email);

        var page = await host.NewPageAsync();
        await Pages.LoginAsync(page, email, initialPassword);

        // Forced to the password page, and kept there when trying to go elsewhere.
        await Expect(page).ToHaveURLAsync(new Regex("/account/change-password$"));
        await page.GotoAsync(Pages.DashboardFy2021);
        await Expect(page).ToHaveURLAsync(new Regex("/account/change-password$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "パスワード変更", Level = 1 })).ToBeVisibleAsync();

        const string newPassword = "browser-admin-pass-2024";
        await page.Locator("#current").FillAsync(initialPassword);
        await page.Locator("#new").FillAsync(newPassword);
        await page.Locator("#confirm").FillAsync(newPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "変更する", Exact = true }).ClickAsync();

        // Home page.
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "ICT活用推進計画 進行管理", Level = 1 })).ToBeVisibleAsync();

        // The dashboard now opens (no more redirect to the password page) and shows the Hadano plan's indicators.
        await Pages.OpenDashboardAsync(page);
        await Expect(page).ToHaveURLAsync(new Regex("/dashboard\\?plan=hadano-ict-2021&fy=2021$"));
        await Expect(page.Locator("article.indicator-card").First).ToBeVisibleAsync();
        await Expect(Pages.IndicatorCard(page, "1-2-(1)-1")).ToBeVisibleAsync();

        // The new password is the one that works from now on.
        var fresh = await host.NewPageAsync();
        await Pages.LoginAsync(fresh, email, newPassword);
        await Expect(fresh).Not.ToHaveURLAsync(new Regex("/account/change-password"));
    }
}
