using System.Globalization;
using global::CsvHelper;
using Intranet.Modules.PlanKpi.Domain;
using Intranet.Modules.PlanKpi.Domain.Evaluation;
using Intranet.Modules.PlanKpi.UseCases.Evaluation;
using Intranet.Shared.Export;
using Intranet.Shared.Time;
using Intranet.Shared.Web;

namespace Intranet.Modules.PlanKpi.Export;

/// <summary>
/// One row of <c>export-evaluation</c>: one project at one stage of a round (issue #10). Columns fixed by the issue:
/// grade <c>A</c>–<c>D</c> or empty; decision empty except at the last stage, as a code (<see cref="EvaluationExport.DecisionCode"/>);
/// comment: a review stage's comment, for stage 1 the department's 課題; submitted_at: ISO 8601 with the Japan offset
/// (stage 1: the last submission, later stages: when the result was recorded), empty when nothing is recorded;
/// lead_departments joined with 「、」.
/// </summary>
public sealed record EvaluationExportRow(
    string plan_code, int fiscal_year, string project_code, string project_name, string lead_departments, int stage_order, string stage_name,
    string grade, string decision, string comment, string submitted_at);

/// <summary>The evaluation round's outputs as tables: the command line's rows and the 評価報告書 workbook.</summary>
public static class EvaluationExport
{
    /// <summary>The columns of <c>export-evaluation</c>, in order.</summary>
    public static readonly string[] Columns =
    [
        "plan_code", "fiscal_year", "project_code", "project_name", "lead_departments", "stage_order", "stage_name", "grade", "decision",
        "comment", "submitted_at",
    ];

    /// <summary>Machine code of a decision: continue, expand, revise, complete, merge (継続, 拡充, 見直し, 完了, 統合).</summary>
    public static string DecisionCode(ProjectDirection decision) => decision switch
    {
        ProjectDirection.Continue => "continue",
        ProjectDirection.Expand => "expand",
        ProjectDirection.Revise => "revise",
        ProjectDirection.Complete => "complete",
        _ => "merge",
    };

