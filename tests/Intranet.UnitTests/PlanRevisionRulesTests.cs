using Intranet.Modules.PlanKpi.Domain;

namespace Intranet.UnitTests;

/// <summary>
/// PlanRevisionRules on a small plan shaped like Hadano's (FY2021–FY2025): measures 2-1 and 2-4, projects 2-1-(1) (RPA, with
/// indicator 2-1-(1)-1 適用業務数, targets 4/6/12/13/14 業務) and 2-1-(2) (AI-OCR, no indicator).
/// </summary>
public class PlanRevisionRulesTests
{
    private static readonly IReadOnlySet<int> NoLocks = new HashSet<int>();

    private static Plan NewPlan()
    {
        var plan = new Plan { Code = "hadano", Title = "はだのICT活用推進計画", FirstFiscalYear = 2021, LastFiscalYear = 2025, MeasureLevelName = "事業推進計画" };
        var policy = new Policy { PlanId = plan.Id, Code = "2", Title = "行政のデジタル化" };
        var m21 = new Measure { PlanId = plan.Id, PolicyId = policy.Id, Code = "2-1", Title = "ICT活用による業務の効率化" };
        var m24 = new Measure { PlanId = plan.Id, PolicyId = policy.Id, Code = "2-4", Title = "ICT環境の最適化の推進", SortOrder = 1 };
        policy.Measures.AddRange([m21, m24]);
        plan.Policies.Add(policy);
        var rpa = new Project { PlanId = plan.Id, Code = "2-1-(1)", Name = "RPAの導入" };
        var ocr = new Project { PlanId = plan.Id, Code = "2-1-(2)", Name = "AI-OCRの導入検討", SortOrder = 1 };
        plan.Projects.AddRange([rpa, ocr]);
        m21.Placements.Add(new Placement { MeasureId = m21.Id, ProjectId = rpa.Id, Code = rpa.Code, Project = rpa });
        m21.Placements.Add(new Placement { MeasureId = m21.Id, ProjectId = ocr.Id, Code = ocr.Code, Project = ocr, SortOrder = 1 });
        var ind = new Indicator { PlanId = plan.Id, ProjectId = rpa.Id, Code = "2-1-(1)-1", Name = "適用業務数(累積)", Unit = "業務" };
        ind.Targets.AddRange(new[] { 4m, 6m, 12m, 13m, 14m }.Select((v, i) => new Target { IndicatorId = ind.Id, FiscalYear = 2021 + i, Value = v, Text = $"{v}業務" }));
        plan.Indicators.Add(ind);
        return plan;
    }

    private static PlanRevision Revision(int effective, RevisionKind kind = RevisionKind.Yearly) =>
        new() { Number = 1, EffectiveFiscalYear = effective, Kind = kind, Title = "令和5年度 見直し", Reason = "進行状況の評価による" };

    private static RevisionChangeInput TargetChange(int year, decimal value) =>
        new(RevisionChangeKind.TargetChanged, "2-1-(1)", "対象業務の拡大", IndicatorCode: "2-1-(1)-1", FiscalYear: year, TargetValue: value);

    [Fact]
    public void A_target_change_touches_only_its_year_and_records_before_and_after()
    {
        var plan = NewPlan();
        var revision = Revision(2023);
        var outcome = PlanRevisionRules.Apply(plan, revision, [TargetChange(2024, 16)], NoLocks);
        Assert.True(outcome.IsValid, string.Join(" / ", outcome.Problems));
        var targets = plan.Indicators[0].Targets.OrderBy(t => t.FiscalYear).Select(t => t.Value).ToList();
        Assert.Equal([4m, 6m, 12m, 16m, 14m], targets);
        var change = Assert.Single(revision.Changes);
        Assert.Equal((RevisionChangeKind.TargetChanged, "2-1-(1)-1", 2024, "13業務", "16業務"),
            (change.Kind, change.IndicatorCode, change.FiscalYear, change.Before, change.After));
        Assert.Equal(plan.Projects[0].Id, change.ProjectId);
    }

    [Fact]
    public void A_target_of_a_year_before_the_effective_year_is_refused_naming_the_change()
    {
        var plan = NewPlan();
        var outcome = PlanRevisionRules.Apply(plan, Revision(2023), [TargetChange(2024, 16), TargetChange(2022, 8)], NoLocks);
        var problem = Assert.Single(outcome.Problems);
        Assert.Equal("Changes", problem.Field);
        Assert.Equal("変更2: 指標 2-1-(1)-1 の令和4年度の目標値は、適用年度 (令和5年度) より前の年度のため変更できません。", problem.Message);
    }

