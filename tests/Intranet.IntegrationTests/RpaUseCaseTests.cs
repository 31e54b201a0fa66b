using Intranet.IntegrationTests.Infrastructure;
using Intranet.Modules.Rpa.Data;
using Intranet.Modules.Rpa.Domain;
using Intranet.Modules.Rpa.Home;
using Intranet.Modules.Rpa.Import;
using Intranet.Modules.Rpa.UseCases;
using Intranet.Shared.Import;
using Intranet.Shared.Messaging;
using Intranet.Shared.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Intranet.IntegrationTests.RpaTest;

namespace Intranet.IntegrationTests;

/// <summary>
/// The use cases behind the RPA pages, run as a signed-in user the way the interactive pages run them
/// (<see cref="UseCaseActor.SendAsAsync{T}(IntranetApp, MediatR.IRequest{T}, string, string?, string?)"/>), on SQLite
/// and PostgreSQL: the pipeline board (columns, candidates by priority, allowed moves), one-step moves (allowed and
/// refused, who/when/why recorded), the registry list (filtered, sorted and paged in the database) and the RPA team's
/// work items. The host's clock is 2026-11-21 (Japan).
/// </summary>
public sealed class RpaUseCaseTests
{
    private const string Rpa = "RpaTeam";
    private const string RpaEmail = "rpa@example.jp";
    private static readonly DateOnly Today = new(2026, 11, 21);

    private static Task<T> AsRpa<T>(IntranetApp app, MediatR.IRequest<T> request) => app.SendAsAsync(request, Rpa, email: RpaEmail);

    private static async Task<BoardCard> CardAsync(IntranetApp app, string code) =>
        (await AsRpa(app, new GetPipelineBoard())).Columns.SelectMany(c => c.Cards).Single(c => c.Code == code);

    private static async Task MoveAsync(IntranetApp app, string code, CaseStatus to, DateOnly on, string reason) =>
        await AsRpa(app, new MoveCase(code, to, on, reason, (await CardAsync(app, code)).Version));

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task The_board_has_a_column_per_status_and_ranks_candidates_by_priority(Db db)
    {
        using var app = new IntranetApp(db);
        await app.ImportSampleCasesAsync();
        await app.ImportSampleRunsAsync();
        // Three more candidates: two assessed (a daily 500 h one and a monthly 280 h complex one), one not.
        var daily = await AsRpa(app, new RegisterCase("窓口受付の転記", "受付票の転記", "市民課", RpaTool.UiPath, null, null, null, null, new DateOnly(2026, 4, 1)));
        var monthly = await AsRpa(app, new RegisterCase("補助金の審査", "申請書の審査", "福祉課", RpaTool.WinActor, null, null, null, null, new DateOnly(2026, 4, 1)));
        var bare = await AsRpa(app, new RegisterCase("名簿の更新", "名簿の更新", "人事課", RpaTool.Other, null, null, null, null, new DateOnly(2026, 4, 1)));
        await AsRpa(app, new SaveAssessment(daily, new DateOnly(2026, 5, 1), 240, 50, 3, 0.5m));     // 500 h × 1.2 × 1.0 = 600
        await AsRpa(app, new SaveAssessment(monthly, new DateOnly(2026, 5, 1), 12, 100, 15, 1));     // 280 h × 0.9 × 0.8 = 201.6

        var board = await AsRpa(app, new GetPipelineBoard());
        Assert.True(board.CanMove);
        Assert.Equal(Today, board.Today);
        Assert.Equal(["候補", "検討", "開発", "試行", "本番稼働", "休止", "廃止"], board.Columns.Select(c => c.Label));
        Assert.Equal([4, 1, 0, 1, 3, 0, 0], board.Columns.Select(c => c.Cards.Count));

        // Candidates: highest score first, the unassessed ones (RPA-006 and the bare one) last, by code.
        var candidates = board.Columns[0].Cards;
        Assert.Equal([daily, monthly, "RPA-006", bare], candidates.Select(c => c.Code));
        Assert.Equal([600m, 201.6m], candidates.Take(2).Select(c => c.Priority!.Score));
        Assert.Equal(PriorityLevel.High, candidates[0].Priority!.Level);
        Assert.Null(candidates[2].Priority);
        Assert.Equal([CaseStatus.Assessment, CaseStatus.Retired], candidates[0].Moves.Select(m => m.To));
        Assert.Equal(["検討", "廃止"], candidates[0].Moves.Select(m => m.Label));
        Assert.Equal(new DateOnly(2026, 4, 1), candidates[0].LastChange);

        var trial = Assert.Single(board.Columns[3].Cards);
        Assert.Equal(("RPA-004", new DateOnly(2023, 1, 10)), (trial.Code, trial.LastChange));
        Assert.Equal([CaseStatus.Development, CaseStatus.Production, CaseStatus.Suspended, CaseStatus.Retired], trial.Moves.Select(m => m.To));
        Assert.Equal(["RPA-001", "RPA-002", "RPA-003"], board.Columns[4].Cards.Select(c => c.Code));

        // The yearly summary moved from the page into the query: FY2021 2 processes, 657.6 h; FY2022 3, 1,796.1 h cumulative.
        var fy2021 = board.Years.Single(y => y.Year.StartYear == 2021);
        var fy2022 = board.Years.Single(y => y.Year.StartYear == 2022);
        Assert.Equal((2, 657.6m), (fy2021.Processes, fy2021.Cumulative));
        Assert.Equal((3, 1796.1m), (fy2022.Processes, fy2022.Cumulative));
        Assert.DoesNotContain(board.Years, y => y.Year.StartYear > 2026);

        // Readers see the board but may not move; a department sees its own cases only.
        Assert.False((await app.SendAsAsync(new GetPipelineBoard(), Roles.Viewer)).CanMove);
        var own = await app.SendAsAsync(new GetPipelineBoard(), Roles.Department, "人事課");
        Assert.Equal(["RPA-006", bare], own.Columns.SelectMany(c => c.Cards).Select(c => c.Code).Order(StringComparer.Ordinal));
        Assert.False(own.CanMove);
        // Its yearly summary counts its own cases' runs only: they have none.
        Assert.Contains(own.Years, y => y.Year.StartYear == 2021);
        Assert.All(own.Years, y => Assert.Equal((0m, 0m), (y.Actual, y.Cumulative)));
    }

