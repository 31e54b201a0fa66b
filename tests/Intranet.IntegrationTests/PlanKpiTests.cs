using System.Net;
using Intranet.IntegrationTests.Infrastructure;
using Intranet.Modules.PlanKpi.Contracts;
using Intranet.Modules.PlanKpi.Domain;
using Intranet.Modules.PlanKpi.UseCases;
using Intranet.Shared.Messaging;
using Intranet.Shared.Security;
using MediatR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Intranet.IntegrationTests;

/// <summary>
/// Actual entry (as use cases run by a signed-in user, the way the interactive pages call them), concurrency, audit,
/// authorization, the metric feed and the export, on both databases.
/// </summary>
public sealed class PlanKpiTests
{
    // 1-2-(1)-1 Twitter フォロワー数: lead 広報広聴課, FY2021 target 7,000 (the year has ended on the test clock, 2026-11-21).
    private const string Plan = "hadano-ict-2021";
    private const string Indicator = "1-2-(1)-1";
    private const string EntryUrl = "/plans/hadano-ict-2021/indicators/1-2-(1)-1/actuals/2021";

    private static RecordActual Actual(decimal? value, Guid? version = null, string? note = null) =>
        new(Plan, Indicator, 2021, value, note, version);

    private static async Task<IndicatorYear> YearAsync(IntranetApp app, string indicator = Indicator, int year = 2021) =>
        (await app.SendAsAsync(new GetPlanSnapshot(Plan), Roles.Viewer)).Indicators.Single(r => r.Indicator.Code == indicator).Year(year)!;

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Actual_entry_round_trip_changes_status_rate_and_project_page(Db db)
    {
        using var app = new IntranetApp(db);
        var before = await YearAsync(app);
        Assert.Equal(KpiStatus.NotMeasured, before.Evaluation.Status);
        Assert.Equal(7000m, before.TargetValue);

        await app.SendAsAsync(Actual(6500, note: "4月末時点"), Roles.PlanOffice, email: "planoffice-a@example.jp");
        var row = await YearAsync(app);
        Assert.Equal(6500m, row.Actual!.Value);
        Assert.Equal(92.9m, row.Evaluation.AchievementRate);
        Assert.Equal(KpiStatus.Behind, row.Evaluation.Status);

        // The project page shows the value with its note, and the history.
        var view = await app.SendAsAsync(new GetProjectView(Plan, "1-2-(1)"), Roles.Viewer);
        var shown = view.Rows.Single(r => r.Indicator.Code == Indicator).Year(2021)!.Actual!;
        Assert.Equal(("4月末時点", 6500m), (shown.Note, shown.Value));
        Assert.Empty(view.Editable);                                   // a viewer may not enter
        var client = await app.SignedInAsync("PlanOffice");
        var html = await client.GetStringAsync("/plans/hadano-ict-2021/projects/1-2-(1)");   // prerendered
        Assert.Contains("6,500人", html);
        Assert.Contains("4月末時点", html);

        await app.SendAsAsync(Actual(7100, row.Actual.Version), Roles.PlanOffice, email: "planoffice-a@example.jp");
        Assert.Equal(KpiStatus.Achieved, (await YearAsync(app)).Evaluation.Status);

        // Every change is audited with who and before → after.
        var audits = await app.PlanKpiAsync(d => d.AuditEntries.Where(a => a.EntityType == "Actual").ToListAsync());
        Assert.Equal(2, audits.Count);
        Assert.Contains(audits, a => a.Action == "Modified" && a.Changes.Contains("6500") && a.Changes.Contains("7100") && a.UserName == "planoffice-a@example.jp");
    }

