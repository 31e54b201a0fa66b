using Intranet.Modules.Rpa.Domain;
using Intranet.Shared.Time;

namespace Intranet.UnitTests;

/// <summary>
/// The RPA registry's rules (issue #3): the case lifecycle (<see cref="CaseLifecycle"/>) and the savings rules
/// (<see cref="SavingsRules"/>), with the figures of the module's sample cases (RPA-001 給与支払報告書の入力:
/// 900 件/回, 4 分 by hand, 0.5 分 with the robot).
/// </summary>
public class RpaRulesTests
{
    // ---- Lifecycle -----------------------------------------------------------------------------------

    /// <summary>
    /// The documented table (CaseLifecycle's doc comment), written out independently of the code:
    /// forward 候補 → 検討 → 開発 → 試行 → 本番稼働; back one step (検討 → 候補, 開発 → 検討, 試行 → 開発);
    /// 休止 from development, trial and production and back to development or production; 廃止 from anything
    /// but itself; 廃止 is final; no status moves to itself.
    /// </summary>
    private static readonly HashSet<(CaseStatus From, CaseStatus To)> Allowed =
    [
        (CaseStatus.Idea, CaseStatus.Assessment),
        (CaseStatus.Idea, CaseStatus.Retired),
        (CaseStatus.Assessment, CaseStatus.Idea),
        (CaseStatus.Assessment, CaseStatus.Development),
        (CaseStatus.Assessment, CaseStatus.Retired),
        (CaseStatus.Development, CaseStatus.Assessment),
        (CaseStatus.Development, CaseStatus.Trial),
        (CaseStatus.Development, CaseStatus.Suspended),
        (CaseStatus.Development, CaseStatus.Retired),
        (CaseStatus.Trial, CaseStatus.Development),
        (CaseStatus.Trial, CaseStatus.Production),
        (CaseStatus.Trial, CaseStatus.Suspended),
        (CaseStatus.Trial, CaseStatus.Retired),
        (CaseStatus.Production, CaseStatus.Suspended),
        (CaseStatus.Production, CaseStatus.Retired),
        (CaseStatus.Suspended, CaseStatus.Development),
        (CaseStatus.Suspended, CaseStatus.Production),
        (CaseStatus.Suspended, CaseStatus.Retired),
    ];

