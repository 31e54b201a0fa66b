using System.Globalization;
using System.Text;
using System.Text.Json;
using global::CsvHelper;
using Intranet.Modules.PlanKpi.Domain;
using Intranet.Modules.PlanKpi.Pages.Shared;
using Intranet.Modules.PlanKpi.UseCases;
using Intranet.Shared.Export;
using Intranet.Shared.Web;

namespace Intranet.Modules.PlanKpi.Export;

/// <summary>
/// One row of the KPI export: one indicator in one fiscal year. Column order and formats are fixed by
/// issue #2 (used by <c>export-kpis</c> and the dashboard's CSV download): fiscal_year as the starting
/// calendar year, direction higher/lower, comparator exact/at_least/at_most, cumulative true/false,
/// empty where there is no value. A cross-listed project appears once, under its first placement.
/// </summary>
public sealed record KpiExportRow(
    string plan_code, string policy_code, string measure_code, string project_code, string project_name,
    string indicator_code, string indicator_name, string unit, string direction, string comparator, string cumulative,
    int fiscal_year, decimal? target_value, string? target_text, decimal? actual_value, decimal? achievement_rate, string status);

/// <summary>Builds and writes KPI export rows.</summary>
public static class KpiExport
{
    /// <summary>The columns, in order.</summary>
    public static readonly string[] Columns =
    [
        "plan_code", "policy_code", "measure_code", "project_code", "project_name", "indicator_code", "indicator_name",
        "unit", "direction", "comparator", "cumulative", "fiscal_year", "target_value", "target_text", "actual_value",
        "achievement_rate", "status",
    ];

    /// <summary>Rows of one plan in plan order, every plan year of every indicator.</summary>
    public static IEnumerable<KpiExportRow> Rows(PlanSnapshot plan) =>
        from r in plan.Indicators
        from y in r.Years
        select new KpiExportRow(
            plan.Plan.Code, r.Policy.Code, r.Measure.Code, r.ProjectCode, r.Project?.Name ?? "",
            r.Indicator.Code, r.Indicator.Name, r.Indicator.Unit,
            r.Indicator.Direction == Direction.Higher ? "higher" : "lower",
            r.Indicator.Comparator switch { Comparator.AtLeast => "at_least", Comparator.AtMost => "at_most", _ => "exact" },
            r.Indicator.Cumulative ? "true" : "false",
            y.FiscalYear.StartYear, y.TargetValue, y.TargetText, y.Actual?.Value, y.Evaluation.AchievementRate,
            KpiRules.Code(y.Evaluation.Status));

    /// <summary>The columns written as numbers; every other column is text and goes through <see cref="CsvSafety.Text"/>.</summary>
    private static readonly HashSet<string> NumericColumns = ["fiscal_year", "target_value", "actual_value", "achievement_rate"];

    /// <summary>
    /// Writes CSV (RFC 4180, comma, header row, invariant numbers without trailing zeros). Text columns are neutralised
    /// against formula injection (<see cref="CsvSafety.Text"/>); the numeric columns stay numbers (<c>-5</c>).
    /// </summary>
    public static void WriteCsv(TextWriter writer, IEnumerable<KpiExportRow> rows)
    {
        using var csv = CsvWriter.Create(writer, new CsvWriterOptions { NewLine = "\n" }, leaveOpen: true);
        foreach (var c in Columns) csv.WriteField(c);
        csv.EndRecord();
        foreach (var r in rows)
        {
            var i = 0;
            foreach (var field in Fields(r)) csv.WriteField(NumericColumns.Contains(Columns[i++]) ? field : CsvSafety.Text(field));
            csv.EndRecord();
        }
        csv.Flush();
    }