    [Fact]
    public async Task A_value_breaking_the_rules_is_refused_with_a_message_naming_the_indicator()
    {
        using var app = new IntranetApp(Db.Sqlite);
        var negative = await Assert.ThrowsAsync<RequestValidationException>(() => app.SendAsAsync(Actual(-5), Roles.PlanOffice));
        Assert.Contains("Twitter フォロワー数: -5人", negative.Message);
        var fraction = await Assert.ThrowsAsync<RequestValidationException>(() => app.SendAsAsync(Actual(10.5m), Roles.PlanOffice));
        Assert.Contains("整数", fraction.Message);
        var share = await Assert.ThrowsAsync<RequestValidationException>(() => app.SendAsAsync(
            new RecordActual(Plan, "1-2-(4)-1", 2021, 150, null, null), Roles.PlanOffice));
        Assert.Contains("ICTを活用できる教職員の割合: 150%", share.Message);
        Assert.Contains("0〜100%", share.Message);
        var note = await Assert.ThrowsAsync<RequestValidationException>(() => app.SendAsAsync(Actual(1, note: new string('あ', 501)), Roles.PlanOffice));
        Assert.Contains("備考は500文字以内", note.Message);
        Assert.Equal(0, await app.PlanKpiAsync(d => d.Actuals.CountAsync()));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Concurrent_edits_are_detected_not_overwritten(Db db)
    {
        using var app = new IntranetApp(db);
        await app.SendAsAsync(Actual(6000), Roles.PlanOffice, email: "alice@example.jp");
        var version = (await YearAsync(app)).Actual!.Version;

        // Both read the same version; Alice saves first, Bob's save is refused.
        await app.SendAsAsync(Actual(6100, version), Roles.PlanOffice, email: "alice@example.jp");
        var late = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => app.SendAsAsync(Actual(5000, version), Roles.PlanOffice, email: "bob@example.jp"));
        Assert.Contains("先に更新しました", late.Message);
        Assert.Equal(6100m, await app.PlanKpiAsync(async d => (await d.Actuals.SingleAsync()).Value));

        // A first entry racing another first entry is refused too.
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => app.SendAsAsync(Actual(5000, version: null), Roles.PlanOffice, email: "bob@example.jp"));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Who_may_enter_actuals(Db db)
    {
        using var app = new IntranetApp(db);

        // Read-only roles: the entry pages are refused by policy, and so are the use cases.
        foreach (var role in new[] { "Viewer", "Cio" })
        {
            var reader = await app.SignedInAsync(role);
            Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/dashboard")).StatusCode);
            foreach (var url in new[] { EntryUrl, "/plans/hadano-ict-2021/entry", "/plans/hadano-ict-2021/entry.xlsx?fy=2021" })
            {
                var page = await reader.GetAsync(url);
                Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
                Assert.StartsWith("/account/access-denied", page.LocationPath());
            }
            Assert.Equal(HttpStatusCode.Redirect, (await reader.GetAsync("/plans/import")).StatusCode);
            await Assert.ThrowsAsync<ForbiddenException>(() => app.SendAsAsync(Actual(1), role));
            await Assert.ThrowsAsync<ForbiddenException>(() => app.SendAsAsync(new RecordActuals(Plan, 2021, [new ActualInput(Indicator, "1", null, null)]), role));
        }

        // A department that does not lead the project.
        var refused = await Assert.ThrowsAsync<ForbiddenException>(() => app.SendAsAsync(Actual(1), Roles.Department, "情報システム課"));
        Assert.Contains("主管課", refused.Message);
        Assert.Equal(0, await app.PlanKpiAsync(d => d.Actuals.CountAsync()));

        // The old one-value URL now lands on the year's grid.
        var lead = await app.SignedInAsync("Department", "広報広聴課");
        var old = await lead.GetAsync(EntryUrl);
        Assert.Equal(HttpStatusCode.Redirect, old.StatusCode);
        Assert.Equal("/plans/hadano-ict-2021/entry?fy=2021", old.LocationPath());

        // The lead department (広報広聴課) may.
        await app.SendAsAsync(Actual(7050), Roles.Department, "広報広聴課");
        Assert.Equal(1, await app.PlanKpiAsync(d => d.Actuals.CountAsync()));

        // A user without any role sees nothing.
        var nobody = app.NewClient();
        await app.CreateUserAsync("norole@example.jp", "no-role-password-1", "Viewer");
        using (var scope = app.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Intranet.Host.Identity.ApplicationUser>>();
            var user = await users.FindByEmailAsync("norole@example.jp");
            await users.RemoveFromRoleAsync(user!, "Viewer");
        }
        await nobody.LoginAsync("norole@example.jp", "no-role-password-1");
        Assert.StartsWith("/account/access-denied", (await nobody.GetAsync("/dashboard")).LocationPath());
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task A_feeding_module_reports_through_the_contract_and_bound_indicators_show_it(Db db)
    {
        using var app = new IntranetApp(db, s =>
        {
            s.AddSingleton(TestFeeder.WidgetCount);
            s.AddScoped<TestFeeder>();
        });
        var measuredAt = new DateTimeOffset(2022, 3, 31, 9, 0, 0, TimeSpan.Zero);
        using (var scope = app.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new Intranet.Modules.PlanKpi.UseCases.ImportPlan("feed-test.json",
                new MemoryStream(System.Text.Encoding.UTF8.GetBytes(TestFeeder.PlanJson))));
            var feeder = scope.ServiceProvider.GetRequiredService<TestFeeder>();
            Assert.Equal(new ReportMetricsResult(1, 0), await feeder.ReportAsync(2021, 5, measuredAt));
            Assert.Equal(new ReportMetricsResult(0, 1), await feeder.ReportAsync(2021, 5, measuredAt));
            Assert.Equal(new ReportMetricsResult(1, 0), await feeder.ReportAsync(2022, 5, measuredAt));

            var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
            var unknown = await Assert.ThrowsAsync<RequestValidationException>(() => mediator.Send(new ReportMetrics(TestFeeder.SourceModule,
                [new MetricValue("test.no-module-offers-this", 2021, 10, "%", measuredAt)])));
            Assert.Contains("登録されていません", unknown.Message);
            var wrongUnit = await Assert.ThrowsAsync<RequestValidationException>(() => mediator.Send(new ReportMetrics(TestFeeder.SourceModule,
                [new MetricValue(TestFeeder.Key, 2021, 10, "業務", measuredAt)])));
            Assert.Contains("単位", wrongUnit.Message);
            var notItsKey = await Assert.ThrowsAsync<RequestValidationException>(() => mediator.Send(new ReportMetrics(TestFeeder.SourceModule,
                [new MetricValue(MetricKeys.RpaHoursSaved, 2021, 10, "時間", measuredAt)])));
            Assert.Contains("連携元は RPA台帳", notItsKey.Message);
        }

        var client = await app.SignedInAsync("PlanOffice");
        var rows = await client.ExportRowsAsync("feed-test");
        Assert.Equal("5", rows.Row("1-1-(1)-1", 2021)["actual_value"]);
        Assert.Equal("achieved", rows.Row("1-1-(1)-1", 2021)["status"]);      // target 4
        Assert.Equal("behind", rows.Row("1-1-(1)-1", 2022)["status"]);        // target 6, year over

        var project = await client.GetStringAsync("/plans/feed-test/projects/1-1-(1)");
        Assert.Contains(TestFeeder.SourceModule + " (自動連携)", project);

        // A bound indicator cannot be typed in, even by the plan office: the grid shows where it comes from, saves are refused.
        var sheet = await app.SendAsAsync(new GetEntrySheet("feed-test", 2021), Roles.PlanOffice);
        Assert.Equal(TestFeeder.SourceModule, sheet.Rows.Single(r => r.IndicatorCode == "1-1-(1)-1").FedBy);
        var batch = await app.SendAsAsync(new RecordActuals("feed-test", 2021, [new ActualInput("1-1-(1)-1", "99", null, null)]), Roles.PlanOffice);
        Assert.False(batch.Saved);
        Assert.Equal(EntryErrorKind.Fed, Assert.Single(batch.Errors).Kind);
        Assert.Contains(TestFeeder.SourceModule + "から自動で反映", batch.Errors[0].Message);
        var refusedByHandler = await Assert.ThrowsAsync<RequestValidationException>(() =>
            app.SendAsAsync(new RecordActual("feed-test", "1-1-(1)-1", 2021, 99, null, null), Roles.PlanOffice));
        Assert.Contains("手入力できません", refusedByHandler.Message);
        Assert.Equal(0, await app.PlanKpiAsync(d => d.Actuals.CountAsync()));
    }

