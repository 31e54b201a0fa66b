using System.Text.RegularExpressions;
using Intranet.Modules.PlanKpi.UseCases;
using Intranet.Shared.Web;

namespace Intranet.Modules.PlanKpi.Pages.Shared;

/// <summary>
/// The module's formatting and links. Numbers, percentages, units and years go through the suite's one formatter
/// (<see cref="Fmt"/>): thousands separators, percent with one decimal, 令和 years, 「—」 for no value.
/// </summary>
public static partial class Formats
{
    /// <summary>A value with thousands separators and at most 2 decimals: 7,350 / 70.83 (<see cref="Fmt.Number"/>).</summary>
    public static string Number(decimal? value) => Fmt.Number(value);

    /// <summary>Value and unit: 「7,350時間」, 「90.0%」 (<see cref="Fmt.WithUnit"/>).</summary>
    public static string WithUnit(decimal? value, string unit) => Fmt.WithUnit(value, unit);

    /// <summary>An achievement rate: 「92.5%」 or 「—」 (<see cref="Fmt.Percent"/>).</summary>
    public static string Rate(decimal? rate) => Fmt.Percent(rate);

    /// <summary>
    /// The target cell: the plan's own wording (「70%以上」「45万枚」「検討を踏まえ設定」) when it says more than the bare
    /// number; a bare number in the plan (「7,000」) gets the unit (「7,000人」); no text: number and unit; nothing: 「—」.
    /// </summary>
    public static string Target(IndicatorYear y, string unit)
    {
        if (y.TargetText is { Length: > 0 } text && !(y.TargetValue is not null && BareNumber().IsMatch(text))) return text;
        return y.TargetValue is null ? Fmt.Empty : WithUnit(y.TargetValue, unit);
    }

    [GeneratedRegex(@"^\s*[0-9,，.]+\s*$")]
    private static partial Regex BareNumber();

    /// <summary>Link to a project page.</summary>
    public static string ProjectHref(string planCode, string projectCode) =>
        $"/plans/{Uri.EscapeDataString(planCode)}/projects/{Uri.EscapeDataString(projectCode)}";

    /// <summary>
    /// Link to where an indicator is shown in full: its project's page (<c>#ind-CODE</c>), or for a measure-level indicator
    /// (施策目標値, <paramref name="projectCode"/> empty) the plan tree of <paramref name="year"/>, where it sits under its measure.
    /// </summary>
    public static string IndicatorHref(string planCode, string projectCode, string indicatorCode, int year) =>
        (projectCode.Length > 0 ? ProjectHref(planCode, projectCode) : $"/plans/{Uri.EscapeDataString(planCode)}?fy={year}")
        + "#ind-" + Uri.EscapeDataString(indicatorCode);

    /// <summary>Link to the actual-entry form.</summary>
    public static string ActualHref(string planCode, string indicatorCode, int year) =>
        $"/plans/{Uri.EscapeDataString(planCode)}/indicators/{Uri.EscapeDataString(indicatorCode)}/actuals/{year}";

    /// <summary>
    /// Link to the indicator list of one plan year filtered exactly as the dashboard counts: every non-empty part of
    /// <paramref name="filter"/> becomes a query value (<c>status</c>, <c>policy</c>, <c>measure</c>, <c>dept</c>).
    /// </summary>
    public static string IndicatorsHref(string planCode, int year, IndicatorFilter filter)
    {
        var parts = new List<string> { "plan=" + Uri.EscapeDataString(planCode), "fy=" + year };
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value)) parts.Add(name + "=" + Uri.EscapeDataString(value));
        }
        Add("status", filter.Status);
        Add("policy", filter.Policy);
        Add("measure", filter.Measure);
        Add("dept", filter.Department);
        return "/indicators?" + string.Join("&", parts);
    }

    /// <summary>Where an actual came from: 「RPA台帳 (自動連携) 2026/11/21 14:05」 or 「user@… 2026/11/21 14:05」.</summary>
    public static string Source(ActualInfo a) => a.IsFed
        ? $"{a.Source} (自動連携) {Fmt.Time(a.At)}"
        : $"{Fmt.Actor(a.Source)} {Fmt.Time(a.At)}";

    /// <summary>How a bound indicator gets its actual, in words: 「RPA台帳から自動連携」 (no metric key).</summary>
    public static string FeedLabel(string? sourceModule) => $"{sourceModule ?? "未導入のモジュール"}から自動連携";

    /// <summary>
    /// A plan's source as people read it, without the source file name: 「001_10a3….txt (案, 令和3年1月27日時点)」 →
    /// 「案, 令和3年1月27日時点」. The full text stays in the administrator's details.
    /// </summary>
    public static string? SourceForPeople(string? source)
    {
        if (string.IsNullOrWhiteSpace(source)) return null;
        var text = FileNamePrefix().Replace(source.Trim(), "").Trim();
        if (text.StartsWith('(') && text.EndsWith(')')) text = text[1..^1].Trim();
        return text.Length == 0 ? null : text;
    }

    [GeneratedRegex(@"^[\w.\-]+\.(txt|json|pdf|csv|xlsx?|docx?)\b", RegexOptions.IgnoreCase)]
    private static partial Regex FileNamePrefix();
}
