using System.Net;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Intranet.IntegrationTests.Infrastructure;
using Intranet.Modules.PlanKpi.Entry;
using Intranet.Modules.PlanKpi.Home;
using Intranet.Modules.PlanKpi.UseCases;
using Intranet.Shared.Messaging;
using Intranet.Shared.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Intranet.IntegrationTests;

/// <summary>
/// The 実績入力 page's use cases on both databases: the year's grid of a department, 「すべて保存」 (one transaction,
/// per-row errors, concurrency, authorization, fed indicators), the Excel entry sheet round trip, the plan office's list
/// of departments owing values, the home-page work items and the correction history.
/// 広報広聴課 leads 1-2-(1)-1/2/3 (Twitter/YouTube/LINE, 人), 1-3-(1)-1 (年間アクセス数, 件), 1-3-(2)-1 (更新頻度, 回);
/// FY2021 has a target for all five.
/// </summary>
public sealed class ActualEntrySheetTests
{
    private const string Plan = "hadano-ict-2021";
    private const string Pr = "広報広聴課";

    private static Task<EntrySheet> SheetAsync(IntranetApp app, string? dept = Pr, int year = 2021) =>
        app.SendAsAsync(new GetEntrySheet(Plan, year), Roles.Department, dept, email: "pr@example.jp");

