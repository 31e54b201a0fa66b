using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Intranet.Shared.Time;

namespace Intranet.Shared.Import;

/// <summary>
/// Reads the values other systems write into their exports, the way a Japanese office writes them. Every reader
/// returns false with a Japanese message naming the value instead of throwing, and never overflows: a number too
/// large for the field is an error, not a crash.
/// <list type="bullet">
/// <item>Text is normalised with NFKC first: full-width digits and letters become half-width, half-width katakana
/// (ｻﾃﾗｲﾄ) become full-width (サテライト).</item>
/// <item>Dates: <c>yyyy/M/d</c>, <c>yyyy-M-d</c>, <c>yyyy.M.d</c>, <c>yyyyMMdd</c>, <c>yyyy年M月d日</c>, 和暦
/// 「令和5年4月3日」「令和元年5月1日」「R5.4.3」「H31/4/30」, and any of these followed by a time.</item>
/// <item>Date-times: a date with <c>H:mm</c> or <c>H:mm:ss</c>, ISO 8601 with an offset
/// (<c>2023-04-03T09:15:00+09:00</c>, <c>…Z</c>); without an offset the time is Japan time (+09:00).</item>
/// <item>Durations in hours: decimal (<c>7.75</c>), <c>h:mm</c> (<c>7:45</c> = 7.75 h), 「7時間45分」.</item>
/// <item>Numbers: thousands separators (<c>1,234</c>), full-width digits.</item>
/// </list>
/// </summary>
public static partial class ImportValues
{
    /// <summary>The longest text a cell may hold (characters); a longer cell is an error, not stored.</summary>
    public const int MaxCellLength = 4000;

    /// <summary>NFKC-normalised and trimmed: 「ｻﾃﾗｲﾄ」→「サテライト」, 「１２３」→「123」, full-width space trimmed.</summary>
    public static string Normalize(string? text) =>
        string.IsNullOrEmpty(text) ? "" : text.Normalize(NormalizationForm.FormKC).Trim();

    [GeneratedRegex(@"^(\d{4})\s*[/\-.年]\s*(\d{1,2})\s*[/\-.月]\s*(\d{1,2})\s*日?(?:(?:\s+|T)(.+))?$")]
    private static partial Regex WesternDate();

    [GeneratedRegex(@"^(\d{4})(\d{2})(\d{2})$")]
    private static partial Regex CompactDate();

    [GeneratedRegex(@"^(明治|大正|昭和|平成|令和|[MTSHRmtshr])\s*(元|\d{1,2})\s*[年/\-.]\s*(\d{1,2})\s*[月/\-.]\s*(\d{1,2})\s*日?(?:\s+(.+))?$")]
    private static partial Regex EraDate();

    [GeneratedRegex(@"^(\d{1,2})\s*[:時]\s*(\d{1,2})\s*(?:分)?\s*(?:[:]\s*(\d{1,2})(?:\.\d+)?\s*)?(?:秒)?$")]
    private static partial Regex TimeOfDay();

    [GeneratedRegex(@"^(\d{1,3}):(\d{2})(?::(\d{2}))?$")]
    private static partial Regex ClockHours();

    [GeneratedRegex(@"^(?:(\d+(?:\.\d+)?)\s*時間)?\s*(?:(\d+)\s*分)?$")]
    private static partial Regex JapaneseHours();

    [GeneratedRegex(@"[+-]\d\d:?\d\d$|Z$")]
    private static partial Regex OffsetSuffix();

    private static JapaneseEra? EraOf(string name) => name.ToUpperInvariant() switch
    {
        "令和" or "R" => JapaneseEra.Reiwa,
        "平成" or "H" => JapaneseEra.Heisei,
        "昭和" or "S" => JapaneseEra.Showa,
        "大正" or "T" => JapaneseEra.Taisho,
        "明治" or "M" => JapaneseEra.Meiji,
        _ => null,
    };