    [Fact]
    public async Task Export_has_the_agreed_columns_and_one_row_per_indicator_and_year()
    {
        using var app = new IntranetApp(Db.Sqlite);
        var client = await app.SignedInAsync("Viewer");
        var response = await client.GetAsync("/plans/hadano-ict-2021/kpis.csv");
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);   // BOM, so Excel reads UTF-8
        var header = System.Text.Encoding.UTF8.GetString(bytes[3..]).Split('\n')[0];
        Assert.Equal("plan_code,policy_code,measure_code,project_code,project_name,indicator_code,indicator_name,unit,direction," +
                     "comparator,cumulative,fiscal_year,target_value,target_text,actual_value,achievement_rate,status", header);

        var rows = await client.ExportRowsAsync();
        Assert.Equal(33 * 5, rows.Count);
        // 2-2-(2) is cross-listed as 2-3-(2): its indicators appear once, under the first placement.
        var paper = rows.Where(r => r["indicator_code"] == "2-2-(2)-1").ToList();
        Assert.Equal(5, paper.Count);
        Assert.All(paper, r => Assert.Equal(("2", "2-2", "2-2-(2)"), (r["policy_code"], r["measure_code"], r["project_code"])));
        Assert.DoesNotContain(rows, r => r["project_code"] == "2-3-(2)");
        var hours = rows.Row("2-1-(1)-2", 2025);
        Assert.Equal(("時間", "higher", "exact", "true", "7350", "7,350時間"),
            (hours["unit"], hours["direction"], hours["comparator"], hours["cumulative"], hours["target_value"], hours["target_text"]));
        Assert.Equal("no_numeric_target", rows.Row("2-2-(1)-2", 2022)["status"]);
        Assert.Equal("", rows.Row("2-3-(1)-1", 2021)["target_value"]);
    }
}