    private static Task<EntrySaveResult> SaveAsync(IntranetApp app, params ActualInput[] rows) =>
        app.SendAsAsync(new RecordActuals(Plan, 2021, rows), Roles.Department, Pr, email: "pr@example.jp");

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task A_department_gets_its_indicators_and_saves_all_at_once_or_nothing(Db db)
    {
        using var app = new IntranetApp(db);
        var sheet = await SheetAsync(app);
        Assert.Equal(Pr, sheet.Department);
        Assert.False(sheet.CanChooseDepartment);
        Assert.Equal(["1-2-(1)-1", "1-2-(1)-2", "1-2-(1)-3", "1-3-(1)-1", "1-3-(2)-1"], sheet.Rows.Select(r => r.IndicatorCode));
        Assert.Equal(5, sheet.Owed);
        var twitter = sheet.Rows[0];
        Assert.Equal(("Twitter フォロワー数", "人", 7000m, "1-2-(1)"), (twitter.IndicatorName, twitter.Unit, twitter.TargetValue, twitter.ProjectCode));

        // Three bad rows: nothing is saved, each row says what is wrong.
        var bad = await SaveAsync(app,
            new ActualInput("1-2-(1)-1", "7,100", "4月末時点", null),
            new ActualInput("1-2-(1)-2", "-5", null, null),
            new ActualInput("1-2-(1)-3", "1.5", null, null),
            new ActualInput("1-3-(1)-1", "abc", null, null));
        Assert.False(bad.Saved);
        Assert.Equal(["1-2-(1)-2", "1-2-(1)-3", "1-3-(1)-1"], bad.Errors.Select(e => e.IndicatorCode));
        Assert.All(bad.Errors, e => Assert.Equal(("実績値", EntryErrorKind.Invalid), (e.Column, e.Kind)));
        Assert.Contains("YouTube チャンネル登録者数: -5人", bad.Errors[0].Message);
        Assert.Contains("整数", bad.Errors[1].Message);
        Assert.Contains("数値で入力", bad.Errors[2].Message);
        Assert.Equal(0, await app.PlanKpiAsync(d => d.Actuals.CountAsync()));

        // Fixed: all four in one save; the note is kept.
        var ok = await SaveAsync(app,
            new ActualInput("1-2-(1)-1", "7,100", "4月末時点", null),
            new ActualInput("1-2-(1)-2", "２，５００", null, null),
            new ActualInput("1-2-(1)-3", "15000人", null, null),
            new ActualInput("1-3-(1)-1", "8000000", null, null));
        Assert.True(ok.Saved, string.Join(" / ", ok.Errors.Select(e => e.Text)));
        Assert.Equal(4, ok.Changes.Count);
        var after = await SheetAsync(app);
        Assert.Equal(1, after.Owed);
        Assert.Equal((7100m, "4月末時点"), (after.Rows[0].Value, after.Rows[0].Note));
        Assert.Equal(2500m, after.Rows[1].Value);
        Assert.Equal(4, await app.PlanKpiAsync(d => d.Actuals.CountAsync(a => a.EnteredBy == "pr@example.jp")));

        // Sending the same values again changes nothing.
        var again = await SaveAsync(app, new ActualInput("1-2-(1)-1", "7100", "4月末時点", after.Rows[0].Version));
        Assert.True(again.Saved);
        Assert.Empty(again.Changes);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task A_department_cannot_save_another_departments_or_a_fed_indicator_and_concurrent_edits_are_reported_per_row(Db db)
    {
        using var app = new IntranetApp(db);
        var forbidden = await Assert.ThrowsAsync<ForbiddenException>(() => app.SendAsAsync(new GetEntrySheet(Plan, 2021, "教育研究所"), Roles.Department, Pr));
        Assert.Contains("教育研究所", forbidden.Message);
        await Assert.ThrowsAsync<ForbiddenException>(() => app.SendAsAsync(new GetEntrySheet(Plan, 2021), Roles.Department, department: null));

        // Another department's indicator and a fed one: refused per row, the valid row is not saved either.
        var refused = await SaveAsync(app,
            new ActualInput("1-2-(1)-1", "7100", null, null),
            new ActualInput("1-2-(4)-1", "80", null, null),
            new ActualInput("2-1-(1)-1", "4", null, null));
        Assert.False(refused.Saved);
        Assert.Equal([EntryErrorKind.Forbidden, EntryErrorKind.Forbidden], refused.Errors.Select(e => e.Kind));
        Assert.Contains("教育研究所", refused.Errors[0].Message);
        Assert.Contains("情報システム課", refused.Errors[1].Message);
        // Even the plan office cannot type a fed value.
        var fed = await app.SendAsAsync(new RecordActuals(Plan, 2021, [new ActualInput("2-1-(1)-1", "4", null, null)]), Roles.PlanOffice);
        Assert.Equal(EntryErrorKind.Fed, Assert.Single(fed.Errors).Kind);
        Assert.Contains("RPA", fed.Errors[0].Message);
        Assert.Equal(0, await app.PlanKpiAsync(d => d.Actuals.CountAsync()));

        // Both read the sheet; the plan office saves first; the department's save is refused for that row only,
        // and its other row is not saved (one transaction).
        var read = await SheetAsync(app);
        Assert.True((await app.SendAsAsync(new RecordActuals(Plan, 2021, [new ActualInput("1-2-(1)-1", "6900", null, null)]), Roles.PlanOffice)).Saved);
        var late = await SaveAsync(app,
            new ActualInput("1-2-(1)-1", "7100", null, read.Rows[0].Version),
            new ActualInput("1-2-(1)-2", "2500", null, read.Rows[1].Version));
        Assert.False(late.Saved);
        var conflict = Assert.Single(late.Errors);
        Assert.Equal(("1-2-(1)-1", EntryErrorKind.Conflict), (conflict.IndicatorCode, conflict.Kind));
        Assert.Contains("6,900人", conflict.Message);
        Assert.Equal(6900m, await app.PlanKpiAsync(async d => (await d.Actuals.SingleAsync()).Value));

        // The plan office may choose any department; a share above 100 is refused for a share of teachers.
        var office = await app.SendAsAsync(new GetEntrySheet(Plan, 2021, "教育研究所"), Roles.PlanOffice);
        Assert.True(office.CanChooseDepartment);
        Assert.Contains(Pr, office.Departments);
        var share = await app.SendAsAsync(new RecordActuals(Plan, 2021, [new ActualInput("1-2-(4)-1", "150", null, null)]), Roles.PlanOffice);
        Assert.Contains("0〜100%", Assert.Single(share.Errors).Message);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Excel_entry_sheet_round_trip_with_preview_and_a_bad_cell_saves_nothing(Db db)
    {
        using var app = new IntranetApp(db);

        // The download is an endpoint: a department gets its own sheet, not another one's.
        var client = await app.SignedInAsync("Department", Pr);
        var download = await client.GetAsync("/plans/hadano-ict-2021/entry.xlsx?fy=2021");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(EntrySheetXlsx.ContentType, download.Content.Headers.ContentType!.MediaType);
        var bytes = await download.Content.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/plans/hadano-ict-2021/entry.xlsx?fy=2021&dept=%E6%95%99%E8%82%B2%E7%A0%94%E7%A9%B6%E6%89%80")).StatusCode);

        var header = ReadRow(bytes, 1);
        Assert.Equal(["計画", "年度", "指標コード", "版", "事業", "指標", "単位", "目標値", "前年度実績", "実績値", "備考", "入力方法"], header);
        Assert.Equal("Twitter フォロワー数", ReadRow(bytes, 2)[5]);

        // A bad cell (row 3: YouTube −5): nothing saved, the error names the row and column.
        var bad = Fill(bytes, (2, 7100m, "Excelから"), (3, -5m, null), (4, 15000m, null));
        var refused = await app.SendAsAsync(new ImportEntrySheet(Plan, 2021, bad, Save: true), Roles.Department, Pr);
        Assert.False(refused.Saved);
        Assert.True(refused.Errors.Count == 1, string.Join(" / ", refused.Errors.Select(e => e.Text)));
        Assert.StartsWith("3行目 実績値: YouTube チャンネル登録者数: -5人", Assert.Single(refused.Errors).Text);
        Assert.Equal(0, await app.PlanKpiAsync(d => d.Actuals.CountAsync()));

        // A good sheet: the preview lists the changes and writes nothing; saving writes them all.
        var good = Fill(bytes, (2, 7100m, "Excelから"), (3, 2500m, null), (4, 15000m, null));
        var preview = await app.SendAsAsync(new ImportEntrySheet(Plan, 2021, good, Save: false), Roles.Department, Pr);
        Assert.True(preview.Ok);
        Assert.False(preview.Saved);
        Assert.Equal([2, 3, 4], preview.Changes.Select(c => c.SheetRow!.Value));
        Assert.Equal(0, await app.PlanKpiAsync(d => d.Actuals.CountAsync()));
        var saved = await app.SendAsAsync(new ImportEntrySheet(Plan, 2021, good, Save: true), Roles.Department, Pr);
        Assert.True(saved.Saved);
        var sheet = await SheetAsync(app);
        Assert.Equal((7100m, "Excelから"), (sheet.Rows[0].Value, sheet.Rows[0].Note));
        Assert.Equal(2, sheet.Owed);

        // The same file again: nothing changes. The sheet downloaded before those values were saved: every row that
        // differs from the stored value (row 2 typed over, rows 3 and 4 empty = removal) is a conflict, nothing is saved.
        Assert.Empty((await app.SendAsAsync(new ImportEntrySheet(Plan, 2021, good, Save: false), Roles.Department, Pr)).Changes);
        var stale = Fill(bytes, (2, 7200m, null));
        var conflict = await app.SendAsAsync(new ImportEntrySheet(Plan, 2021, stale, Save: true), Roles.Department, Pr);
        Assert.Equal([2, 3, 4], conflict.Errors.Select(e => e.SheetRow!.Value));
        Assert.All(conflict.Errors, e => Assert.Equal(EntryErrorKind.Conflict, e.Kind));
        Assert.Equal(7100m, (await SheetAsync(app)).Rows[0].Value);

        // Not a sheet, or another year's sheet: refused whole.
        await Assert.ThrowsAsync<RequestValidationException>(() => app.SendAsAsync(new ImportEntrySheet(Plan, 2021, [1, 2, 3], true), Roles.Department, Pr));
        var other = await Assert.ThrowsAsync<RequestValidationException>(() => app.SendAsAsync(new ImportEntrySheet(Plan, 2022, good, true), Roles.Department, Pr));
        Assert.Contains("別の計画または年度", other.Message);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task The_plan_office_sees_departments_owing_values_and_the_home_pages_say_what_waits(Db db)
    {
        using var app = new IntranetApp(db);
        // The test clock is 2026-11-21: after the plan (FY2021–2025), so the current plan year is FY2025.
        var list = await app.SendAsAsync(new ListOutstandingByDepartment(Plan, 2021), Roles.PlanOffice);
        Assert.Equal(2021, list.FiscalYear);
        var pr = list.Departments.Single(d => d.Department == Pr);
        Assert.Equal((5, 5), (pr.Indicators, pr.Owed));
        await Assert.ThrowsAsync<ForbiddenException>(() => app.SendAsAsync(new ListOutstandingByDepartment(Plan), Roles.Department, Pr));
        var fy2025 = await app.SendAsAsync(new ListOutstandingByDepartment(Plan, 2999), Roles.PlanOffice);   // out of range → current plan year
        Assert.Equal(2025, fy2025.FiscalYear);
        Assert.Equal(3, fy2025.Departments.Single(d => d.Department == Pr).Owed);

        var items = await WorkItemsAsync(app, Roles.Department, Pr);
        var item = Assert.Single(items);
        Assert.Equal(("未入力の実績値", 3, "/plans/hadano-ict-2021/entry?fy=2025"), (item.Title, item.Count, item.Href));
        var office = Assert.Single(await WorkItemsAsync(app, Roles.PlanOffice, null));
        Assert.Equal(("実績値が未入力の主管課", "/plans/hadano-ict-2021/entry/departments?fy=2025"), (office.Title, office.Href));
        Assert.Equal(fy2025.Departments.Count(d => d.Owed > 0), office.Count);
        Assert.Empty(await WorkItemsAsync(app, Roles.Viewer, null));

        // Entering the three values clears the department's line.
        var sheet = await app.SendAsAsync(new GetEntrySheet(Plan), Roles.Department, Pr);
        Assert.Equal(2025, sheet.FiscalYear);
        var saved = await app.SendAsAsync(new RecordActuals(Plan, 2025, sheet.Rows.Where(r => r.Owes)
            .Select(r => new ActualInput(r.IndicatorCode, "10000", null, null)).ToList()), Roles.Department, Pr);
        Assert.True(saved.Saved);
        Assert.Empty(await WorkItemsAsync(app, Roles.Department, Pr));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Every_correction_and_deletion_stays_in_the_history(Db db)
    {
        using var app = new IntranetApp(db);
        await SaveAsync(app, new ActualInput("1-2-(1)-1", "6500", "速報値", null));
        app.Clock.Now = app.Clock.Now.AddMinutes(5);
        var v1 = (await SheetAsync(app)).Rows[0].Version;
        await app.SendAsAsync(new RecordActuals(Plan, 2021, [new ActualInput("1-2-(1)-1", "7100", "確定値", v1)]), Roles.PlanOffice, email: "office@example.jp");
        app.Clock.Now = app.Clock.Now.AddMinutes(5);
        var v2 = (await SheetAsync(app)).Rows[0].Version;
        await app.SendAsAsync(new RecordActual(Plan, "1-2-(1)-1", 2021, null, null, v2), Roles.PlanOffice, email: "office@example.jp");

        var history = await app.SendAsAsync(new GetActualHistory(Plan, "1-2-(1)-1"), Roles.Viewer);
        Assert.Equal(["削除", "修正", "登録"], history.Select(h => h.Action));
        Assert.Equal((7100m, (decimal?)null, "確定値", "office@example.jp"), (history[0].Before, history[0].After, history[0].Note, history[0].User));
        Assert.Equal((6500m, (decimal?)7100m, "確定値"), (history[1].Before, history[1].After, history[1].Note));
        Assert.Equal(((decimal?)null, (decimal?)6500m, "速報値", "pr@example.jp", 2021), (history[2].Before, history[2].After, history[2].Note, history[2].User, history[2].FiscalYear));

        var view = await app.SendAsAsync(new GetProjectView(Plan, "1-2-(1)"), Roles.Department, Pr);
        Assert.Equal(3, view.History["1-2-(1)-1"].Count);
        Assert.Empty(view.History["1-2-(1)-2"]);
        Assert.Contains("1-2-(1)-1", view.Editable);
        Assert.False(view.IsAdministrator);
    }

    private static async Task<IReadOnlyList<Intranet.Shared.Modules.WorkItem>> WorkItemsAsync(IntranetApp app, string role, string? department)
    {
        await using var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentPrincipal>().Principal = UseCaseActor.Principal($"{role}@example.jp", department, role);
        var source = ActivatorUtilities.CreateInstance<OutstandingActualsWorkItems>(scope.ServiceProvider);
        return await source.GetAsync(scope.ServiceProvider.GetRequiredService<ICurrentUser>(), CancellationToken.None);
    }

    /// <summary>Writes numbers and notes into the 実績値 (J) and 備考 (K) cells of the given sheet rows, as a user would in Excel.</summary>
    private static byte[] Fill(byte[] sheet, params (int Row, decimal Value, string? Note)[] cells)
    {
        using var buffer = new MemoryStream();
        buffer.Write(sheet);
        using (var doc = SpreadsheetDocument.Open(buffer, true))
        {
            var part = doc.WorkbookPart!.WorksheetParts.First();
            var rows = part.Worksheet.Descendants<Row>().ToList();
            foreach (var (rowNumber, value, note) in cells)
            {
                var row = rows.Single(r => r.RowIndex!.Value == (uint)rowNumber);
                var list = row.Elements<Cell>().ToList();
                list[9].Remove();
                var number = new Cell { DataType = CellValues.Number, CellValue = new CellValue(value.ToString(System.Globalization.CultureInfo.InvariantCulture)) };
                list[8].InsertAfterSelf(number);
                if (note is not null)
                {
                    var old = row.Elements<Cell>().ElementAt(10);
                    old.InsertAfterSelf(new Cell { DataType = CellValues.InlineString, InlineString = new InlineString(new Text(note)) });
                    old.Remove();
                }
            }
            part.Worksheet.Save();
        }
        return buffer.ToArray();
    }

    private static List<string> ReadRow(byte[] sheet, int rowNumber)
    {
        using var doc = SpreadsheetDocument.Open(new MemoryStream(sheet), false);
        var row = doc.WorkbookPart!.WorksheetParts.First().Worksheet.Descendants<Row>().Single(r => r.RowIndex!.Value == (uint)rowNumber);
        return row.Elements<Cell>().Select(c => c.InlineString?.InnerText ?? c.CellValue?.Text ?? "").ToList();
    }
}
