using System.Net;
using System.Text;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Intranet.Host.CommandLine;
using Intranet.IntegrationTests.Infrastructure;
using Intranet.Modules.PlanKpi.Domain;
using Intranet.Modules.PlanKpi.Domain.Evaluation;
using Intranet.Modules.PlanKpi.Export;
using Intranet.Modules.PlanKpi.UseCases;
using Intranet.Modules.PlanKpi.UseCases.Evaluation;
using Intranet.Shared.Messaging;
using Intranet.Shared.Security;
using PdfSharp.Pdf;
using PdfSharp.Pdf.Advanced;
using PdfSharp.Pdf.IO;

namespace Intranet.IntegrationTests;

/// <summary>
/// The evaluation round's outputs (issue #10): the 評価報告書 (use case, xlsx, PDF), <c>export-evaluation</c>, the dashboard's
/// grade distribution and a project's grades across years, against a Hadano FY2023 round built through the use cases, on
/// both databases.
/// </summary>
public sealed class EvaluationReportTests
{
    private const string Plan = EvaluationRoundTests.Plan;
    private const int Year = EvaluationRoundTests.Year;
    private const string Project = EvaluationRoundTests.Project;
    private const string Department = EvaluationRoundTests.Department;

    private static Task<RoundView> OpenAndSubmitAllAsync(IntranetApp app, params string[] except) => EvaluationRoundTests.OpenAndSubmitAllAsync(app, except);
    private static Task<RoundView> CloseAsync(IntranetApp app, int stage) => EvaluationRoundTests.CloseAsync(app, stage);

    /// <summary>The grade a review stage gives the n-th sheet (spreads the sheets over A–D).</summary>
    private static Grade Spread(int index, int shift) => (Grade)((index + shift) % 4);

