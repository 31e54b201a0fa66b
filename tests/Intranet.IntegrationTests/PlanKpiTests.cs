using System.Net;
using Intranet.IntegrationTests.Infrastructure;
using Intranet.Modules.PlanKpi.Contracts;
using Intranet.Shared.Messaging;
using MediatR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Intranet.IntegrationTests;

/// <summary>Authorization, actual entry, concurrency, audit, the metric feed and the export, over HTTP on both databases.</summary>
public sealed class PlanKpiTests
{
    // 1-2-(1)-1 Twitter フォロワー数: lead 広報広聴課, FY2021 target 7,000 (the year has ended on the test clock, 2026-11-21).
    private const string Indicator = "1-2-(1)-1";
    private const string EntryUrl = "/plans/hadano-ict-2021/indicators/1-2-(1)-1/actuals/2021";

    private static Dictionary<string, string> Actual(string value, string? version = null, string action = "save", string note = "") => new()
    {
        ["Form.Value"] = value, ["Form.Note"] = note, ["Form.Version"] = version ?? "", ["Form.Action"] = action,
    };

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Actual_entry_round_trip_changes_status_rate_and_export(Db db)
    {
        using var app = new IntranetApp(db);
        var client = await app.SignedInAsync("PlanOffice");
        var before = (await client.ExportRowsAsync()).Row(Indicator, 2021);
        Assert.Equal("not_measured", before["status"]);
        Assert.Equal("7000", before["target_value"]);

        var saved = await client.PostFormAsync(EntryUrl, "actual", Actual("6,500", note: "4月末時点"));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.StartsWith("/plans/hadano-ict-2021/projects/1-2-", saved.LocationPath());

        var row = (await client.ExportRowsAsync()).Row(Indicator, 2021);
        Assert.Equal("6500", row["actual_value"]);
        Assert.Equal("92.9", row["achievement_rate"]);
        Assert.Equal("behind", row["status"]);

        var project = await client.GetStringAsync(saved.LocationPath());
        Assert.Contains("6,500", project);
        Assert.Contains("4月末時点", project);
        Assert.Contains("実績値を保存しました", project);

        var corrected = await client.PostFormAsync(EntryUrl, "actual", Actual("7100", await VersionAsync(app)));
        Assert.Equal(HttpStatusCode.Redirect, corrected.StatusCode);
        Assert.Equal("achieved", (await client.ExportRowsAsync()).Row(Indicator, 2021)["status"]);

        // Every change is audited with who and before → after.
        var audits = await app.PlanKpiAsync(d => d.AuditEntries.Where(a => a.EntityType == "Actual").ToListAsync());
        Assert.Equal(2, audits.Count);
        Assert.Contains(audits, a => a.Action == "Modified" && a.Changes.Contains("6500") && a.Changes.Contains("7100") && a.UserName.StartsWith("planoffice-"));
    }

    private static Task<string> VersionAsync(IntranetApp app) =>
        app.PlanKpiAsync(async d => (await d.Actuals.SingleAsync()).Version.ToString());

    [Fact]
    public async Task Bad_input_shows_a_message_next_to_the_field_and_saves_nothing()
    {
        using var app = new IntranetApp(Db.Sqlite);
        var client = await app.SignedInAsync("PlanOffice");
        foreach (var (value, message) in new[] { ("abc", "数値で入力"), ("", "実績値を入力してください") })
        {
            var response = await client.PostFormAsync(EntryUrl, "actual", Actual(value));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var html = await response.Content.ReadAsStringAsync();
            Assert.Contains("validation-message", html);
            Assert.Contains(message, html);
        }
        Assert.Equal(0, await app.PlanKpiAsync(d => d.Actuals.CountAsync()));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Concurrent_edits_are_detected_not_overwritten(Db db)
    {
        using var app = new IntranetApp(db);
        var alice = await app.SignedInAsync("PlanOffice");
        var bob = await app.SignedInAsync("PlanOffice");
        Assert.Equal(HttpStatusCode.Redirect, (await alice.PostFormAsync(EntryUrl, "actual", Actual("6000"))).StatusCode);
        var version = await VersionAsync(app);

        // Both open the form on the same version; Alice saves first, Bob's save is refused.
        Assert.Equal(HttpStatusCode.Redirect, (await alice.PostFormAsync(EntryUrl, "actual", Actual("6100", version))).StatusCode);
        var late = await bob.PostFormAsync(EntryUrl, "actual", Actual("5000", version));
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Contains("先に更新しました", await late.Content.ReadAsStringAsync());
        Assert.Equal(6100m, await app.PlanKpiAsync(async d => (await d.Actuals.SingleAsync()).Value));

        // A first entry racing another first entry is refused too.
        var second = await bob.PostFormAsync(EntryUrl, "actual", Actual("5000", version: ""));
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Who_may_enter_actuals(Db db)
    {
        using var app = new IntranetApp(db);

        // Read-only roles: the entry page is refused by policy.
        foreach (var role in new[] { "Viewer", "Cio" })
        {
            var reader = await app.SignedInAsync(role);
            Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/dashboard")).StatusCode);
            var page = await reader.GetAsync(EntryUrl);
            Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
            Assert.StartsWith("/account/access-denied", page.LocationPath());
            Assert.Equal(HttpStatusCode.Redirect, (await reader.GetAsync("/plans/import")).StatusCode);
        }

        // A department that does not lead the project.
        var other = await app.SignedInAsync("Department", "情報システム課");
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync(EntryUrl)).StatusCode);
        var refused = await other.PostAsync(EntryUrl, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "actual", ["__RequestVerificationToken"] = HttpClientForms.Token(await other.GetStringAsync("/indicators")),
            ["Form.Value"] = "1", ["Form.Action"] = "save",
        }));
        // The form is not rendered for them, so a forged post is refused before any handler runs.
        Assert.True(refused.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.BadRequest, refused.StatusCode.ToString());
        Assert.Equal(0, await app.PlanKpiAsync(d => d.Actuals.CountAsync()));

        // The lead department (広報広聴課) may.
        var lead = await app.SignedInAsync("Department", "広報広聴課");
        Assert.Equal(HttpStatusCode.Redirect, (await lead.PostFormAsync(EntryUrl, "actual", Actual("7050"))).StatusCode);
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

        // A bound indicator cannot be typed in, even by the plan office.
        var form = await client.GetStringAsync("/plans/feed-test/indicators/1-1-(1)-1/actuals/2021");
        Assert.Contains("手入力できません", form);
        Assert.DoesNotContain("name=\"Form.Value\"", form);
        var typed = await client.PostAsync("/plans/feed-test/indicators/1-1-(1)-1/actuals/2021", new FormUrlEncodedContent(
            new Dictionary<string, string>(Actual("99")) { ["_handler"] = "actual", ["__RequestVerificationToken"] = HttpClientForms.Token(form) }));
        Assert.Equal(HttpStatusCode.BadRequest, typed.StatusCode);
        Assert.Equal(0, await app.PlanKpiAsync(d => d.Actuals.CountAsync()));
        using (var scope = app.Services.CreateScope())
        {
            var refusedByHandler = await Assert.ThrowsAsync<RequestValidationException>(() => scope.ServiceProvider.GetRequiredService<IMediator>()
                .Send(new Intranet.Modules.PlanKpi.UseCases.RecordActual("feed-test", "1-1-(1)-1", 2021, 99, null, null)));
            Assert.Contains("手入力できません", refusedByHandler.Message);
        }
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
