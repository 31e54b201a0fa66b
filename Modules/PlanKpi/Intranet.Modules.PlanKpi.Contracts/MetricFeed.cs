using MediatR;

namespace Intranet.Modules.PlanKpi.Contracts;

/// <summary>
/// Metric keys of the figures that modules feed into plan indicators. A key names one figure per
/// fiscal year; plan indicators bound to a key take their actual (実績値) from the feed and can no
/// longer be typed in by hand. Keys are lower-case, dot-separated: <c>{module}.{figure}</c>.
/// </summary>
public static class MetricKeys
{
    /// <summary>RPA: cases in production since the plan start (業務, cumulative). Hadano 2-1-(1) 適用業務数(累積).</summary>
    public const string RpaAutomatedProcessCount = "rpa.automated-process-count";
    /// <summary>RPA: hours saved since the plan start (時間, cumulative). Hadano 2-1-(1) 削減時間(累積).</summary>
    public const string RpaHoursSaved = "rpa.hours-saved";
    /// <summary>Paperless: share of 庁議 sessions held paperless, web meetings included (%). Hadano 2-2-(1).</summary>
    public const string PaperlessExecutiveMeetingRate = "paperless.executive-meeting-rate";
    /// <summary>Paperless: share of manager-level meetings (庁議 excluded) held paperless (%). Hadano 2-2-(1).</summary>
    public const string PaperlessManagerMeetingRate = "paperless.manager-meeting-rate";
    /// <summary>Paperless: share of assembly meetings whose participants' materials were paperless (%). Hadano 2-2-(7).</summary>
    public const string PaperlessAssemblyMeetingRate = "paperless.assembly-meeting-rate";
    /// <summary>Paperless: share of assembly sessions run with tablets (%). Hadano 2-2-(7).</summary>
    public const string PaperlessAssemblyTabletRate = "paperless.assembly-tablet-rate";
    /// <summary>Paperless: sheets of paper saved in the fiscal year against FY2019's office-wide paper use (枚). Hadano 2-2-(2)-1.</summary>
    public const string PaperlessSheetsSaved = "paperless.sheets-saved";
    /// <summary>Telework: eligible staff with at least one telework day in the fiscal year ÷ eligible headcount (%). Hadano 2-3-(1).</summary>
    public const string TeleworkParticipationRate = "telework.participation-rate";
}

/// <summary>
/// A figure a module offers to the plan. A module registers each of its definitions as a singleton
/// (<c>services.AddSingleton(new MetricDefinition(…))</c>); the plan module lists them so the plan office
/// can bind indicators, and refuses reports for keys nobody registered.
/// </summary>
/// <param name="Key">A <see cref="MetricKeys"/> value.</param>
/// <param name="Name">Japanese name, e.g. 「RPA適用業務数(累積)」.</param>
/// <param name="Unit">Unit of every reported value: 業務, 時間, %, 枚 ….</param>
/// <param name="Cumulative">True when each year's value counts everything since the plan start.</param>
/// <param name="SourceModule">Japanese module name shown as the actual's source, e.g. 「RPA台帳」.</param>
public sealed record MetricDefinition(string Key, string Name, string Unit, bool Cumulative, string SourceModule);

/// <summary>One fiscal year's value of a metric.</summary>
/// <param name="Key">The metric key.</param>
/// <param name="FiscalYear">Fiscal year as its starting calendar year (2021 = 令和3年度).</param>
/// <param name="Value">The figure, in <paramref name="Unit"/>; rates in percent (0–100), not fractions.</param>
/// <param name="Unit">Must equal the registered <see cref="MetricDefinition.Unit"/>.</param>
/// <param name="MeasuredAt">When the module computed it (UTC).</param>
public sealed record MetricValue(string Key, int FiscalYear, decimal Value, string Unit, DateTimeOffset MeasuredAt);

/// <summary>
/// Command a module sends (through <c>IMediator</c>) to report figures. Each value replaces the
/// previous value for the same key and fiscal year; a value equal to the stored one changes nothing.
/// For the keys in <paramref name="CompleteKeys"/> the report is the whole picture: a stored value of such
/// a key for a fiscal year the report does not mention is withdrawn (e.g. a category left without sessions
/// no longer has a rate). Handled by the plan-KPI module in one transaction.
/// Errors (<c>RequestValidationException</c>): unknown key, unit different from the definition,
/// fiscal year outside 2000–2100, or a source module other than the key's registered one.
/// </summary>
/// <param name="SourceModule">The reporting module's Japanese name (must match the definitions).</param>
/// <param name="Values">The figures; may mix keys and years.</param>
/// <param name="CompleteKeys">Keys this report fully recomputes (null: none, values are only added or replaced).</param>
public sealed record ReportMetrics(string SourceModule, IReadOnlyList<MetricValue> Values, IReadOnlyList<string>? CompleteKeys = null)
    : IRequest<ReportMetricsResult>;

/// <summary>What a <see cref="ReportMetrics"/> changed.</summary>
/// <param name="Changed">Values stored because they were new or different.</param>
/// <param name="Unchanged">Values equal to what was stored.</param>
public sealed record ReportMetricsResult(int Changed, int Unchanged);

/// <summary>
/// Published after an indicator's actual for a fiscal year changed, whether typed in or fed.
/// </summary>
/// <param name="PlanCode">Plan code, e.g. <c>hadano-ict-2021</c>.</param>
/// <param name="IndicatorCode">Indicator code, e.g. <c>2-1-(1)-1</c>.</param>
/// <param name="FiscalYear">Starting calendar year.</param>
/// <param name="Value">New actual, or null when it was removed.</param>
/// <param name="Source">「RPA台帳」 for a feed, the user's name for manual entry.</param>
public sealed record IndicatorActualChanged(string PlanCode, string IndicatorCode, int FiscalYear, decimal? Value, string Source)
    : INotification;
