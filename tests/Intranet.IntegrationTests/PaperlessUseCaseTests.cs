using Intranet.IntegrationTests.Infrastructure;
using Intranet.Modules.Paperless.Domain;
using Intranet.Modules.Paperless.Home;
using Intranet.Modules.Paperless.UseCases;
using Intranet.Modules.Paperless.Import;
using Intranet.Shared.Import;
using Intranet.Shared.Messaging;
using Intranet.Shared.Security;
using Intranet.Shared.Time;
using Microsoft.Extensions.DependencyInjection;
using static Intranet.IntegrationTests.PaperlessTest;

namespace Intranet.IntegrationTests;

/// <summary>
/// Issue #8 (会議主管課), through the use cases the interactive pages call, on both databases (the test clock is 2026-11-21,
/// FY2026, after the Hadano plan period FY2021–FY2025): the session form's default date inside the selected fiscal year,
/// the confirmation a date outside the plan period needs, the overview's figures and the uploads.
/// </summary>
public sealed class PaperlessUseCaseTests
{
    private const string Seisaku = "総合政策課";
    private const string Joho = "情報システム課";
    private const string Organizer = "seisaku-organizer@example.jp";

    private static Task<T> AsOrganizer<T>(IntranetApp app, MediatR.IRequest<T> request) =>
        UseCaseActor.SendAsAsync(app, request, Roles.MeetingOrganizer, Seisaku, Organizer);

