using Intranet.Modules.PlanKpi.Pages;
using Intranet.Modules.PlanKpi.Pages.Shared;
using Intranet.Modules.PlanKpi.UseCases;
using Intranet.Shared.Web;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Radzen;

namespace Intranet.ComponentTests;

/// <summary>
/// Issue #12: charts below the first screen are not drawn up front (<see cref="DeferredChart"/>): prerendered, only their
/// place and a note; interactive, a 「グラフを表示」 button, and the chart once the reader scrolls near it or presses it.
/// </summary>
public sealed class DeferredChartComponentTests : BunitContext
{
    public DeferredChartComponentTests() => JSInterop.Mode = JSRuntimeMode.Loose;

    private IRenderedComponent<DeferredChart> RenderChart(bool eager = false) => Render<DeferredChart>(p => p
        .Add(c => c.Label, "施策別の評価の分布")
        .Add(c => c.Height, 180)
        .Add(c => c.Eager, eager)
        .Add(c => c.ChildContent, (RenderFragment)(b => b.AddMarkupContent(0, "<svg class=\"the-chart\"></svg>"))));

    [Fact]
    public void Prerendered_it_keeps_the_charts_place_with_a_note_and_draws_nothing()
    {
        SetRendererInfo(new RendererInfo("Static", isInteractive: false));
        var cut = RenderChart();
        Assert.Empty(cut.FindAll("svg.the-chart"));
        Assert.Contains("min-height:180px", cut.Find(".deferred-chart").GetAttribute("style"));
        Assert.Contains("施策別の評価の分布 のグラフは", cut.Find(".deferred-chart p").TextContent);
        Assert.Empty(cut.FindAll("button"));
    }

    [Fact]
    public void Interactive_it_observes_its_place_and_draws_the_chart_when_shown_or_asked()
    {
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        var module = JSInterop.SetupModule("./_content/Intranet.Modules.PlanKpi/deferred-chart.js");
        var cut = RenderChart();
        Assert.Empty(cut.FindAll("svg.the-chart"));
        Assert.Single(module.Invocations, i => i.Identifier == "observe");      // the observer watches its place

        var button = cut.Find("button");
        Assert.Equal("グラフを表示: 施策別の評価の分布", button.TextContent);
        button.Click();
        Assert.Single(cut.FindAll("svg.the-chart"));
        Assert.Equal("shown", cut.Find(".deferred-chart").GetAttribute("data-deferred"));

        // The observer's call when the reader scrolls there draws it too (and twice is harmless).
        var other = RenderChart();
        other.InvokeAsync(() => other.Instance.Show());
        other.InvokeAsync(() => other.Instance.Show());
        Assert.Single(other.FindAll("svg.the-chart"));
    }

    [Fact]
    public void Eager_draws_at_once()
    {
        SetRendererInfo(new RendererInfo("Static", isInteractive: false));
        Assert.Single(RenderChart(eager: true).FindAll("svg.the-chart"));
    }

    [Fact]
    public void The_prerendered_dashboard_draws_its_status_chart_from_markup_kept_per_snapshot_and_the_interactive_one_live()
    {
        Services.AddRadzenComponents();
        Services.AddScoped<PrerenderedMarkup>();
        var view = PlanKpiDashboardComponentTests.TestPlan.Dashboard();
        Services.AddSingleton<IUseCases>(new FakeUseCases { Answer = r => r is GetDashboard ? view : throw new NotSupportedException(r.GetType().Name) });
        Services.GetRequiredService<NavigationManager>().NavigateTo("/dashboard?plan=test-plan&fy=2021");

        SetRendererInfo(new RendererInfo("Static", isInteractive: false));
        var first = Render<Dashboard>();
        var chart = first.Find(".status-chart svg");
        Assert.Contains("1-1 窓口の改善", chart.TextContent);
        Assert.Empty(first.FindComponents<StatusChart>());                      // markup, not the component
        var again = Render<Dashboard>();
        Assert.Equal(first.Find(".status-chart").OuterHtml, again.Find(".status-chart").OuterHtml);

        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        var live = Render<Dashboard>();
        Assert.Single(live.FindComponents<StatusChart>());
    }
}
