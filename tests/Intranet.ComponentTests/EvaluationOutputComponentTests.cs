using Intranet.Modules.PlanKpi.Domain;
using Intranet.Modules.PlanKpi.Domain.Evaluation;
using Intranet.Modules.PlanKpi.Pages;
using Intranet.Modules.PlanKpi.Pages.Shared;
using Intranet.Modules.PlanKpi.UseCases.Evaluation;
using Intranet.Shared.Messaging;
using Intranet.Shared.Web;
using Microsoft.Extensions.DependencyInjection;
using Radzen;
using Radzen.Blazor;

namespace Intranet.ComponentTests;

/// <summary>The evaluation outputs' components (issue #10): the grade chart and table rows, and the 評価報告書 page.</summary>
public sealed class EvaluationOutputComponentTests : BunitContext
{
    private readonly FakeUseCases _useCases = new();

    public EvaluationOutputComponentTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddRadzenComponents();
        Services.AddSingleton<IUseCases>(_useCases);
        Renderer.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
    }

    private static GradeGroup Group(string policy, string? measure, string title, int a, int b, int c, int d, int ungraded) =>
        new(policy, measure, title, new Dictionary<Grade, int> { [Grade.A] = a, [Grade.B] = b, [Grade.C] = c, [Grade.D] = d }, ungraded);

    [Fact]
    public void Grade_chart_stacks_a_series_per_grade_with_tooltips_and_a_worded_legend()
    {
        var cut = Render<GradeChart>(p => p.Add(c => c.Groups, [Group("1", "1-1", "行政手続のオンライン化", 2, 1, 0, 1, 0), Group("1", "1-2", "情報発信", 0, 3, 1, 0, 1)]));
        var series = cut.FindComponents<RadzenStackedBarSeries<GradeChart.Point>>();
        Assert.Equal(["A (目標を達成)", "B (ある程度達成)", "C (あまり達成していない)", "D (達成していない)"], series.Select(s => s.Instance.Title));
        Assert.Equal([2, 0], series[0].Instance.Data!.Select(p => p.Count));
        Assert.Equal(["1-1 行政手続のオンライン化", "1-2 情報発信"], series[0].Instance.Data!.Select(p => p.Group));
        Assert.NotNull(cut.FindComponent<RadzenChartTooltipOptions>());
        Assert.Contains("D (達成していない)", cut.Find("figcaption").TextContent);
    }

    [Fact]
    public void Grade_row_counts_each_grade_the_ungraded_and_the_total()
    {
        var cut = Render<GradeRow>(p => p.Add(c => c.Group, Group("2", null, "業務の効率化", 1, 2, 3, 4, 5)).Add(c => c.Strong, true));
        Assert.Equal("2 業務の効率化", cut.Find("th").TextContent);
        Assert.Equal(["1", "2", "3", "4", "5", "15"], cut.FindAll("td").Select(td => td.TextContent));
    }

    [Fact]
    public void Report_page_shows_each_project_with_its_stages_and_links_the_downloads()
    {
        var stages = new[]
        {
            new StageInfo(1, "自己評価", EvaluatorKind.LeadDepartment, "主管課 (自己評価)", null, null, StageVisibility.AllEarlierStages, true, new DateOnly(2024, 6, 30), [], null, false, false),
            new StageInfo(2, "本部会", EvaluatorKind.Body, "事務局が記録 (本部会)", null, "本部会", StageVisibility.AllEarlierStages, true, new DateOnly(2024, 10, 31), [], null, true, true),
        };
        var report = new EvaluationReport
        {
            PlanCode = "hadano-ict-2021", PlanTitle = "はだのICT活用推進計画", Municipality = "秦野市", PolicyLevelName = "基本方針", MeasureLevelName = "事業推進計画",
            ProjectLevelName = "個別事業", FiscalYear = 2023, Stages = stages, IsClosed = false, ClosedAt = null, Current = stages[1], AllProjects = false,
            GeneratedAt = new DateTimeOffset(2026, 11, 21, 1, 0, 0, TimeSpan.Zero),
            Projects =
            [
                new ReportProject
                {
                    PolicyCode = "1", PolicyTitle = "市民サービスの向上", MeasureCode = "1-2", MeasureTitle = "情報発信", ProjectCode = "1-2-(1)", ProjectName = "SNS等による情報発信",
                    LeadDepartments = ["広報広聴課"], Status = SheetStatus.Submitted, ReturnCount = 0, Achievements = "月4回発信した。", Issues = "伸びが鈍い。",
                    NextYear = ProjectDirection.Expand, CostThousandYen = 3450, StaffEffort = 1.2m,
                    Indicators = [new ReportIndicator("1-2-(1)-1", "Twitter フォロワー数", "人", 7600, "7,600", 7220, 95.0m, KpiStatus.Behind)],
                    Stages = [new ReportStage(1, "自己評価", Grade.C, null, null, "koho@example.jp", null), new ReportStage(2, "本部会", Grade.B, "拡充して継続", null, "office@example.jp", null)],
                    FinalGrade = Grade.B, FinalGradeStage = 2, Decision = null,
                },
            ],
            ByPolicy = [Group("1", null, "市民サービスの向上", 0, 1, 0, 0, 0)],
            ByMeasure = [Group("1", "1-2", "情報発信", 0, 1, 0, 0, 0)],
        };
        _useCases.Answer = r => r is GetEvaluationReport { PlanCode: "hadano-ict-2021", FiscalYear: 2023 } ? report : new NotFoundException("なし");

        var cut = Render<EvaluationReportPage>(p => p.Add(c => c.Plan, "hadano-ict-2021").Add(c => c.Year, 2023));
        Assert.Contains("はだのICT活用推進計画　令和5年度(2023) 評価報告書", cut.Find("h1").TextContent);
        Assert.Contains("評価は進行中です (現在の段階: 本部会)", cut.Markup);
        Assert.Contains("所属課が主管する個別事業だけ", cut.Markup);
        var links = cut.FindAll(".report-downloads a").Select(a => a.GetAttribute("href")).ToList();
        Assert.Equal(["/evaluation/hadano-ict-2021/2023/report.xlsx", "/evaluation/hadano-ict-2021/2023/report.pdf"], links);
        var project = cut.Find("section.report-project");
        Assert.Contains("1-2-(1)　SNS等による情報発信", project.QuerySelector("h3")!.TextContent);
        Assert.Contains("月4回発信した。", project.TextContent);
        Assert.Contains("3,450千円", project.TextContent);
        Assert.Contains("95.0%", project.TextContent);
        Assert.Contains("拡充して継続", project.TextContent);
        Assert.Contains("B (ある程度達成)", project.TextContent);

        _useCases.Answer = _ => new ForbiddenException("この評価を見る権限がありません。");
        var refused = Render<EvaluationReportPage>(p => p.Add(c => c.Plan, "hadano-ict-2021").Add(c => c.Year, 2023));
        Assert.Equal("この評価を見る権限がありません。", refused.Find("[role=alert]").TextContent);
    }
}
