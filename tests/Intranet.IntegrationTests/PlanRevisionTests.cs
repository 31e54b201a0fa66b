using System.Net;
using Intranet.IntegrationTests.Infrastructure;
using Intranet.Shared.Modules;
using Microsoft.Extensions.DependencyInjection;
using Intranet.Modules.PlanKpi.Domain;
using Intranet.Modules.PlanKpi.UseCases;
using Intranet.Shared.Messaging;
using Intranet.Shared.Security;
using Microsoft.EntityFrameworkCore;

namespace Intranet.IntegrationTests;

/// <summary>
/// Plan revisions (issue #10) on both databases with the bundled Hadano plan: 2-1-(1)-2 削減時間(累積) has targets
/// 600/1,500/3,300/5,250/7,350 時間 (FY2021–2025); 1-3-(2) デジタル放送の活用 (広報広聴課) has 1-3-(2)-1 更新頻度 with targets to FY2024.
/// </summary>
public sealed class PlanRevisionTests
{
    private const string Plan = "hadano-ict-2021";

    private static RecordPlanRevision MidTerm(params RevisionChangeInput[] changes) =>
        new(Plan, RevisionKind.MidTerm, 2023, "令和5年度 中間見直し", "計画の中間年度における事業推進計画の見直し", changes);

    private static readonly RevisionChangeInput HoursTarget = new(RevisionChangeKind.TargetChanged, "2-1-(1)", "適用業務の拡大により上方修正",
        IndicatorCode: "2-1-(1)-2", FiscalYear: 2024, TargetValue: 6000m);

