using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Intranet.IntegrationTests.Infrastructure;
using Intranet.Modules.PlanKpi.Import;
using Microsoft.EntityFrameworkCore;

namespace Intranet.IntegrationTests;

/// <summary>The upload page: all-or-nothing, errors with JSON paths, re-import keeps actuals.</summary>
public sealed class PlanImportTests
{
    private static async Task<string> HadanoJsonAsync()
    {
        await using var stream = BundledPlans.Open(BundledPlans.ResourceNames.Single(n => n.Contains("hadano")));
        return await new StreamReader(stream).ReadToEndAsync();
    }

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient client, string json, string fileName = "plan.json")
    {
        var page = await client.GetStringAsync("/plans/import");
        var form = new MultipartFormDataContent
        {
            { new StringContent("plan-import"), "_handler" },
            { new StringContent(HttpClientForms.Token(page)), "__RequestVerificationToken" },
        };
        var file = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(json));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        form.Add(file, "file", fileName);
        return await client.PostAsync("/plans/import", form);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Reimport_updates_targets_and_keeps_actuals(Db db)
    {
        using var app = new IntranetApp(db);
        var client = await app.SignedInAsync("PlanOffice");
        await app.SendAsAsync(new Intranet.Modules.PlanKpi.UseCases.RecordActual("hadano-ict-2021", "1-2-(1)-1", 2021, 7100, null, null), "PlanOffice");

        var plan = JsonNode.Parse(await HadanoJsonAsync())!;
        var twitter = plan["policies"]![0]!["measures"]![1]!["projects"]![0]!["indicators"]![0]!;
        Assert.Equal("1-2-(1)-1", (string)twitter["code"]!);
        twitter["targets"]![0]!["value"] = 7200;
        twitter["targets"]![0]!["text"] = "7,200";

        var response = await UploadAsync(client, plan.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("更新しました: hadano-ict-2021", await response.Content.ReadAsStringAsync());

        var row = (await client.ExportRowsAsync()).Row("1-2-(1)-1", 2021);
        Assert.Equal(("7200", "7100", "behind"), (row["target_value"], row["actual_value"], row["status"]));
        Assert.Equal(2, await app.PlanKpiAsync(d => d.Plans.CountAsync()));
    }

    [Fact]
    public async Task A_bad_file_is_rejected_whole_with_every_error_and_its_path()
    {
        using var app = new IntranetApp(Db.Sqlite);
        var client = await app.SignedInAsync("PlanOffice");
        var plan = JsonNode.Parse(await HadanoJsonAsync())!;
        plan["title"] = "変更後の名前";                                            // would be written if the import were partial
        var projects = plan["policies"]![1]!["measures"]![0]!["projects"]!;
        projects[1]!["indicators"] = new JsonArray();                               // harmless change
        projects[0]!["indicators"]![1]!["code"] = "2-1-(1)-1";                       // duplicate indicator code
        projects[0]!["indicators"]![0]!["targets"]![0]!["fiscalYear"] = 2019;        // outside the plan period

        var response = await UploadAsync(client, plan.ToJsonString());
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("何も書き込んでいません", html);
        Assert.Contains("$.policies[1].measures[0].projects[0].indicators[1].code", html);
        Assert.Contains("$.policies[1].measures[0].projects[0].indicators[0].targets[0].fiscalYear", html);
        Assert.Equal("はだのICT活用推進計画", await app.PlanKpiAsync(async d => (await d.Plans.SingleAsync(p => p.Code == "hadano-ict-2021")).Title));

        var broken = await UploadAsync(client, "{ \"formatVersion\": 1, \"code\": ");
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        Assert.Contains("JSONとして読めません", await broken.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_file_that_drops_an_indicator_with_actuals_is_refused()
    {
        using var app = new IntranetApp(Db.Sqlite);
        var client = await app.SignedInAsync("PlanOffice");
        await app.SendAsAsync(new Intranet.Modules.PlanKpi.UseCases.RecordActual("hadano-ict-2021", "1-2-(1)-1", 2021, 7100, null, null), "PlanOffice");
        var plan = JsonNode.Parse(await HadanoJsonAsync())!;
        plan["policies"]![0]!["measures"]![1]!["projects"]![0]!["indicators"]!.AsArray().RemoveAt(0);
        var response = await UploadAsync(client, plan.ToJsonString());
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("実績値が1件あるため", await response.Content.ReadAsStringAsync());
        Assert.Equal(1, await app.PlanKpiAsync(d => d.Actuals.CountAsync()));
    }
}
