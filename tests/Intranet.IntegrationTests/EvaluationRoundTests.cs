using Intranet.IntegrationTests.Infrastructure;
using Intranet.Modules.PlanKpi.Contracts;
using Intranet.Modules.PlanKpi.Domain.Evaluation;
using Intranet.Modules.PlanKpi.UseCases;
using Intranet.Modules.PlanKpi.UseCases.Evaluation;
using Intranet.Shared.Messaging;
using Intranet.Shared.Security;
using MediatR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Intranet.IntegrationTests;

/// <summary>
/// The yearly evaluation round (issue #10) run through its use cases as the signed-in users the pages act for, on both
/// databases: opening, self-evaluation with return and resubmission, review stages, closing, locking and corrections.
/// </summary>
public sealed class EvaluationRoundTests
{
    internal const string Plan = "hadano-ict-2021";
    internal const int Year = 2023;
    // 1-2-(1) (SNS の活用): lead 広報広聴課; its indicator 1-2-(1)-1 is typed in (Twitter フォロワー数, 人).
    internal const string Project = "1-2-(1)";
    internal const string Department = "広報広聴課";

    internal static SelfEvaluationInput Complete(Grade grade = Grade.B) =>
        new("SNSの定期発信を行った。", grade, "フォロワーの伸びが鈍い。", ProjectDirection.Continue, 1200, 0.5m);

