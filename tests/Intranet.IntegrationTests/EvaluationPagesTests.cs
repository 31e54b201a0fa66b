using System.Net;
using Intranet.IntegrationTests.Infrastructure;
using Intranet.Modules.PlanKpi.Domain.Evaluation;
using Intranet.Modules.PlanKpi.UseCases.Evaluation;
using Intranet.Shared.Security;
using Intranet.Shared.Web;

namespace Intranet.IntegrationTests;

/// <summary>
/// The evaluation round's pages (issue #10) as URLs, on both databases: who gets each page (prerendered HTML with the
/// round's content), who is refused (403 from the use case's ForbiddenException, 404 for a missing round, the login for
/// anonymous users), an outside reviewer sees only the rounds that name them, and the home page's work items.
/// </summary>
public sealed class EvaluationPagesTests
{
    private const string Plan = EvaluationRoundTests.Plan;
    private const int Year = EvaluationRoundTests.Year;
    private const string Project = EvaluationRoundTests.Project;
    private const string Department = EvaluationRoundTests.Department;
    private const string Chigasaki = "chigasaki-chiiki-2016";

    private static string Round => $"/evaluation/{Plan}/{Year}";
    private static string Sheet => $"{Round}/sheets/{Uri.EscapeDataString(Project)}";

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Every_page_answers_the_right_roles_and_refuses_the_others(Db db)
    {
        using var app = new IntranetApp(db);
        var opened = await app.SendAsAsync(new OpenEvaluationRound(Plan, Year), Roles.PlanOffice);
        var other = opened.Sheets.First(s => !s.LeadDepartments.Contains(Department));

        // Anonymous: every new URL sends to the login page.
        var anonymous = app.NewClient();
        foreach (var url in new[] { "/evaluation", Round, Sheet, $"{Round}/stages/2", $"/plans/{Plan}/evaluation-stages" })
        {
            var response = await anonymous.GetAsync(url);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/account/login", response.LocationPath());
        }

        // The plan office: the list with the open form, the round with closing, the sheet, the stage grid, the stage editor.
        var office = await app.SignedInAsync(Roles.PlanOffice);
        var list = await office.GetStringAsync("/evaluation");
        Assert.Contains("評価ラウンドを開始する", list);
        Assert.Contains(Fmt.Year(Year), list);
        Assert.Contains("進行中", list);
        var round = await office.GetStringAsync(Round);
        Assert.Contains("この段階を終了", round);
        Assert.Contains("自己評価が未提出の主管課", round);
        Assert.Contains("評価報告書", round);
        Assert.Contains($"{Round}/report", round);
        Assert.Contains("幹事会", round);
        Assert.Contains(other.ProjectName, round);
        Assert.Equal(HttpStatusCode.OK, (await office.GetAsync(Sheet)).StatusCode);
        Assert.Contains("「幹事会」の評価入力", await office.GetStringAsync($"{Round}/stages/2"));
        var editor = await office.GetStringAsync($"/plans/{Plan}/evaluation-stages");
        Assert.Contains("id=\"stage-save\"", editor);
        Assert.Contains("本部会", editor);

        // A department: its own sheet with the form, not another department's; no open form, no closing.
        var department = await app.SignedInAsync(Roles.Department, Department);
        var mine = await department.GetStringAsync(Sheet);
        Assert.Contains("id=\"self-submit\"", mine);
        Assert.Contains("A</strong> 目標を達成", mine);
        var refused = await department.GetAsync($"{Round}/sheets/{Uri.EscapeDataString(other.ProjectCode)}");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var departmentRound = await department.GetStringAsync(Round);
        Assert.DoesNotContain("この段階を終了", departmentRound);
        Assert.DoesNotContain(other.ProjectName, departmentRound);
        Assert.DoesNotContain("評価ラウンドを開始する", await department.GetStringAsync("/evaluation"));
        Assert.DoesNotContain("id=\"stage-save\"", await department.GetStringAsync($"/plans/{Plan}/evaluation-stages"));

        // The CIO and viewers read everything, edit nothing.
        var cio = await app.SignedInAsync(Roles.Cio);
        var cioSheet = await cio.GetStringAsync(Sheet);
        Assert.DoesNotContain("id=\"self-submit\"", cioSheet);
        Assert.DoesNotContain("id=\"sheet-return\"", cioSheet);
        Assert.DoesNotContain("この段階を終了", await cio.GetStringAsync(Round));

        // Missing things answer 404.
        Assert.Equal(HttpStatusCode.NotFound, (await office.GetAsync($"/evaluation/{Plan}/2099")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await office.GetAsync($"{Round}/sheets/no-such")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await office.GetAsync($"{Round}/stages/9")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await office.GetAsync("/plans/no-such-plan/evaluation-stages")).StatusCode);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task An_outside_reviewer_gets_only_the_rounds_that_name_them(Db db)
    {
        using var app = new IntranetApp(db);
        await app.SendAsAsync(new OpenEvaluationRound(Plan, Year), Roles.PlanOffice);
        var overview = await app.SendAsAsync(new ListEvaluationRounds(), Roles.PlanOffice);
        var chigasakiYear = overview.Openable.Single(p => p.PlanCode == Chigasaki).Years[0];
        const string email = "gakushiki@example.jp";
        const string password = "test-password-2026";
        await app.SendAsAsync(new OpenEvaluationRound(Chigasaki, chigasakiYear, "chigasaki", [email]), Roles.PlanOffice);
        await app.CreateUserAsync(email, password, Roles.Reviewer);
        var reviewer = app.NewClient();
        Assert.Equal(HttpStatusCode.Redirect, (await reviewer.LoginAsync(email, password)).StatusCode);

        var list = await reviewer.GetStringAsync("/evaluation");
        Assert.Contains($"/evaluation/{Chigasaki}/{chigasakiYear}", list);
        Assert.DoesNotContain(Round, list);
        Assert.Equal(HttpStatusCode.OK, (await reviewer.GetAsync($"/evaluation/{Chigasaki}/{chigasakiYear}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reviewer.GetAsync(Round)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reviewer.GetAsync(Sheet)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reviewer.GetAsync($"/plans/{Plan}/evaluation-stages")).StatusCode);

        // Another reviewer, not named, sees no round at all.
        var stranger = await app.SignedInAsync(Roles.Reviewer);
        Assert.Contains("表示できる評価ラウンドはありません", await stranger.GetStringAsync("/evaluation"));
        Assert.Equal(HttpStatusCode.Forbidden, (await stranger.GetAsync($"/evaluation/{Chigasaki}/{chigasakiYear}")).StatusCode);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task The_home_page_lists_sheets_to_fill_and_stages_to_close(Db db)
    {
        using var app = new IntranetApp(db);
        var opened = await app.SendAsAsync(new OpenEvaluationRound(Plan, Year), Roles.PlanOffice);
        var own = opened.Sheets.Count(s => s.LeadDepartments.Contains(Department));

        var home = await app.SendAsAsync(new Intranet.Host.Home.GetHomePage(), Roles.Department, Department);
        var fill = Assert.Single(home.Groups.SelectMany(g => g.Items), i => i.Title == "提出する評価シート");
        Assert.Equal(own, fill.Count);
        Assert.Equal($"{Round}?dept={Uri.EscapeDataString(Department)}", fill.Href);
        Assert.Contains("締切 2024/06/30", fill.Detail);

        // After every sheet is submitted the plan office is told the stage can close; the department has nothing left.
        foreach (var row in opened.Sheets)
            await app.SendAsAsync(new SaveSelfEvaluation(Plan, Year, row.ProjectCode, EvaluationRoundTests.Complete(), true, row.SheetVersion), Roles.PlanOffice);
        var office = await app.SendAsAsync(new Intranet.Host.Home.GetHomePage(), Roles.PlanOffice);
        Assert.Contains(office.Groups.SelectMany(g => g.Items), i => i.Title == "終了できる評価段階" && i.Href == Round);
        var done = await app.SendAsAsync(new Intranet.Host.Home.GetHomePage(), Roles.Department, Department);
        Assert.DoesNotContain(done.Groups.SelectMany(g => g.Items), i => i.Title.Contains("評価シート"));
    }
}
