using System.Globalization;

namespace Intranet.Shared.Time;

/// <summary>
/// Japanese era names (元号) from 明治 to 令和, with the first day of each era.
/// Rules follow the Cabinet Office's era changes: 令和 began 2019-05-01, 平成 1989-01-08,
/// 昭和 1926-12-25, 大正 1912-07-30, 明治 1868-10-23 (Gregorian dates).
/// </summary>
public sealed record JapaneseEra(string Name, DateOnly Start)
{
    /// <summary>令和 (Reiwa), from 2019-05-01.</summary>
    public static readonly JapaneseEra Reiwa = new("令和", new DateOnly(2019, 5, 1));
    /// <summary>平成 (Heisei), from 1989-01-08.</summary>
    public static readonly JapaneseEra Heisei = new("平成", new DateOnly(1989, 1, 8));
    /// <summary>昭和 (Showa), from 1926-12-25.</summary>
    public static readonly JapaneseEra Showa = new("昭和", new DateOnly(1926, 12, 25));
    /// <summary>大正 (Taisho), from 1912-07-30.</summary>
    public static readonly JapaneseEra Taisho = new("大正", new DateOnly(1912, 7, 30));
    /// <summary>明治 (Meiji), from 1868-10-23.</summary>
    public static readonly JapaneseEra Meiji = new("明治", new DateOnly(1868, 10, 23));

    /// <summary>All eras, newest first.</summary>
    public static IReadOnlyList<JapaneseEra> All { get; } = [Reiwa, Heisei, Showa, Taisho, Meiji];

    /// <summary>The era in force on <paramref name="date"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The date is before 明治 (1868-10-23).</exception>
    public static JapaneseEra On(DateOnly date) =>
        All.FirstOrDefault(e => e.Start <= date)
        ?? throw new ArgumentOutOfRangeException(nameof(date), date, "明治より前の日付は和暦に変換できません。");

    /// <summary>
    /// The era used to name a whole calendar year or fiscal year: the newest era that began in or before
    /// that year. This is how public bodies name years: FY2019 is 令和元年度 although April 2019 was
    /// still 平成31年, and FY1988 is 昭和63年度.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The year is before 1868.</exception>
    public static JapaneseEra ForYear(int calendarYear) =>
        All.FirstOrDefault(e => e.Start.Year <= calendarYear)
        ?? throw new ArgumentOutOfRangeException(nameof(calendarYear), calendarYear, "1868年より前の年は和暦に変換できません。");

    /// <summary>Year number within this era for a calendar year (the era's first year is 1).</summary>
    public int YearOf(int calendarYear) => calendarYear - Start.Year + 1;

    /// <summary>「元」 for year 1, otherwise the number: 令和元年, 令和3年.</summary>
    public static string FormatEraYear(int eraYear) => eraYear == 1 ? "元" : eraYear.ToString(CultureInfo.InvariantCulture);

    /// <summary>A date in Japanese style: 「令和3年4月1日」; 2019-04-30 is 「平成31年4月30日」.</summary>
    public static string FormatDate(DateOnly date)
    {
        var era = On(date);
        return $"{era.Name}{FormatEraYear(era.YearOf(date.Year))}年{date.Month}月{date.Day}日";
    }
}