    /// <summary>Reads a date (see the class summary for the forms); a trailing time is allowed and ignored.</summary>
    /// <param name="text">The cell.</param>
    /// <param name="value">The date.</param>
    /// <param name="error">Why not, in Japanese, naming the value: 「存在しない日付です: 2023/02/30」.</param>
    public static bool TryParseDate(string text, out DateOnly value, out string error)
    {
        // The form attendance and RPA exports write on every row, read without normalising and matching (issue #12: an import
        // of 2,000,000 telework days reads 4,000,000 dates). Anything else, an impossible date included, takes the general path.
        if (IsoDate(text) is { } iso)
        {
            (value, error) = (iso, "");
            return true;
        }
        if (TryParseDateTime(text, out var dt, out error))
        {
            value = DateOnly.FromDateTime(dt.ToOffset(FiscalYear.JapanOffset).DateTime);
            return true;
        }
        value = default;
        return false;
    }

    /// <summary>A possible date written exactly <c>yyyy-MM-dd</c> (year 1900–2999, the general path's range), else null.</summary>
    private static DateOnly? IsoDate(string text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) && date.Year is >= 1900 and <= 2999
            ? date
            : null;

    /// <summary>A possible instant written exactly <c>yyyy-MM-dd HH:mm:ss</c> (Japan time, year 1900–2999, the general path's range), else null.</summary>
    private static DateTimeOffset? IsoDateTime(string text) =>
        DateTime.TryParseExact(text, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local) && local.Year is >= 1900 and <= 2999
            ? new DateTimeOffset(local, FiscalYear.JapanOffset)
            : null;

