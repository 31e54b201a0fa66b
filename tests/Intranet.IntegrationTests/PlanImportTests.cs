using System.Net;
using System.Text.Json.Nodes;
using Intranet.IntegrationTests.Infrastructure;
using Intranet.Modules.PlanKpi.Import;
using Intranet.Modules.PlanKpi.UseCases;
using Intranet.Shared.Messaging;
using Intranet.Shared.Security;
using Microsoft.EntityFrameworkCore;

namespace Intranet.IntegrationTests;

/// <summary>
/// Importing a plan the way the (interactive) upload page does, as a signed-in user through the ImportPlan use case:
/// all-or-nothing, errors with JSON paths, re-import keeps actuals, only the plan office and administrators may.
/// </summary>
public sealed class PlanImportTests
{
    private static async Task<string> HadanoJsonAsync()
    {
        await using var stream = BundledPlans.Open(BundledPlans.ResourceNames.Single(n => n.Contains("hadano")));
        return await new StreamReader(stream).ReadToEndAsync();
    }

    private static Task<PlanImportResult> UploadAsync(IntranetApp app, string json, string fileName = "plan.json", string role = Roles.PlanOffice) =>
        app.SendAsAsync(new ImportPlan(fileName, new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json))), role);

    private static Task EnterAsync(IntranetApp app, decimal value) =>
        app.SendAsAsync(new RecordActual("hadano-ict-2021", "1-2-(1)-1", 2021, value, null, null), Roles.PlanOffice);

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Reimport_updates_targets_and_keeps_actuals(Db db)
    {
        using var app = new IntranetApp(db);
        await EnterAsync(app, 7100);

        var plan = JsonNode.Parse(await HadanoJsonAsync())!;
        var twitter = plan["policies"]![0]!["measures"]![1]!["projects"]![0]!["indicators"]![0]!;
        Assert.Equal("1-2-(1)-1", (string)twitter["code"]!);
        twitter["targets"]![0]!["value"] = 7200;
        twitter["targets"]![0]!["text"] = "7,200";

        var result = await UploadAsync(app, plan.ToJsonString());
        Assert.Equal(("hadano-ict-2021", false), (result.PlanCode, result.Created));

        var client = await app.SignedInAsync("PlanOffice");
        var row = (await client.ExportRowsAsync()).Row("1-2-(1)-1", 2021);
        Assert.Equal(("7200", "7100", "behind"), (row["target_value"], row["actual_value"], row["status"]));
        Assert.Equal(3, await app.PlanKpiAsync(d => d.Plans.CountAsync()));   // the three bundled plans
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task A_bad_file_is_rejected_whole_with_every_error_and_its_path(Db db)
    {
        using var app = new IntranetApp(db);
        var plan = JsonNode.Parse(await HadanoJsonAsync())!;
        plan["title"] = "変更後の名前";                                            // would be written if the import were partial
        var projects = plan["policies"]![1]!["measures"]![0]!["projects"]!;
        projects[1]!["indicators"] = new JsonArray();                               // harmless change
        projects[0]!["indicators"]![1]!["code"] = "2-1-(1)-1";                       // duplicate indicator code
        projects[0]!["indicators"]![0]!["targets"]![0]!["fiscalYear"] = 2019;        // outside the plan period

        var rejected = await Assert.ThrowsAsync<PlanFileException>(() => UploadAsync(app, plan.ToJsonString()));
        var paths = rejected.Errors.Select(e => e.Path).ToList();
        Assert.Contains("$.policies[1].measures[0].projects[0].indicators[1].code", paths);
        Assert.Contains("$.policies[1].measures[0].projects[0].indicators[0].targets[0].fiscalYear", paths);
        Assert.Equal("はだのICT活用推進計画", await app.PlanKpiAsync(async d => (await d.Plans.SingleAsync(p => p.Code == "hadano-ict-2021")).Title));

        var broken = await Assert.ThrowsAsync<PlanFileException>(() => UploadAsync(app, "{ \"formatVersion\": 1, \"code\": "));
        Assert.Contains("JSONとして読めません", broken.Errors.Single().Message);
    }

    [Fact]
    public async Task A_file_that_drops_an_indicator_with_actuals_is_refused()
    {
        using var app = new IntranetApp(Db.Sqlite);
        await EnterAsync(app, 7100);
        var plan = JsonNode.Parse(await HadanoJsonAsync())!;
        plan["policies"]![0]!["measures"]![1]!["projects"]![0]!["indicators"]!.AsArray().RemoveAt(0);
        var refused = await Assert.ThrowsAsync<PlanFileException>(() => UploadAsync(app, plan.ToJsonString()));
        Assert.Contains(refused.Errors, e => e.Message.Contains("実績値が1件あるため"));
        Assert.Equal(1, await app.PlanKpiAsync(d => d.Actuals.CountAsync()));
    }

    [Fact]
    public async Task Only_the_plan_office_and_administrators_may_import()
    {
        using var app = new IntranetApp(Db.Sqlite);
        var json = await HadanoJsonAsync();
        foreach (var role in new[] { Roles.Cio, Roles.Viewer, Roles.Department })
            await Assert.ThrowsAsync<ForbiddenException>(() => UploadAsync(app, json, role: role));
        Assert.False((await UploadAsync(app, json, role: Roles.Administrator)).Created);

        // The page itself: refused to read-only roles, served (interactive, with the file input) to the plan office.
        var viewer = await app.SignedInAsync("Viewer");
        Assert.StartsWith("/account/access-denied", (await viewer.GetAsync("/plans/import")).LocationPath());
        var office = await app.SignedInAsync("PlanOffice");
        var page = await office.GetAsync("/plans/import");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("type=\"file\"", html);
        Assert.DoesNotContain("PlanFiles/README.md", html);
    }
}
