using Intranet.Modules.Rpa.Domain;

namespace Intranet.UnitTests;

/// <summary>
/// The candidates' priority (<see cref="CasePriority"/>, README 「候補の優先度」): score = estimated hours per year ×
/// frequency factor × complexity factor; 高 from 200, 中 from 50; no assessment → 未評価. Expected values are
/// worked out by hand from the documented rule.
/// </summary>
public class RpaPriorityTests
{
    private static CaseAssessment A(int executions, decimal items, decimal manual, decimal robot, DateOnly? from = null) => new()
    {
        ValidFrom = from ?? new DateOnly(2024, 4, 1), ExecutionsPerYear = executions, ItemsPerExecution = items,
        ManualMinutesPerItem = manual, RobotAttendedMinutesPerItem = robot,
    };

    [Fact]
    public void A_case_without_an_assessment_has_no_priority()
    {
        Assert.Null(CasePriority.Of(null));
        Assert.Null(CasePriority.AssessmentFor([], new DateOnly(2026, 11, 30)));
        Assert.Equal("未評価", CasePriority.Unassessed);
    }

    [Fact]
    public void Daily_simple_process_scores_its_hours_times_1_2()
    {
        // 240 runs × 50 items × (3 − 0.5) min ÷ 60 = 500 h; daily 1.2; 3 min, share 0.5/3 = 17 % → 低 1.0 → 600.
        var p = CasePriority.Of(A(240, 50, 3, 0.5m))!;
        Assert.Equal(500m, p.HoursPerYear);
        Assert.Equal((FrequencyBand.Daily, ComplexityLevel.Low), (p.Frequency, p.Complexity));
        Assert.Equal(600m, p.Score);
        Assert.Equal(PriorityLevel.High, p.Level);
        Assert.Equal(("高", "毎日", "低"), (p.LevelLabel, p.FrequencyLabel, p.ComplexityLabel));
    }

    [Fact]
    public void Monthly_medium_process()
    {
        // 12 × 900 × (4 − 0.5) ÷ 60 = 630 h (RPA-001); monthly 0.9; share 0.5/4 = 12.5 %, 4 min → 低 → 567.
        Assert.Equal(567m, CasePriority.Of(A(12, 900, 4, 0.5m))!.Score);
        // 12 × 100 × (15 − 1) ÷ 60 = 280 h; 15 min → 中 0.8; monthly 0.9 → 201.6 → 高.
        var p = CasePriority.Of(A(12, 100, 15, 1))!;
        Assert.Equal((280m, ComplexityLevel.Medium, 201.6m, PriorityLevel.High), (p.HoursPerYear, p.Complexity, p.Score, p.Level));
    }

    [Fact]
    public void Much_human_work_left_beside_the_robot_makes_a_process_complex()
    {
        // 4 min by hand, 2 still with the robot: share 50 % → 高 0.6. 52 × 100 × 2 ÷ 60 = 173.3 h × 1.0 × 0.6 = 104 → 中.
        var p = CasePriority.Of(A(52, 100, 4, 2))!;
        Assert.Equal(ComplexityLevel.High, p.Complexity);
        Assert.Equal(FrequencyBand.Weekly, p.Frequency);
        Assert.Equal(104m, p.Score);
        Assert.Equal(PriorityLevel.Medium, p.Level);
        // share 20 % → 中; 31 minutes per item → 高.
        Assert.Equal(ComplexityLevel.Medium, CasePriority.ComplexityOf(5, 1));
        Assert.Equal(ComplexityLevel.High, CasePriority.ComplexityOf(31, 0));
        Assert.Equal(ComplexityLevel.Low, CasePriority.ComplexityOf(10, 1.9m));
        Assert.Equal(ComplexityLevel.Low, CasePriority.ComplexityOf(0, 0));
    }

    [Theory]
    [InlineData(0, FrequencyBand.Rare)]
    [InlineData(11, FrequencyBand.Rare)]
    [InlineData(12, FrequencyBand.Monthly)]
    [InlineData(49, FrequencyBand.Monthly)]
    [InlineData(50, FrequencyBand.Weekly)]
    [InlineData(239, FrequencyBand.Weekly)]
    [InlineData(240, FrequencyBand.Daily)]
    public void Frequency_bands(int executions, FrequencyBand band) => Assert.Equal(band, CasePriority.FrequencyOf(executions));

