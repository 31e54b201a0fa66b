using System.Net;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Intranet.IntegrationTests.Infrastructure;
using Intranet.Modules.PlanKpi.Domain;
using Intranet.Modules.PlanKpi.Home;
using Intranet.Modules.PlanKpi.UseCases;
using Intranet.Shared.Security;
using MediatR;
using Microsoft.Extensions.DependencyInjection;

namespace Intranet.IntegrationTests;

/// <summary>
/// The CIO's read side on both databases: the dashboard's counts equal the lists their links open, notes travel with
/// actuals, the newly-behind rule of the CIO's home page, and the KPI report for people (Excel/CSV, Japanese).
/// Test clock: 2026-11-21, so FY2021–FY2025 of the Hadano plan have ended.
/// </summary>
public sealed class DashboardQueryTests
{
    private const string Plan = "hadano-ict-2021";

    private static Task Enter(IntranetApp app, string indicator, int year, decimal value, string? note = null) =>
        app.SendAsAsync(new RecordActual(Plan, indicator, year, value, note, null), Roles.PlanOffice);

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Every_count_and_cell_of_the_dashboard_equals_the_list_its_link_opens(Db db)
    {
        using var app = new IntranetApp(db);
        await Enter(app, "1-2-(1)-1", 2021, 6500, "4月末時点");   // target 7,000: 遅れ
        await Enter(app, "1-2-(1)-2", 2021, 2200);                // target 2,100: 達成
        await Enter(app, "1-2-(1)-3", 2021, 12000, "LINE公式");    // target 13,000: 遅れ

        var dashboard = (await app.SendAsAsync(new GetDashboard(Plan, 2021), Roles.Cio))!;
        Assert.Equal(2021, dashboard.Year.StartYear);
        Assert.Equal(KpiDisplay.StatusOrder, dashboard.Counts.Select(c => c.Status));
        Assert.Equal(33, dashboard.Counts.Sum(c => c.Count));
        Assert.Equal(2, dashboard.Counts.Single(c => c.Status == KpiStatus.Behind).Count);
        Assert.Equal(1, dashboard.Counts.Single(c => c.Status == KpiStatus.Achieved).Count);

        foreach (var c in dashboard.Counts)
        {
            var list = (await app.SendAsAsync(new ListIndicators(Plan, 2021, new IndicatorFilter(KpiRules.Code(c.Status))), Roles.Cio))!;
            Assert.Equal(c.Count, list.Items.Count);
            Assert.All(list.Items, i => Assert.Equal(c.Status, i.Status));
        }
        foreach (var g in dashboard.Groups)
        {
            foreach (var status in KpiDisplay.StatusOrder)
            {
                var filter = new IndicatorFilter(KpiRules.Code(status), g.PolicyCode, g.MeasureCode);
                var list = (await app.SendAsAsync(new ListIndicators(Plan, 2021, filter), Roles.Viewer))!;
                Assert.Equal(g.Counts[status], list.Items.Count);
            }
            var all = (await app.SendAsAsync(new ListIndicators(Plan, 2021, new IndicatorFilter(null, g.PolicyCode, g.MeasureCode)), Roles.Viewer))!;
            Assert.Equal(g.Total, all.Items.Count);
        }

        // Behind first, then 未測定, 順調, 達成, 数値目標なし; plan order within a status.
        var ranks = dashboard.Rows.Select(r => KpiDisplay.Rank(r.Year(2021)!.Evaluation.Status)).ToList();
        Assert.Equal(ranks.Order().ToList(), ranks);
        Assert.Equal(["1-2-(1)-1", "1-2-(1)-3"], dashboard.Rows.Take(2).Select(r => r.Indicator.Code));

        // The note typed with the actual is there, on the dashboard's rows and in the list.
        Assert.Equal("4月末時点", dashboard.Rows[0].Year(2021)!.Actual!.Note);
        var behind = (await app.SendAsAsync(new ListIndicators(Plan, 2021, new IndicatorFilter("behind")), Roles.Cio))!;
        Assert.Equal(["4月末時点", "LINE公式"], behind.Items.Select(i => i.Note));
        Assert.Equal("6,500人", behind.Items[0].ActualText);
        Assert.Equal("7,000人", behind.Items[0].TargetText);   // the plan prints 「7,000」: the unit is added
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Filters_narrow_counts_and_list_alike_and_unknown_values_are_ignored(Db db)
    {
        using var app = new IntranetApp(db);
        var byDept = (await app.SendAsAsync(new GetDashboard(Plan, 2022, new IndicatorFilter(null, null, null, "広報広聴課")), Roles.Cio))!;
        Assert.Equal("広報広聴課", byDept.Filter.Department);
        Assert.NotEmpty(byDept.Rows);
        Assert.All(byDept.Rows, r => Assert.Contains("広報広聴課", r.LeadDepartments));
        var list = (await app.SendAsAsync(new ListIndicators(Plan, 2022, new IndicatorFilter(null, null, null, "広報広聴課")), Roles.Cio))!;
        Assert.Equal(byDept.Rows.Select(r => r.Indicator.Code).Order(), list.Items.Select(i => i.Code).Order());

        var byMeasure = (await app.SendAsAsync(new GetDashboard(Plan, 2022, new IndicatorFilter(null, "2", "2-1")), Roles.Cio))!;
        Assert.Equal(["2", "2-1"], byMeasure.Groups.Select(g => g.Code));
        Assert.All(byMeasure.Rows, r => Assert.Equal("2-1", r.Measure.Code));

        // A hand-edited URL: a year outside the plan, unknown codes. The page shows the default year and everything.
        var odd = (await app.SendAsAsync(new GetDashboard("no-such-plan", 1999, new IndicatorFilter("late", "9", "9-9", "存在しない課")), Roles.Cio))!;
        Assert.Equal(Plan, odd.Snapshot.Plan.Code);
        Assert.Equal(2025, odd.Year.StartYear);   // today (FY2026) clamped into the plan period
        Assert.Equal(IndicatorFilter.All, odd.Filter);
        Assert.Equal(33, odd.Rows.Count);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Newly_behind_means_behind_this_year_and_not_the_year_before_and_only_the_cio_gets_the_work_item(Db db)
    {
        using var app = new IntranetApp(db);
        await Enter(app, "1-2-(1)-1", 2024, 99999);   // 達成 in FY2024
        await Enter(app, "1-2-(1)-1", 2025, 1);       // 遅れ in FY2025 → newly behind
        await Enter(app, "1-2-(1)-2", 2024, 1);       // 遅れ in FY2024
        await Enter(app, "1-2-(1)-2", 2025, 1);       // 遅れ again → not newly behind
        await Enter(app, "1-2-(1)-3", 2025, 1);       // 遅れ in FY2025, no actual in FY2024 (未測定) → newly behind

        var counted = await app.SendAsAsync(new CountNewlyBehind(), Roles.Cio);
        var hadano = counted.Single(p => p.PlanCode == Plan);
        Assert.Equal(2025, hadano.FiscalYear);
        Assert.Equal(["1-2-(1)-1", "1-2-(1)-3"], hadano.Codes);

        var list = (await app.SendAsAsync(new ListIndicators(Plan, 2025, new IndicatorFilter(IndicatorFilter.NewlyBehind)), Roles.Cio))!;
        Assert.Equal(hadano.Codes, list.Items.Select(i => i.Code));

        var cio = await WorkItemsAsync(app, Roles.Cio);
        var item = Assert.Single(cio, i => i.Href.Contains("plan=" + Plan));
        Assert.Equal("新たに遅れとなった指標", item.Title);
        Assert.Equal(2, item.Count);
        Assert.Equal($"/indicators?plan={Plan}&fy=2025&status=newly_behind", item.Href);
        Assert.Empty(await WorkItemsAsync(app, Roles.Viewer));
        Assert.Empty(await WorkItemsAsync(app, Roles.PlanOffice));
    }

    private static async Task<IReadOnlyList<Intranet.Shared.Modules.WorkItem>> WorkItemsAsync(IntranetApp app, string role)
    {
        await using var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentPrincipal>().Principal = UseCaseActor.Principal($"{role}@example.jp", null, role);
        var source = new CioWorkItems(scope.ServiceProvider.GetRequiredService<IMediator>());
        return await source.GetAsync(scope.ServiceProvider.GetRequiredService<ICurrentUser>(), CancellationToken.None);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task The_kpi_report_is_japanese_in_excel_and_csv_and_the_machine_export_is_unchanged(Db db)
    {
        using var app = new IntranetApp(db);
        await Enter(app, "1-2-(1)-1", 2021, 6500, "4月末時点");
        var client = await app.SignedInAsync("Cio");

        var xlsx = await client.GetAsync($"/plans/{Plan}/kpi-report.xlsx");
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx.Content.Headers.ContentType!.MediaType);
        var sheet = ReadSheet(await xlsx.Content.ReadAsByteArrayAsync());
        var header = sheet[0].Select(c => c.Text).ToList();
        Assert.Equal(["計画", "基本方針", "事業推進計画", "事業番号", "個別事業", "指標番号", "指標名", "単位", "方向", "目標の種類", "累積",
            "年度", "目標値", "目標 (計画の記載)", "実績値", "達成率(%)", "状況", "実績のメモ", "入力元", "主管課"], header);
        Assert.Equal(1 + 33 * 5, sheet.Count);
        var row = sheet.Single(r => r[5].Text == "1-2-(1)-1" && r[11].Text == "令和3年度(2021)");
        Assert.Equal(("7000", true), (row[12].Text, row[12].IsNumber));     // numbers as numbers
        Assert.Equal(("6500", true), (row[14].Text, row[14].IsNumber));
        Assert.Equal(("92.9", true), (row[15].Text, row[15].IsNumber));
        Assert.Equal("遅れ", row[16].Text);
        Assert.Equal("4月末時点", row[17].Text);
        var statuses = sheet.Skip(1).Select(r => r[16].Text).Distinct().ToHashSet();
        Assert.Subset(new HashSet<string> { "達成", "順調", "遅れ", "未測定", "数値目標なし" }, statuses);
        Assert.Contains("RPA台帳から自動連携", sheet.Single(r => r[5].Text == "2-1-(1)-1" && r[11].Text == "令和3年度(2021)")[18].Text);

        var csv = await client.GetAsync($"/plans/{Plan}/kpi-report.csv");
        var bytes = await csv.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var lines = System.Text.Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("計画,基本方針,事業推進計画,事業番号,個別事業,指標番号,指標名,単位,方向,目標の種類,累積,年度,目標値", lines[0]);
        var csvRow = AppData.ParseLine(lines.Single(l => l.Contains(",1-2-(1)-1,") && l.Contains("令和3年度(2021)")));
        Assert.Equal(("7000", "6500", "92.9", "遅れ", "4月末時点"), (csvRow[12], csvRow[14], csvRow[15], csvRow[16], csvRow[17]));
        Assert.DoesNotContain(lines.Skip(1), l => l.Contains(",behind,") || l.Contains(",not_measured,"));

        // Machine-readable: the same columns and codes as `export-kpis`.
        var machine = await client.ExportRowsAsync();
        Assert.Equal("behind", machine.Row("1-2-(1)-1", 2021)["status"]);
        Assert.Equal(HttpStatusCode.Redirect, (await app.NewClient().GetAsync($"/plans/{Plan}/kpi-report.xlsx")).StatusCode);
    }

    private sealed record SheetCell(string Text, bool IsNumber);

    private static List<List<SheetCell>> ReadSheet(byte[] xlsx)
    {
        using var doc = SpreadsheetDocument.Open(new MemoryStream(xlsx), false);
        var part = doc.WorkbookPart!.WorksheetParts.Single();
        return part.Worksheet.Descendants<Row>().Select(r => r.Elements<Cell>().Select(c => new SheetCell(
            c.InlineString?.InnerText ?? c.CellValue?.Text ?? "", c.DataType?.Value == CellValues.Number)).ToList()).ToList();
    }
}