    /// <summary>Opens the Hadano FY2023 round and submits every sheet as the plan office except <paramref name="except"/>.</summary>
    internal static async Task<RoundView> OpenAndSubmitAllAsync(IntranetApp app, params string[] except)
    {
        var round = await app.SendAsAsync(new OpenEvaluationRound(Plan, Year), Roles.PlanOffice);
        foreach (var row in round.Sheets.Where(s => !except.Contains(s.ProjectCode)))
            await app.SendAsAsync(new SaveSelfEvaluation(Plan, Year, row.ProjectCode, Complete(), Submit: true, row.SheetVersion), Roles.PlanOffice);
        return await app.SendAsAsync(new GetEvaluationRound(Plan, Year), Roles.PlanOffice);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task A_round_runs_from_opening_through_every_stage_to_a_locked_year(Db db)
    {
        using var app = new IntranetApp(db);
        var opened = await app.SendAsAsync(new OpenEvaluationRound(Plan, Year), Roles.PlanOffice);
        var projects = await app.PlanKpiAsync(d => d.Projects.CountAsync(p => d.Plans.Any(pl => pl.Id == p.PlanId && pl.Code == Plan)));
        Assert.Equal(projects, opened.Sheets.Count);                                     // one sheet per project
        Assert.Equal(["自己評価", "幹事会", "情報化推進委員会の意見", "本部会"], opened.Stages.Select(s => s.Name));   // Hadano's preset
        Assert.Equal(new DateOnly(2024, 6, 30), opened.Stages[0].Deadline);
        Assert.All(opened.Sheets, s => Assert.Equal(SheetStatus.NotStarted, s.Status));

        // The department sees only its own sheets, saves a draft, then submits.
        var mine = await app.SendAsAsync(new GetEvaluationRound(Plan, Year), Roles.Department, Department);
        Assert.All(mine.Sheets, s => Assert.Contains(Department, s.LeadDepartments));
        var sheet = await app.SendAsAsync(new GetEvaluationSheet(Plan, Year, Project), Roles.Department, Department);
        Assert.True(sheet.CanEditSelf);
        var draft = await app.SendAsAsync(new SaveSelfEvaluation(Plan, Year, Project, Complete() with { Grade = null }, false, sheet.Version),
            Roles.Department, Department);
        Assert.Equal(SheetStatus.Draft, draft.Status);
        var missing = await Assert.ThrowsAsync<RequestValidationException>(() =>
            app.SendAsAsync(new SaveSelfEvaluation(Plan, Year, Project, Complete() with { Grade = null }, true, draft.Version), Roles.Department, Department));
        Assert.Contains(missing.Errors, e => e.Field == nameof(SelfEvaluationInput.Grade) && e.Message.Contains("評価 (A〜D)"));
        var submitted = await app.SendAsAsync(new SaveSelfEvaluation(Plan, Year, Project, Complete(Grade.C), true, draft.Version), Roles.Department, Department);
        Assert.Equal(SheetStatus.Submitted, submitted.Status);
        Assert.False(submitted.CanEditSelf);

        // Another department may not write it; the plan office returns it with a comment; the department resubmits.
        await Assert.ThrowsAsync<ForbiddenException>(() =>
            app.SendAsAsync(new GetEvaluationSheet(Plan, Year, Project), Roles.Department, "情報システム課"));
        await Assert.ThrowsAsync<ForbiddenException>(() =>
            app.SendAsAsync(new ReturnEvaluationSheet(Plan, Year, Project, "取組実績を具体的に", submitted.Version), Roles.Department, Department));
        var returned = await app.SendAsAsync(new ReturnEvaluationSheet(Plan, Year, Project, "取組実績を具体的に", submitted.Version), Roles.PlanOffice);
        Assert.Equal((SheetStatus.Returned, 1, "取組実績を具体的に"), (returned.Status, returned.ReturnCount, returned.ReturnComment));
        var again = await app.SendAsAsync(new SaveSelfEvaluation(Plan, Year, Project, Complete(Grade.C) with { Achievements = "月4回発信した。" }, true, returned.Version),
            Roles.Department, Department);
        Assert.Equal(SheetStatus.Submitted, again.Status);
        Assert.Contains(again.History, e => e.Kind == EvaluationEventKind.Returned && e.Text == "取組実績を具体的に");
        Assert.Contains(again.History, e => e.Kind == EvaluationEventKind.Submitted && e.Text == "再提出");

        // Stage 1 cannot close while a sheet is unsubmitted.
        var round = await app.SendAsAsync(new GetEvaluationRound(Plan, Year), Roles.PlanOffice);
        Assert.Equal(projects - 1, round.CloseBlockers.Count);
        await Assert.ThrowsAsync<RequestValidationException>(() =>
            app.SendAsAsync(new CloseEvaluationStage(Plan, Year, 1, round.RoundVersion), Roles.PlanOffice));
        round = await OpenAndSubmitRestAsync(app, round);
        round = await app.SendAsAsync(new CloseEvaluationStage(Plan, Year, 1, round.RoundVersion), Roles.PlanOffice);
        Assert.Equal(2, round.Current.Order);

        // Stage 2 (幹事会, a body): the secretariat records it in one grid; a department may not; stage 1 is now read-only.
        await Assert.ThrowsAsync<ForbiddenException>(() => app.SendAsAsync(
            new RecordEvaluationReviews(Plan, Year, 2, [new ReviewInput(Project, Grade.B, null, null, null)]), Roles.Cio));
        await Assert.ThrowsAsync<RequestValidationException>(() => app.SendAsAsync(
            new SaveSelfEvaluation(Plan, Year, Project, Complete(Grade.A), true, again.Version), Roles.Department, Department));
        var changed = await app.SendAsAsync(new RecordEvaluationReviews(Plan, Year, 2,
            round.Sheets.Select(s => new ReviewInput(s.ProjectCode, Grade.B, $"{s.ProjectCode} 幹事会の意見", null, null)).ToList()), Roles.PlanOffice);
        Assert.Equal(projects, changed);
        var decisionTooEarly = await Assert.ThrowsAsync<RequestValidationException>(() => app.SendAsAsync(
            new RecordEvaluationReviews(Plan, Year, 2, [new ReviewInput(Project, Grade.B, null, ProjectDirection.Continue, Guid.NewGuid())]), Roles.PlanOffice));
        Assert.Contains(decisionTooEarly.Errors, e => e.Message.Contains("判断は最後の段階"));
        round = await CloseAsync(app, 2);

        // Stage 3 (委員会の意見) records comments only; stage 2's record cannot be changed any more.
        var gradeRefused = await Assert.ThrowsAsync<RequestValidationException>(() => app.SendAsAsync(
            new RecordEvaluationReviews(Plan, Year, 3, [new ReviewInput(Project, Grade.A, "意見", null, null)]), Roles.PlanOffice));
        Assert.Contains(gradeRefused.Errors, e => e.Message.Contains("評価 (A〜D) を記録しない段階"));
        await Assert.ThrowsAsync<RequestValidationException>(() => app.SendAsAsync(
            new RecordEvaluationReviews(Plan, Year, 2, [new ReviewInput(Project, Grade.D, null, null, null)]), Roles.PlanOffice));
        await app.SendAsAsync(new RecordEvaluationReviews(Plan, Year, 3, [new ReviewInput(Project, null, "発信内容の充実を", null, null)]), Roles.PlanOffice);
        round = await CloseAsync(app, 3);

        // Stage 4 (本部会) decides; closing it closes the round and locks the year.
        var viewBefore = await app.SendAsAsync(new GetEvaluationSheet(Plan, Year, Project), Roles.PlanOffice);
        Assert.Equal([1, 2, 3], viewBefore.Results.Select(r => r.StageOrder));          // earlier stages are visible to the next
        Assert.Equal(Grade.C, viewBefore.Results[0].Grade);
        await app.SendAsAsync(new RecordEvaluationReviews(Plan, Year, 4,
            round.Sheets.Select(s => new ReviewInput(s.ProjectCode, Grade.B, null, ProjectDirection.Continue, null)).ToList()), Roles.PlanOffice);
        round = await CloseAsync(app, 4);
        Assert.True(round.IsClosed);

        // Locked: no actual of FY2023 may change, except a correction by the plan office with a reason.
        var locked = await Assert.ThrowsAsync<RequestValidationException>(() =>
            app.SendAsAsync(new RecordActual(Plan, "1-2-(1)-1", Year, 9000, null, null), Roles.PlanOffice));
        Assert.Contains("確定", locked.Message);
        var grid = await app.SendAsAsync(new RecordActuals(Plan, Year, [new ActualInput("1-2-(1)-1", "9000", null, null)]), Roles.PlanOffice);
        Assert.Contains(grid.Errors, e => e.Kind == EntryErrorKind.Locked);
        await Assert.ThrowsAsync<RequestValidationException>(() =>
            app.SendAsAsync(new CorrectLockedActual(Plan, Year, "1-2-(1)-1", "9000", " "), Roles.PlanOffice));
        await Assert.ThrowsAsync<ForbiddenException>(() =>
            app.SendAsAsync(new CorrectLockedActual(Plan, Year, "1-2-(1)-1", "9000", "集計誤り"), Roles.Department, Department));
        var corrected = await app.SendAsAsync(new CorrectLockedActual(Plan, Year, "1-2-(1)-1", "9000", "集計誤り"), Roles.PlanOffice);
        Assert.Equal(9000m, corrected.Indicators.Single(i => i.Code == "1-2-(1)-1").Actual);
        Assert.Contains(corrected.History, e => e.Kind == EvaluationEventKind.Corrected && e.Text!.Contains("集計誤り") && e.Text.Contains("9,000"));

        // Grades too: a correction needs the reason and is kept in the history; review stages refuse writes.
        await Assert.ThrowsAsync<RequestValidationException>(() => app.SendAsAsync(
            new RecordEvaluationReviews(Plan, Year, 4, [new ReviewInput(Project, Grade.A, null, ProjectDirection.Expand, null)]), Roles.PlanOffice));
        var regraded = await app.SendAsAsync(new CorrectEvaluation(Plan, Year, Project, 4, Grade.A, null, ProjectDirection.Expand, "本部会議事録と照合"), Roles.PlanOffice);
        Assert.Equal((Grade.A, ProjectDirection.Expand), (regraded.Results.Single(r => r.StageOrder == 4).Grade, regraded.Results.Single(r => r.StageOrder == 4).Decision));
        Assert.Contains(regraded.History, e => e.Kind == EvaluationEventKind.Corrected && e.Text!.Contains("B → A") && e.Text.Contains("本部会議事録と照合"));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task A_closed_year_keeps_the_fed_figures_it_was_evaluated_with(Db db)
    {
        using var app = new IntranetApp(db);
        await ReportAsync(app, Year, 10m);
        var round = await OpenAndSubmitAllAsync(app);
        for (var stage = 1; stage <= 4; stage++)
        {
            if (stage > 1)
                await app.SendAsAsync(new RecordEvaluationReviews(Plan, Year, stage, round.Sheets.Select(s => new ReviewInput(s.ProjectCode,
                    round.Stages[stage - 1].RecordsGrade ? Grade.B : null, "意見", stage == 4 ? ProjectDirection.Continue : null, null)).ToList()), Roles.PlanOffice);
            round = await CloseAsync(app, stage);
        }
        await ReportAsync(app, Year, 99m);
        await ReportAsync(app, Year + 1, 20m);
        var values = await app.PlanKpiAsync(d => d.MetricValues.Where(v => v.Key == MetricKeys.RpaAutomatedProcessCount).ToDictionaryAsync(v => v.FiscalYear, v => v.Value));
        Assert.Equal(10m, values[Year]);                    // locked
        Assert.Equal(20m, values[Year + 1]);                // still open
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task An_outside_reviewer_sees_only_the_rounds_and_stages_they_review(Db db)
    {
        // Chigasaki's preset: stage 2 学識経験者評価 is recorded by outside reviewers and sees the self-evaluation only.
        const string chigasaki = "chigasaki-chiiki-2016";
        using var app = new IntranetApp(db);
        var round = await app.SendAsAsync(new OpenEvaluationRound(chigasaki, 2020, Reviewers: ["prof@univ.example.jp"]), Roles.PlanOffice);
        Assert.Equal(5, round.Stages.Count);
        Assert.Equal(["prof@univ.example.jp"], round.Stages[1].Reviewers);
        await app.SendAsAsync(new OpenEvaluationRound(Plan, Year), Roles.PlanOffice);

        var prof = UseCaseActor.Principal("prof@univ.example.jp", null, Roles.Reviewer);
        var stranger = UseCaseActor.Principal("other@univ.example.jp", null, Roles.Reviewer);
        var list = await app.Services.SendAsAsync(new ListEvaluationRounds(), prof);
        Assert.Equal([chigasaki], list.Rounds.Select(r => r.PlanCode));          // not Hadano's
        Assert.Empty((await app.Services.SendAsAsync(new ListEvaluationRounds(), stranger)).Rounds);
        await Assert.ThrowsAsync<ForbiddenException>(() => app.Services.SendAsAsync(new GetEvaluationRound(Plan, Year), prof));
        await Assert.ThrowsAsync<ForbiddenException>(() => app.Services.SendAsAsync(new GetEvaluationRound(chigasaki, 2020), stranger));
        await Assert.ThrowsAsync<ForbiddenException>(() => app.Services.SendAsAsync(new GetPlanSnapshot(Plan), prof));   // nothing else of the suite

        foreach (var row in round.Sheets)
            await app.SendAsAsync(new SaveSelfEvaluation(chigasaki, 2020, row.ProjectCode, Complete(), true, row.SheetVersion), Roles.PlanOffice);
        var current = await app.SendAsAsync(new GetEvaluationRound(chigasaki, 2020), Roles.PlanOffice);
        await app.SendAsAsync(new CloseEvaluationStage(chigasaki, 2020, 1, current.RoundVersion), Roles.PlanOffice);
        var first = round.Sheets[0].ProjectCode;
        Assert.True((await app.Services.SendAsAsync(new GetEvaluationSheet(chigasaki, 2020, first), prof)).CanReview);
        await Assert.ThrowsAsync<ForbiddenException>(() => app.Services.SendAsAsync(
            new RecordEvaluationReviews(chigasaki, 2020, 2, [new ReviewInput(first, Grade.A, "x", null, null)]), stranger));
        await app.Services.SendAsAsync(new RecordEvaluationReviews(chigasaki, 2020, 2,
            round.Sheets.Select(s => new ReviewInput(s.ProjectCode, Grade.B, "学識経験者の所見", null, null)).ToList()), prof);
        current = await app.SendAsAsync(new GetEvaluationRound(chigasaki, 2020), Roles.PlanOffice);
        await app.SendAsAsync(new CloseEvaluationStage(chigasaki, 2020, 2, current.RoundVersion), Roles.PlanOffice);
        await app.SendAsAsync(new RecordEvaluationReviews(chigasaki, 2020, 3, [new ReviewInput(first, Grade.C, "部会の意見", null, null)]), Roles.PlanOffice);

        // The reviewer sees the self-evaluation and their own stage, not the later ones; the plan office sees all three.
        Assert.Equal([1, 2], (await app.Services.SendAsAsync(new GetEvaluationSheet(chigasaki, 2020, first), prof)).Results.Select(r => r.StageOrder));
        Assert.Equal([1, 2, 3], (await app.SendAsAsync(new GetEvaluationSheet(chigasaki, 2020, first), Roles.PlanOffice)).Results.Select(r => r.StageOrder));

        // Pages of the city's data are closed to outside reviewers.
        var client = await app.SignedInAsync(Roles.Reviewer);
        var dashboard = await client.GetAsync("/dashboard");
        Assert.Contains("/account/access-denied", dashboard.Headers.Location?.ToString() ?? "");
    }

    private const string SmallPlan = """
        { "formatVersion": 1, "code": "eval-test", "title": "評価テスト計画", "municipality": "テスト市",
          "period": { "firstFiscalYear": 2021, "lastFiscalYear": 2022 },
          "levelNames": { "policy": "基本方針", "measure": "施策", "project": "事業" },
          "policies": [ { "code": "1", "title": "方針", "measures": [ { "code": "1-1", "title": "施策", "projects": [
            { "code": "1-1-(1)", "name": "評価される事業", "leadDepartments": ["情報システム課"],
              "indicators": [ { "code": "1-1-(1)-1", "name": "件数", "unit": "件", "direction": "higher", "comparator": "exact",
                "targets": [ { "fiscalYear": 2021, "value": TARGET2021 }, { "fiscalYear": 2022, "value": TARGET2022 } ] } ] }
            PROJECT2 ] } ] } ] }
        """;

    private static string SmallPlanJson(int target2021, int target2022, bool withSecondProject) => SmallPlan
        .Replace("TARGET2021", target2021.ToString()).Replace("TARGET2022", target2022.ToString())
        .Replace("PROJECT2", withSecondProject ? """, { "code": "1-1-(2)", "name": "二つ目の事業", "leadDepartments": ["行政経営課"] }""" : "");

    private static Task<Intranet.Modules.PlanKpi.Import.PlanImportResult> ImportAsync(IntranetApp app, string json) =>
        app.SendAsAsync(new ImportPlan("eval-test.json", new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json))), Roles.PlanOffice);

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task A_plan_reimport_keeps_what_an_evaluation_used(Db db)
    {
        using var app = new IntranetApp(db);
        await ImportAsync(app, SmallPlanJson(10, 20, withSecondProject: true));
        var round = await app.SendAsAsync(new OpenEvaluationRound("eval-test", 2021), Roles.PlanOffice);
        Assert.Equal(2, round.Sheets.Count);
        foreach (var row in round.Sheets)
            await app.SendAsAsync(new SaveSelfEvaluation("eval-test", 2021, row.ProjectCode, Complete(), true, row.SheetVersion), Roles.PlanOffice);
        for (var stage = 1; stage <= round.Stages.Count; stage++)
        {
            if (stage > 1)
                await app.SendAsAsync(new RecordEvaluationReviews("eval-test", 2021, stage, round.Sheets.Select(s => new ReviewInput(s.ProjectCode,
                    round.Stages[stage - 1].RecordsGrade ? Grade.B : null, null, stage == round.Stages.Count ? ProjectDirection.Continue : null, null)).ToList()),
                    Roles.PlanOffice);
            var current = await app.SendAsAsync(new GetEvaluationRound("eval-test", 2021), Roles.PlanOffice);
            await app.SendAsAsync(new CloseEvaluationStage("eval-test", 2021, stage, current.RoundVersion), Roles.PlanOffice);
        }

        var refused = await Assert.ThrowsAsync<Intranet.Modules.PlanKpi.Import.PlanFileException>(() =>
            ImportAsync(app, SmallPlanJson(12, 20, withSecondProject: false)));
        Assert.Contains(refused.Errors, e => e.Message.Contains("事業 1-1-(2)") && e.Message.Contains("評価シート"));
        Assert.Contains(refused.Errors, e => e.Message.Contains("1-1-(1)-1 の令和3年度の目標値") && e.Message.Contains("確定"));
        Assert.Equal(10m, await app.PlanKpiAsync(d => d.Targets.Where(t => t.FiscalYear == 2021 && d.Indicators.Any(i => i.Id == t.IndicatorId && d.Plans.Any(p => p.Id == i.PlanId && p.Code == "eval-test"))).Select(t => t.Value).SingleAsync()));

        await ImportAsync(app, SmallPlanJson(10, 25, withSecondProject: true));      // a later year may change
        Assert.Equal(25m, await app.PlanKpiAsync(d => d.Targets.Where(t => t.FiscalYear == 2022 && d.Indicators.Any(i => i.Id == t.IndicatorId && d.Plans.Any(p => p.Id == i.PlanId && p.Code == "eval-test"))).Select(t => t.Value).SingleAsync()));
    }

    private static async Task ReportAsync(IntranetApp app, int year, decimal value)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var def = scope.ServiceProvider.GetServices<MetricDefinition>().Single(d => d.Key == MetricKeys.RpaAutomatedProcessCount);
        await scope.ServiceProvider.GetRequiredService<IMediator>()
            .Send(new ReportMetrics(def.SourceModule, [new MetricValue(def.Key, year, value, def.Unit, app.Clock.Now)]));
    }

    private static async Task<RoundView> OpenAndSubmitRestAsync(IntranetApp app, RoundView round)
    {
        foreach (var row in round.Sheets.Where(s => s.Status != SheetStatus.Submitted))
            await app.SendAsAsync(new SaveSelfEvaluation(Plan, Year, row.ProjectCode, Complete(), true, row.SheetVersion), Roles.PlanOffice);
        return await app.SendAsAsync(new GetEvaluationRound(Plan, Year), Roles.PlanOffice);
    }

    internal static async Task<RoundView> CloseAsync(IntranetApp app, int stage)
    {
        var round = await app.SendAsAsync(new GetEvaluationRound(Plan, Year), Roles.PlanOffice);
        return await app.SendAsAsync(new CloseEvaluationStage(Plan, Year, stage, round.RoundVersion), Roles.PlanOffice);
    }
}