    [Fact]
    public void A_rare_process_with_the_same_hours_ranks_below_a_frequent_one()
    {
        // Both save 100 h a year: 4 runs × 1,500 items × 1 min vs 250 runs × 24 items × 1 min.
        var rare = CasePriority.Of(A(4, 1500, 1, 0))!;
        var daily = CasePriority.Of(A(250, 24, 1, 0))!;
        Assert.Equal(rare.HoursPerYear, daily.HoursPerYear);
        Assert.Equal((70m, 120m), (rare.Score, daily.Score));
        Assert.True(daily.Score > rare.Score);
        Assert.Equal(PriorityLevel.Medium, rare.Level);
        Assert.Equal(PriorityLevel.Low, CasePriority.Of(A(1, 10, 1, 0))!.Level);      // 0.17 h × 0.7
    }

    [Fact]
    public void The_assessment_valid_today_is_used_else_the_earliest()
    {
        var today = new DateOnly(2026, 11, 30);
        var old = A(12, 10, 5, 0, new DateOnly(2025, 4, 1));
        var current = A(12, 20, 5, 0, new DateOnly(2026, 4, 1));
        var planned = A(12, 30, 5, 0, new DateOnly(2027, 4, 1));
        Assert.Same(current, CasePriority.AssessmentFor([old, planned, current], today));
        Assert.Same(planned, CasePriority.AssessmentFor([planned, A(12, 30, 5, 0, new DateOnly(2028, 4, 1))], today));
    }
}

/// <summary>The rules of a move, shared by the move dialog's command and the import (<see cref="CaseLifecycle.CheckMove"/>).</summary>
public class RpaMoveRuleTests
{
    private static readonly DateOnly Today = new(2026, 11, 30);

    [Fact]
    public void An_allowed_move_dated_between_the_last_change_and_today_is_valid()
    {
        Assert.Empty(CaseLifecycle.CheckMove(CaseStatus.Idea, CaseStatus.Assessment, Today, new DateOnly(2026, 4, 1), Today));
        Assert.Empty(CaseLifecycle.CheckMove(CaseStatus.Trial, CaseStatus.Production, new DateOnly(2026, 4, 1), new DateOnly(2026, 4, 1), Today));
        Assert.Empty(CaseLifecycle.CheckMove(CaseStatus.Idea, CaseStatus.Assessment, new DateOnly(2020, 1, 1), null, Today));
    }

    [Fact]
    public void A_move_that_skips_steps_is_refused_naming_the_allowed_ones()
    {
        var e = Assert.Single(CaseLifecycle.CheckMove(CaseStatus.Idea, CaseStatus.Production, Today, null, Today));
        Assert.Equal("To", e.Field);
        Assert.Equal("候補 から 本番稼働 へは変更できません。候補 から移せるのは 検討・廃止 です。", e.Message);
        Assert.Contains("廃止 から 候補", Assert.Single(CaseLifecycle.CheckMove(CaseStatus.Retired, CaseStatus.Idea, Today, null, Today)).Message);
    }

    [Fact]
    public void A_date_in_the_future_or_before_the_last_change_is_refused()
    {
        var future = Assert.Single(CaseLifecycle.CheckMove(CaseStatus.Idea, CaseStatus.Assessment, Today.AddDays(1), null, Today));
        Assert.Equal(("On", "未来の日付は指定できません。"), (future.Field, future.Message));
        var early = Assert.Single(CaseLifecycle.CheckMove(CaseStatus.Idea, CaseStatus.Assessment, new DateOnly(2026, 3, 31), new DateOnly(2026, 4, 1), Today));
        Assert.Equal(("On", "日付は直前の変更日 (2026-04-01) 以降にしてください。"), (early.Field, early.Message));
        // Every error at once.
        Assert.Equal(["To", "On"], CaseLifecycle.CheckMove(CaseStatus.Idea, CaseStatus.Trial, Today.AddDays(3), null, Today).Select(x => x.Field));
    }
}