    [Fact]
    public void A_locked_year_cannot_be_the_effective_year_nor_precede_a_lock()
    {
        var locked = new HashSet<int> { 2023 };
        var outcome = PlanRevisionRules.Apply(NewPlan(), Revision(2023), [TargetChange(2024, 16)], locked);
        Assert.Equal("EffectiveFiscalYear", Assert.Single(outcome.Problems).Field);
        Assert.Contains("令和5年度の評価は確定している", outcome.Problems[0].Message);
        Assert.False(PlanRevisionRules.Apply(NewPlan(), Revision(2022), [TargetChange(2024, 16)], locked).IsValid);
        Assert.True(PlanRevisionRules.Apply(NewPlan(), Revision(2024), [TargetChange(2024, 16)], locked).IsValid);
    }

    [Fact]
    public void The_effective_year_lies_in_the_plan_period_and_the_header_is_required()
    {
        var outcome = PlanRevisionRules.Apply(NewPlan(), Revision(2026), [TargetChange(2025, 16)], NoLocks);
        Assert.Contains(outcome.Problems, p => p.Field == "EffectiveFiscalYear" && p.Message.Contains("計画期間 (令和3年度〜令和7年度) の外"));
        var empty = new PlanRevision { EffectiveFiscalYear = 2023 };
        var missing = PlanRevisionRules.Apply(NewPlan(), empty, [], NoLocks);
        Assert.Equal(["Title", "Reason", "Changes"], missing.Problems.Select(p => p.Field));
        var noReason = PlanRevisionRules.Apply(NewPlan(), Revision(2023), [TargetChange(2024, 16) with { Reason = " " }], NoLocks);
        Assert.Equal("変更1: 変更の理由を入力してください。", Assert.Single(noReason.Problems).Message);
    }

    [Fact]
    public void An_ended_project_ends_the_year_before_and_keeps_its_past()
    {
        var plan = NewPlan();
        var revision = Revision(2024);
        var outcome = PlanRevisionRules.Apply(plan, revision,
            [new RevisionChangeInput(RevisionChangeKind.ProjectEnded, "2-1-(2)", "導入を見送り、事業を完了")], NoLocks);
        Assert.True(outcome.IsValid, string.Join(" / ", outcome.Problems));
        var ocr = plan.Projects[1];
        Assert.Equal(2023, ocr.LastFiscalYear);
        Assert.True(ocr.IsActiveIn(2021));
        Assert.True(ocr.IsActiveIn(2023));
        Assert.False(ocr.IsActiveIn(2024));
        Assert.Equal(("実施中", "令和5年度で終了"), (revision.Changes[0].Before, revision.Changes[0].After));

        // Ending it again, or changing a target in a year it no longer runs, is refused.
        var again = PlanRevisionRules.Apply(plan, Revision(2025),
            [new RevisionChangeInput(RevisionChangeKind.ProjectEnded, "2-1-(2)", "重複")], NoLocks);
        Assert.Equal("変更1: 事業 2-1-(2) は既に令和5年度で終了しています。", Assert.Single(again.Problems).Message);
        var first = PlanRevisionRules.Apply(NewPlan(), Revision(2021),
            [new RevisionChangeInput(RevisionChangeKind.ProjectEnded, "2-1-(2)", "理由")], NoLocks);
        Assert.Contains("計画の初年度", Assert.Single(first.Problems).Message);
    }

    [Fact]
    public void A_target_in_a_year_the_project_no_longer_runs_is_refused()
    {
        var plan = NewPlan();
        var outcome = PlanRevisionRules.Apply(plan, Revision(2024),
            [new RevisionChangeInput(RevisionChangeKind.ProjectEnded, "2-1-(1)", "完了"), TargetChange(2025, 20)], NoLocks);
        Assert.Equal("変更2: 事業 2-1-(1) は令和7年度に実施されないため、指標 2-1-(1)-1 の目標値を設定できません。", Assert.Single(outcome.Problems).Message);
    }

