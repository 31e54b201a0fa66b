using System.Globalization;
using Intranet.Shared.Time;

namespace Intranet.Shared.Web;

/// <summary>
/// The one number and date formatter of the suite's pages and Excel/CSV downloads meant for people
/// (machine-readable exports keep invariant numbers). Empty values print 「—」.
/// </summary>
public static class Fmt
{
    /// <summary>Japanese culture used for every user-facing number.</summary>
    public static readonly CultureInfo Japanese = CultureInfo.GetCultureInfo("ja-JP");

    /// <summary>Shown for a value that does not exist.</summary>
    public const string Empty = "—";

    /// <summary>A number with thousands separators and at most 2 decimals: 「7,350」「70.83」.</summary>
    public static string Number(decimal? value) => value is { } v ? v.ToString("#,0.##", Japanese) : Empty;

    /// <summary>A whole count with thousands separators: 「1,102」.</summary>
    public static string Count(long? value) => value is { } v ? v.ToString("#,0", Japanese) : Empty;

    /// <summary>A percentage with one decimal everywhere: 「92.5%」「100.0%」. <paramref name="percent"/> is in % (0–100), not a fraction.</summary>
    public static string Percent(decimal? percent) => percent is { } p ? Math.Round(p, 1, MidpointRounding.AwayFromZero).ToString("#,0.0", Japanese) + "%" : Empty;

    /// <summary>
    /// A value with its unit: 「7,350時間」「1,500人」; a unit of 「%」 prints one decimal (「70.0%」) like <see cref="Percent"/>.
    /// </summary>
    public static string WithUnit(decimal? value, string? unit)
    {
        if (value is null) return Empty;
        if (unit is "%" or "％") return Percent(value);
        return Number(value) + (unit ?? "");
    }

    /// <summary>A fiscal year as users read it: 「令和5年度」 (<see cref="FiscalYear.EraLabel"/>).</summary>
    public static string Year(int fiscalYearStart) => new FiscalYear(fiscalYearStart).EraLabel;

    /// <summary>A fiscal year with the western year for lists and downloads: 「令和5年度(2023)」.</summary>
    public static string YearLong(int fiscalYearStart) => new FiscalYear(fiscalYearStart).Label;

    /// <summary>A date as 「2026/11/30」.</summary>
    public static string Date(DateOnly? date) => date is { } d ? d.ToString("yyyy/MM/dd", CultureInfo.InvariantCulture) : Empty;

    /// <summary>An instant in Japan time: 「2026/11/30 14:05」.</summary>
    public static string Time(DateTimeOffset? instant) => instant is { } i ? i.ToJapanTimeText() : Empty;

    /// <summary>
    /// Who recorded something, in words for users (never an internal actor name): a file import run in the
    /// background for a person is stored as <c>system (for user@…)</c> (<see cref="Security.HttpCurrentUser.ActOnBehalfOf"/>)
    /// and shown as 「user@… (一括取込)」; the command line, jobs and demo data (<c>system</c>, <c>system:cli</c>,
    /// <c>system:job</c>) as 「一括取込 (管理コマンド)」; a person's e-mail as it is.
    /// </summary>
    public static string Actor(string? recordedBy)
    {
        if (string.IsNullOrWhiteSpace(recordedBy)) return Empty;
        const string prefix = Security.HttpCurrentUser.SystemName + " (for ";
        if (recordedBy.StartsWith(prefix, StringComparison.Ordinal) && recordedBy.EndsWith(')'))
            return recordedBy[prefix.Length..^1] + " (一括取込)";
        if (recordedBy == Security.HttpCurrentUser.SystemName || recordedBy.StartsWith(Security.HttpCurrentUser.SystemName + ":", StringComparison.Ordinal))
            return "一括取込 (管理コマンド)";
        return recordedBy;
    }
}
