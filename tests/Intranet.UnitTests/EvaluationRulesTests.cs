using Intranet.Modules.PlanKpi.Domain;
using Intranet.Modules.PlanKpi.Domain.Evaluation;
using Intranet.Shared.Security;

namespace Intranet.UnitTests;

/// <summary>The evaluation round's rules (issue #10): suggested grade, deadlines, stage definitions, who writes, closing, reminders.</summary>
public class EvaluationRulesTests
{
    private static KpiEvaluation Achieved(decimal rate = 100m) => new(rate, KpiStatus.Achieved);
    private static KpiEvaluation Behind(decimal? rate) => new(rate, KpiStatus.Behind);

    [Fact]
    public void Every_measured_indicator_met_suggests_A()
    {
        var s = EvaluationRules.Suggest([Achieved(104m), Achieved(), new KpiEvaluation(null, KpiStatus.NoNumericTarget)]);
        Assert.Equal((Grade.A, 2, 2), (s.Grade, s.Measured, s.Achieved));
        Assert.Contains("数値目標なし1件", s.Reason);
    }

    [Theory]
    [InlineData(60, Grade.B)]     // (100 + 60) / 2 = 80.0 → B (boundary)
    [InlineData(59.8, Grade.C)]   // 79.9 → C
    [InlineData(0, Grade.C)]      // 50.0 → C (boundary)
    public void A_missed_target_grades_by_the_average_capped_rate(double rate, Grade expected) =>
        Assert.Equal(expected, EvaluationRules.Suggest([Achieved(130m), Behind((decimal)rate)]).Grade);

    [Fact]
    public void Nothing_met_and_low_rates_suggest_D_and_a_missing_rate_counts_zero()
    {
        Assert.Equal(Grade.D, EvaluationRules.Suggest([Behind(40m), Behind(null)]).Grade);
        Assert.Equal(Grade.D, EvaluationRules.Suggest([Behind(49.9m)]).Grade);
    }

    [Fact]
    public void No_measured_indicator_gives_no_suggestion_and_says_why()
    {
        var s = EvaluationRules.Suggest([new KpiEvaluation(null, KpiStatus.NotMeasured)]);
        Assert.Null(s.Grade);
        Assert.Contains("実績未入力1件", s.Reason);
        Assert.Null(EvaluationRules.Suggest([]).Grade);
    }

    [Theory]
    [InlineData(2023, 6, 30, "2024-06-30")]
    [InlineData(2023, 2, 31, "2025-02-28")]   // January–March belong to the next fiscal year; day clamped
    [InlineData(2023, 4, 31, "2024-04-30")]
    public void Deadlines_fall_in_the_fiscal_year_after_the_evaluated_one(int year, int month, int day, string expected) =>
        Assert.Equal(DateOnly.Parse(expected), EvaluationRules.Deadline(year, month, day));

    [Fact]
    public void The_presets_are_valid_stage_definitions()
    {
        foreach (var preset in StagePresets.All) Assert.Empty(EvaluationRules.CheckStages(preset.Stages));
        Assert.Equal(5, StagePresets.Chigasaki.Stages.Count);
        Assert.Equal("chigasaki", StagePresets.For("chigasaki-chiiki-2016").Code);
    }

    [Fact]
    public void Stage_definitions_break_rules_with_messages_naming_the_stage()
    {
        var stages = new List<EvaluationStageDefinition>
        {
            new() { Order = 1, Name = "幹事会", Evaluator = EvaluatorKind.Body, BodyName = "幹事会", DeadlineMonth = 8, DeadlineDay = 31 },
            new() { Order = 2, Name = "外部", Evaluator = EvaluatorKind.Role, Role = "Nobody", DeadlineMonth = 7, DeadlineDay = 1 },
            new() { Order = 3, Name = "幹事会", Evaluator = EvaluatorKind.Body, BodyName = " ", DeadlineMonth = 13, DeadlineDay = 1 },
        };
        var errors = EvaluationRules.CheckStages(stages);
        Assert.Contains(errors, e => e.StartsWith("段階1 (幹事会): 最初の段階は主管課の自己評価"));
        Assert.Contains(errors, e => e.StartsWith("段階2 (外部): 評価するロール"));
        Assert.Contains(errors, e => e.StartsWith("段階2 (外部): 締切が前の段階"));
        Assert.Contains(errors, e => e.StartsWith("段階3 (幹事会): 会議体の名称"));
        Assert.Contains(errors, e => e.StartsWith("段階3 (幹事会): 締切の月日"));
        Assert.Contains(errors, e => e.Contains("「幹事会」が重複"));
        Assert.Contains("2つ以上", EvaluationRules.CheckStages([stages[0]])[0]);
    }

