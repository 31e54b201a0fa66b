using Intranet.Shared.Time;

namespace Intranet.Modules.PlanKpi.Domain;

/// <summary>Progress of one indicator in one fiscal year, as shown on the dashboard.</summary>
public enum KpiStatus
{
    /// <summary>遅れ: not met, and the year is over or the actual is below the expected progress.</summary>
    Behind,
    /// <summary>未測定: a numeric target exists but no actual yet.</summary>
    NotMeasured,
    /// <summary>順調: not met yet, the year is still running and the actual is at or above the expected progress.</summary>
    OnTrack,
    /// <summary>達成: the actual meets the target.</summary>
    Achieved,
    /// <summary>数値目標なし: no target for the year, or a text-only one (「検討を踏まえ設定」).</summary>
    NoNumericTarget,
}

/// <summary>An indicator's achievement rate (%) and status for one fiscal year.</summary>
/// <param name="AchievementRate">達成率 in percent, rounded to 0.1; null when it cannot be computed.</param>
/// <param name="Status">See <see cref="KpiRules.Evaluate"/>.</param>
/// <param name="Expected">The value expected by the evaluation date (rounded to 0.01), set when a higher-is-better
/// target is not yet met in a running year; null otherwise.</param>
public sealed record KpiEvaluation(decimal? AchievementRate, KpiStatus Status, decimal? Expected = null);

/// <summary>
/// The suite's KPI rules: when a target is met, the achievement rate, and the status. They read the
/// indicator as the plan writes it (GLOSSARY.md: 目標値 with 以上/以下, direction, 累積).
/// </summary>
public static class KpiRules
{
    /// <summary>Japanese label of a status.</summary>
    public static string Label(KpiStatus status) => status switch
    {
        KpiStatus.Achieved => "達成",
        KpiStatus.OnTrack => "順調",
        KpiStatus.Behind => "遅れ",
        KpiStatus.NotMeasured => "未測定",
        KpiStatus.NoNumericTarget => "数値目標なし",
        _ => status.ToString(),
    };

    /// <summary>Code used in exports: achieved, on_track, behind, not_measured, no_numeric_target.</summary>
    public static string Code(KpiStatus status) => status switch
    {
        KpiStatus.Achieved => "achieved",
        KpiStatus.OnTrack => "on_track",
        KpiStatus.Behind => "behind",
        KpiStatus.NotMeasured => "not_measured",
        KpiStatus.NoNumericTarget => "no_numeric_target",
        _ => status.ToString(),
    };

    /// <summary>
    /// Whether <paramref name="actual"/> meets <paramref name="target"/>:
    /// 以上 (AtLeast) when actual ≥ target; 以下 (AtMost) when actual ≤ target; a plain figure (Exact)
    /// when actual reaches it in the better direction (≥ for Higher, ≤ for Lower).
    /// </summary>
    public static bool Meets(Direction direction, Comparator comparator, decimal target, decimal actual) => comparator switch
    {
        Comparator.AtLeast => actual >= target,
        Comparator.AtMost => actual <= target,
        _ => direction == Direction.Higher ? actual >= target : actual <= target,
    };

    /// <summary>
    /// 達成率 in percent: actual ÷ target × 100 when higher is better, target ÷ actual × 100 when lower
    /// is better (so 100% means exactly on target either way, above 100% better than target).
    /// Null when the divisor is zero or negative. Cumulative indicators compare cumulative figures.
    /// </summary>
    public static decimal? AchievementRate(Direction direction, decimal target, decimal actual)
    {
        var (numerator, denominator) = direction == Direction.Higher ? (actual, target) : (target, actual);
        if (denominator <= 0) return null;
        return Math.Round(numerator / denominator * 100m, 1, MidpointRounding.AwayFromZero);
    }

    /// <summary>
    /// Evaluates one indicator for one fiscal year on <paramref name="asOf"/>:
    /// <list type="number">
    /// <item>no numeric target for the year → <see cref="KpiStatus.NoNumericTarget"/>;</item>
    /// <item>no actual → <see cref="KpiStatus.NotMeasured"/>;</item>
    /// <item>the actual meets the target (<see cref="Meets"/>) → <see cref="KpiStatus.Achieved"/>;</item>
    /// <item>the year has ended (<paramref name="asOf"/> after March 31) → <see cref="KpiStatus.Behind"/>;</item>
    /// <item>lower-is-better or 以下 targets already exceeded cannot recover within the year → <see cref="KpiStatus.Behind"/>;</item>
    /// <item>otherwise the year is running: progress is expected to be linear from the starting point
    /// (the previous fiscal year's numeric target, for cumulative and level indicators alike, or 0 in the
    /// plan's first year) to the target at March 31. Actual ≥ expected → <see cref="KpiStatus.OnTrack"/>,
    /// else <see cref="KpiStatus.Behind"/>.</item>
    /// </list>
    /// </summary>
    /// <param name="direction">Which way is better.</param>
    /// <param name="comparator">How the target is worded.</param>
    /// <param name="year">The fiscal year evaluated.</param>
    /// <param name="target">Numeric target for the year, or null.</param>
    /// <param name="actual">Actual for the year, or null.</param>
    /// <param name="previousTarget">Numeric target of the previous fiscal year, or null.</param>
    /// <param name="asOf">Evaluation date (Japan time).</param>
    public static KpiEvaluation Evaluate(Direction direction, Comparator comparator, FiscalYear year,
        decimal? target, decimal? actual, decimal? previousTarget, DateOnly asOf)
    {
        if (target is not { } t) return new KpiEvaluation(null, KpiStatus.NoNumericTarget);
        if (actual is not { } a) return new KpiEvaluation(null, KpiStatus.NotMeasured);
        var rate = AchievementRate(direction, t, a);
        if (Meets(direction, comparator, t, a)) return new KpiEvaluation(rate, KpiStatus.Achieved);
        if (asOf > year.End) return new KpiEvaluation(rate, KpiStatus.Behind);
        if (direction == Direction.Lower || comparator == Comparator.AtMost) return new KpiEvaluation(rate, KpiStatus.Behind);

        var start = previousTarget ?? 0m;
        var elapsed = (decimal)year.ElapsedFraction(asOf);
        var expected = Math.Round(start + (t - start) * elapsed, 2, MidpointRounding.AwayFromZero);
        return new KpiEvaluation(rate, a >= expected ? KpiStatus.OnTrack : KpiStatus.Behind, expected);
    }
}
