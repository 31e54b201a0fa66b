using System.Linq.Expressions;
using Intranet.Shared.Time;

namespace Intranet.Modules.Paperless.Domain;

/// <summary>
/// The rules of issue #4, in one place:
/// <list type="bullet">
/// <item>a session is paperless when no paper materials were handed out (<see cref="MaterialsDistribution.DigitalOnly"/>);
/// a WEB meeting counts as paperless whatever was printed, because the Hadano indicator reads
/// 「庁議のペーパーレス化率(WEB会議含む)」; a hybrid meeting counts by its materials;</item>
/// <item>paperless rate (%) of a category and fiscal year = paperless sessions ÷ sessions held × 100; no
/// sessions, no rate (null, never 0 % or 100 %);</item>
/// <item>sheets saved by a session = baseline (sheets per attendee, valid on the session date) × attendees −
/// sheets printed, never negative; no baseline, nothing saved;</item>
/// <item>tablet usage rate (%) of assembly meetings = sessions run with tablets ÷ sessions × 100;</item>
/// <item>紙の削減量 (Hadano 2-2-(2)-1) of a fiscal year = office-wide paper use of the baseline year FY2019 − the year's use
/// (<see cref="PaperReduction"/>), only when both are recorded; the sheets meetings avoided are a part of it, shown as a
/// breakdown.</item>
/// </list>
/// </summary>
public static class PaperlessRules
{
    /// <summary>
    /// The baseline year of 2-2-(2)-1 紙の削減量: FY2019 (令和元年度). Hadano's plan (seed 001, 2-2-(2) 文書管理システム及び電子決裁の導入,
    /// 指標の考え方) sets the target of 45万枚 「令和元年度における印刷用紙等の使用実績を基に」.
    /// </summary>
    public const int PaperUseBaselineYear = 2019;

    /// <summary>Upper bound of a year's office-wide paper use (枚): larger values are input errors.</summary>
    public const long MaxSheetsPerYear = 1_000_000_000;

    /// <summary>Longest source note (characters).</summary>
    public const int MaxSourceNoteLength = 200;

    /// <summary>
    /// 紙の削減量 of a fiscal year (枚) = <paramref name="baselineUse"/> (FY2019's office-wide use) − <paramref name="yearUse"/>;
    /// null (not measured, never 0) when either is not recorded. A year that used more paper than the baseline reduced
    /// nothing: 0, not a negative reduction (the plan's figures are never negative); <see cref="PaperUseChange"/> gives the signed change.
    /// </summary>
    public static long? PaperReduction(long? baselineUse, long? yearUse) =>
        baselineUse is { } b && yearUse is { } y ? Math.Max(0, b - y) : null;

    /// <summary>The year's use minus the baseline's (枚, negative = less paper); null when either is missing.</summary>
    public static long? PaperUseChange(long? baselineUse, long? yearUse) => baselineUse is { } b && yearUse is { } y ? y - b : null;

    /// <summary>
    /// Checks one year's office-wide paper use before it is recorded — by the form (<c>RecordOfficePaperUse</c>) and by any import
    /// of purchase records — and returns every error by field (empty when fine):
    /// <list type="bullet">
    /// <item><c>FiscalYear</c>: from 2000 and a fiscal year that has ended on <paramref name="today"/> (a year's total is known
    /// only after its March 31; a partial year would feed an inflated reduction);</item>
    /// <item><c>SheetsUsed</c>: a whole number from 0 to <see cref="MaxSheetsPerYear"/>;</item>
    /// <item><c>SourceNote</c>: at most <see cref="MaxSourceNoteLength"/> characters.</item>
    /// </list>
    /// </summary>
    public static IReadOnlyList<(string Field, string Message)> CheckPaperUse(int fiscalYear, long sheetsUsed, string? sourceNote, DateOnly today)
    {
        var errors = new List<(string, string)>();
        if (fiscalYear < 2000 || new FiscalYear(fiscalYear).End >= today)
            errors.Add(("FiscalYear", $"年度は2000年度から終わった年度 ({FiscalYear.Of(today).StartYear - 1}年度) までで指定してください。年度の途中の使用量は記録できません。"));
        if (sheetsUsed < 0 || sheetsUsed > MaxSheetsPerYear)
            errors.Add(("SheetsUsed", $"用紙の使用枚数は0以上{MaxSheetsPerYear:#,0}以下の整数(枚)で入力してください。"));
        if (sourceNote is { Length: > MaxSourceNoteLength })
            errors.Add(("SourceNote", $"出典は{MaxSourceNoteLength}文字以内で入力してください。"));
        return errors;
    }

    // The rules that summarise many sessions are written once, as expression trees: the database evaluates them inside its
    // GROUP BY queries (issue #12, UseCases/PaperlessAggregates.cs inlines them into the SQL) and the in-memory methods below
    // run the same trees compiled. Only operators every provider translates (==, ||, ?:, *, −, >, LINQ over the baselines).