    private static Task<decimal?> TargetAsync(IntranetApp app, string indicator, int year) =>
        app.PlanKpiAsync(d => d.Targets.Where(t => t.FiscalYear == year)
            .Join(d.Indicators.Where(i => i.Code == indicator), t => t.IndicatorId, i => i.Id, (t, i) => t.Value).SingleAsync());

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task A_revision_changes_later_targets_only_and_the_project_page_lists_it(Db db)
    {
        using var app = new IntranetApp(db);
        var number = await app.SendAsAsync(MidTerm(HoursTarget,
            new RevisionChangeInput(RevisionChangeKind.ProjectEnded, "1-3-(2)", "放送事業者の番組終了に伴い完了")), Roles.PlanOffice, email: "office@example.jp");
        Assert.Equal(1, number);

        // Earlier years keep the targets they were evaluated against; the effective year onwards has the new version.
        Assert.Equal(1500m, await TargetAsync(app, "2-1-(1)-2", 2022));
        Assert.Equal(3300m, await TargetAsync(app, "2-1-(1)-2", 2023));
        Assert.Equal(6000m, await TargetAsync(app, "2-1-(1)-2", 2024));
        Assert.Equal(7350m, await TargetAsync(app, "2-1-(1)-2", 2025));
        Assert.Equal(2022, await app.PlanKpiAsync(d => d.Projects.Where(p => p.Code == "1-3-(2)").Select(p => p.LastFiscalYear).SingleAsync()));

        // The project page lists the change (newest first), with before → after and the reason.
        var view = await app.SendAsAsync(new GetProjectView(Plan, "2-1-(1)"), Roles.Viewer);
        var entry = Assert.Single(view.Revisions);
        Assert.Equal((1, 2023, "中間見直し", "目標値の変更"), (entry.RevisionNumber, entry.EffectiveFiscalYear, entry.KindLabel, entry.Change.KindLabel));
        Assert.Equal(("5,250時間", "6,000時間", "適用業務の拡大により上方修正"), (entry.Change.Before, entry.Change.After, entry.Change.Reason));
        Assert.Equal(6000m, view.Rows.Single(r => r.Indicator.Code == "2-1-(1)-2").Year(2024)!.TargetValue);
        Assert.Empty((await app.SendAsAsync(new GetProjectView(Plan, "1-1-(3)"), Roles.Viewer)).Revisions);

        // A second, yearly revision becomes 版2; the list is newest first; the write is audited.
        await app.SendAsAsync(new RecordPlanRevision(Plan, RevisionKind.Yearly, 2025, "令和7年度 個別事業の見直し", "進行状況の評価による",
            [HoursTarget with { FiscalYear = 2025, TargetValue = 8000m, Reason = "前年度の実績を踏まえ設定" }]), Roles.Administrator);
        var list = await app.SendAsAsync(new GetPlanRevisions(Plan), Roles.Viewer);
        Assert.Equal([2, 1], list.Revisions.Select(r => r.Number));
        Assert.Equal(2, list.Revisions[1].Changes.Count);
        Assert.Equal("office@example.jp", list.Revisions[1].RecordedBy);
        Assert.False(list.CanRecord);
        Assert.Equal([2021, 2022, 2023, 2024, 2025], list.Years);
        Assert.Equal("2022", list.Projects.Single(p => p.Code == "1-3-(2)").LastFiscalYear?.ToString());
        Assert.Equal(["8,000時間", "6,000時間"],
            (await app.SendAsAsync(new GetProjectView(Plan, "2-1-(1)"), Roles.Viewer)).Revisions.Select(r => r.Change.After));
        Assert.Equal(2, await app.PlanKpiAsync(d => d.AuditEntries.CountAsync(a => a.EntityType == nameof(PlanRevision))));
        Assert.True(await app.PlanKpiAsync(d => d.AuditEntries.AnyAsync(a => a.EntityType == nameof(Target) && a.Action == "Modified")));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task A_revision_with_one_bad_change_writes_nothing_and_names_the_change(Db db)
    {
        using var app = new IntranetApp(db);
        var error = await Assert.ThrowsAsync<RequestValidationException>(() => app.SendAsAsync(MidTerm(HoursTarget,
            HoursTarget with { FiscalYear = 2022, TargetValue = 2000m }), Roles.PlanOffice));
        var e = Assert.Single(error.Errors);
        Assert.Equal("変更2: 指標 2-1-(1)-2 の令和4年度の目標値は、適用年度 (令和5年度) より前の年度のため変更できません。", e.Message);
        Assert.Equal(5250m, await TargetAsync(app, "2-1-(1)-2", 2024));
        Assert.Equal(0, await app.PlanKpiAsync(d => d.PlanRevisions.CountAsync()));
        Assert.False(await app.PlanKpiAsync(d => d.AuditEntries.AnyAsync(a => a.EntityType == nameof(Target) && a.Action == "Modified")));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Only_the_plan_office_and_administrators_record_revisions(Db db)
    {
        using var app = new IntranetApp(db);
        await Assert.ThrowsAsync<ForbiddenException>(() => app.SendAsAsync(MidTerm(HoursTarget), Roles.Department, "情報政策課"));
        await Assert.ThrowsAsync<ForbiddenException>(() => app.SendAsAsync(MidTerm(HoursTarget), Roles.Cio));
        Assert.Equal(0, await app.PlanKpiAsync(d => d.PlanRevisions.CountAsync()));
        Assert.True((await app.SendAsAsync(new GetPlanRevisions(Plan), Roles.PlanOffice)).CanRecord);
        Assert.False((await app.SendAsAsync(new GetPlanRevisions(Plan), Roles.Department, "情報政策課")).CanRecord);
        await Assert.ThrowsAsync<NotFoundException>(() => app.SendAsAsync(new GetPlanRevisions("nope"), Roles.Viewer));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Added_moved_and_ended_projects_show_in_the_plan_and_ended_ones_owe_no_actuals(Db db)
    {
        using var app = new IntranetApp(db);
        var before = await app.SendAsAsync(new GetEntrySheet(Plan, 2024), Roles.Department, "広報広聴課");
        Assert.True(before.Rows.Single(r => r.IndicatorCode == "1-3-(2)-1").Owes);

        await app.SendAsAsync(new RecordPlanRevision(Plan, RevisionKind.Yearly, 2024, "令和6年度 個別事業の見直し", "令和5年度の評価を踏まえた見直し",
        [
            new(RevisionChangeKind.ProjectEnded, "1-3-(2)", "事業を完了"),
            new(RevisionChangeKind.ProjectAdded, "", "生成AIの試行", MeasureCode: "2-1", NewProjectCode: "2-1-(6)", NewProjectName: "生成AIの業務活用",
                LeadDepartment: "情報政策課"),
            new(RevisionChangeKind.ProjectMoved, "2-1-(2)", "事業推進計画の再編", MeasureCode: "2-4", NewProjectCode: "2-4-(4)"),
        ]), Roles.PlanOffice);

        var after = await app.SendAsAsync(new GetEntrySheet(Plan, 2024), Roles.Department, "広報広聴課");
        Assert.False(after.Rows.Single(r => r.IndicatorCode == "1-3-(2)-1").Owes);
        var earlier = await app.SendAsAsync(new GetEntrySheet(Plan, 2023), Roles.Department, "広報広聴課");
        Assert.True(earlier.Rows.Single(r => r.IndicatorCode == "1-3-(2)-1").Owes);

        var snapshot = await app.SendAsAsync(new GetPlanSnapshot(Plan), Roles.Viewer);
        var added = snapshot.Plan.Projects.Single(p => p.Code == "2-1-(6)");
        Assert.Equal((2024, Continuity.New), (added.FirstFiscalYear, added.Continuity));
        var m21 = snapshot.Policies.SelectMany(p => p.Measures).Single(m => m.Code == "2-1");
        var m24 = snapshot.Policies.SelectMany(p => p.Measures).Single(m => m.Code == "2-4");
        Assert.Contains(m21.Placements, p => p.ProjectId == added.Id);
        Assert.Contains(m24.Placements, p => p.Code == "2-4-(4)");
        Assert.DoesNotContain(m21.Placements, p => p.Code == "2-1-(2)");
        var moved = await app.SendAsAsync(new GetProjectView(Plan, "2-4-(4)"), Roles.Viewer);
        Assert.Equal("2-1-(2)", Assert.Single(moved.Revisions).Change.ProjectCode);
        Assert.Single((await app.SendAsAsync(new GetProjectView(Plan, "2-1-(6)"), Roles.Viewer)).Revisions);
    }

    [Fact]
    public async Task The_revisions_page_needs_a_sign_in_lists_revisions_for_readers_and_shows_the_form_to_the_plan_office()
    {
        using var app = new IntranetApp(Db.Sqlite);
        var anonymous = await app.NewClient().GetAsync($"/plans/{Plan}/revisions");
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.StartsWith("/account/login", anonymous.LocationPath());

        await app.SendAsAsync(MidTerm(HoursTarget), Roles.PlanOffice);
        var viewer = await (await app.SignedInAsync(Roles.Viewer)).GetStringAsync($"/plans/{Plan}/revisions?v=abc");
        Assert.Contains("計画の見直し (版の履歴)", viewer);
        Assert.Contains("令和5年度 中間見直し", viewer);
        Assert.Contains("5,250時間", viewer);
        Assert.DoesNotContain("見直しを記録する", viewer);
        var office = await (await app.SignedInAsync(Roles.PlanOffice)).GetStringAsync($"/plans/{Plan}/revisions");
        Assert.Contains("見直しを記録する", office);
        Assert.Contains("計画の見直し履歴", await (await app.SignedInAsync(Roles.Viewer)).GetStringAsync($"/plans/{Plan}/projects/2-1-(1)"));
        Assert.Contains($"/plans/{Plan}/revisions", await (await app.SignedInAsync(Roles.Viewer)).GetStringAsync($"/plans/{Plan}"));
        Assert.Equal(HttpStatusCode.OK, (await (await app.SignedInAsync(Roles.Viewer)).GetAsync("/plans/nope/revisions")).StatusCode);
    }

    [Fact]
    public async Task Seed_demo_records_the_hadano_mid_term_and_yearly_demo_revisions_once()
    {
        using var app = new IntranetApp(Db.Sqlite);
        async Task<string> SeedAsync()
        {
            await using var scope = app.Services.CreateAsyncScope();
            var seeder = scope.ServiceProvider.GetServices<IDemoDataSeeder>().Single(s => s.GetType().Name == "PlanRevisionsDemoSeeder");
            return await seeder.SeedAsync(CancellationToken.None);
        }
        Assert.Contains("2件登録しました", await SeedAsync());
        Assert.Contains("0件登録しました", await SeedAsync());
        var list = await app.SendAsAsync(new GetPlanRevisions(Plan), Roles.Viewer);
        Assert.Equal([(2, 2024, RevisionKind.Yearly), (1, 2023, RevisionKind.MidTerm)], list.Revisions.Select(r => (r.Number, r.EffectiveFiscalYear, r.Kind)));
        Assert.All(list.Revisions, r => Assert.Contains("デモデータ", r.Title));
        Assert.Equal(2023, list.Projects.Single(p => p.Code == "1-3-(4)").LastFiscalYear);
        Assert.Equal(45m, await TargetAsync(app, "1-3-(5)-1", 2023));
        Assert.Equal(50m, await TargetAsync(app, "1-3-(5)-1", 2024));
    }
}
