using Intranet.Shared.Auditing;
using Intranet.Shared.Web;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Radzen;

namespace Intranet.ComponentTests;

/// <summary>
/// The shared audit page component (issue #11): reads its filters leniently from the URL and sends them to
/// <see cref="GetAuditTrail"/>, shows 日時 (JST), 利用者, 操作, 対象 and before → after per field, offers the xlsx download with
/// the same filters, and puts a new search into the URL. The query itself is tested in the host tests.
/// </summary>
public sealed class AuditTrailViewTests : BunitContext
{
    private readonly FakeUseCases _useCases = new();

    public AuditTrailViewTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddRadzenComponents();
        Services.AddSingleton<IUseCases>(_useCases);
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        _useCases.Answer = r => r is GetAuditTrail g ? Page(g.Area) : null;
    }

    private static readonly AuditArea Rpa = new("rpa", "RPA台帳", "/rpa/audit", ["RpaTeam"]);

    private static AuditTrailPage Page(string area) => new(Rpa,
        [
            new AuditRow(new DateTimeOffset(2026, 11, 10, 14, 30, 0, TimeSpan.Zero), "rpa@example.jp", "Modified", "変更", "AutomationCase", "RPA適用業務",
                "RPA-001 窓口受付の転記", "0b9c…", [new AuditChange("Status", "状態", "候補", "検討中"), new AuditChange("ContactPerson", "担当者", null, "山田")], "RPA台帳"),
        ], 31, [("AutomationCase", "RPA適用業務")], ["rpa@example.jp"], AdministratorView: false);

    [Fact]
    public void Filters_come_from_the_url_leniently_and_rows_show_before_and_after()
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo("/rpa/audit?from=2026-11-01&to=bad&user=rpa%40example.jp&type=AutomationCase&q=RPA-001&sort=user&asc=true&page=abc");
        var view = Render<AuditTrailView>(p => p.Add(v => v.Area, "rpa"));

        var sent = Assert.IsType<GetAuditTrail>(Assert.Single(_useCases.Sent));
        Assert.Equal("rpa", sent.Area);
        Assert.Equal(new AuditFilter(new DateOnly(2026, 11, 1), null, "rpa@example.jp", "AutomationCase", "RPA-001", "user", true, 0, 30), sent.Filter);

        var text = view.Find("table").TextContent;
        Assert.Contains("2026/11/10 23:30", text);            // JST
        Assert.Contains("rpa@example.jp", text);
        Assert.Contains("変更", text);
        Assert.Contains("RPA適用業務", text);
        Assert.Contains("RPA-001 窓口受付の転記", text);
        Assert.Contains("状態: 候補 → 検討中", view.Find("ul.audit-changes").TextContent.Replace("\n", " ").Trim());
        Assert.Contains("担当者: (なし) → 山田", view.Find("ul.audit-changes").TextContent);
        Assert.DoesNotContain("キー", text);                   // stored keys: administrators only
        Assert.Contains("31件", view.Find("[role=status]").TextContent);

        var export = view.Find("a[href^='/audit/']").GetAttribute("href");
        Assert.Equal("/audit/rpa.xlsx?from=2026-11-01&user=rpa%40example.jp&type=AutomationCase&q=RPA-001&sort=user&asc=true", export);
        Assert.Equal("2026-11-01", view.Find("#audit-from").GetAttribute("value"));
        Assert.Equal("", view.Find("#audit-to").GetAttribute("value") ?? "");
        foreach (var id in new[] { "audit-from", "audit-to", "audit-user", "audit-type", "audit-q" })
            Assert.NotNull(view.Find($"label[for={id}]"));
    }

    [Fact]
    public void A_search_goes_into_the_url_and_starts_on_page_one()
    {
        var nav = Services.GetRequiredService<NavigationManager>();
        nav.NavigateTo("/telework/audit?page=3");
        var view = Render<AuditTrailView>(p => p.Add(v => v.Area, "telework"));
        view.Find("#audit-user").Change("hr@example.jp");
        view.Find("#audit-q").Change("H10001");
        view.Find("form").Submit();
        Assert.Contains("user=hr%40example.jp", nav.Uri);
        Assert.Contains("q=H10001", nav.Uri);
        Assert.DoesNotContain("page=", nav.Uri);
    }

    [Fact]
    public void The_administrators_page_offers_every_area_and_the_overview()
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo("/admin/audit?area=all");
        var areas = new[] { new AuditArea("admin", "利用者管理", "/admin/audit", ["Administrator"]), Rpa };
        var view = Render<AuditTrailView>(p => p.Add(v => v.Area, "admin").Add(v => v.AreaChoices, areas));
        Assert.Equal(["admin", "rpa", "all"], view.FindAll("#audit-area option").Select(o => o.GetAttribute("value")));
        Assert.Equal("all", Assert.IsType<GetAuditTrail>(Assert.Single(_useCases.Sent)).Area);
        Assert.Contains("機能", view.Find("table").TextContent);
    }
}