    /// <summary>Reads a date-time (see the class summary); a date alone is midnight Japan time.</summary>
    /// <param name="text">The cell.</param>
    /// <param name="value">The instant.</param>
    /// <param name="error">Why not, in Japanese, naming the value.</param>
    public static bool TryParseDateTime(string text, out DateTimeOffset value, out string error)
    {
        // The form RPA tools write on every row (issue #12: 400,000 instants in an import of 200,000 runs), read without
        // normalising and matching, as IsoDate for dates. Anything else, an impossible one included, takes the general path.
        if (IsoDateTime(text) is { } iso)
        {
            (value, error) = (iso, "");
            return true;
        }
        value = default;
        var s = Normalize(text);
        error = "";
        if (s.Length == 0) { error = "日付がありません。"; return false; }
        if (s.Length > 64) { error = "日付として読めません (長すぎます)。"; return false; }
        if (s.Length > 10 && s.Contains(':') && OffsetSuffix().IsMatch(s))
        {
            if (DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out value)) return true;
            error = $"日時として読めません: {s}";
            return false;
        }
        int year, month, day;
        string? time;
        Match m;
        if ((m = WesternDate().Match(s)).Success)
        {
            (year, month, day, time) = (int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture),
                int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture), m.Groups[4].Success ? m.Groups[4].Value : null);
            // "2023-04-03T09:15:00" without offset: the T form with a time is read here (Japan time).
        }
        else if ((m = CompactDate().Match(s)).Success)
        {
            (year, month, day, time) = (int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture),
                int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture), null);
        }
        else if ((m = EraDate().Match(s)).Success)
        {
            var era = EraOf(m.Groups[1].Value)!;
            var eraYear = m.Groups[2].Value == "元" ? 1 : int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            if (eraYear == 0) { error = $"和暦の年が0です: {s}"; return false; }
            (year, month, day, time) = (era.Start.Year + eraYear - 1, int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture),
                int.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture), m.Groups[5].Success ? m.Groups[5].Value : null);
        }
        else
        {
            error = $"日付として読めません: {s} (例: 2023/04/03, 令和5年4月3日, R5.4.3)";
            return false;
        }
        if (year is < 1900 or > 2999 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            error = $"存在しない日付です: {s}";
            return false;
        }
        var timeOfDay = TimeSpan.Zero;
        if (time is not null && !TryParseTimeOfDay(time, out timeOfDay, out error)) return false;
        value = new DateTimeOffset(new DateTime(year, month, day).Add(timeOfDay), FiscalYear.JapanOffset);
        return true;
    }

    /// <summary>Reads a time of day: <c>H:mm</c>, <c>H:mm:ss</c>, 「9時15分」 (0:00–23:59:59; 24:00 is the end of the day).</summary>
    public static bool TryParseTimeOfDay(string text, out TimeSpan value, out string error)
    {
        value = default;
        error = "";
        var s = Normalize(text);
        var m = TimeOfDay().Match(s);
        if (!m.Success) { error = $"時刻として読めません: {s} (例: 9:15)"; return false; }
        var h = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        var min = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        var sec = m.Groups[3].Success ? int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture) : 0;
        if (h > 24 || min > 59 || sec > 59 || (h == 24 && (min > 0 || sec > 0))) { error = $"存在しない時刻です: {s}"; return false; }
        value = new TimeSpan(h, min, sec);
        return true;
    }

    /// <summary>Reads a duration in hours: <c>7.75</c>, <c>7:45</c> (h:mm), <c>7:45:00</c>, 「7時間45分」, 「45分」.</summary>
    /// <param name="text">The cell.</param>
    /// <param name="hours">Hours (7:45 → 7.75).</param>
    /// <param name="error">Why not, in Japanese.</param>
    public static bool TryParseHours(string text, out decimal hours, out string error)
    {
        hours = 0;
        error = "";
        var s = Normalize(text);
        Match m;
        if ((m = ClockHours().Match(s)).Success)
        {
            var minutes = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            var seconds = m.Groups[3].Success ? int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture) : 0;
            if (minutes > 59 || seconds > 59) { error = $"時間として読めません: {s} (分は0〜59)"; return false; }
            hours = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) + minutes / 60m + seconds / 3600m;
            return true;
        }
        if (TryParseDecimal(s, out hours)) return true;
        if (s.Length > 0 && (m = JapaneseHours().Match(s)).Success && (m.Groups[1].Success || m.Groups[2].Success))
        {
            decimal.TryParse(m.Groups[1].Success ? m.Groups[1].Value : "0", NumberStyles.Number, CultureInfo.InvariantCulture, out var h);
            if (!int.TryParse(m.Groups[2].Success ? m.Groups[2].Value : "0", CultureInfo.InvariantCulture, out var mm) || mm > 59 && m.Groups[1].Success)
            {
                error = $"時間として読めません: {s}";
                return false;
            }
            hours = h + mm / 60m;
            return true;
        }
        error = $"時間として読めません: {s} (例: 7.75, 7:45)";
        return false;
    }

    /// <summary>Reads a number with optional thousands separators, sign and full-width digits; false for overflow.</summary>
    public static bool TryParseDecimal(string text, out decimal value)
    {
        var s = Normalize(text).Replace(",", "").Replace(" ", "");
        if (s.Length is 0 or > 40) { value = 0; return false; }
        return decimal.TryParse(s, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>
    /// Reads a whole number between <paramref name="min"/> and <paramref name="max"/>; a larger number (even one no
    /// integer type holds) is a range error, never an overflow.
    /// </summary>
    public static bool TryParseInteger(string text, long min, long max, out long value, out string error)
    {
        value = 0;
        error = "";
        if (!TryParseDecimal(text, out var d))
        {
            var digits = Normalize(text).Replace(",", "");
            error = digits.Length > 0 && digits.All(char.IsAsciiDigit)
                ? $"{min:N0}〜{max:N0}の範囲で入力してください (値: {Shorten(digits)})。"
                : $"整数として読めません: {Shorten(Normalize(text))}";
            return false;
        }
        if (d != decimal.Truncate(d)) { error = $"整数で入力してください (値: {Normalize(text)})。"; return false; }
        if (d < min || d > max) { error = $"{min:N0}〜{max:N0}の範囲で入力してください (値: {Shorten(Normalize(text))})。"; return false; }
        value = (long)d;
        return true;
    }

    /// <summary>Reads yes/no: 1/0, true/false, はい/いいえ, 有/無, あり/なし, ○/×, yes/no; empty is no.</summary>
    public static bool? ParseFlag(string text) => Normalize(text).ToLowerInvariant() switch
    {
        "" or "0" or "false" or "no" or "n" or "いいえ" or "無" or "なし" or "×" or "-" => false,
        "1" or "true" or "yes" or "y" or "はい" or "有" or "あり" or "○" or "◯" or "〇" => true,
        _ => null,
    };

    /// <summary>A value cut to 40 characters for messages.</summary>
    public static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