    public static TheoryData<CaseStatus, CaseStatus, bool> EveryPair()
    {
        var data = new TheoryData<CaseStatus, CaseStatus, bool>();
        foreach (var from in Enum.GetValues<CaseStatus>())
        foreach (var to in Enum.GetValues<CaseStatus>())
            data.Add(from, to, Allowed.Contains((from, to)));
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryPair))]
    public void CanMove_follows_the_documented_table(CaseStatus from, CaseStatus to, bool allowed)
    {
        Assert.Equal(allowed, CaseLifecycle.CanMove(from, to));
        Assert.Equal(allowed, CaseLifecycle.AllowedFrom(from).Contains(to));
    }

    [Fact]
    public void The_matrix_covers_all_seven_statuses()
    {
        Assert.Equal(7, Enum.GetValues<CaseStatus>().Length);
        Assert.Equal(49, EveryPair().Count());
        Assert.Equal(18, Enum.GetValues<CaseStatus>().Sum(s => CaseLifecycle.AllowedFrom(s).Count));
    }

    [Fact]
    public void Retired_is_final_and_reachable_from_every_other_status()
    {
        Assert.Empty(CaseLifecycle.AllowedFrom(CaseStatus.Retired));
        foreach (var s in Enum.GetValues<CaseStatus>())
        {
            Assert.False(CaseLifecycle.CanMove(CaseStatus.Retired, s));
            Assert.False(CaseLifecycle.CanMove(s, s));
            if (s != CaseStatus.Retired) Assert.True(CaseLifecycle.CanMove(s, CaseStatus.Retired), s.ToString());
        }
    }

    [Fact]
    public void Production_is_reached_only_through_trial_or_from_suspension()
    {
        var into = Enum.GetValues<CaseStatus>().Where(s => CaseLifecycle.CanMove(s, CaseStatus.Production)).ToList();
        Assert.Equal([CaseStatus.Trial, CaseStatus.Suspended], into);
        Assert.False(CaseLifecycle.CanMove(CaseStatus.Idea, CaseStatus.Production));
        Assert.False(CaseLifecycle.CanMove(CaseStatus.Development, CaseStatus.Production));
        Assert.False(CaseLifecycle.CanMove(CaseStatus.Production, CaseStatus.Trial));
    }

    [Theory]
    [InlineData(CaseStatus.Idea, "候補")]
    [InlineData(CaseStatus.Assessment, "検討")]
    [InlineData(CaseStatus.Development, "開発")]
    [InlineData(CaseStatus.Trial, "試行")]
    [InlineData(CaseStatus.Production, "本番稼働")]
    [InlineData(CaseStatus.Suspended, "休止")]
    [InlineData(CaseStatus.Retired, "廃止")]
    public void Label_and_Parse_round_trip(CaseStatus status, string label)
    {
        Assert.Equal(label, CaseLifecycle.Label(status));
        Assert.Equal(status, CaseLifecycle.Parse(label));
        Assert.Equal(status, CaseLifecycle.Parse($"  {label}\t"));
        Assert.Equal(status, CaseLifecycle.Parse(status.ToString()));
        Assert.Equal(status, CaseLifecycle.Parse(status.ToString().ToUpperInvariant()));
        Assert.Equal(status, CaseLifecycle.Parse(status.ToString().ToLowerInvariant()));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("本番")]
    [InlineData("稼働中")]
    [InlineData("4")]          // enum numbers are not status names
    [InlineData("Productions")]
    public void Parse_returns_null_for_anything_else(string? text) => Assert.Null(CaseLifecycle.Parse(text));

    // ---- Savings -------------------------------------------------------------------------------------

    private static CaseAssessment Assessment(decimal manual, decimal robot, string validFrom = "2021-07-01", int executions = 12, decimal items = 900) => new()
    {
        ValidFrom = DateOnly.Parse(validFrom), ExecutionsPerYear = executions, ItemsPerExecution = items,
        ManualMinutesPerItem = manual, RobotAttendedMinutesPerItem = robot,
    };

    [Fact]
    public void HoursSaved_is_items_times_minutes_saved_over_sixty()
    {
        // 900 件 × (4 − 0.5) 分 ÷ 60 = 52.5 時間
        Assert.Equal(52.5m, SavingsRules.HoursSaved(RunOutcome.Succeeded, 900, Assessment(4, 0.5m)));
        // RPA-001's first sample run: 806 件 × 3.5 分 ÷ 60 = 47.01666… 時間 (not rounded per run)
        Assert.Equal(806m * 3.5m / 60m, SavingsRules.HoursSaved(RunOutcome.Succeeded, 806, Assessment(4, 0.5m)));
        // RPA-002: 60 件 × (3 − 0.5) ÷ 60 = 2.5
        Assert.Equal(2.5m, SavingsRules.HoursSaved(RunOutcome.Succeeded, 60, Assessment(3, 0.5m)));
        // No robot time left at all: 120 件 × 5 分 = 10 時間
        Assert.Equal(10m, SavingsRules.HoursSaved(RunOutcome.Succeeded, 120, Assessment(5, 0)));
    }

    [Fact]
    public void A_failed_run_saves_nothing()
    {
        Assert.Equal(0m, SavingsRules.HoursSaved(RunOutcome.Failed, 900, Assessment(4, 0.5m)));
        Assert.Equal(0m, SavingsRules.HoursSaved(RunOutcome.Failed, 3, Assessment(4, 0.5m)));
    }

    [Fact]
    public void A_run_without_an_assessment_or_without_items_saves_nothing()
    {
        Assert.Equal(0m, SavingsRules.HoursSaved(RunOutcome.Succeeded, 900, null));
        Assert.Equal(0m, SavingsRules.HoursSaved(RunOutcome.Succeeded, 0, Assessment(4, 0.5m)));
        Assert.Equal(0m, SavingsRules.HoursSaved(RunOutcome.Succeeded, -5, Assessment(4, 0.5m)));
    }

    [Fact]
    public void Robot_minutes_above_manual_minutes_never_give_negative_hours()
    {
        Assert.Equal(0m, SavingsRules.HoursSaved(RunOutcome.Succeeded, 900, Assessment(2, 3)));
        Assert.Equal(0m, SavingsRules.HoursSaved(RunOutcome.Succeeded, 900, Assessment(2, 2)));
        Assert.Equal(0m, SavingsRules.EstimatedHoursPerYear(Assessment(2, 3)));
    }

    [Fact]
    public void ValidOn_picks_the_latest_assessment_that_has_started()
    {
        var first = Assessment(4, 0.5m, "2021-07-01");
        var rebaselined = Assessment(3, 0.5m, "2022-10-01");      // baseline changed mid-year
        var future = Assessment(2, 0.5m, "2024-04-01");
        var all = new[] { rebaselined, future, first };               // order of the list does not matter

        Assert.Null(SavingsRules.ValidOn(all, new DateOnly(2021, 6, 30)));
        Assert.Same(first, SavingsRules.ValidOn(all, new DateOnly(2021, 7, 1)));
        Assert.Same(first, SavingsRules.ValidOn(all, new DateOnly(2022, 9, 30)));
        Assert.Same(rebaselined, SavingsRules.ValidOn(all, new DateOnly(2022, 10, 1)));
        Assert.Same(rebaselined, SavingsRules.ValidOn(all, new DateOnly(2024, 3, 31)));
        Assert.Same(future, SavingsRules.ValidOn(all, new DateOnly(2024, 4, 1)));
        Assert.Null(SavingsRules.ValidOn([], new DateOnly(2024, 4, 1)));

        // The same 900 items save 52.5 h in September and 37.5 h in October of FY2022.
        Assert.Equal(52.5m, SavingsRules.HoursSaved(RunOutcome.Succeeded, 900, SavingsRules.ValidOn(all, new DateOnly(2022, 9, 30))));
        Assert.Equal(37.5m, SavingsRules.HoursSaved(RunOutcome.Succeeded, 900, SavingsRules.ValidOn(all, new DateOnly(2022, 10, 1))));
    }

    [Fact]
    public void EstimatedHoursPerYear_is_executions_times_items_times_minutes_saved_over_sixty()
    {
        // RPA-001: 12 回 × 900 件 × 3.5 分 ÷ 60 = 630 時間/年
        Assert.Equal(630m, SavingsRules.EstimatedHoursPerYear(Assessment(4, 0.5m, executions: 12, items: 900)));
        // RPA-002: 240 回 × 60 件 × 2.5 分 ÷ 60 = 600
        Assert.Equal(600m, SavingsRules.EstimatedHoursPerYear(Assessment(3, 0.5m, executions: 240, items: 60)));
        // RPA-004: 1 回 × 8000 件 × 1.5 分 ÷ 60 = 200
        Assert.Equal(200m, SavingsRules.EstimatedHoursPerYear(Assessment(2, 0.5m, executions: 1, items: 8000)));
        // Fractional items per execution: 52 × 2.5 × 1 ÷ 60 = 2.1666…
        Assert.Equal(52m * 2.5m / 60m, SavingsRules.EstimatedHoursPerYear(Assessment(2, 1, executions: 52, items: 2.5m)));
        Assert.Equal(0m, SavingsRules.EstimatedHoursPerYear(Assessment(4, 0.5m, executions: 0)));
    }

    [Theory]
    [InlineData("52.5", "2500", "131250")]
    [InlineData("0.5", "1", "1")]          // away from zero, not to even
    [InlineData("2.5", "1", "3")]          // banker's rounding would give 2
    [InlineData("1.49", "1", "1")]
    [InlineData("0.2", "2501", "500")]     // 500.2
    [InlineData("0.3", "2505", "752")]     // 751.5 → 752
    [InlineData("0", "2500", "0")]
    [InlineData("100", "0", "0")]
    public void OvertimeCostAvoided_is_hours_times_hourly_cost_rounded_to_the_yen(string hours, string cost, string yen) =>
        Assert.Equal(decimal.Parse(yen), SavingsRules.OvertimeCostAvoided(decimal.Parse(hours), decimal.Parse(cost)));

    [Fact]
    public void MaxMinutesPerItem_is_one_working_day() => Assert.Equal(480m, SavingsRules.MaxMinutesPerItem);

    // ---- Automated process count ---------------------------------------------------------------------

    private static readonly FiscalYear PlanStart = new(2021);

    [Fact]
    public void AutomatedProcessCount_counts_cases_in_production_from_the_plan_start_to_the_years_end()
    {
        DateOnly?[] since =
        [
            new DateOnly(2021, 3, 31),   // before the plan: never counted
            new DateOnly(2021, 4, 1),    // first day of the plan
            new DateOnly(2021, 7, 1),
            new DateOnly(2022, 3, 31),   // last day of FY2021
            new DateOnly(2022, 4, 1),    // first day of FY2022
            new DateOnly(2023, 1, 10),
            null,                        // never in production
            null,
        ];
        Assert.Equal(0, SavingsRules.AutomatedProcessCount(since, PlanStart, new FiscalYear(2020)));
        Assert.Equal(3, SavingsRules.AutomatedProcessCount(since, PlanStart, new FiscalYear(2021)));
        Assert.Equal(5, SavingsRules.AutomatedProcessCount(since, PlanStart, new FiscalYear(2022)));
        Assert.Equal(5, SavingsRules.AutomatedProcessCount(since, PlanStart, new FiscalYear(2025)));
    }

    // ---- issue #9: a year without source data is not measured ------------------------------------------

    [Fact]
    public void The_process_count_is_measured_once_a_case_is_in_production_even_before_the_plan()
    {
        Assert.False(SavingsRules.ProcessCountMeasured([], new FiscalYear(2021)));                          // empty registry
        Assert.False(SavingsRules.ProcessCountMeasured([null, null], new FiscalYear(2025)));                // ideas only
        DateOnly?[] beforePlan = [new DateOnly(2020, 10, 1), null];
        Assert.True(SavingsRules.ProcessCountMeasured(beforePlan, new FiscalYear(2021)));                   // 0 new since the plan start is real
        Assert.Equal(0, SavingsRules.AutomatedProcessCount(beforePlan, PlanStart, new FiscalYear(2021)));
        DateOnly?[] later = [new DateOnly(2022, 6, 1)];
        Assert.False(SavingsRules.ProcessCountMeasured(later, new FiscalYear(2021)));                       // nothing in production yet
        Assert.True(SavingsRules.ProcessCountMeasured(later, new FiscalYear(2022)));
        Assert.True(SavingsRules.ProcessCountMeasured([new DateOnly(2023, 3, 31)], new FiscalYear(2022)));   // the year's last day
    }

    [Fact]
    public void The_hours_of_a_year_are_measured_only_with_a_run_dated_in_it()
    {
        DateOnly[] runs = [new DateOnly(2021, 7, 1), new DateOnly(2023, 3, 31), new DateOnly(2025, 4, 1)];
        Assert.True(SavingsRules.HoursMeasured(runs, new FiscalYear(2021)));
        Assert.True(SavingsRules.HoursMeasured(runs, new FiscalYear(2022)));    // March 31 closes FY2022
        Assert.False(SavingsRules.HoursMeasured(runs, new FiscalYear(2023)));   // no run: not 0 h more, not measured
        Assert.False(SavingsRules.HoursMeasured(runs, new FiscalYear(2024)));
        Assert.True(SavingsRules.HoursMeasured(runs, new FiscalYear(2025)));
        Assert.False(SavingsRules.HoursMeasured([], new FiscalYear(2021)));
    }

    [Fact]
    public void AutomatedProcessCount_of_the_sample_cases()
    {
        // RPA-001 2021-07-01, RPA-002 2021-10-01, RPA-003 2022-06-01; RPA-004..006 not in production.
        DateOnly?[] since = [new DateOnly(2021, 7, 1), new DateOnly(2021, 10, 1), new DateOnly(2022, 6, 1), null, null, null];
        Assert.Equal(2, SavingsRules.AutomatedProcessCount(since, PlanStart, new FiscalYear(2021)));
        Assert.Equal(3, SavingsRules.AutomatedProcessCount(since, PlanStart, new FiscalYear(2022)));
        Assert.Equal(3, SavingsRules.AutomatedProcessCount(since, PlanStart, new FiscalYear(2023)));
    }

    [Fact]
    public void A_case_retired_later_still_counts_because_only_its_production_date_matters()
    {
        // The rule takes only the first production date: a later 休止 or 廃止 does not clear it.
        var retired = new AutomationCase { Status = CaseStatus.Retired, ProductionSince = new DateOnly(2021, 9, 1) };
        var suspended = new AutomationCase { Status = CaseStatus.Suspended, ProductionSince = new DateOnly(2022, 5, 1) };
        var neverLive = new AutomationCase { Status = CaseStatus.Retired, ProductionSince = null };
        var since = new[] { retired, suspended, neverLive }.Select(c => c.ProductionSince);
        Assert.Equal(1, SavingsRules.AutomatedProcessCount(since, PlanStart, new FiscalYear(2021)));
        Assert.Equal(2, SavingsRules.AutomatedProcessCount(since, PlanStart, new FiscalYear(2024)));
    }

    [Fact]
    public void AutomatedProcessCount_of_a_later_plan_ignores_cases_from_before_its_start()
    {
        DateOnly?[] since = [new DateOnly(2021, 7, 1), new DateOnly(2026, 4, 1), new DateOnly(2027, 3, 31)];
        var nextPlan = new FiscalYear(2026);
        Assert.Equal(2, SavingsRules.AutomatedProcessCount(since, nextPlan, new FiscalYear(2026)));
        Assert.Equal(3, SavingsRules.AutomatedProcessCount(since, PlanStart, new FiscalYear(2026)));
    }
}
