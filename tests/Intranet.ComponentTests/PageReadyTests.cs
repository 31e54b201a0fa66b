using Bunit.TestDoubles;
using Intranet.Shared.Web;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace Intranet.ComponentTests;

/// <summary>
/// <see cref="PageReady"/>, on every interactive page: marks the page interactive, and moves an open page to the login
/// page (coming back to it afterwards) when its session ends while it is open (issue #11).
/// </summary>
public sealed class PageReadyTests : BunitContext
{
    [Fact]
    public void An_open_page_whose_session_ends_moves_to_login_with_the_way_back()
    {
        var auth = AddAuthorization();
        auth.SetAuthorized("hr@example.jp");
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("/telework/staff?q=秦野");
        var cut = Render<PageReady>();
        Assert.Single(cut.FindAll("[data-page-ready]"));

        auth.SetAuthorized("hr@example.jp");   // a revalidation that keeps the user: the page stays
        Assert.EndsWith("/telework/staff?q=秦野", Uri.UnescapeDataString(navigation.Uri));

        auth.SetNotAuthorized();   // the circuit's revalidation found the session ended
        cut.WaitForAssertion(() => Assert.Equal("/account/login?ReturnUrl=" + Uri.EscapeDataString("/telework/staff?q=秦野"),
            "/" + navigation.ToBaseRelativePath(navigation.Uri)));
    }

    [Fact]
    public void A_prerendered_page_has_no_marker_and_does_not_watch_the_session()
    {
        var auth = AddAuthorization();
        auth.SetAuthorized("hr@example.jp");
        SetRendererInfo(new RendererInfo("Static", isInteractive: false));
        var navigation = Services.GetRequiredService<NavigationManager>();
        var cut = Render<PageReady>();
        Assert.Empty(cut.FindAll("[data-page-ready]"));
        var before = navigation.Uri;
        auth.SetNotAuthorized();
        Assert.Equal(before, navigation.Uri);
    }
}
