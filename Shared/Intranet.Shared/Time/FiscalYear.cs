using System.Globalization;
using System.Text.RegularExpressions;

namespace Intranet.Shared.Time;

/// <summary>
/// A Japanese fiscal year (年度): April 1 to March 31, named by the calendar year it starts in
/// (FY2021 = 2021-04-01 – 2022-03-31 = 令和3年度). Source: GLOSSARY.md, seeds/README.md.
/// </summary>
public readonly partial record struct FiscalYear(int StartYear) : IComparable<FiscalYear>
{
    /// <summary>First calendar month of a fiscal year (April).</summary>
    public const int FirstMonth = 4;

    /// <summary>The fiscal year a date falls in: 2022-03-31 is FY2021, 2022-04-01 is FY2022.</summary>
    public static FiscalYear Of(DateOnly date) => new(date.Month >= FirstMonth ? date.Year : date.Year - 1);

    /// <summary>The fiscal year an instant falls in, in Japan Standard Time (UTC+9, no daylight saving).</summary>
    public static FiscalYear Of(DateTimeOffset instant) => Of(DateOnly.FromDateTime(instant.ToOffset(JapanOffset).DateTime));

    /// <summary>Japan Standard Time offset (+09:00).</summary>
    public static readonly TimeSpan JapanOffset = TimeSpan.FromHours(9);

    /// <summary>April 1 of <see cref="StartYear"/>.</summary>
    public DateOnly Start => new(StartYear, FirstMonth, 1);

    /// <summary>March 31 of the following calendar year.</summary>
    public DateOnly End => new(StartYear + 1, 3, 31);

    /// <summary>Whether <paramref name="date"/> lies in this fiscal year (both ends included).</summary>
    public bool Contains(DateOnly date) => date >= Start && date <= End;

    /// <summary>The next fiscal year.</summary>
    public FiscalYear Next => new(StartYear + 1);

    /// <summary>The previous fiscal year.</summary>
    public FiscalYear Previous => new(StartYear - 1);

    /// <summary>
    /// Share of this fiscal year that has elapsed at the end of <paramref name="date"/>, from 0 (before April 1)
    /// to 1 (on or after March 31).
    /// </summary>
    public double ElapsedFraction(DateOnly date)
    {
        if (date < Start) return 0;
        if (date >= End) return 1;
        var total = End.DayNumber - Start.DayNumber + 1;
        return (date.DayNumber - Start.DayNumber + 1) / (double)total;
    }

    /// <summary>The era that names this fiscal year (令和 for FY2019 onwards, see <see cref="JapaneseEra.ForYear"/>).</summary>
    public JapaneseEra Era => JapaneseEra.ForYear(StartYear);

    /// <summary>「令和3年度」 (「令和元年度」 for FY2019).</summary>
    public string EraLabel => $"{Era.Name}{JapaneseEra.FormatEraYear(Era.YearOf(StartYear))}年度";

    /// <summary>The UI label: 「令和3年度(2021)」.</summary>
    public string Label => $"{EraLabel}({StartYear.ToString(CultureInfo.InvariantCulture)})";

    /// <inheritdoc />
    public override string ToString() => Label;

    /// <inheritdoc />
    public int CompareTo(FiscalYear other) => StartYear.CompareTo(other.StartYear);

    /// <summary>Less-than by start year.</summary>
    public static bool operator <(FiscalYear a, FiscalYear b) => a.StartYear < b.StartYear;
    /// <summary>Greater-than by start year.</summary>
    public static bool operator >(FiscalYear a, FiscalYear b) => a.StartYear > b.StartYear;
    /// <summary>Less-or-equal by start year.</summary>
    public static bool operator <=(FiscalYear a, FiscalYear b) => a.StartYear <= b.StartYear;
    /// <summary>Greater-or-equal by start year.</summary>
    public static bool operator >=(FiscalYear a, FiscalYear b) => a.StartYear >= b.StartYear;

    /// <summary>
    /// Reads 「2021」, 「FY2021」, 「令和3年度」, 「令和元年度」, 「R3」 or 「平成30年度」 (full-width digits allowed).
    /// </summary>
    /// <returns>false when the text names no fiscal year.</returns>
    public static bool TryParse(string? text, out FiscalYear fiscalYear)
    {
        fiscalYear = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var s = text.Trim().Normalize(System.Text.NormalizationForm.FormKC);
        var western = WesternPattern().Match(s);
        if (western.Success)
        {
            fiscalYear = new FiscalYear(int.Parse(western.Groups[1].Value, CultureInfo.InvariantCulture));
            return true;
        }
        var era = EraPattern().Match(s);
        if (!era.Success) return false;
        var name = era.Groups[1].Value switch { "R" => "令和", "H" => "平成", "S" => "昭和", var n => n };
        var known = JapaneseEra.All.FirstOrDefault(e => e.Name == name);
        if (known is null) return false;
        var year = era.Groups[2].Value == "元" ? 1 : int.Parse(era.Groups[2].Value, CultureInfo.InvariantCulture);
        if (year < 1) return false;
        fiscalYear = new FiscalYear(known.Start.Year + year - 1);
        return true;
    }

    [GeneratedRegex(@"^(?:FY)?(\d{4})(?:年度)?$", RegexOptions.IgnoreCase)]
    private static partial Regex WesternPattern();

    [GeneratedRegex(@"^(令和|平成|昭和|大正|明治|R|H|S)(元|\d{1,2})(?:年度)?$")]
    private static partial Regex EraPattern();
}
