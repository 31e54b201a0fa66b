using Intranet.Modules.PlanKpi.Domain;
using Intranet.Shared.Time;

namespace Intranet.UnitTests;

/// <summary>
/// KpiRules, with figures taken from the Hadano plan (はだのICT活用推進計画):
/// 2-1-(1) 適用業務数(累積) 4/6/12/13/14 and 削減時間(累積) 600/1,500/3,300/5,250/7,350,
/// 2-2-(1) 庁議のペーパーレス化率 90%/100%, 2-5-(3) インシデント件数 5件以下/4件以下/….
/// </summary>
public class KpiRulesTests
{
    private static readonly FiscalYear Fy2021 = new(2021);
    private static readonly FiscalYear Fy2022 = new(2022);
    private static readonly FiscalYear Fy2026 = new(2026);

    // ---- Label / Code --------------------------------------------------------------------------------

    [Theory]
    [InlineData(KpiStatus.Achieved, "達成", "achieved")]
    [InlineData(KpiStatus.OnTrack, "順調", "on_track")]
    [InlineData(KpiStatus.Behind, "遅れ", "behind")]
    [InlineData(KpiStatus.NotMeasured, "未測定", "not_measured")]
    [InlineData(KpiStatus.NoNumericTarget, "数値目標なし", "no_numeric_target")]
    public void Label_and_Code(KpiStatus status, string label, string code)
    {
        Assert.Equal(label, KpiRules.Label(status));
        Assert.Equal(code, KpiRules.Code(status));
    }

    [Fact]
    public void Every_status_has_a_distinct_label_and_code()
    {
        var all = Enum.GetValues<KpiStatus>();
        Assert.Equal(5, all.Length);
        Assert.Equal(all.Length, all.Select(KpiRules.Label).Distinct().Count());
        Assert.Equal(all.Length, all.Select(KpiRules.Code).Distinct().Count());
        Assert.All(all, s => Assert.NotEqual(s.ToString(), KpiRules.Label(s)));
    }

    // ---- Meets ---------------------------------------------------------------------------------------

    [Theory]
    // exact on a higher indicator: met by any actual >= target
    [InlineData(Direction.Higher, Comparator.Exact, 4, 4, true)]
    [InlineData(Direction.Higher, Comparator.Exact, 4, 5, true)]
    [InlineData(Direction.Higher, Comparator.Exact, 4, 3, false)]
    // exact on a lower indicator: met by any actual <= target
    [InlineData(Direction.Lower, Comparator.Exact, 4, 4, true)]
    [InlineData(Direction.Lower, Comparator.Exact, 4, 3, true)]
    [InlineData(Direction.Lower, Comparator.Exact, 4, 5, false)]
    // 以上
    [InlineData(Direction.Higher, Comparator.AtLeast, 70, 70, true)]
    [InlineData(Direction.Higher, Comparator.AtLeast, 70, 69.9, false)]
    // 以下
    [InlineData(Direction.Lower, Comparator.AtMost, 5, 5, true)]
    [InlineData(Direction.Lower, Comparator.AtMost, 5, 0, true)]
    [InlineData(Direction.Lower, Comparator.AtMost, 5, 6, false)]
    public void Meets(Direction direction, Comparator comparator, double target, double actual, bool expected)
    {
        Assert.Equal(expected, KpiRules.Meets(direction, comparator, (decimal)target, (decimal)actual));
    }

    // ---- AchievementRate ------------------------------------------------------------------------------

    [Fact]
    public void AchievementRate_higher_is_actual_over_target()
    {
        Assert.Equal(100.0m, KpiRules.AchievementRate(Direction.Higher, 4, 4));
        Assert.Equal(125.0m, KpiRules.AchievementRate(Direction.Higher, 4, 5));
        Assert.Equal(50.0m, KpiRules.AchievementRate(Direction.Higher, 12, 6));
        Assert.Equal(0.0m, KpiRules.AchievementRate(Direction.Higher, 90, 0));
    }

