using System.Globalization;
using Intranet.Modules.PlanKpi.UseCases;
using Intranet.Shared.Time;

namespace Intranet.Modules.PlanKpi.Pages.Shared;

/// <summary>Number and link formatting shared by the module's pages.</summary>
public static class Formats
{
    private static readonly CultureInfo Japanese = CultureInfo.GetCultureInfo("ja-JP");

    /// <summary>A value with thousands separators and at most 2 decimals: 7,350 / 70.8.</summary>
    public static string Number(decimal? value) => value is { } v ? v.ToString("#,0.##", Japanese) : "—";

    /// <summary>Value and unit: 「7,350時間」, 「90%」.</summary>
    public static string WithUnit(decimal? value, string unit) => value is null ? "—" : Number(value) + unit;

    /// <summary>An achievement rate: 「92.5%」 or 「—」.</summary>
    public static string Rate(decimal? rate) => rate is { } r ? r.ToString("0.0", Japanese) + "%" : "—";

    /// <summary>The target cell as the plan prints it, else the number with unit.</summary>
    public static string Target(IndicatorYear y, string unit) => y.TargetText ?? (y.TargetValue is null ? "—" : WithUnit(y.TargetValue, unit));

    /// <summary>Link to a project page.</summary>
    public static string ProjectHref(string planCode, string projectCode) =>
        $"/plans/{Uri.EscapeDataString(planCode)}/projects/{Uri.EscapeDataString(projectCode)}";

    /// <summary>Link to the actual-entry form.</summary>
    public static string ActualHref(string planCode, string indicatorCode, int year) =>
        $"/plans/{Uri.EscapeDataString(planCode)}/indicators/{Uri.EscapeDataString(indicatorCode)}/actuals/{year}";

    /// <summary>Where an actual came from: 「RPA台帳 (自動連携) 2026/11/21 14:05」 or 「user@… 2026/11/21 14:05」.</summary>
    public static string Source(ActualInfo a) => a.IsFed
        ? $"{a.Source} (自動連携) {a.At.ToJapanTimeText()}"
        : $"{a.Source} {a.At.ToJapanTimeText()}";
}
