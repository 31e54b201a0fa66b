using System.Text.RegularExpressions;
using Intranet.BrowserTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Intranet.BrowserTests;

/// <summary>Pages need a signed-in user.</summary>
public sealed class AnonymousAccessTests(IntranetHostFixture host) : IClassFixture<IntranetHostFixture>
{
    [Fact]
    public async Task Anonymous_visit_to_dashboard_ends_on_the_login_page()
    {
        var page = await host.NewPageAsync();
        await page.GotoAsync("/dashboard");

        Assert.Equal("/account/login", new Uri(page.Url).AbsolutePath);
        await Expect(page).ToHaveURLAsync(new Regex("ReturnUrl=%2Fdashboard", RegexOptions.IgnoreCase));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "ログイン", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.Locator("#email")).ToBeVisibleAsync();
        await Expect(page.Locator("article.indicator-card")).ToHaveCountAsync(0);
    }
}