    [Fact]
    public void AchievementRate_rounds_to_one_decimal()
    {
        Assert.Equal(66.7m, KpiRules.AchievementRate(Direction.Higher, 3, 2));
        Assert.Equal(33.3m, KpiRules.AchievementRate(Direction.Higher, 3, 1));
        Assert.Equal(94.4m, KpiRules.AchievementRate(Direction.Higher, 90, 85));
        Assert.Equal(85.8m, KpiRules.AchievementRate(Direction.Higher, 7350, 6308));
    }

    [Fact]
    public void AchievementRate_rounds_midpoint_away_from_zero()
    {
        // 1 / 16 = 6.25% -> 6.3 (banker's rounding would give 6.2)
        Assert.Equal(6.3m, KpiRules.AchievementRate(Direction.Higher, 16, 1));
        // 3 / 16 = 18.75% -> 18.8
        Assert.Equal(18.8m, KpiRules.AchievementRate(Direction.Higher, 16, 3));
    }

    [Fact]
    public void AchievementRate_is_null_for_zero_or_negative_target_when_higher()
    {
        Assert.Null(KpiRules.AchievementRate(Direction.Higher, 0, 5));
        Assert.Null(KpiRules.AchievementRate(Direction.Higher, -1, 5));
    }

    [Fact]
    public void AchievementRate_lower_is_target_over_actual()
    {
        // インシデント件数 5件以下: 4件 -> 125%, 5件 -> 100%, 6件 -> 83.3%
        Assert.Equal(125.0m, KpiRules.AchievementRate(Direction.Lower, 5, 4));
        Assert.Equal(100.0m, KpiRules.AchievementRate(Direction.Lower, 5, 5));
        Assert.Equal(83.3m, KpiRules.AchievementRate(Direction.Lower, 5, 6));
        Assert.Equal(166.7m, KpiRules.AchievementRate(Direction.Lower, 5, 3));
    }

    [Fact]
    public void AchievementRate_lower_with_zero_actual_is_null()
    {
        Assert.Null(KpiRules.AchievementRate(Direction.Lower, 5, 0));
    }

    [Fact]
    public void AchievementRate_lower_with_zero_target_is_zero()
    {
        // the divisor is the actual, so a zero target is fine: 0 / 2 = 0%
        Assert.Equal(0.0m, KpiRules.AchievementRate(Direction.Lower, 0, 2));
    }

    // ---- Evaluate: no target / no actual ---------------------------------------------------------------

    [Fact]
    public void Evaluate_text_only_target_is_NoNumericTarget_with_null_rate()
    {
        // 2-2-(1)-2 課長級以上出席の会議のペーパーレス化率: FY2022 「検討を踏まえ設定」 (value null)
        var e = KpiRules.Evaluate(Direction.Higher, Comparator.Exact, Fy2022, target: null, actual: 80m,
            previousTarget: null, asOf: new DateOnly(2023, 5, 1));
        Assert.Equal(KpiStatus.NoNumericTarget, e.Status);
        Assert.Null(e.AchievementRate);
        Assert.Null(e.Expected);
    }

    [Fact]
    public void Evaluate_no_target_and_no_actual_is_NoNumericTarget()
    {
        var e = KpiRules.Evaluate(Direction.Higher, Comparator.Exact, Fy2022, null, null, 90m, new DateOnly(2022, 10, 1));
        Assert.Equal(KpiStatus.NoNumericTarget, e.Status);
        Assert.Null(e.AchievementRate);
    }

    [Fact]
    public void Evaluate_no_actual_is_NotMeasured()
    {
        // 2-2-(1)-1 庁議のペーパーレス化率 FY2021 90%, nothing reported yet
        var e = KpiRules.Evaluate(Direction.Higher, Comparator.Exact, Fy2021, 90m, null, null, new DateOnly(2021, 10, 1));
        Assert.Equal(KpiStatus.NotMeasured, e.Status);
        Assert.Null(e.AchievementRate);
        Assert.Null(e.Expected);
    }

