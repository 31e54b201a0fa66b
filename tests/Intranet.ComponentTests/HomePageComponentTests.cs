using Intranet.Host.Components.Pages;
using Intranet.Host.Home;
using Intranet.Shared.Modules;
using Intranet.Shared.Security;
using Intranet.Shared.Web;
using MediatR;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Intranet.ComponentTests;

/// <summary>The role home page with fake work-item sources run through the real home-page handler.</summary>
public sealed class HomePageComponentTests : BunitContext
{
    private readonly List<IWorkItemSource> _sources = [];

    private sealed class User : ICurrentUser
    {
        public string Name => "koho@example.jp";
        public string? Department => "広報広聴課";
        public bool IsInRole(string role) => role == Roles.Viewer;
        public bool IsAuthenticated => true;
        public bool IsSystem => false;
    }

    private sealed class Source(Func<IReadOnlyList<WorkItem>> items) : IWorkItemSource
    {
        public Task<IReadOnlyList<WorkItem>> GetAsync(ICurrentUser user, CancellationToken cancellationToken) => Task.FromResult(items());
    }

    /// <summary>Runs <see cref="GetHomePage"/> through <see cref="GetHomePageHandler"/> over the test's sources, as a page's IUseCases would.</summary>
    private sealed class UseCases(List<IWorkItemSource> sources) : IUseCases
    {
        public async Task<TResponse> Send<TResponse>(IRequest<TResponse> request, CancellationToken cancellationToken = default)
        {
            var handler = new GetHomePageHandler(sources, new User(), new Mediator(_ => throw new InvalidOperationException("no mediator")),
                NullLogger<GetHomePageHandler>.Instance);
            return (TResponse)(object)await handler.Handle((GetHomePage)(object)request, cancellationToken);
        }
    }

    public HomePageComponentTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddSingleton<IUseCases>(new UseCases(_sources));
        Services.AddSingleton<IReadOnlyList<IModule>>([]);
        AddBunitPersistentComponentState();
        AddAuthorization().SetAuthorized("koho@example.jp").SetRoles(Roles.Viewer);
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    [Fact]
    public void Items_are_grouped_by_severity_errors_first_with_counts_and_links()
    {
        _sources.Add(new Source(() =>
        [
            new WorkItem("未入力の実績値", 1234, "/plans/hadano-ict-2021/entry?fy=2026", "広報広聴課が主管する指標"),
            new WorkItem("取込に失敗したファイル", 2, "/rpa/import", Severity: WorkItemSeverity.Error),
        ]));
        _sources.Add(new Source(() => [new WorkItem("遅れている課", 3, "/plans/hadano-ict-2021/entry", Severity: WorkItemSeverity.Warning)]));

        var cut = Render<Home>();

        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll(".work-group").Count));
        Assert.Equal(["error", "warning", "info"], cut.FindAll(".work-group").Select(g => g.GetAttribute("data-severity")));
        Assert.Equal(["エラー・失敗", "遅れ・要確認", "対応待ち"], cut.FindAll(".work-group h3").Select(h => h.TextContent));
        var entry = cut.FindAll(".work-group[data-severity=info] .work-item a").Single();
        Assert.Equal("/plans/hadano-ict-2021/entry?fy=2026", entry.GetAttribute("href"));
        Assert.Contains("1,234", entry.QuerySelector(".work-count")!.TextContent);
        Assert.Equal("未入力の実績値", entry.QuerySelector(".work-title")!.TextContent);
        Assert.Contains("広報広聴課が主管する指標", cut.Find(".work-detail").TextContent);
        Assert.Empty(cut.FindAll(".work-empty"));
        Assert.Empty(cut.FindAll(".work-partial"));
        Assert.Contains("閲覧者", cut.Find(".home-roles").TextContent);
    }

    [Fact]
    public void Nothing_waiting_shows_the_empty_state()
    {
        _sources.Add(new Source(() => [new WorkItem("未入力の実績値", 0, "/x")]));
        var cut = Render<Home>();
        cut.WaitForAssertion(() => Assert.Equal("対応待ちの作業はありません。", cut.Find(".work-empty").TextContent));
        Assert.Empty(cut.FindAll(".work-group"));
    }

    [Fact]
    public void A_failing_source_is_announced_and_the_others_still_show()
    {
        _sources.Add(new Source(() => throw new InvalidOperationException("database down")));
        _sources.Add(new Source(() => [new WorkItem("担当者未設定の案件", 4, "/rpa?owner=none")]));
        var cut = Render<Home>();
        cut.WaitForAssertion(() => Assert.Contains("一部の情報を取得できませんでした", cut.Find(".work-partial").TextContent));
        Assert.Equal("担当者未設定の案件", cut.Find(".work-title").TextContent);
        Assert.Empty(cut.FindAll(".work-empty"));
    }
}