    private static RecordSession Session(DateOnly on, bool confirmed = false, MeetingFormat format = MeetingFormat.Web) =>
        new("MTG-001", on, 1, format, MaterialsDistribution.DigitalOnly, 12, 0, false, null, null, confirmed);

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task A_new_session_starts_on_a_date_inside_the_selected_year_and_copies_the_last_one(Db db)
    {
        using var app = new IntranetApp(db);
        await app.ImportSampleBodiesAsync();

        // FY2022, nothing recorded: April 1 of that year (today, 2026-11-21, is not in it).
        var fy2022 = await AsOrganizer(app, new GetBodySessions("MTG-001", "2022"));
        Assert.Equal((new FiscalYear(2022), new DateOnly(2022, 4, 1), (Intranet.Modules.Paperless.UseCases.SessionRow?)null), (fy2022.Year, fy2022.DefaultDate, fy2022.Last));
        Assert.Equal(new PlanPeriod(new FiscalYear(2021), new FiscalYear(2025)), fy2022.PlanPeriod);
        Assert.Equal(Enumerable.Range(2021, 6).Select(y => new FiscalYear(y)), fy2022.Choices);
        Assert.True(fy2022.DefaultDate >= fy2022.Year.Start && fy2022.DefaultDate <= fy2022.Year.End);

        // Two sessions two weeks apart: the next one is expected two weeks after the last.
        await AsOrganizer(app, Session(new DateOnly(2022, 5, 2)));
        await AsOrganizer(app, Session(new DateOnly(2022, 5, 16), format: MeetingFormat.Hybrid));
        var after = await AsOrganizer(app, new GetBodySessions("MTG-001", "2022"));
        Assert.Equal(new DateOnly(2022, 5, 30), after.DefaultDate);
        Assert.Equal([new DateOnly(2022, 5, 16), new DateOnly(2022, 5, 2)], after.Sessions.Select(s => s.HeldOn));
        Assert.Equal((new DateOnly(2022, 5, 16), MeetingFormat.Hybrid), (after.Last!.HeldOn, after.Last.Format));   // the form copies the last session
        Assert.Equal(Organizer, after.Last.RecordedBy);

        // FY2023 has no session of its own: April 1, 2023, still copying the last session (of FY2022).
        var fy2023 = await AsOrganizer(app, new GetBodySessions("MTG-001", "2023"));
        Assert.Equal((new DateOnly(2023, 4, 1), new DateOnly(2022, 5, 16)), (fy2023.DefaultDate, fy2023.Last!.HeldOn));
        Assert.Empty(fy2023.Sessions);

        // No year, or a hand-edited one: this fiscal year, dated today.
        foreach (var typed in new[] { null, "abc", "1999", "2030" })
        {
            var current = await AsOrganizer(app, new GetBodySessions("MTG-001", typed));
            Assert.Equal((new FiscalYear(2026), new DateOnly(2026, 11, 21)), (current.Year, current.DefaultDate));
        }

        // The rule itself: a year with one session → a week later; never after the year's end or today.
        Assert.Equal(new DateOnly(2022, 4, 8), PaperlessRules.DefaultSessionDate(new FiscalYear(2022), new DateOnly(2026, 11, 21), [new DateOnly(2022, 4, 1)]));
        Assert.Equal(new DateOnly(2023, 3, 31), PaperlessRules.DefaultSessionDate(new FiscalYear(2022), new DateOnly(2026, 11, 21), [new DateOnly(2023, 3, 20), new DateOnly(2023, 3, 27)]));
        Assert.Equal(new DateOnly(2026, 11, 21), PaperlessRules.DefaultSessionDate(new FiscalYear(2026), new DateOnly(2026, 11, 21), [new DateOnly(2026, 11, 2)]));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task A_date_outside_the_plan_period_is_saved_only_when_confirmed(Db db)
    {
        using var app = new IntranetApp(db);
        await app.ImportSampleBodiesAsync();
        var planOffice = await app.SignedInAsync("PlanOffice");

        // 2026-11-20 is after FY2025: refused without confirmation, nothing written.
        var refused = await Assert.ThrowsAsync<RequestValidationException>(() => AsOrganizer(app, Session(new DateOnly(2026, 11, 20))));
        var error = Assert.Single(refused.Errors);
        Assert.Equal(nameof(RecordSession.HeldOn), error.Field);
        Assert.Contains("計画期間 (令和3年度(2021)〜令和7年度(2025)) の外", error.Message);
        Assert.Equal(0, (await app.PaperlessCountsAsync()).Sessions);
        // Before the plan too.
        await Assert.ThrowsAsync<RequestValidationException>(() => AsOrganizer(app, Session(new DateOnly(2021, 3, 31))));

        // Confirmed: saved; it counts for no plan year.
        await AsOrganizer(app, Session(new DateOnly(2026, 11, 20), confirmed: true));
        Assert.Equal(1, (await app.PaperlessCountsAsync()).Sessions);
        Assert.All(PlanYears, y => Assert.Equal("", planOffice.PaperlessRowsAsync().Result[(ExecutiveRate, y)].Actual));

        // Inside the plan no confirmation is needed; a future date is refused even when confirmed.
        await AsOrganizer(app, Session(new DateOnly(2025, 6, 2)));
        Assert.Equal("100", (await planOffice.PaperlessRowsAsync())[(ExecutiveRate, 2025)].Actual);
        var future = await Assert.ThrowsAsync<RequestValidationException>(() => AsOrganizer(app, Session(new DateOnly(2026, 11, 22), confirmed: true)));
        Assert.Contains("未来", Assert.Single(future.Errors).Message);
        Assert.Equal(2, (await app.PaperlessCountsAsync()).Sessions);

        // Other departments and roles are refused, confirmed or not.
        await Assert.ThrowsAsync<ForbiddenException>(() => UseCaseActor.SendAsAsync(app, Session(new DateOnly(2025, 6, 9)), Roles.MeetingOrganizer, Joho));
        await Assert.ThrowsAsync<ForbiddenException>(() => UseCaseActor.SendAsAsync(app, Session(new DateOnly(2025, 6, 9)), Roles.Viewer));
        await Assert.ThrowsAsync<ForbiddenException>(() => UseCaseActor.SendAsAsync(app, new GetBodySessions("MTG-001", null), Roles.MeetingOrganizer, Joho));
        await Assert.ThrowsAsync<ForbiddenException>(() => UseCaseActor.SendAsAsync(app, new GetBodySessions("MTG-001", null), Roles.Department, Seisaku));
        await Assert.ThrowsAsync<NotFoundException>(() => AsOrganizer(app, new GetBodySessions("MTG-999", null)));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task The_overview_query_computes_the_figures_the_page_shows(Db db)
    {
        using var app = new IntranetApp(db);
        await app.ImportSampleBodiesAsync();
        await app.ImportSampleSessionsAsync();

        // README: 2-2-(1) shows 77.5 % for FY2021 (target 90 %).
        var fy2021 = await UseCaseActor.SendAsAsync(app, new GetPaperlessOverview("2021", "Executive"), Roles.Viewer);
        Assert.Equal((new FiscalYear(2021), MeetingCategory.Executive, 77.5m, 90m), (fy2021.Year, fy2021.Category, fy2021.YearRate, fy2021.Target));
        Assert.Equal(12, fy2021.Months.Count);
        Assert.Equal(4, fy2021.Months[0].Month);
        var held = fy2021.Months.Sum(m => m.Sessions);
        Assert.Equal(Math.Round(100m * fy2021.Months.Sum(m => m.PaperlessSessions) / held, 1, MidpointRounding.AwayFromZero), fy2021.YearRate);
        Assert.Equal(held, fy2021.Bodies.Sum(b => b.Sessions));
        Assert.Equal(fy2021.Bodies.OrderBy(b => b.Rate ?? 101).ThenByDescending(b => b.SheetsPrinted).Select(b => b.Name), fy2021.Bodies.Select(b => b.Name));
        Assert.Equal(fy2021.YearRate, fy2021.Years.Single(y => y.Year.StartYear == 2021).ExecutiveRate);

        // Hand-edited values fall back: the latest year with sessions and 庁議.
        var fallback = await UseCaseActor.SendAsAsync(app, new GetPaperlessOverview("abc", "Nonsense"), Roles.Cio);
        Assert.Equal((fallback.Years[^1].Year, MeetingCategory.Executive), (fallback.Year, fallback.Category));
        // その他庁内会議 has no indicator: no target.
        Assert.Null((await UseCaseActor.SendAsAsync(app, new GetPaperlessOverview("2021", "OtherInternal"), Roles.Viewer)).Target);

        // Sessions loaded by the command line are shown as 「一括取込」, never as an internal actor.
        var sessions = await UseCaseActor.SendAsAsync(app, new GetBodySessions("MTG-001", "2021"), Roles.PlanOffice);
        Assert.NotEmpty(sessions.Sessions);
        Assert.All(sessions.Sessions, s => Assert.Equal("一括取込 (管理コマンド)", s.RecordedBy));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Organizers_upload_their_own_sessions_with_a_dry_run_first(Db db)
    {
        using var app = new IntranetApp(db);
        await app.ImportSampleBodiesAsync();
        var file = Utf8(SessionsHeader, "MTG-001,2024-05-08,1,WEB,電子のみ,12,0,0,", "MTG-002,2024-05-09,1,対面,紙,20,400,0,");

        // The shared import page's use case (StartImport) checks as the organizer; the module has no upload logic of its own.
        var dry = await AsOrganizer(app, new StartImport(PaperlessImportKinds.Sessions, file, "sessions.csv", null, CheckOnly: true));
        Assert.Equal("確認のみ (書き込みなし): 2行 (追加 2、更新 0、変更なし 0)、文字コード UTF-8", dry.Check!.ToString());
        Assert.Equal(0, (await app.PaperlessCountsAsync()).Sessions);

        var done = await app.ImportSessionsAsync(file, "sessions.csv", role: Roles.MeetingOrganizer, department: Seisaku);
        Assert.Equal(new ImportResult(2, 2, 0, 0, "UTF-8", false), done);
        Assert.Equal(2, (await app.PaperlessCountsAsync()).Sessions);

        // Another department's organizer: the rows of 総合政策課's bodies are refused; nothing written.
        var other = await UseCaseActor.SendAsAsync(app, new StartImport(PaperlessImportKinds.Sessions, file, "sessions.csv", null, false), Roles.MeetingOrganizer, Joho);
        Assert.Null(other.JobId);
        Assert.Equal(2, other.ErrorTotal);
        Assert.All(other.Errors, e => Assert.Contains("自課以外", e.Message));
        foreach (var role in new[] { Roles.Viewer, Roles.Department, Roles.Cio, Roles.HumanResources, Roles.RpaTeam })
        {
            await Assert.ThrowsAsync<ForbiddenException>(() => UseCaseActor.SendAsAsync(app, new StartImport(PaperlessImportKinds.Sessions, file, "s.csv", null, true), role, Seisaku));
            await Assert.ThrowsAsync<ForbiddenException>(() => UseCaseActor.SendAsAsync(app, new ListMyBodies(), role, Seisaku));
        }
        Assert.Equal(2, (await app.PaperlessCountsAsync()).Sessions);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task An_organizer_sees_their_bodies_and_those_without_a_session_this_year_wait_on_the_home_page(Db db)
    {
        using var app = new IntranetApp(db);
        await app.ImportSampleBodiesAsync();
        var mine = await AsOrganizer(app, new ListMyBodies());
        Assert.Equal((false, Seisaku, new FiscalYear(2026)), (mine.ManagesAll, mine.Department, mine.CurrentYear));
        Assert.Equal(["MTG-001", "MTG-002", "MTG-003"], mine.Bodies.Select(b => b.Code).Order());
        Assert.All(mine.Bodies, b => Assert.Equal((0, (DateOnly?)null, "庁議"), (b.SessionsThisYear, b.LastHeldOn, b.CategoryLabel)));
        Assert.True((await UseCaseActor.SendAsAsync(app, new ListMyBodies(), Roles.PlanOffice)).ManagesAll);

        Assert.Equal(3, Assert.Single(await WorkItemsAsync(app, Roles.MeetingOrganizer, Seisaku)).Count);
        await AsOrganizer(app, Session(new DateOnly(2026, 11, 2), confirmed: true));
        var item = Assert.Single(await WorkItemsAsync(app, Roles.MeetingOrganizer, Seisaku));
        Assert.Equal(("今年度の開催が未記録の会議体", 2, "/paperless/bodies"), (item.Title, item.Count, item.Href));
        Assert.Equal(1, (await AsOrganizer(app, new ListMyBodies())).Bodies.Single(b => b.Code == "MTG-001").SessionsThisYear);
        Assert.Empty(await WorkItemsAsync(app, Roles.Viewer, null));
    }

    private static async Task<IReadOnlyList<Intranet.Shared.Modules.WorkItem>> WorkItemsAsync(IntranetApp app, string role, string? department)
    {
        await using var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentPrincipal>().Principal = UseCaseActor.Principal($"{role}@example.jp", department, role);
        var source = ActivatorUtilities.CreateInstance<BodiesWithoutSessionWorkItems>(scope.ServiceProvider);
        return await source.GetAsync(scope.ServiceProvider.GetRequiredService<ICurrentUser>(), CancellationToken.None);
    }
}