    /// <summary>
    /// The paperless rule as an expression (format, materials → paperless): WEB meetings always (WEB会議含む), otherwise only
    /// digital-only materials. <see cref="IsPaperless"/> is this tree compiled; the SQL aggregates inline it.
    /// </summary>
    public static readonly Expression<Func<MeetingFormat, MaterialsDistribution, bool>> PaperlessRule =
        (format, materials) => format == MeetingFormat.Web || materials == MaterialsDistribution.DigitalOnly;

    /// <summary>
    /// The baseline rule as an expression (a body's baselines, a date → 枚/人/回, null when none): the sheets per attendee of
    /// the latest baseline with ValidFrom ≤ date. <see cref="SheetsPerAttendeeOn"/> is this tree compiled; the SQL aggregates
    /// inline it as a correlated subquery on the body's baselines (index <c>(BodyId, ValidFrom)</c>).
    /// </summary>
    public static readonly Expression<Func<IEnumerable<PaperBaseline>, DateOnly, decimal?>> SheetsPerAttendeeRule =
        (baselines, date) => baselines.Where(b => b.ValidFrom <= date).OrderByDescending(b => b.ValidFrom).Select(b => (decimal?)b.SheetsPerAttendee).FirstOrDefault();

    /// <summary>
    /// The sheets-saved rule as an expression (sheets per attendee valid on the session's date or null, attendees (人),
    /// sheets printed (枚) → sheets saved (枚)): baseline × attendees − printed, never negative; no baseline, nothing saved.
    /// <see cref="SheetsSaved(IEnumerable{PaperBaseline}, DateOnly, int, int)"/> is this tree compiled; the SQL aggregates inline it inside their SUM.
    /// </summary>
    public static readonly Expression<Func<decimal?, int, int, decimal>> SheetsSavedRule =
        (perAttendee, attendees, sheetsPrinted) => perAttendee == null ? 0m
            : perAttendee.Value * attendees > sheetsPrinted ? perAttendee.Value * attendees - sheetsPrinted : 0m;

    private static readonly Func<MeetingFormat, MaterialsDistribution, bool> IsPaperlessCompiled = PaperlessRule.Compile();
    private static readonly Func<IEnumerable<PaperBaseline>, DateOnly, decimal?> SheetsPerAttendeeCompiled = SheetsPerAttendeeRule.Compile();
    private static readonly Func<decimal?, int, int, decimal> SheetsSavedCompiled = SheetsSavedRule.Compile();

    /// <summary>Whether the session counts as paperless (<see cref="PaperlessRule"/>, compiled).</summary>
    public static bool IsPaperless(MeetingFormat format, MaterialsDistribution materials) => IsPaperlessCompiled(format, materials);

    /// <summary>Share (%) of sessions matching <paramref name="predicate"/>, rounded to 0.1; null when there are none.</summary>
    public static decimal? Rate<T>(IReadOnlyCollection<T> sessions, Func<T, bool> predicate) => Rate(sessions.Count(predicate), sessions.Count);

    /// <summary>
    /// Share (%) = <paramref name="matching"/> ÷ <paramref name="total"/> × 100, rounded to 0.1 away from zero; null when
    /// <paramref name="total"/> is 0 (no sessions, no rate). The one place rates are made from counts, row by row or grouped.
    /// </summary>
    public static decimal? Rate(int matching, int total) =>
        total == 0 ? null : Math.Round(100m * matching / total, 1, MidpointRounding.AwayFromZero);

    /// <summary>The baseline valid on <paramref name="date"/>: the latest with ValidFrom ≤ date; null when none.</summary>
    public static PaperBaseline? BaselineOn(IEnumerable<PaperBaseline> baselines, DateOnly date) =>
        baselines.Where(b => b.ValidFrom <= date).MaxBy(b => b.ValidFrom);

    /// <summary>Sheets per attendee (枚/人/回) valid on <paramref name="date"/> (<see cref="SheetsPerAttendeeRule"/>, compiled); null when none.</summary>
    public static decimal? SheetsPerAttendeeOn(IEnumerable<PaperBaseline> baselines, DateOnly date) => SheetsPerAttendeeCompiled(baselines, date);

    /// <summary>Sheets saved by one session (枚), never negative (<see cref="SheetsSavedRule"/>, compiled).</summary>
    public static decimal SheetsSaved(PaperBaseline? baseline, int attendees, int sheetsPrinted) => SheetsSavedCompiled(baseline?.SheetsPerAttendee, attendees, sheetsPrinted);