    [Fact]
    public void Who_writes_a_sheet_and_a_stage()
    {
        var dept = User("a@city.jp", "広報広聴課", Roles.Department);
        Assert.True(EvaluationRules.CanSelfEvaluate(dept, ["広報広聴課", "情報システム課"]));
        Assert.False(EvaluationRules.CanSelfEvaluate(dept, ["情報システム課"]));
        Assert.True(EvaluationRules.CanSelfEvaluate(User("p@city.jp", null, Roles.PlanOffice), ["情報システム課"]));
        Assert.False(EvaluationRules.CanSelfEvaluate(User("c@city.jp", null, Roles.Cio), ["情報システム課"]));

        var body = new EvaluationStage { Order = 2, Evaluator = EvaluatorKind.Body, BodyName = "幹事会" };
        Assert.True(EvaluationRules.CanReview(User("p@city.jp", null, Roles.PlanOffice), body));
        Assert.False(EvaluationRules.CanReview(User("x@city.jp", null, Roles.Administrator), body));

        var experts = new EvaluationStage { Order = 2, Evaluator = EvaluatorKind.Role, Role = Roles.Reviewer, Reviewers = "prof@univ.ac.jp" };
        var prof = User("PROF@univ.ac.jp", null, Roles.Reviewer);
        var other = User("other@univ.ac.jp", null, Roles.Reviewer);
        Assert.True(EvaluationRules.CanReview(prof, experts));
        Assert.False(EvaluationRules.CanReview(other, experts));
        Assert.True(EvaluationRules.CanSeeRound(prof, [experts]));
        Assert.False(EvaluationRules.CanSeeRound(other, [experts]));
        Assert.False(EvaluationRules.CanSeeRound(prof, [body]));
        Assert.True(EvaluationRules.CanSeeRound(User("v@city.jp", null, Roles.Viewer), [body]));
    }

    [Fact]
    public void A_reviewer_who_sees_only_the_self_evaluation_does_not_see_other_stages()
    {
        var stage = new EvaluationStage { Order = 3, Visibility = StageVisibility.SelfEvaluationOnly };
        Assert.True(EvaluationRules.SeesStage(stage, 1));
        Assert.False(EvaluationRules.SeesStage(stage, 2));
        Assert.True(EvaluationRules.SeesStage(stage, 3));
        Assert.True(EvaluationRules.SeesStage(null, 2));
    }

    [Fact]
    public void Closing_needs_every_sheet_submitted_then_graded_then_decided()
    {
        var round = new EvaluationRound
        {
            CurrentStage = 1,
            Stages =
            [
                new() { Order = 1, Name = "自己評価" }, new() { Order = 2, Name = "意見", RecordsGrade = false }, new() { Order = 3, Name = "本部会" },
            ],
            Sheets =
            [
                new() { ProjectCode = "1", ProjectName = "甲", Status = SheetStatus.Submitted, SortOrder = 0 },
                new() { ProjectCode = "2", ProjectName = "乙", Status = SheetStatus.Returned, SortOrder = 1 },
            ],
        };
        Assert.Equal(["2 乙: 未提出 (差戻し)"], EvaluationRules.CheckClose(round));
        round.Sheets[1].Status = SheetStatus.Submitted;
        Assert.Empty(EvaluationRules.CheckClose(round));
        round.CurrentStage = 2;
        Assert.Empty(EvaluationRules.CheckClose(round));                // an opinion stage needs no grade
        round.CurrentStage = 3;
        round.Sheets[0].Reviews.Add(new EvaluationReview { StageOrder = 3, Grade = Grade.B, Decision = ProjectDirection.Complete });
        round.Sheets[1].Reviews.Add(new EvaluationReview { StageOrder = 3, Grade = Grade.C });
        Assert.Equal(["2 乙: 判断が未記録"], EvaluationRules.CheckClose(round));
    }

    [Theory]
    [InlineData("2024-06-22", null)]
    [InlineData("2024-06-23", -7)]
    [InlineData("2024-06-29", -1)]
    [InlineData("2024-06-30", -1)]
    [InlineData("2024-07-01", 1)]
    [InlineData("2024-07-06", 1)]
    [InlineData("2024-07-07", 7)]
    [InlineData("2024-12-01", 7)]
    public void The_reminder_due_is_the_latest_reached(string today, int? expected) =>
        Assert.Equal(expected, EvaluationRules.DueReminder(new DateOnly(2024, 6, 30), DateOnly.Parse(today)));

    private static ICurrentUser User(string name, string? department, params string[] roles) => new TestUser(name, department, roles);

    private sealed class TestUser(string name, string? department, string[] roles) : ICurrentUser
    {
        public string Name => name;
        public string? Department => department;
        public bool IsInRole(string role) => roles.Contains(role);
        public bool IsAuthenticated => true;
        public bool IsSystem => false;
    }
}
