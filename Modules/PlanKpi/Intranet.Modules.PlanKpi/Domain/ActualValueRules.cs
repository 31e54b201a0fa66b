using System.Globalization;
using System.Text;

namespace Intranet.Modules.PlanKpi.Domain;

/// <summary>
/// What an actual (実績値) may be, checked against its indicator on every path that stores one: the
/// single-value form (<c>RecordActual</c>), the entry grid's batch save (<c>RecordActuals</c>) and the Excel
/// entry sheet (<c>ImportEntrySheet</c>). Source: issue #8 (「−5 フォロワー」「教職員の割合 150%」 were accepted and
/// scored) and the plan file's units (<c>PlanFiles/README.md</c>: %, 件, 時間, 業務, 人, 回, 枚, 箇所, 種類 …).
/// <list type="number">
/// <item>No value is negative: every bundled indicator counts things, hours, sheets or shares
/// (a change-type indicator such as 「前年比増減」 would need a new field in the plan file; none exists).</item>
/// <item>A share (unit %) lies between 0 and 100, unless the indicator itself says it can exceed 100: a
/// numeric target above 100 for any year, or a name that measures a ratio against a reference
/// (<see cref="RatioAbove100Words"/>: 達成率, 前年比 …). The plan file has no separate field for this.</item>
/// <item>Whole units (<see cref="WholeUnits"/>) take whole numbers: 1.5人 or 2.5件 are typing errors.</item>
/// <item>At most 4 decimals (the database keeps 18,4) and at most 1兆.</item>
/// </list>
/// </summary>
public static class ActualValueRules
{
    /// <summary>
    /// Units counted in whole things (人, 件, 回, 業務, 台, 校, 団体 …): the units of the bundled plans
    /// (<c>PlanFiles/*.json</c>: 人, 件, 回, 業務, 種類, 箇所, 枚, データ) plus those common in municipal plans
    /// (GLOSSARY.md 単位; 台, 校, 団体, 施設, 者, 名, 社, 本, 個, カ所). Not whole: %, 時間, 万件, 千円, 円, 人工.
    /// </summary>
    public static readonly IReadOnlySet<string> WholeUnits = new HashSet<string>(StringComparer.Ordinal)
    {
        "人", "件", "回", "業務", "台", "校", "団体", "種類", "箇所", "か所", "カ所", "ヶ所", "枚", "データ",
        "施設", "者", "名", "社", "本", "個", "手続", "地区", "園", "課", "部署", "システム", "アプリ",
    };

    /// <summary>Units read as a share in percent.</summary>
    public static readonly IReadOnlySet<string> PercentUnits = new HashSet<string>(StringComparer.Ordinal) { "%", "％", "パーセント" };

    /// <summary>Words in an indicator's name that mark a % figure allowed above 100 (a ratio against a reference).</summary>
    public static readonly IReadOnlyList<string> RatioAbove100Words = ["達成率", "前年比", "前年度比", "対前年", "伸び率", "増加率", "充足率"];

    /// <summary>The largest value accepted (absolute), as the single-value form always did.</summary>
    public const decimal MaxValue = 1_000_000_000_000m;

    /// <summary>Whether <paramref name="unit"/> counts whole things.</summary>
    public static bool IsWholeUnit(string unit) => WholeUnits.Contains(unit.Trim());

    /// <summary>Whether <paramref name="unit"/> is a percentage.</summary>
    public static bool IsPercent(string unit) => PercentUnits.Contains(unit.Trim());

    /// <summary>
    /// Whether a % indicator may exceed 100: a numeric target above 100, or a name with one of
    /// <see cref="RatioAbove100Words"/>. Always false for other units (they have no upper bound).
    /// </summary>
    public static bool AllowsAbove100(Indicator indicator) =>
        IsPercent(indicator.Unit)
        && (indicator.Targets.Any(t => t.Value > 100m) || RatioAbove100Words.Any(w => indicator.Name.Contains(w, StringComparison.Ordinal)));

    /// <summary>
    /// Checks <paramref name="value"/> for <paramref name="indicator"/> (its <see cref="Indicator.Targets"/> must be
    /// loaded for the % rule). Returns null when the value is acceptable, else one Japanese message naming the
    /// indicator and the value, e.g. 「Twitter フォロワー数: −5 は受け付けられません。人の実績値は0以上で入力してください。」.
    /// </summary>
    public static string? Check(Indicator indicator, decimal value)
    {
        var unit = indicator.Unit.Trim();
        var shown = value.ToString("#,0.####", CultureInfo.InvariantCulture);
        var name = indicator.Name;
        if (Math.Abs(value) > MaxValue)
            return $"{name}: {shown} は大きすぎます。";
        if (value < 0)
            return $"{name}: {shown}{unit} は受け付けられません。実績値は0以上で入力してください。";
        if (IsPercent(unit) && value > 100m && !AllowsAbove100(indicator))
            return $"{name}: {shown}% は受け付けられません。割合は0〜100%の範囲で入力してください。";
        if (IsWholeUnit(unit) && value != decimal.Truncate(value))
            return $"{name}: {shown}{unit} は受け付けられません。{unit}の数は整数で入力してください。";
        if (decimal.Round(value, 4) != value)
            return $"{name}: {shown} は小数点以下4桁までで入力してください。";
        return null;
    }

    /// <summary>
    /// Reads a typed value leniently: full-width digits, thousands separators (「1,500」「１，５００」), a trailing unit
    /// (「92.5%」「1500人」) and spaces are accepted. Returns true with the value, true with null for an empty text
    /// (no value), or false with a Japanese message (「実績値は数値で入力してください (入力: abc)。」).
    /// </summary>
    public static bool TryParse(string? text, string unit, out decimal? value, out string? error)
    {
        value = null;
        error = null;
        if (string.IsNullOrWhiteSpace(text)) return true;
        var normalized = text.Normalize(NormalizationForm.FormKC).Replace(",", "").Replace("、", "").Replace("−", "-").Trim();
        var u = unit.Normalize(NormalizationForm.FormKC).Trim();
        if (u.Length > 0 && normalized.EndsWith(u, StringComparison.Ordinal)) normalized = normalized[..^u.Length].Trim();
        if (decimal.TryParse(normalized, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite,
                CultureInfo.InvariantCulture, out var parsed))
        {
            value = parsed;
            return true;
        }
        error = $"実績値は数値で入力してください (入力: {text.Trim()})。";
        return false;
    }

    /// <summary>
    /// Whether an indicator still owes a typed-in actual for a year (「未入力」 on the entry page, the department list
    /// and the home page): it is not fed by a module, the plan sets a target (number or text) for that year, and no
    /// actual exists yet. Years without a target owe nothing (the plan asks for no figure then).
    /// </summary>
    public static bool Owes(bool isFed, bool hasTargetForYear, bool hasActual) => !isFed && hasTargetForYear && !hasActual;

    /// <summary>Maximum length of a note typed with an actual.</summary>
    public const int MaxNoteLength = 500;
}