    [Fact]
    public void A_moved_project_gets_the_new_code_under_the_new_measure_and_the_change_keeps_the_old_one()
    {
        var plan = NewPlan();
        var revision = Revision(2023, RevisionKind.MidTerm);
        var outcome = PlanRevisionRules.Apply(plan, revision,
            [new RevisionChangeInput(RevisionChangeKind.ProjectMoved, "2-1-(2)", "事業推進計画の再編", MeasureCode: "2-4", NewProjectCode: "2-4-(1)")], NoLocks);
        Assert.True(outcome.IsValid, string.Join(" / ", outcome.Problems));
        var ocr = plan.Projects[1];
        Assert.Equal("2-4-(1)", ocr.Code);
        var m21 = plan.Policies[0].Measures[0];
        var m24 = plan.Policies[0].Measures[1];
        Assert.DoesNotContain(m21.Placements, p => p.ProjectId == ocr.Id);
        var placement = Assert.Single(m24.Placements);
        Assert.Equal(("2-4-(1)", m24.Id), (placement.Code, placement.MeasureId));
        var change = revision.Changes[0];
        Assert.Equal("2-1-(2)", change.ProjectCode);
        Assert.Equal("事業推進計画 2-1 ICT活用による業務の効率化 (2-1-(2))", change.Before);
        Assert.Equal("事業推進計画 2-4 ICT環境の最適化の推進 (2-4-(1))", change.After);

        var clash = PlanRevisionRules.Apply(NewPlan(), Revision(2023),
            [new RevisionChangeInput(RevisionChangeKind.ProjectMoved, "2-1-(2)", "再編", MeasureCode: "2-4", NewProjectCode: "2-1-(1)")], NoLocks);
        Assert.Contains("別の事業が使っています", Assert.Single(clash.Problems).Message);
    }

    [Fact]
    public void An_added_project_runs_from_the_effective_year_and_can_get_a_target_in_the_same_revision()
    {
        var plan = NewPlan();
        var revision = Revision(2024);
        var outcome = PlanRevisionRules.Apply(plan, revision,
        [
            new RevisionChangeInput(RevisionChangeKind.ProjectAdded, "", "生成AIの活用", MeasureCode: "2-1", NewProjectCode: "2-1-(6)",
                NewProjectName: "生成AIの業務活用", LeadDepartment: "情報政策課"),
        ], NoLocks);
        Assert.True(outcome.IsValid, string.Join(" / ", outcome.Problems));
        var added = plan.Projects.Single(p => p.Code == "2-1-(6)");
        Assert.Equal((2024, (int?)null, Continuity.New), (added.FirstFiscalYear, added.LastFiscalYear, added.Continuity));
        Assert.False(added.IsActiveIn(2023));
        Assert.True(added.IsActiveIn(2025));
        Assert.Equal("情報政策課", Assert.Single(added.Departments).Department);
        Assert.Contains(plan.Policies[0].Measures[0].Placements, p => p.ProjectId == added.Id && p.Code == "2-1-(6)");
        Assert.Equal(3, outcome.NewEntities.Count);
        Assert.Null(revision.Changes[0].Before);
        Assert.Contains("生成AIの業務活用", revision.Changes[0].After);

        var duplicate = PlanRevisionRules.Apply(NewPlan(), Revision(2024),
            [new RevisionChangeInput(RevisionChangeKind.ProjectAdded, "", "理由", MeasureCode: "2-9", NewProjectCode: "2-1-(1)", NewProjectName: "", LeadDepartment: "")], NoLocks);
        Assert.Equal(4, duplicate.Problems.Count);
        Assert.All(duplicate.Problems, p => Assert.StartsWith("変更1: ", p.Message));
    }

    [Fact]
    public void A_target_change_checks_the_indicator_belongs_to_the_project_and_a_value_is_given()
    {
        var outcome = PlanRevisionRules.Apply(NewPlan(), Revision(2023),
        [
            TargetChange(2024, 16) with { ProjectCode = "2-1-(2)" },
            TargetChange(2024, 16) with { TargetValue = null },
            TargetChange(2024, -1),
        ], NoLocks);
        Assert.Equal(3, outcome.Problems.Count);
        Assert.Equal("変更1: 指標 2-1-(1)-1 は事業 2-1-(2) の指標ではありません。", outcome.Problems[0].Message);
        Assert.Contains("新しい目標値を入力", outcome.Problems[1].Message);
        Assert.Contains("0以上", outcome.Problems[2].Message);
    }

    [Fact]
    public void Active_years_default_to_the_whole_plan()
    {
        var p = new Project();
        Assert.True(p.IsActiveIn(2000));
        p.FirstFiscalYear = 2023;
        p.LastFiscalYear = 2024;
        Assert.Equal([false, true, true, false], new[] { 2022, 2023, 2024, 2025 }.Select(p.IsActiveIn));
    }
}