    [Fact]
    public void Evaluate_no_actual_after_year_end_is_still_NotMeasured()
    {
        var e = KpiRules.Evaluate(Direction.Higher, Comparator.Exact, Fy2021, 90m, null, null, new DateOnly(2023, 1, 1));
        Assert.Equal(KpiStatus.NotMeasured, e.Status);
    }

    // ---- Evaluate: achieved ------------------------------------------------------------------------------

    [Fact]
    public void Evaluate_exact_target_reached_is_Achieved()
    {
        // 2-1-(1)-1 適用業務数(累積) FY2021 4業務, actual 4 — even early in the year
        var e = KpiRules.Evaluate(Direction.Higher, Comparator.Exact, Fy2021, 4m, 4m, null, new DateOnly(2021, 6, 1));
        Assert.Equal(KpiStatus.Achieved, e.Status);
        Assert.Equal(100.0m, e.AchievementRate);
        Assert.Null(e.Expected);
    }

    [Fact]
    public void Evaluate_exact_higher_target_exceeded_is_Achieved()
    {
        var e = KpiRules.Evaluate(Direction.Higher, Comparator.Exact, Fy2022, 6m, 7m, 4m, new DateOnly(2023, 4, 1));
        Assert.Equal(KpiStatus.Achieved, e.Status);
        Assert.Equal(116.7m, e.AchievementRate);
    }

    [Fact]
    public void Evaluate_atLeast_target_met_is_Achieved()
    {
        // 1-2-(4)-1 ICTを活用できる教職員の割合 70%以上, actual 72%
        var e = KpiRules.Evaluate(Direction.Higher, Comparator.AtLeast, Fy2021, 70m, 72m, null, new DateOnly(2022, 5, 1));
        Assert.Equal(KpiStatus.Achieved, e.Status);
        Assert.Equal(102.9m, e.AchievementRate);
    }

    [Fact]
    public void Evaluate_atMost_target_met_is_Achieved()
    {
        // 2-5-(3)-3 インシデント件数 FY2021 5件以下, actual 3
        var e = KpiRules.Evaluate(Direction.Lower, Comparator.AtMost, Fy2021, 5m, 3m, null, new DateOnly(2021, 12, 1));
        Assert.Equal(KpiStatus.Achieved, e.Status);
        Assert.Equal(166.7m, e.AchievementRate);
    }

    [Fact]
    public void Evaluate_atMost_with_zero_incidents_is_Achieved_with_null_rate()
    {
        var e = KpiRules.Evaluate(Direction.Lower, Comparator.AtMost, Fy2021, 5m, 0m, null, new DateOnly(2022, 4, 1));
        Assert.Equal(KpiStatus.Achieved, e.Status);
        Assert.Null(e.AchievementRate);
    }

    [Fact]
    public void Evaluate_lower_exact_target_met_is_Achieved()
    {
        var e = KpiRules.Evaluate(Direction.Lower, Comparator.Exact, Fy2022, 4m, 4m, 5m, new DateOnly(2023, 4, 1));
        Assert.Equal(KpiStatus.Achieved, e.Status);
        Assert.Equal(100.0m, e.AchievementRate);
    }

    // ---- Evaluate: year ended ------------------------------------------------------------------------

    [Fact]
    public void Evaluate_year_ended_not_met_is_Behind()
    {
        // 庁議のペーパーレス化率 FY2021 90%, actual 85%, evaluated 2022-04-01 (the day after March 31)
        var e = KpiRules.Evaluate(Direction.Higher, Comparator.Exact, Fy2021, 90m, 85m, null, new DateOnly(2022, 4, 1));
        Assert.Equal(KpiStatus.Behind, e.Status);
        Assert.Equal(94.4m, e.AchievementRate);
        Assert.Null(e.Expected);
    }

    [Fact]
    public void Evaluate_year_ended_far_above_previous_target_is_still_Behind()
    {
        // 適用業務数(累積) FY2023 target 12, previous 6; actual 11 in June 2024 -> the year is over
        var e = KpiRules.Evaluate(Direction.Higher, Comparator.Exact, new FiscalYear(2023), 12m, 11m, 6m, new DateOnly(2024, 6, 1));
        Assert.Equal(KpiStatus.Behind, e.Status);
        Assert.Equal(91.7m, e.AchievementRate);
    }

