using Intranet.Modules.PlanKpi.Domain;
using Intranet.Modules.PlanKpi.Pages;
using Intranet.Modules.PlanKpi.Pages.Shared;
using Intranet.Modules.PlanKpi.UseCases;
using Intranet.Shared.Time;
using Intranet.Shared.Web;
using MediatR;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Radzen;
using Radzen.Blazor;

namespace Intranet.ComponentTests;

/// <summary>The plan-KPI read side's components: status badge, trend chart, sparkline and the dashboard's count links.</summary>
public sealed class PlanKpiDashboardComponentTests : BunitContext
{
    private static readonly DateOnly AsOf = new(2026, 11, 21);

    public PlanKpiDashboardComponentTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddRadzenComponents();
        Services.AddScoped<PrerenderedMarkup>();
    }

    [Theory]
    [InlineData(KpiStatus.Achieved, "達成", "status-achieved")]
    [InlineData(KpiStatus.OnTrack, "順調", "status-on_track")]
    [InlineData(KpiStatus.Behind, "遅れ", "status-behind")]
    [InlineData(KpiStatus.NotMeasured, "未測定", "status-not_measured")]
    [InlineData(KpiStatus.NoNumericTarget, "数値目標なし", "status-no_numeric_target")]
    public void Status_badge_says_the_status_in_words_and_colours_it(KpiStatus status, string label, string css)
    {
        var cut = Render<StatusBadge>(p => p.Add(c => c.Status, status));
        var badge = cut.Find("span.status");
        Assert.Equal(label, badge.TextContent);
        Assert.Contains(css, badge.ClassList);
    }

    [Fact]
    public void Kpi_chart_draws_target_and_actual_lines_over_the_given_years_with_tooltips()
    {
        var plan = TestPlan.Build();
        var row = plan.Indicators.Single(r => r.Indicator.Code == "1-1-(1)-1");
        var cut = Render<KpiChart>(p => p.Add(c => c.Row, row).Add(c => c.Width, 480).Add(c => c.Height, 220));

        // Two line series, named 目標値 and 実績値; the caption repeats every year's figures in words.
        var chart = cut.FindComponent<RadzenChart>();
        var series = cut.FindComponents<RadzenLineSeries<KpiChart.Point>>();
        Assert.Equal(["目標値", "実績値"], series.Select(s => s.Instance.Title));
        Assert.Equal([2021, 2022, 2023], series[0].Instance.Data!.Select(p => p.Year));
        Assert.Equal([2021, 2022], series[1].Instance.Data!.Select(p => p.Year));       // no actual for FY2023 yet: no point
        Assert.Equal("5人", series[1].Instance.Data!.First().Text);
        Assert.Contains("令和3年度: 目標 10人, 実績 5人", cut.Find("figcaption").TextContent);
        Assert.Contains("令和5年度: 目標 30人, 実績 —", cut.Find("figcaption").TextContent);
        Assert.NotEmpty(cut.FindAll("svg path"));
        Assert.NotNull(chart.FindComponent<RadzenChartTooltipOptions>());

        // The tooltip template of the actual series names the year, the value with its unit and the note.
        var tooltip = series[1].Instance.TooltipTemplate!;
        var rendered = Render(tooltip(series[1].Instance.Data!.First()));
        Assert.Equal("令和3年度 実績値 5人 (メモ: 4月末時点)", rendered.Find(".kpi-tip").TextContent);
    }

    [Fact]
    public void Sparkline_names_the_trend_in_words()
    {
        var row = TestPlan.Build().Indicators.Single(r => r.Indicator.Code == "1-1-(1)-1");
        var cut = Render<Sparkline>(p => p.Add(c => c.Row, row).Add(c => c.Year, 2022));
        var svg = cut.Find("svg[role=img]");
        Assert.Equal("来庁者数の推移: 令和3年度 5人、令和4年度 25人", svg.GetAttribute("aria-label"));
        Assert.Equal(2, cut.FindAll("circle").Count);
    }

    [Fact]
    public void Dashboard_counts_and_cells_link_to_the_list_of_exactly_those_indicators()
    {
        var view = TestPlan.Dashboard();
        Services.AddSingleton<IUseCases>(new FakeUseCases { Answer = r => r is GetDashboard ? view : throw new NotSupportedException(r.GetType().Name) });
        Services.GetRequiredService<NavigationManager>().NavigateTo("/dashboard?plan=test-plan&fy=2021");

        SetRendererInfo(new RendererInfo("Server", true));
        var cut = Render<Dashboard>();
        Assert.NotNull(cut.Find("[data-page-ready]"));

        var behind = cut.Find(".count[data-status=behind]");
        Assert.Equal("1", behind.TextContent);
        Assert.Equal("/indicators?plan=test-plan&fy=2021&status=behind", behind.Closest("a")!.GetAttribute("href"));
        Assert.Equal("1", cut.Find(".count[data-status=not_measured]").TextContent);
        Assert.Equal("/indicators?plan=test-plan&fy=2021&status=achieved",
            cut.Find(".count[data-status=achieved]").Closest("a")!.GetAttribute("href"));

        // Table: a measure's 遅れ cell opens that measure's behind indicators; zero cells are not links.
        var measureRow = cut.FindAll("#by-measure tbody tr").Single(r => r.TextContent.Contains("1-1 窓口の改善"));
        var links = measureRow.QuerySelectorAll("td a").Select(a => a.GetAttribute("href")).ToList();
        Assert.Contains("/indicators?plan=test-plan&fy=2021&status=behind&policy=1&measure=1-1", links);
        Assert.Contains("/indicators?plan=test-plan&fy=2021&policy=1&measure=1-1", links);   // 計

        // Behind first, with the note typed with the actual beside it.
        var cards = cut.FindAll("article.indicator-card");
        Assert.Equal("1-1-(1)-1", cards[0].GetAttribute("data-indicator"));
        Assert.Contains("(メモ: 4月末時点)", cards[0].TextContent);
        Assert.Contains("実績 5人", cards[0].TextContent);
        Assert.Single(cards[0].QuerySelectorAll(".status"));

        // Chart bars: one per measure, full label.
        var chart = cut.FindComponent<StatusChart>();
        Assert.Equal(["1-1 窓口の改善"], chart.Instance.Groups.Select(g => g.Group));
    }

    /// <summary>A plan of one policy, one measure, one project and three indicators over FY2021–FY2023.</summary>
    internal static class TestPlan
    {
        public static PlanSnapshot Build()
        {
            var plan = new Plan { Code = "test-plan", Title = "テスト計画", Municipality = "テスト市", FirstFiscalYear = 2021, LastFiscalYear = 2023, PolicyLevelName = "基本方針", MeasureLevelName = "施策" };
            var policy = new Policy { PlanId = plan.Id, Code = "1", Title = "便利な行政" };
            var measure = new Measure { PlanId = plan.Id, PolicyId = policy.Id, Code = "1-1", Title = "窓口の改善" };
            var project = new Project { PlanId = plan.Id, Code = "1-1-(1)", Name = "窓口案内" };
            project.Departments.Add(new ProjectDepartment { ProjectId = project.Id, Role = DepartmentRole.Lead, Department = "市民課" });
            measure.Placements.Add(new Placement { MeasureId = measure.Id, ProjectId = project.Id, Code = project.Code, Project = project });
            policy.Measures.Add(measure);
            plan.Policies.Add(policy);
            plan.Projects.Add(project);

            IndicatorRow Row(string code, string name, decimal?[] targets, decimal?[] actuals, string? note = null)
            {
                var ind = new Indicator { PlanId = plan.Id, ProjectId = project.Id, Code = code, Name = name, Unit = "人" };
                plan.Indicators.Add(ind);
                var years = new List<IndicatorYear>();
                decimal? previous = null;
                for (var i = 0; i < 3; i++)
                {
                    var fy = new FiscalYear(2021 + i);
                    var actual = actuals[i] is { } a ? new ActualInfo(a, false, "kikaku@example.jp", DateTimeOffset.UnixEpoch, i == 0 ? note : null, Guid.NewGuid()) : null;
                    years.Add(new IndicatorYear(fy, targets[i], null, actual,
                        KpiRules.Evaluate(Direction.Higher, Comparator.Exact, fy, targets[i], actual?.Value, previous, AsOf)));
                    previous = targets[i] ?? previous;
                }
                return new IndicatorRow { Indicator = ind, Project = project, Measure = measure, Policy = policy, LeadDepartments = ["市民課"], Years = years };
            }

            return new PlanSnapshot
            {
                Plan = plan, AsOf = AsOf,
                Indicators =
                [
                    Row("1-1-(1)-1", "来庁者数", [10, 20, 30], [5, 25, null], "4月末時点"),   // FY2021: 遅れ
                    Row("1-1-(1)-2", "案内件数", [10, 20, 30], [12, null, null]),              // FY2021: 達成
                    Row("1-1-(1)-3", "満足度", [10, 20, 30], [null, null, null]),              // FY2021: 未測定
                ],
            };
        }

        public static DashboardView Dashboard()
        {
            var snapshot = Build();
            IReadOnlyDictionary<KpiStatus, int> counts = KpiDisplay.StatusOrder.ToDictionary(s => s, s => snapshot.Indicators.Count(r => r.Year(2021)!.Evaluation.Status == s));
            return new DashboardView
            {
                Plans = [new PlanListItem("test-plan", "テスト計画", "テスト市", 2021, 2023, 1, 3)],
                Snapshot = snapshot, Year = new FiscalYear(2021), Filter = IndicatorFilter.All,
                Counts = KpiDisplay.StatusOrder.Select(s => new StatusCount(s, counts[s])).ToList(),
                Groups = [new DashboardGroup("1", null, "便利な行政", counts, 3), new DashboardGroup("1", "1-1", "窓口の改善", counts, 3)],
                Rows = snapshot.Indicators.OrderBy(r => KpiDisplay.Rank(r.Year(2021)!.Evaluation.Status)).ToList(),
            };
        }
    }
}