    /// <summary>ISO 8601 with the Japan offset: <c>2024-06-20T10:15:00+09:00</c>; empty for null.</summary>
    public static string Iso(DateTimeOffset? instant) =>
        instant is { } i ? i.ToOffset(FiscalYear.JapanOffset).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture) : "";

    /// <summary>One row per project (plan order) and stage (stage order) of <paramref name="report"/>.</summary>
    public static IEnumerable<EvaluationExportRow> Rows(EvaluationReport report) =>
        from p in report.Projects
        from s in p.Stages
        select new EvaluationExportRow(report.PlanCode, report.FiscalYear, p.ProjectCode, p.ProjectName, string.Join("、", p.LeadDepartments),
            s.Order, s.Name, s.Grade?.ToString() ?? "",
            s.Order == report.LastStage.Order && s.Decision is { } d ? DecisionCode(d) : "",
            (s.Order == 1 ? (s.RecordedAt is null ? null : p.Issues) : s.Comment) ?? "",
            Iso(s.RecordedAt));

    /// <summary>The rows as a table with <see cref="Columns"/> as headers (numbers as numbers in xlsx).</summary>
    public static ExportTable Table(IEnumerable<EvaluationExportRow> rows) => new("evaluation", Columns, rows.Select(r => (IReadOnlyList<object?>)
    [
        r.plan_code, r.fiscal_year, r.project_code, r.project_name, r.lead_departments, r.stage_order, r.stage_name, r.grade, r.decision, r.comment,
        r.submitted_at,
    ]).ToList());

    /// <summary>Writes CSV (RFC 4180, comma, header row, UTF-8 as given by <paramref name="writer"/>, LF line ends) as <c>export-kpis</c> does.</summary>
    public static void WriteCsv(TextWriter writer, IEnumerable<EvaluationExportRow> rows)
    {
        using var csv = CsvWriter.Create(writer, new CsvWriterOptions { NewLine = "\n" }, leaveOpen: true);
        foreach (var c in Columns) csv.WriteField(c);
        csv.EndRecord();
        foreach (var r in rows)
        {
            // fiscal_year and stage_order are numbers; every other column is text, neutralised against formula injection.
            foreach (var f in new[] { CsvSafety.Text(r.plan_code), r.fiscal_year.ToString(CultureInfo.InvariantCulture), CsvSafety.Text(r.project_code),
                         CsvSafety.Text(r.project_name), CsvSafety.Text(r.lead_departments), r.stage_order.ToString(CultureInfo.InvariantCulture),
                         CsvSafety.Text(r.stage_name), CsvSafety.Text(r.grade), CsvSafety.Text(r.decision), CsvSafety.Text(r.comment), CsvSafety.Text(r.submitted_at) })
                csv.WriteField(f);
            csv.EndRecord();
        }
        csv.Flush();
    }

    /// <summary>
    /// The 評価報告書 workbook for people (<c>/evaluation/{plan}/{fy}/report.xlsx</c>): sheet 「評価」 with a row per project and
    /// stage (the project's self-evaluation, 事業費 in 千円 and 人工 on its stage-1 row), sheet 「指標」 with a row per project and
    /// indicator (target, actual, 達成率 in %, status), sheet 「評価の分布」 with the final grades per policy and measure. Japanese
    /// headers, the plan's level names, numbers as numbers, times in Japan time.
    /// </summary>
    public static byte[] ReportXlsx(EvaluationReport report) => TableExport.ToXlsx(ReportTables(report));

    /// <summary>The three tables of <see cref="ReportXlsx"/>.</summary>
    public static IReadOnlyList<ExportTable> ReportTables(EvaluationReport report)
    {
        string[] stageHeaders =
        [
            "年度", report.PolicyLevelName, report.MeasureLevelName, "事業番号", report.ProjectLevelName, "主管課", "段階", "段階名", "評価", "評価の意味",
            "コメント・意見", "判断", "記録者", "記録日時", "取組実績", "課題", "次年度の方向性", "事業費(千円)", "人工", "差戻し回数",
        ];
        var stageRows = new List<IReadOnlyList<object?>>();
        foreach (var p in report.Projects)
        foreach (var s in p.Stages)
        {
            var self = s.Order == 1;
            stageRows.Add(
            [
                Fmt.YearLong(report.FiscalYear), Join(p.PolicyCode, p.PolicyTitle), Join(p.MeasureCode, p.MeasureTitle), p.ProjectCode, p.ProjectName,
                string.Join("、", p.LeadDepartments), s.Order, s.Name, s.Grade?.ToString() ?? "", s.Grade is { } g ? EvaluationRules.Meaning(g) : "",
                self ? "" : s.Comment ?? "", s.Decision is { } d ? EvaluationRules.Label(d) : "", Fmt.Actor(s.RecordedBy) is var a && a != Fmt.Empty ? a : "",
                s.RecordedAt is { } at ? at.ToJapanTimeText() : "",
                self ? p.Achievements ?? "" : "", self ? p.Issues ?? "" : "", self && p.NextYear is { } n ? EvaluationRules.Label(n) : "",
                self ? N(p.CostThousandYen) : null, self ? N(p.StaffEffort) : null, self ? p.ReturnCount : null,
            ]);
        }
        string[] indicatorHeaders = ["年度", "事業番号", report.ProjectLevelName, "指標番号", "指標名", "単位", "目標値", "目標 (計画の記載)", "実績値", "達成率(%)", "状況"];
        var indicatorRows = report.Projects.SelectMany(p => p.Indicators.Select(i => (IReadOnlyList<object?>)
        [
            Fmt.YearLong(report.FiscalYear), p.ProjectCode, p.ProjectName, i.Code, i.Name, i.Unit, N(i.TargetValue), i.TargetText ?? "", N(i.Actual),
            i.AchievementRate is { } r ? N(Math.Round(r, 1, MidpointRounding.AwayFromZero)) : null, KpiRules.Label(i.Status),
        ])).ToList();
        string[] distributionHeaders = ["区分", "番号", "名称", "A", "B", "C", "D", "評価なし", "事業数"];
        var distributionRows = report.ByPolicy.SelectMany(policy => new[] { policy }.Concat(report.ByMeasure.Where(m => m.PolicyCode == policy.PolicyCode)))
            .Select(g => (IReadOnlyList<object?>)
            [
                g.MeasureCode is null ? report.PolicyLevelName : report.MeasureLevelName, g.Code, g.Title,
                g.Counts[Grade.A], g.Counts[Grade.B], g.Counts[Grade.C], g.Counts[Grade.D], g.Ungraded, g.Total,
            ]).ToList();
        return [new ExportTable("評価", stageHeaders, stageRows), new ExportTable("指標", indicatorHeaders, indicatorRows),
            new ExportTable("評価の分布", distributionHeaders, distributionRows)];
    }

    /// <summary>File name without extension: 「evaluation-report-hadano-ict-2021-2023」.</summary>
    public static string ReportFileName(EvaluationReport report) => $"evaluation-report-{report.PlanCode}-{report.FiscalYear}";

    /// <summary>A decimal without trailing zeros (3450, not 3450.0000), as <see cref="KpiExport"/> writes numbers.</summary>
    private static decimal? N(decimal? value) => value is { } v ? v / 1.000000000000000000000000000000000m : null;

    private static string Join(string code, string title) => string.IsNullOrEmpty(code) ? title : $"{code} {title}";
}