    [Fact]
    public async Task A_column_longer_than_the_board_shows_holds_its_first_cards_in_board_order_and_counts_all()
    {
        using var app = new IntranetApp(Db.Sqlite);
        await app.ImportSampleCasesAsync();
        // 60 more candidates, assessed with a growing estimate: the board shows the 50 highest, highest first.
        var lines = Enumerable.Range(1, 60).Select(i =>
            $"RPA-C{i:000},候補{i},業務{i},人事課,WinActor,,,,,候補,2026-04-01,2026-04-01,{i},10,3,0.5");
        await app.ImportCasesAsync(Utf8([CasesHeader, .. lines]), "candidates.csv");
        var ideas = (await AsRpa(app, new GetPipelineBoard())).Columns.Single(c => c.Status == CaseStatus.Idea);
        Assert.Equal((BoardColumn.MaxCards, 61, 11), (ideas.Cards.Count, ideas.Total, ideas.Hidden));   // and RPA-006
        Assert.Equal(Enumerable.Range(11, 50).Reverse().Select(i => $"RPA-C{i:000}"), ideas.Cards.Select(c => c.Code));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task A_candidate_moves_one_step_at_a_time_to_production_with_who_when_and_why_recorded(Db db)
    {
        using var app = new IntranetApp(db);
        await app.ImportSampleCasesAsync();
        // RPA-006 is 候補 without a date of its own; the cases import dates it on the import day (the host's today).
        var last = (await CardAsync(app, "RPA-006")).LastChange!.Value;

        // Refused: a skipped step, a future date, a date before the last change; nothing is written.
        var transitions = (await app.CountsAsync()).Transitions;
        var version = (await CardAsync(app, "RPA-006")).Version;
        var skip = await Assert.ThrowsAsync<RequestValidationException>(() => AsRpa(app, new MoveCase("RPA-006", CaseStatus.Production, Today, null, version)));
        Assert.Equal(("To", "候補 から 本番稼働 へは変更できません。候補 から移せるのは 検討・廃止 です。"), (skip.Errors[0].Field, skip.Errors[0].Message));
        var future = await Assert.ThrowsAsync<RequestValidationException>(() => AsRpa(app, new MoveCase("RPA-006", CaseStatus.Assessment, Today.AddDays(1), null, version)));
        Assert.Equal(("On", "未来の日付は指定できません。"), (future.Errors.Single().Field, future.Errors.Single().Message));
        var early = await Assert.ThrowsAsync<RequestValidationException>(() => AsRpa(app, new MoveCase("RPA-006", CaseStatus.Assessment, last.AddDays(-1), null, version)));
        Assert.Contains("直前の変更日", early.Errors.Single().Message);
        // Readers and departments may not move cases.
        await Assert.ThrowsAsync<ForbiddenException>(() => app.SendAsAsync(new MoveCase("RPA-006", CaseStatus.Assessment, Today, null, version), Roles.Viewer));
        await Assert.ThrowsAsync<ForbiddenException>(() => app.SendAsAsync(new MoveCase("RPA-006", CaseStatus.Assessment, Today, null, version), Roles.Department, "人事課"));
        Assert.Equal(transitions, (await app.CountsAsync()).Transitions);
        Assert.Equal(version, (await CardAsync(app, "RPA-006")).Version);

        // 候補 → 検討 → 開発 → 試行 → 本番稼働, all on today's date (the same day as the last change is allowed).
        await MoveAsync(app, "RPA-006", CaseStatus.Assessment, Today, "効果と実現性の検討を開始");
        await MoveAsync(app, "RPA-006", CaseStatus.Development, Today, "シナリオ作成に着手");
        await MoveAsync(app, "RPA-006", CaseStatus.Trial, Today, "課内で試行");
        await MoveAsync(app, "RPA-006", CaseStatus.Production, Today, "試行結果が良好");

        var board = await AsRpa(app, new GetPipelineBoard());
        Assert.Contains(board.Columns.Single(c => c.Status == CaseStatus.Production).Cards, c => c.Code == "RPA-006");
        Assert.DoesNotContain(board.Columns.Single(c => c.Status == CaseStatus.Idea).Cards, c => c.Code == "RPA-006");

        var moved = await app.RpaAsync(d => d.Cases.Include(c => c.Transitions).SingleAsync(c => c.Code == "RPA-006"));
        Assert.Equal((CaseStatus.Production, Today), (moved.Status, moved.ProductionSince!.Value));
        var steps = moved.Transitions.Where(t => t.From is not null).OrderBy(t => t.RecordedAt).ThenBy(t => t.To).ToList();
        Assert.Equal(4, steps.Count);
        Assert.All(steps, t => Assert.Equal((RpaEmail, Today, app.Clock.GetUtcNow()), (t.By, t.On, t.RecordedAt)));
        Assert.Equal(["効果と実現性の検討を開始", "シナリオ作成に着手", "課内で試行", "試行結果が良好"],
            steps.OrderBy(t => t.To switch { CaseStatus.Assessment => 0, CaseStatus.Development => 1, CaseStatus.Trial => 2, _ => 3 }).Select(t => t.Reason));

        // The case page's query shows the new history and what may follow.
        var details = await AsRpa(app, new GetCaseDetails("RPA-006"));
        Assert.Equal([CaseStatus.Suspended, CaseStatus.Retired], details.Moves.Select(m => m.To));
        Assert.Equal(Today, details.LastChange);
        Assert.True(details.Access.CanManage);

        // A card read before the last move is stale: refused, not overwritten.
        var stale = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => AsRpa(app, new MoveCase("RPA-006", CaseStatus.Retired, Today, null, version)));
        Assert.Contains("先に更新しました", stale.Message);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task The_registry_list_is_filtered_sorted_and_paged_in_the_database(Db db)
    {
        using var app = new IntranetApp(db);
        await app.ImportSampleCasesAsync();
        ListCases All(string? sort = null, bool desc = false, int skip = 0, int take = 20) => new(null, null, null, null, null, sort, desc, skip, take);

        var page = await app.SendAsAsync(All(), Roles.Viewer);
        Assert.Equal(6, page.Total);
        Assert.Equal(["RPA-001", "RPA-002", "RPA-003", "RPA-004", "RPA-005", "RPA-006"], page.Rows.Select(r => r.Code));
        Assert.Equal(6, page.Departments.Count);
        Assert.Equal(630m, page.Rows[0].EstimatedHoursPerYear);     // 12 × 900 × 3.5 ÷ 60

        // Pages of two; sorting by status follows the lifecycle (候補 first), not the alphabet.
        var second = await app.SendAsAsync(All("status", skip: 2, take: 2), Roles.Viewer);
        Assert.Equal(6, second.Total);
        Assert.Equal(["RPA-004", "RPA-001"], second.Rows.Select(r => r.Code));    // 候補 006, 検討 005 | 試行 004, 本番 001 | 002, 003
        var since = await app.SendAsAsync(All("since", desc: true), Roles.Viewer);
        Assert.Equal(["RPA-003", "RPA-002", "RPA-001"], since.Rows.Take(3).Select(r => r.Code));
        Assert.Null(since.Rows[^1].ProductionSince);
        Assert.Equal(["RPA-001", "RPA-002", "RPA-003", "RPA-004", "RPA-005", "RPA-006"],
            (await app.SendAsAsync(All("bogus"), Roles.Viewer)).Rows.Select(r => r.Code));

        // Filters: search (any case), status, tool, without an assessment.
        Assert.Equal(["RPA-003"], (await app.SendAsAsync(new ListCases("ふるさと", null, null, null, null, null, false, 0, 20), Roles.Viewer)).Rows.Select(r => r.Code));
        Assert.Equal(["RPA-004"], (await app.SendAsAsync(new ListCases("rpa-004", null, null, null, null, null, false, 0, 20), Roles.Viewer)).Rows.Select(r => r.Code));
        Assert.Equal(3, (await app.SendAsAsync(new ListCases(null, CaseStatus.Production, null, null, null, null, false, 0, 20), Roles.Viewer)).Total);
        Assert.Equal(["RPA-001", "RPA-002"], (await app.SendAsAsync(new ListCases(null, null, null, RpaTool.WinActor, null, null, false, 0, 20), Roles.Viewer)).Rows.Select(r => r.Code));
        Assert.Equal(["RPA-005", "RPA-006"], (await app.SendAsAsync(new ListCases(null, null, null, null, false, null, false, 0, 20), Roles.Viewer)).Rows.Select(r => r.Code));

        // A department sees its own cases only, whatever it asks for.
        var own = await app.SendAsAsync(new ListCases(null, null, "会計課", null, null, null, false, 0, 20), Roles.Department, "市民税課");
        Assert.Equal(0, own.Total);
        Assert.Equal(["市民税課"], own.Departments);
    }

    private sealed class User(string role) : ICurrentUser
    {
        public string Name => "someone@example.jp";
        public string? Department => null;
        public bool IsInRole(string r) => r == role;
        public bool IsAuthenticated => true;
        public bool IsSystem => false;
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task The_rpa_team_is_told_about_cases_without_an_assessment_and_failed_imports(Db db)
    {
        using var app = new IntranetApp(db);
        await app.ImportSampleCasesAsync();
        async Task<IReadOnlyList<Intranet.Shared.Modules.WorkItem>> ItemsAsync(string role)
        {
            using var scope = app.Services.CreateScope();
            var source = new RpaWorkItems(scope.ServiceProvider.GetRequiredService<RpaDbContext>(),
                scope.ServiceProvider.GetRequiredService<Intranet.Shared.Import.Data.ImportDbContext>(), app.Clock);
            return await source.GetAsync(new User(role), CancellationToken.None);
        }

        var items = await ItemsAsync(Roles.RpaTeam);
        var unassessed = Assert.Single(items);
        Assert.Equal(("評価が未登録の案件", 2, "/rpa?assessed=no"), (unassessed.Title, unassessed.Count, unassessed.Href));   // RPA-005, RPA-006
        Assert.Empty(await ItemsAsync(Roles.Viewer));

        // A failed upload appears until it is older than 30 days.
        // (uploads run through the shared job runner; its job table is what the work item counts)
        var runner = app.Services.GetRequiredService<ImportJobRunner>();
        var id = await runner.EnqueueAsync(RpaImportKinds.Runs, Utf8(RunsHeader, "RPA-999,X-1,2023-05-03 10:00:00,,success,1"), "bad.csv",
            ImportMapping.Native(RpaImportKinds.Runs, RunImportKind.Fields), RpaEmail, CancellationToken.None);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (await StateAsync(id) is Intranet.Shared.Import.Data.ImportJobState.Queued or Intranet.Shared.Import.Data.ImportJobState.Running)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60));
            await Task.Delay(100);
        }
        async Task<Intranet.Shared.Import.Data.ImportJobState> StateAsync(Guid job)
        {
            await using var scope = app.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<Intranet.Shared.Import.Data.ImportDbContext>().Jobs.Where(j => j.Id == job).Select(j => j.State).SingleAsync();
        }
        items = await ItemsAsync(Roles.RpaTeam);
        var failed = items.Single(i => i.Title == "失敗した取込");
        Assert.Equal((1, "/rpa/import?failed=true"), (failed.Count, failed.Href));
        var failedJobs = await AsRpa(app, new ListImportJobs(RpaImportKinds.Runs));
        Assert.Equal([id], failedJobs.Where(j => j.State == Intranet.Shared.Import.Data.ImportJobState.Failed).Select(j => j.Id));

        // One fewer without an assessment once RPA-005 is assessed.
        await AsRpa(app, new SaveAssessment("RPA-005", new DateOnly(2026, 4, 1), 12, 40, 10, 1));
        Assert.Equal(1, (await ItemsAsync(Roles.RpaTeam)).Single(i => i.Title == "評価が未登録の案件").Count);
    }
}
