using System.Net;
using Intranet.IntegrationTests.Infrastructure;
using Intranet.Modules.PlanKpi.Domain;
using Intranet.Modules.PlanKpi.Import;
using Intranet.Modules.PlanKpi.UseCases;
using Intranet.Shared.Security;
using Microsoft.EntityFrameworkCore;

namespace Intranet.IntegrationTests;

/// <summary>
/// Issue #10, "Sagamihara's shape": the bundled 第2次相模原市ICT総合戦略 (seed 004) loads as the third plan of a new
/// database with 3 基本目標, 8 施策, 15 取組, a 施策目標値 under each 施策 and a 行動目標 per 取組, none of them with
/// figures; the indicator kind survives import and re-import, and the pages that read the plan work with empty targets.
/// </summary>
public sealed class SagamiharaPlanTests
{
    private const string Code = "sagamihara-ict-2024";

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task The_bundled_file_is_loaded_as_a_third_plan_with_its_shape(Db db)
    {
        using var app = new IntranetApp(db);
        Assert.Equal(["hadano-ict-2021", "chigasaki-chiiki-2016", Code],
            (await app.SendAsAsync(new ListPlans(), Roles.Viewer)).Select(p => p.Code));

        var plan = await app.PlanKpiAsync(d => d.WholePlans().AsNoTracking().SingleAsync(p => p.Code == Code));
        Assert.Equal(("第2次相模原市ICT総合戦略", "相模原市", 2024, 2027), (plan.Title, plan.Municipality, plan.FirstFiscalYear, plan.LastFiscalYear));
        Assert.Equal(("基本目標", "施策", "取組"), (plan.PolicyLevelName, plan.MeasureLevelName, plan.ProjectLevelName));
        Assert.Equal(3, plan.Policies.Count);
        var measures = plan.Policies.SelectMany(p => p.Measures).ToList();
        Assert.Equal(["1-1", "1-2", "2-1", "2-2", "2-3", "3-1", "3-2", "3-3"], measures.OrderBy(m => m.Code).Select(m => m.Code));
        Assert.Equal(15, plan.Projects.Count);
        Assert.Equal(15, measures.Sum(m => m.Placements.Count));

        // One 施策目標値 under each measure; a 行動目標 and a 成果指標 under each project; no targets anywhere.
        var measureLevel = plan.Indicators.Where(i => i.MeasureId is not null).ToList();
        Assert.Equal(measures.Select(m => m.Id).Order(), measureLevel.Select(i => i.MeasureId!.Value).Order());
        Assert.All(measureLevel, i => Assert.Equal(IndicatorKind.MeasureTarget, i.Kind));
        Assert.All(measureLevel, i => Assert.Null(i.ProjectId));
        var projectLevel = plan.Indicators.Where(i => i.ProjectId is not null).ToList();
        Assert.Equal(15, projectLevel.Count(i => i.Kind == IndicatorKind.Action));
        Assert.Equal(15, projectLevel.Count(i => i.Kind == IndicatorKind.Outcome));
        Assert.All(plan.Indicators, i => Assert.Empty(i.Targets));
        Assert.Equal(38, plan.Indicators.Count);

        // The other plans' indicators read as 成果指標 (the column default and the file default agree).
        Assert.Equal(0, await app.PlanKpiAsync(d => d.Indicators.Join(d.Plans.Where(p => p.Code != Code), i => i.PlanId, p => p.Id, (i, p) => i)
            .CountAsync(i => i.Kind != IndicatorKind.Outcome)));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Reimporting_the_file_keeps_its_counts_and_kinds(Db db)
    {
        using var app = new IntranetApp(db);
        var name = BundledPlans.ResourceNames.Single(n => n.Contains("sagamihara"));
        await using var stream = BundledPlans.Open(name);
        var result = await app.SendAsAsync(new ImportPlan(name, stream), Roles.PlanOffice);
        Assert.Equal((Code, false, 3, 8, 15, 38, 0),
            (result.PlanCode, result.Created, result.Policies, result.Measures, result.Projects, result.Indicators, result.Targets));
        var kinds = await app.PlanKpiAsync(d => d.Indicators.Join(d.Plans.Where(p => p.Code == Code), i => i.PlanId, p => p.Id, (i, p) => i)
            .GroupBy(i => i.Kind).Select(g => new { g.Key, Count = g.Count() }).ToListAsync());
        Assert.Equal([(IndicatorKind.Outcome, 15), (IndicatorKind.MeasureTarget, 8), (IndicatorKind.Action, 15)],
            kinds.OrderBy(k => k.Key).Select(k => (k.Key, k.Count)));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Dashboard_and_indicator_list_read_a_plan_without_figures(Db db)
    {
        using var app = new IntranetApp(db);
        foreach (var year in new[] { 2024, 2027 })
        {
            var dashboard = await app.SendAsAsync(new GetDashboard(Code, year), Roles.Cio);
            Assert.NotNull(dashboard);
            Assert.Equal(year, dashboard.Year.StartYear);
            Assert.Equal(38, dashboard.Rows.Count);
            Assert.Equal(38, dashboard.Counts.Single(c => c.Status == KpiStatus.NoNumericTarget).Count);
            Assert.All(dashboard.Counts.Where(c => c.Status != KpiStatus.NoNumericTarget), c => Assert.Equal(0, c.Count));
            Assert.Equal(8, dashboard.MeasureGroups.Count);
        }

        var list = await app.SendAsAsync(new ListIndicators(Code, 2025), Roles.Viewer);
        Assert.NotNull(list);
        Assert.Equal(38, list.Items.Count);
        var first = list.Items[0];   // plan order: the measure's 施策目標値 before its projects' indicators
        Assert.Equal(("1-1-M1", IndicatorKind.MeasureTarget, "施策目標値", "", "利便性を高める行政サービスの推進"),
            (first.Code, first.Kind, first.KindLabel, first.ProjectCode, first.MeasureTitle));
        var action = list.Items.Single(i => i.Code == "1-1-(1)-1");
        Assert.Equal((IndicatorKind.Action, "行動目標", "1-1-(1)", KpiStatus.NoNumericTarget, "—"),
            (action.Kind, action.KindLabel, action.ProjectCode, action.Status, action.TargetText));
        Assert.Equal(IndicatorKind.Outcome, list.Items.Single(i => i.Code == "1-1-(1)-2").Kind);
        // 基本目標2: 3 施策目標値 + 6 取組 × (行動目標 + 成果指標).
        var policy2 = await app.SendAsAsync(new ListIndicators(Code, 2025, new IndicatorFilter(Policy: "2")), Roles.Viewer);
        Assert.Equal(3 + 6 * 2, policy2!.Items.Count);
    }

    [Fact]
    public async Task The_pages_show_the_plan_and_label_non_default_kinds()
    {
        using var app = new IntranetApp(Db.Sqlite);
        var client = await app.SignedInAsync("Viewer");

        Assert.Contains("第2次相模原市ICT総合戦略", await client.GetStringAsync("/plans"));

        var tree = await client.GetStringAsync($"/plans/{Code}?fy=2025");
        Assert.Contains("基本目標 1", tree);
        Assert.Contains("施策 2-3", tree);
        Assert.Contains("情報システムの標準化・共通化の推進", tree);
        Assert.Contains("デジタルデバイド対策の推進", tree);
        Assert.Contains("id=\"ind-1-1-M1\"", tree);                        // the 施策目標値 sits under its measure, as a link target
        Assert.Contains("施策目標値: 施策目標値(施策1-1)", tree);
        Assert.Contains("<span class=\"kind-label kind-action\">行動目標</span>", tree);
        Assert.DoesNotContain("004_d8b583fa752521ac.txt", tree);              // the source file name is for administrators only

        var project = await client.GetStringAsync($"/plans/{Code}/projects/{Uri.EscapeDataString("2-1-(2)")}");
        Assert.Contains("生成AIの活用・研究", project);
        Assert.Contains("行動目標(生成AIの活用・研究)<span class=\"kind-label kind-action\">行動目標</span>", project);
        Assert.Contains("数値目標なし", project);
        Assert.DoesNotContain("()", project);                                  // no empty unit brackets
        Assert.DoesNotContain("kind-outcome", project);                        // the default kind has no label

        var indicators = await client.GetStringAsync($"/indicators?plan={Code}&fy=2025");
        Assert.Contains($"/plans/{Code}?fy=2025#ind-1-1-M1", indicators);     // a measure-level indicator links to the tree
        Assert.Contains("kind-measuretarget", indicators);

        var office = await app.SignedInAsync("PlanOffice");
        var entry = await office.GetAsync($"/plans/{Code}/entry");              // the plan office's home page links here
        Assert.Equal(HttpStatusCode.OK, entry.StatusCode);
        var sheet = await app.SendAsAsync(new GetEntrySheet(Code, 2025), Roles.PlanOffice);
        Assert.Equal(38, sheet.Rows.Count);

        var dashboard = await client.GetStringAsync($"/dashboard?plan={Code}&fy=2024");
        Assert.Contains("第2次相模原市ICT総合戦略", dashboard);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/dashboard?plan={Code}&fy=abc")).StatusCode);
    }
}