    [Fact]
    public void Evaluate_on_march_31_is_still_running_and_expects_the_full_target()
    {
        var e = KpiRules.Evaluate(Direction.Higher, Comparator.Exact, Fy2021, 90m, 85m, null, new DateOnly(2022, 3, 31));
        Assert.Equal(KpiStatus.Behind, e.Status);
        Assert.Equal(90m, e.Expected);
    }

    [Fact]
    public void Evaluate_lower_year_ended_not_met_is_Behind()
    {
        // インシデント件数 FY2023 3件以下, actual 4
        var e = KpiRules.Evaluate(Direction.Lower, Comparator.AtMost, new FiscalYear(2023), 3m, 4m, 4m, new DateOnly(2024, 4, 1));
        Assert.Equal(KpiStatus.Behind, e.Status);
        Assert.Equal(75.0m, e.AchievementRate);
    }

    // ---- Evaluate: lower / 以下 exceeded during the year ---------------------------------------------------

    [Fact]
    public void Evaluate_lower_atMost_exceeded_in_progress_is_Behind()
    {
        // インシデント件数 FY2022 4件以下; already 6 by October: cannot recover within the year
        var e = KpiRules.Evaluate(Direction.Lower, Comparator.AtMost, Fy2022, 4m, 6m, 5m, new DateOnly(2022, 10, 1));
        Assert.Equal(KpiStatus.Behind, e.Status);
        Assert.Equal(66.7m, e.AchievementRate);
    }

    [Fact]
    public void Evaluate_lower_exact_exceeded_in_progress_is_Behind()
    {
        var e = KpiRules.Evaluate(Direction.Lower, Comparator.Exact, Fy2022, 4m, 5m, null, new DateOnly(2022, 4, 2));
        Assert.Equal(KpiStatus.Behind, e.Status);
        Assert.Equal(80.0m, e.AchievementRate);
    }

    [Fact]
    public void Evaluate_higher_atMost_exceeded_in_progress_is_Behind()
    {
        // 以下 on its own also cannot recover, whatever the direction
        var e = KpiRules.Evaluate(Direction.Higher, Comparator.AtMost, Fy2022, 4m, 5m, null, new DateOnly(2022, 4, 2));
        Assert.Equal(KpiStatus.Behind, e.Status);
    }

    // ---- Evaluate: in progress, linear expectation ---------------------------------------------------

    // FY2026 has 365 days. 2026-04-01 .. 2026-10-01 = 184 days -> elapsed 184/365 = 0.50410958...
    // 削減時間(累積): previous target 5,250, target 7,350 -> expected 5,250 + 2,100 × 184/365 = 6,308.6301...
    [Fact]
    public void Evaluate_in_progress_just_below_linear_expectation_is_Behind()
    {
        var asOf = new DateOnly(2026, 10, 1);
        Assert.Equal(184.0 / 365, Fy2026.ElapsedFraction(asOf), 12);

        var e = KpiRules.Evaluate(Direction.Higher, Comparator.Exact, Fy2026, 7350m, 6308m, 5250m, asOf);
        Assert.Equal(KpiStatus.Behind, e.Status);
        Assert.Equal(6308.63m, e.Expected);
        Assert.Equal(85.8m, e.AchievementRate);
    }

    [Fact]
    public void Evaluate_in_progress_just_above_linear_expectation_is_OnTrack()
    {
        var e = KpiRules.Evaluate(Direction.Higher, Comparator.Exact, Fy2026, 7350m, 6309m, 5250m, new DateOnly(2026, 10, 1));
        Assert.Equal(KpiStatus.OnTrack, e.Status);
        Assert.Equal(6308.63m, e.Expected);
        Assert.Equal(85.8m, e.AchievementRate);
    }