    /// <summary>Writes a JSON array of objects with the same keys and order as the CSV columns; numbers as numbers, empty as null.</summary>
    public static void WriteJson(Stream stream, IEnumerable<KpiExportRow> rows)
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions
        {
            Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });
        json.WriteStartArray();
        foreach (var r in rows)
        {
            json.WriteStartObject();
            json.WriteString("plan_code", r.plan_code);
            json.WriteString("policy_code", r.policy_code);
            json.WriteString("measure_code", r.measure_code);
            WriteNullable(json, "project_code", r.project_code);
            WriteNullable(json, "project_name", r.project_name);
            json.WriteString("indicator_code", r.indicator_code);
            json.WriteString("indicator_name", r.indicator_name);
            json.WriteString("unit", r.unit);
            json.WriteString("direction", r.direction);
            json.WriteString("comparator", r.comparator);
            json.WriteBoolean("cumulative", r.cumulative == "true");
            json.WriteNumber("fiscal_year", r.fiscal_year);
            WriteNullable(json, "target_value", r.target_value);
            WriteNullable(json, "target_text", r.target_text);
            WriteNullable(json, "actual_value", r.actual_value);
            WriteNullable(json, "achievement_rate", r.achievement_rate);
            json.WriteString("status", r.status);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, string? value)
    {
        if (string.IsNullOrEmpty(value)) json.WriteNull(name); else json.WriteString(name, value);
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, decimal? value)
    {
        if (value is { } v) json.WriteNumber(name, Normalize(v)); else json.WriteNull(name);
    }

    private static IEnumerable<string> Fields(KpiExportRow r) =>
    [
        r.plan_code, r.policy_code, r.measure_code, r.project_code, r.project_name, r.indicator_code, r.indicator_name,
        r.unit, r.direction, r.comparator, r.cumulative, r.fiscal_year.ToString(CultureInfo.InvariantCulture),
        Format(r.target_value), r.target_text ?? "", Format(r.actual_value), Format(r.achievement_rate), r.status,
    ];

    /// <summary>A decimal without trailing zeros: 450000, 70.8 (not 450000.0000).</summary>
    public static string Format(decimal? value) => value is { } v ? Normalize(v).ToString(CultureInfo.InvariantCulture) : "";

    private static decimal Normalize(decimal v) => v / 1.000000000000000000000000000000000m;

    /// <summary>UTF-8 with BOM, so Excel opens Japanese text correctly.</summary>
    public static readonly Encoding ExcelUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: true);

    /// <summary>
    /// The KPI report for people (the dashboard's Excel and CSV downloads): the same rows as <see cref="Rows"/> (one per
    /// indicator and plan year, plan order) with Japanese headers, the plan's own level names, 令和 years
    /// (<see cref="Fmt.YearLong"/>: 「令和3年度(2021)」), Japanese status names (<see cref="KpiRules.Label"/>: 達成, 順調, 遅れ,
    /// 未測定, 数値目標なし), numbers as numbers (target, actual, achievement rate in %), the note typed with the actual and
    /// where the actual came from. Machine-readable exports (<c>export-kpis</c>, <c>kpis.csv</c>) keep <see cref="Columns"/>.
    /// </summary>
    public static ExportTable Report(PlanSnapshot plan)
    {
        var p = plan.Plan;
        string[] headers =
        [
            "計画", p.PolicyLevelName, p.MeasureLevelName, "事業番号", p.ProjectLevelName, "指標番号", "指標名", "単位",
            "方向", "目標の種類", "累積", "年度", "目標値", "目標 (計画の記載)", "実績値", "達成率(%)", "状況", "実績のメモ", "入力元", "主管課",
        ];
        var rows = new List<IReadOnlyList<object?>>();
        foreach (var r in plan.Indicators)
        {
            foreach (var y in r.Years)
            {
                rows.Add(
                [
                    p.Title, $"{r.Policy.Code} {r.Policy.Title}", $"{r.Measure.Code} {r.Measure.Title}", r.ProjectCode, r.Project?.Name ?? "",
                    r.Indicator.Code, r.Indicator.Name, r.Indicator.Unit,
                    r.Indicator.Direction == Direction.Higher ? "高いほど良い" : "低いほど良い",
                    r.Indicator.Comparator switch { Comparator.AtLeast => "以上", Comparator.AtMost => "以下", _ => "目標値" },
                    r.Indicator.Cumulative ? "累積" : "",
                    Fmt.YearLong(y.FiscalYear.StartYear),
                    N(y.TargetValue), y.TargetText ?? "", N(y.Actual?.Value), N(y.Evaluation.AchievementRate),
                    KpiRules.Label(y.Evaluation.Status),
                    y.Actual?.Note ?? "",
                    y.Actual is { } a ? (a.IsFed ? Formats.FeedLabel(a.Source) : Fmt.Actor(a.Source)) : r.Indicator.MetricKey is not null ? Formats.FeedLabel(r.Feed?.SourceModule) : "",
                    string.Join("、", r.LeadDepartments),
                ]);
            }
        }
        return new ExportTable("KPI", headers, rows);
    }

    private static decimal? N(decimal? value) => value is { } v ? Normalize(v) : null;

    /// <summary>The report's file name without extension: 「kpi-report-hadano-ict-2021-20261130」.</summary>
    public static string ReportFileName(PlanSnapshot plan) => $"kpi-report-{plan.Plan.Code}-{plan.AsOf:yyyyMMdd}";
}