    /// <summary>Sheets saved by one session of a body held on <paramref name="heldOn"/> (枚): <see cref="SheetsPerAttendeeRule"/> then <see cref="SheetsSavedRule"/>, compiled.</summary>
    public static decimal SheetsSaved(IEnumerable<PaperBaseline> baselines, DateOnly heldOn, int attendees, int sheetsPrinted) =>
        SheetsSavedCompiled(SheetsPerAttendeeCompiled(baselines, heldOn), attendees, sheetsPrinted);

    /// <summary>
    /// The date a new session form starts with (issue #8, 会議主管課), inside the selected fiscal year and never in the future:
    /// <list type="number">
    /// <item>today, when today is in <paramref name="year"/>;</item>
    /// <item>else, when the body already has sessions in that year: the last one's date plus the body's typical interval
    /// (the median of the gaps between its sessions of that year, at least one day; 7 days with a single session),
    /// kept within the year and not after today;</item>
    /// <item>else the year's first day (April 1).</item>
    /// </list>
    /// For a fiscal year that has not begun, today (the form will refuse a future date anyway).
    /// </summary>
    public static DateOnly DefaultSessionDate(FiscalYear year, DateOnly today, IEnumerable<DateOnly> heldInYear)
    {
        if (year.Contains(today) || year.Start > today) return today;
        var dates = heldInYear.Where(year.Contains).Distinct().Order().ToList();
        if (dates.Count == 0) return year.Start;
        var gaps = dates.Zip(dates.Skip(1), (a, b) => b.DayNumber - a.DayNumber).Order().ToList();
        var interval = gaps.Count == 0 ? 7 : Math.Max(1, gaps[gaps.Count / 2]);
        var next = dates[^1].AddDays(interval);
        if (next > year.End) next = year.End;
        return next > today ? today : next;
    }

    /// <summary>Whether <paramref name="date"/> lies in the plan period; true when no plan indicator is bound (no period known).</summary>
    public static bool InPlanPeriod(DateOnly date, PlanPeriod? period) => period is not { } p || (date >= p.First.Start && date <= p.Last.End);

    /// <summary>Japanese label of a category.</summary>
    public static string Label(MeetingCategory c) => c switch
    {
        MeetingCategory.Executive => "庁議",
        MeetingCategory.ManagerLevel => "課長級以上出席の会議",
        MeetingCategory.OtherInternal => "その他庁内会議",
        MeetingCategory.Assembly => "議会内会議",
        _ => c.ToString(),
    };

    /// <summary>Japanese label of a format.</summary>
    public static string Label(MeetingFormat f) => f switch { MeetingFormat.InPerson => "対面", MeetingFormat.Web => "WEB", _ => "ハイブリッド" };

    /// <summary>Japanese label of a distribution.</summary>
    public static string Label(MaterialsDistribution m) => m switch
    {
        MaterialsDistribution.Paper => "紙", MaterialsDistribution.DigitalOnly => "電子のみ", _ => "紙と電子の併用",
    };

    /// <summary>Reads a category from its code name or Japanese label (also 庁議除く variants); null when unknown.</summary>
    public static MeetingCategory? ParseCategory(string? text) =>
        Parse(text?.Normalize(System.Text.NormalizationForm.FormKC).Replace("(庁議除く)", "").Replace("(庁議を除く)", ""), Enum.GetValues<MeetingCategory>(), Label);

    /// <summary>Reads a format: InPerson/対面, Web/WEB/オンライン, Hybrid/ハイブリッド.</summary>
    public static MeetingFormat? ParseFormat(string? text) =>
        text?.Trim() is "オンライン" or "web" or "Web会議" or "WEB会議" ? MeetingFormat.Web : Parse(text, Enum.GetValues<MeetingFormat>(), Label);

    /// <summary>Reads a distribution: Paper/紙, DigitalOnly/電子のみ/電子, Mixed/併用.</summary>
    public static MaterialsDistribution? ParseMaterials(string? text) =>
        text?.Trim() is "電子" or "ペーパーレス" ? MaterialsDistribution.DigitalOnly : text?.Trim() is "併用" ? MaterialsDistribution.Mixed
            : Parse(text, Enum.GetValues<MaterialsDistribution>(), Label);

    private static T? Parse<T>(string? text, IEnumerable<T> values, Func<T, string> label) where T : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var t = text.Trim();
        foreach (var v in values)
            if (string.Equals(v.ToString(), t, StringComparison.OrdinalIgnoreCase) || label(v) == t) return v;
        return null;
    }
}

/// <summary>
/// 計画期間 of the plans whose indicators the module feeds (first and last fiscal year, from the plan-KPI contract
/// <c>ListMetricConsumers</c>): sessions outside it count for no indicator. Imports refuse such dates; the form asks
/// for confirmation before saving one.
/// </summary>
public sealed record PlanPeriod(FiscalYear First, FiscalYear Last)
{
    /// <summary>「令和3年度(2021)〜令和7年度(2025)」.</summary>
    public string Label => $"{First.Label}〜{Last.Label}";
}