    // 2026-04-01 .. 2026-06-12 = 73 days = exactly 1/5 of 365 -> expected 5,250 + 2,100 × 0.2 = 5,670.
    [Fact]
    public void Evaluate_in_progress_exactly_at_expectation_is_OnTrack()
    {
        var asOf = new DateOnly(2026, 6, 12);
        Assert.Equal(0.2, Fy2026.ElapsedFraction(asOf), 12);

        var e = KpiRules.Evaluate(Direction.Higher, Comparator.Exact, Fy2026, 7350m, 5670m, 5250m, asOf);
        Assert.Equal(KpiStatus.OnTrack, e.Status);
        Assert.Equal(5670m, e.Expected);
    }

    [Fact]
    public void Evaluate_in_progress_one_below_expectation_is_Behind()
    {
        var e = KpiRules.Evaluate(Direction.Higher, Comparator.Exact, Fy2026, 7350m, 5669m, 5250m, new DateOnly(2026, 6, 12));
        Assert.Equal(KpiStatus.Behind, e.Status);
        Assert.Equal(5670m, e.Expected);
    }

    // First plan year (no previous target): start from 0. FY2021 has 365 days; 2021-10-01 -> 184/365.
    // 削減時間 600 -> expected 600 × 184/365 = 302.4657...
    [Theory]
    [InlineData(302, KpiStatus.Behind)]
    [InlineData(303, KpiStatus.OnTrack)]
    public void Evaluate_first_year_starts_from_zero(int actual, KpiStatus expectedStatus)
    {
        var e = KpiRules.Evaluate(Direction.Higher, Comparator.Exact, Fy2021, 600m, actual, null, new DateOnly(2021, 10, 1));
        Assert.Equal(expectedStatus, e.Status);
        Assert.Equal(302.47m, e.Expected);
    }

    // A level (non-cumulative) indicator also starts from the previous target, not from 0:
    // 庁議のペーパーレス化率 FY2022 100%, previous 90% -> expected on 2022-10-01 = 90 + 10 × 184/365 = 95.041...
    // (starting from 0 would expect only 50.41, and 95% would be on track)
    [Theory]
    [InlineData(95.0, KpiStatus.Behind)]
    [InlineData(95.05, KpiStatus.OnTrack)]
    public void Evaluate_level_indicator_starts_from_previous_target(double actual, KpiStatus expectedStatus)
    {
        var e = KpiRules.Evaluate(Direction.Higher, Comparator.Exact, Fy2022, 100m, (decimal)actual, 90m, new DateOnly(2022, 10, 1));
        Assert.Equal(expectedStatus, e.Status);
        Assert.Equal(95.04m, e.Expected);
    }

    // 以上 targets follow the same linear rule: 教職員の割合 FY2022 75%以上, previous 70%, 2022-10-01 -> 72.52
    [Theory]
    [InlineData(72.5, KpiStatus.Behind)]
    [InlineData(72.6, KpiStatus.OnTrack)]
    public void Evaluate_atLeast_in_progress_is_linear(double actual, KpiStatus expectedStatus)
    {
        var e = KpiRules.Evaluate(Direction.Higher, Comparator.AtLeast, Fy2022, 75m, (decimal)actual, 70m, new DateOnly(2022, 10, 1));
        Assert.Equal(expectedStatus, e.Status);
        Assert.Equal(72.52m, e.Expected);
    }

    // 適用業務数(累積) FY2023 (366 days, contains 2024-02-29): 2023-04-01 .. 2023-10-01 = 184/366;
    // previous 6, target 12 -> expected 6 + 6 × 184/366 = 9.0164 -> 9 is behind, 10 on track.
    [Theory]
    [InlineData(9, KpiStatus.Behind)]
    [InlineData(10, KpiStatus.OnTrack)]
    public void Evaluate_cumulative_count_in_leap_fiscal_year(int actual, KpiStatus expectedStatus)
    {
        var e = KpiRules.Evaluate(Direction.Higher, Comparator.Exact, new FiscalYear(2023), 12m, actual, 6m, new DateOnly(2023, 10, 1));
        Assert.Equal(expectedStatus, e.Status);
        Assert.Equal(9.02m, e.Expected);
    }
}