    /// <summary>
    /// Hadano FY2023: 1-2-(1)'s actual 7,220 (target 7,600) entered; the department submits 1-2-(1) with grade C, every other
    /// sheet is submitted B by the plan office; 幹事会 grades (1-2-(1) A, the others spread), 委員会 comments on 1-2-(1);
    /// when <paramref name="close"/>, 本部会 grades (1-2-(1) B and 拡充, the others spread and 継続) and the round closes.
    /// </summary>
    internal static async Task<RoundView> BuildRoundAsync(IntranetApp app, bool close = true)
    {
        await app.SendAsAsync(new RecordActual(Plan, "1-2-(1)-1", Year, 7220, null, null), Roles.PlanOffice);
        var round = await OpenAndSubmitAllAsync(app, Project);
        var sheet = await app.SendAsAsync(new GetEvaluationSheet(Plan, Year, Project), Roles.Department, Department);
        await app.SendAsAsync(new SaveSelfEvaluation(Plan, Year, Project,
            new SelfEvaluationInput("月4回発信した。", Grade.C, "フォロワーの伸びが鈍い。", ProjectDirection.Expand, 3450, 1.2m), true, sheet.Version),
            Roles.Department, Department);
        round = await CloseAsync(app, 1);
        await app.SendAsAsync(new RecordEvaluationReviews(Plan, Year, 2, round.Sheets.Select((s, i) =>
            new ReviewInput(s.ProjectCode, s.ProjectCode == Project ? Grade.A : Spread(i, 0), $"{s.ProjectCode} 幹事会の意見", null, null)).ToList()), Roles.PlanOffice);
        if (!close) return await app.SendAsAsync(new GetEvaluationRound(Plan, Year), Roles.PlanOffice);
        await CloseAsync(app, 2);
        await app.SendAsAsync(new RecordEvaluationReviews(Plan, Year, 3, [new ReviewInput(Project, null, "発信内容の充実を", null, null)]), Roles.PlanOffice);
        round = await CloseAsync(app, 3);
        await app.SendAsAsync(new RecordEvaluationReviews(Plan, Year, 4, round.Sheets.Select((s, i) => s.ProjectCode == Project
            ? new ReviewInput(s.ProjectCode, Grade.B, "拡充して継続", ProjectDirection.Expand, null)
            : new ReviewInput(s.ProjectCode, Spread(i, 1), null, ProjectDirection.Continue, null)).ToList()), Roles.PlanOffice);
        return await CloseAsync(app, 4);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task The_report_holds_every_stage_the_decision_the_cost_and_the_indicators(Db db)
    {
        using var app = new IntranetApp(db);
        var round = await BuildRoundAsync(app, close: false);

        // While the round runs, the dashboard shows the open round's partial grades (final = the last stage with a grade).
        var partial = await app.SendAsAsync(new GetDashboardGrades(Plan), Roles.Cio);
        Assert.NotNull(partial);
        Assert.Equal((Year, false, "幹事会"), (partial.FiscalYear, partial.IsClosed, partial.CurrentStageName));
        Assert.Equal(round.Sheets.Count, partial.ByPolicy.Sum(g => g.Total));
        Assert.Equal(0, partial.ByPolicy.Sum(g => g.Ungraded));
        var open = await app.SendAsAsync(new GetEvaluationReport(Plan, Year), Roles.PlanOffice);
        var openRow = open.Projects.Single(p => p.ProjectCode == Project);
        Assert.Equal((Grade.A, 2, (ProjectDirection?)null), (openRow.FinalGrade, openRow.FinalGradeStage, openRow.Decision));

        await CloseAsync(app, 2);
        await app.SendAsAsync(new RecordEvaluationReviews(Plan, Year, 3, [new ReviewInput(Project, null, "発信内容の充実を", null, null)]), Roles.PlanOffice);
        round = await CloseAsync(app, 3);
        await app.SendAsAsync(new RecordEvaluationReviews(Plan, Year, 4, round.Sheets.Select((s, i) => s.ProjectCode == Project
            ? new ReviewInput(s.ProjectCode, Grade.B, "拡充して継続", ProjectDirection.Expand, null)
            : new ReviewInput(s.ProjectCode, Spread(i, 1), null, ProjectDirection.Continue, null)).ToList()), Roles.PlanOffice);
        round = await CloseAsync(app, 4);

        var report = await app.SendAsAsync(new GetEvaluationReport(Plan, Year), Roles.PlanOffice);
        Assert.True(report.IsClosed);
        Assert.True(report.AllProjects);
        Assert.Equal(round.Sheets.Select(s => s.ProjectCode), report.Projects.Select(p => p.ProjectCode));          // plan order
        Assert.Equal(["自己評価", "幹事会", "情報化推進委員会の意見", "本部会"], report.Stages.Select(s => s.Name));

        var row = report.Projects.Single(p => p.ProjectCode == Project);
        Assert.Equal(("1", "1-2", "地域におけるICT活用の推進"), (row.PolicyCode, row.MeasureCode, row.MeasureTitle));
        Assert.Equal(("SNS等による情報発信", Department), (row.ProjectName, row.LeadDepartments.Single()));
        Assert.Equal(("月4回発信した。", "フォロワーの伸びが鈍い。", ProjectDirection.Expand), (row.Achievements, row.Issues, row.NextYear));
        Assert.Equal((3450m, 1.2m), (row.CostThousandYen, row.StaffEffort));
        Assert.Equal([Grade.C, Grade.A, null, Grade.B], row.Stages.Select(s => s.Grade));
        Assert.Equal([null, "1-2-(1) 幹事会の意見", "発信内容の充実を", "拡充して継続"], row.Stages.Select(s => s.Comment));
        Assert.Equal((Grade.B, 4, ProjectDirection.Expand), (row.FinalGrade, row.FinalGradeStage, row.Decision));
        var indicator = row.Indicators.Single(i => i.Code == "1-2-(1)-1");
        Assert.Equal((7600m, 7220m, 95.0m, KpiStatus.Behind), (indicator.TargetValue, indicator.Actual, indicator.AchievementRate, indicator.Status));
        Assert.Equal(["1-2-(1)-1", "1-2-(1)-2", "1-2-(1)-3"], row.Indicators.Select(i => i.Code));

        // Distribution: per policy and per measure, the final (本部会) grades.
        var expected = report.Projects.GroupBy(p => p.MeasureCode).ToDictionary(g => g.Key, g => g.Count(p => p.FinalGrade == Grade.D));
        Assert.All(report.ByMeasure, m => Assert.Equal(expected[m.MeasureCode!], m.Counts[Grade.D]));
        Assert.Equal(report.Projects.Count, report.ByPolicy.Sum(g => g.Total));
        Assert.Equal(report.Projects.Count(p => p.FinalGrade == Grade.A), report.ByPolicy.Sum(g => g.Counts[Grade.A]));
        Assert.All(Enum.GetValues<Grade>(), g => Assert.True(report.ByPolicy.Sum(p => p.Counts[g]) > 0));     // spread over A–D
        var dashboard = await app.SendAsAsync(new GetDashboardGrades(Plan), Roles.Cio);
        Assert.True(dashboard!.IsClosed);
        Assert.Equal(report.ByMeasure.Select(m => m.Counts[Grade.B]), dashboard.ByMeasure.Select(m => m.Counts[Grade.B]));
        Assert.Null(await app.SendAsAsync(new GetDashboardGrades(Plan), Roles.RpaTeam));             // staff that sees no sheet of the round

        // A department reads its own projects only.
        var mine = await app.SendAsAsync(new GetEvaluationReport(Plan, Year), Roles.Department, Department);
        Assert.False(mine.AllProjects);
        Assert.NotEmpty(mine.Projects);
        Assert.All(mine.Projects, p => Assert.Contains(Department, p.LeadDepartments));
        await Assert.ThrowsAsync<ForbiddenException>(() => app.SendAsAsync(new GetEvaluationReport(Plan, Year), Roles.Reviewer));
        await Assert.ThrowsAsync<NotFoundException>(() => app.SendAsAsync(new GetEvaluationReport(Plan, Year + 1), Roles.PlanOffice));

        // The project's grades across the plan years (its page), and nothing for a department that does not lead it.
        var history = await app.SendAsAsync(new GetProjectEvaluations(Plan, Project), Roles.Viewer);
        var year = Assert.Single(history);
        Assert.Equal((Year, true, Grade.B, ProjectDirection.Expand), (year.FiscalYear, year.IsClosed, year.FinalGrade, year.Decision));
        Assert.Equal($"/evaluation/{Plan}/{Year}/sheets/1-2-(1)", Uri.UnescapeDataString(year.SheetHref));
        Assert.Empty(await app.SendAsAsync(new GetProjectEvaluations(Plan, Project), Roles.Department, "情報システム課"));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Export_evaluation_writes_one_row_per_project_and_stage_with_the_agreed_columns(Db db)
    {
        using var app = new IntranetApp(db);
        var round = await BuildRoundAsync(app);

        var (exit, output, error) = await RunAsync(app, "--plan", Plan, "--fy", Year.ToString());
        Assert.Equal(0, exit);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("plan_code,fiscal_year,project_code,project_name,lead_departments,stage_order,stage_name,grade,decision,comment,submitted_at", lines[0]);
        Assert.Equal(1 + round.Sheets.Count * 4, lines.Length);
        var rows = lines.Skip(1).Select(AppData.ParseLine).ToList();
        var mine = rows.Where(r => r[2] == Project).ToList();
        Assert.Equal(["1", "2", "3", "4"], mine.Select(r => r[5]));
        Assert.Equal(["自己評価", "幹事会", "情報化推進委員会の意見", "本部会"], mine.Select(r => r[6]));
        Assert.Equal(["C", "A", "", "B"], mine.Select(r => r[7]));
        Assert.Equal(["", "", "", "expand"], mine.Select(r => r[8]));                    // decision only at the last stage
        Assert.Equal(["フォロワーの伸びが鈍い。", "1-2-(1) 幹事会の意見", "発信内容の充実を", "拡充して継続"], mine.Select(r => r[9]));
        Assert.Equal((Plan, "2023", "SNS等による情報発信", Department), (mine[0][0], mine[0][1], mine[0][3], mine[0][4]));
        Assert.All(mine, r => Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+09:00$", r[10]));
        Assert.All(rows.Where(r => r[5] != "4"), r => Assert.Equal("", r[8]));
        Assert.All(rows.Where(r => r[5] == "4"), r => Assert.Contains(r[8], new[] { "continue", "expand" }));
        Assert.All(rows.Where(r => r[5] is "1" or "2" or "4"), r => Assert.Matches("^[A-D]$", r[7]));
        var multi = rows.FirstOrDefault(r => r[4].Contains('、'));                   // several lead departments joined with 、
        if (multi is not null) Assert.DoesNotContain("\n", multi[4]);

        var file = Path.Combine(app.DataDirectory, "evaluation.xlsx");
        (exit, _, error) = await RunAsync(app, "--plan", Plan, "--fy", Year.ToString(), "--format", "xlsx", "--out", file);
        Assert.Equal(0, exit);
        Assert.Contains("書き出しました", error);
        var sheet = ReadSheet(await File.ReadAllBytesAsync(file), "evaluation");
        Assert.Equal(EvaluationExport.Columns, sheet[0].Select(c => c.Text));
        Assert.Equal(lines.Length, sheet.Count);
        var xlsxRow = sheet.First(r => r[2].Text == Project && r[5].Text == "4");
        Assert.Equal(("2023", true, "4", true, "B", "expand"), (xlsxRow[1].Text, xlsxRow[1].IsNumber, xlsxRow[5].Text, xlsxRow[5].IsNumber, xlsxRow[7].Text, xlsxRow[8].Text));

        Assert.Equal(2, (await RunAsync(app, "--plan", Plan)).Exit);
        Assert.Equal(2, (await RunAsync(app, "--plan", Plan, "--fy", "R5")).Exit);
        Assert.Equal(2, (await RunAsync(app, "--plan", Plan, "--fy", "2023", "--format", "pdf")).Exit);
        Assert.Equal(2, (await RunAsync(app, "--plan", Plan, "--fy", "2023", "--format", "xlsx")).Exit);
        var none = await RunAsync(app, "--plan", Plan, "--fy", "2024");
        Assert.Equal(1, none.Exit);
        Assert.Contains("まだ開始されていません", none.Err);
        var unknown = await RunAsync(app, "--plan", "nope", "--fy", "2023");
        Assert.Equal(1, unknown.Exit);
        Assert.Contains("nope", unknown.Err);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task The_report_downloads_are_authorized_like_the_round_and_the_pdf_embeds_its_japanese_font(Db db)
    {
        using var app = new IntranetApp(db);
        var round = await BuildRoundAsync(app);
        var xlsxUrl = $"/evaluation/{Plan}/{Year}/report.xlsx";
        var pdfUrl = $"/evaluation/{Plan}/{Year}/report.pdf";

        foreach (var url in new[] { xlsxUrl, pdfUrl })
        {
            var anonymous = await app.NewClient().GetAsync(url);
            Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
            Assert.StartsWith("/account/login", anonymous.LocationPath());
        }
        var outsider = await app.SignedInAsync(Roles.Reviewer);                 // an outside reviewer not assigned to the round
        Assert.Equal(HttpStatusCode.Forbidden, (await outsider.GetAsync(xlsxUrl)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await outsider.GetAsync(pdfUrl)).StatusCode);
        var office = await app.SignedInAsync(Roles.PlanOffice);
        Assert.Equal(HttpStatusCode.NotFound, (await office.GetAsync($"/evaluation/{Plan}/{Year + 1}/report.pdf")).StatusCode);

        // xlsx: Japanese headers, a row per project and stage, numbers as numbers; a department gets its own projects only.
        var xlsx = await office.GetAsync(xlsxUrl);
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        var bytes = await xlsx.Content.ReadAsByteArrayAsync();
        var stages = ReadSheet(bytes, "評価");
        Assert.Equal(["年度", "基本方針", "事業推進計画", "事業番号", "個別事業", "主管課", "段階", "段階名", "評価", "評価の意味", "コメント・意見", "判断",
            "記録者", "記録日時", "取組実績", "課題", "次年度の方向性", "事業費(千円)", "人工", "差戻し回数"], stages[0].Select(c => c.Text));
        Assert.Equal(1 + round.Sheets.Count * 4, stages.Count);
        var self = stages.Single(r => r[3].Text == Project && r[6].Text == "1");
        Assert.Equal(("C", "月4回発信した。", "3450", true, "1.2", true), (self[8].Text, self[14].Text, self[17].Text, self[17].IsNumber, self[18].Text, self[18].IsNumber));
        Assert.Equal("拡充", stages.Single(r => r[3].Text == Project && r[6].Text == "4")[11].Text);
        var indicators = ReadSheet(bytes, "指標");
        var ind = indicators.Single(r => r[3].Text == "1-2-(1)-1");
        Assert.Equal(("7600", "7220", "95", true, "遅れ"), (ind[6].Text, ind[8].Text, ind[9].Text, ind[9].IsNumber, ind[10].Text));
        Assert.NotEmpty(ReadSheet(bytes, "評価の分布"));
        var department = await app.SignedInAsync(Roles.Department, Department);
        var own = ReadSheet(await (await department.GetAsync(xlsxUrl)).Content.ReadAsByteArrayAsync(), "評価");
        Assert.True(own.Count > 1);
        Assert.All(own.Skip(1), r => Assert.Contains(Department, r[5].Text));

        // PDF: parses, a summary page then a page per project, the Japanese font embedded, a project name in its text.
        var pdf = await office.GetAsync(pdfUrl);
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType!.MediaType);
        var pdfBytes = await pdf.Content.ReadAsByteArrayAsync();
        if (Environment.GetEnvironmentVariable("INTRANET_ARTIFACTS_DIR") is { Length: > 0 } artifacts && db == Db.Sqlite)
        {
            Directory.CreateDirectory(artifacts);                                 // infra/test.sh keeps it with the screenshots
            await File.WriteAllBytesAsync(Path.Combine(artifacts, "evaluation-report.pdf"), pdfBytes);
        }
        using var document = PdfReader.Open(new MemoryStream(pdfBytes), PdfDocumentOpenMode.Import);
        Assert.Equal(1 + round.Sheets.Count, document.PageCount);
        var font = EmbeddedFonts(document).First();
        Assert.Contains("IPAexGothic", font.BaseFont);
        Assert.True(font.EmbeddedBytes > 10_000, $"embedded font program of {font.EmbeddedBytes} bytes");
        var unicode = string.Concat(EmbeddedFonts(document).Select(f => f.ToUnicode));
        Assert.All("SNS等による情報発信評価報告書".EnumerateRunes(), r => Assert.Contains($"<{r.Value:X4}>", unicode));
        Assert.Equal(HttpStatusCode.OK, (await department.GetAsync(pdfUrl)).StatusCode);

        // The print page (prerendered), the dashboard's distribution and the project page's history link to each other.
        var page = await office.GetStringAsync($"/evaluation/{Plan}/{Year}/report");
        Assert.Contains("評価報告書", page);
        Assert.Contains("SNS等による情報発信", page);
        Assert.Contains($"/evaluation/{Plan}/{Year}/report.xlsx", page);
        Assert.Contains($"/evaluation/{Plan}/{Year}/report.pdf", page);
        Assert.Contains("拡充して継続", page);
        Assert.Contains("この評価を見る権限がありません", await outsider.GetStringAsync($"/evaluation/{Plan}/{Year}/report"));
        Assert.StartsWith("/account/login", (await app.NewClient().GetAsync($"/evaluation/{Plan}/{Year}/report")).LocationPath());
        var cio = await app.SignedInAsync(Roles.Cio);
        var dashboard = await cio.GetStringAsync($"/dashboard?plan={Plan}");
        Assert.Contains("評価の分布", dashboard);
        Assert.Contains("grades-by-measure", dashboard);
        Assert.Contains("令和5年度(2023)の評価", dashboard);
        Assert.Contains("(確定)", dashboard);
        var projectPage = await cio.GetStringAsync($"/plans/{Plan}/projects/{Uri.EscapeDataString(Project)}");
        Assert.Contains("評価の推移", projectPage);
        Assert.Contains($"/evaluation/{Plan}/{Year}/sheets/{Uri.EscapeDataString(Project)}", projectPage);
    }

    [Fact]
    public void A_missing_report_font_is_named_in_japanese()
    {
        var report = new EvaluationReport
        {
            PlanCode = Plan, PlanTitle = "計画", Municipality = "市", PolicyLevelName = "基本方針", MeasureLevelName = "施策", ProjectLevelName = "個別事業",
            FiscalYear = Year, Stages = [], IsClosed = false, ClosedAt = null, Current = null!, AllProjects = true, GeneratedAt = DateTimeOffset.UnixEpoch,
            Projects = [], ByPolicy = [], ByMeasure = [],
        };
        var e = Assert.Throws<ReportFontException>(() => EvaluationPdf.Write(report, "/nonexistent/font.ttf"));
        Assert.Contains("/nonexistent/font.ttf", e.Message);
        Assert.Contains("Reports:FontPath", e.Message);
        Assert.Contains("fonts-ipaexfont-gothic", e.Message);
    }

    private static async Task<(int Exit, string Out, string Err)> RunAsync(IntranetApp app, params string[] args)
    {
        _ = app.Server;
        using var output = new MemoryStream();
        var error = new StringWriter();
        var exit = await AdminCommands.RunExportEvaluationAsync(app.Services, args, output, error);
        return (exit, Encoding.UTF8.GetString(output.ToArray()), error.ToString());
    }

    private sealed record SheetCell(string Text, bool IsNumber);

    private static List<List<SheetCell>> ReadSheet(byte[] xlsx, string name)
    {
        using var doc = SpreadsheetDocument.Open(new MemoryStream(xlsx), false);
        var sheet = doc.WorkbookPart!.Workbook.Descendants<Sheet>().Single(s => s.Name == name);
        var part = (WorksheetPart)doc.WorkbookPart.GetPartById(sheet.Id!);
        return part.Worksheet.Descendants<Row>().Select(r => r.Elements<Cell>().Select(c => new SheetCell(
            c.InlineString?.InnerText ?? c.CellValue?.Text ?? "", c.DataType?.Value == CellValues.Number)).ToList()).ToList();
    }

    private sealed record FontInfo(string BaseFont, int EmbeddedBytes, string ToUnicode);

    /// <summary>The Type0 fonts of every page: base font name, size of the embedded TrueType program (FontFile2), ToUnicode map.</summary>
    private static IEnumerable<FontInfo> EmbeddedFonts(PdfDocument document)
    {
        foreach (var page in document.Pages)
        {
            var fonts = page.Resources?.Elements.GetDictionary("/Font");
            if (fonts is null) continue;
            foreach (var key in fonts.Elements.Keys)
            {
                if (fonts.Elements.GetDictionary(key) is not { } font || font.Elements.GetName("/Subtype") != "/Type0") continue;
                var descendant = font.Elements.GetArray("/DescendantFonts")!.Elements.GetDictionary(0)!;
                var descriptor = descendant.Elements.GetDictionary("/FontDescriptor")!;
                var program = descriptor.Elements.GetDictionary("/FontFile2");
                var toUnicode = font.Elements.GetDictionary("/ToUnicode");
                toUnicode?.Stream.TryUncompress();
                program?.Stream.TryUncompress();
                yield return new FontInfo(font.Elements.GetName("/BaseFont"), program?.Stream.Value.Length ?? 0,
                    toUnicode is null ? "" : Encoding.ASCII.GetString(toUnicode.Stream.Value));
            }
        }
    }
}
