using System.Text.RegularExpressions;
using Intranet.BrowserTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Intranet.BrowserTests;

/// <summary>
/// Issue #10: a round runs through ALL stages in the browser with three users, on a small plan imported for the test
/// (two projects led by 企画課, one typed indicator without an actual): the plan office opens the FY2023 round (Hadano's
/// preset: 自己評価 → 幹事会 → 情報化推進委員会の意見 → 本部会); the 主管課 enters the missing actual on the sheet and submits
/// both sheets; the plan office returns one with a comment; the department resubmits it; the plan office closes the
/// self-evaluation, records each review stage in the stage grid and closes it (the last closing locks the year); the CIO
/// sees the grades and decisions. axe finds no serious or critical violation on any new page; screenshots of each page
/// as each role go to INTRANET_ARTIFACTS_DIR.
/// </summary>
public sealed class EvaluationRoundBrowserTests(IntranetHostFixture host, ITestOutputHelper output) : IClassFixture<IntranetHostFixture>
{
    private const string Plan = "browser-eval-2022";
    private const string Department = "企画課";
    private const string Round = "/evaluation/browser-eval-2022/2023";

    /// <summary>A two-project plan (FY2022–FY2024) in the plan-file format.</summary>
    private const string PlanFile = """
    {
      "formatVersion": 1, "code": "browser-eval-2022", "title": "評価テスト計画", "municipality": "テスト市",
      "period": { "firstFiscalYear": 2022, "lastFiscalYear": 2024 }, "vision": null,
      "levelNames": { "policy": "基本方針", "measure": "施策", "project": "個別事業" }, "source": "ブラウザテスト用",
      "policies": [ { "code": "1", "title": "便利な行政", "measures": [ { "code": "1-1", "title": "手続のオンライン化", "indicators": [],
        "projects": [
          { "code": "1-1-(1)", "name": "電子申請の拡大", "continuity": "continuing", "leadDepartments": ["企画課"], "relatedDepartments": [],
            "summary": "電子申請の対象手続を増やす。", "aim": null,
            "annualActivities": [ { "name": "対象手続の拡大", "fiscalYears": [2022, 2023, 2024] } ],
            "indicators": [ { "code": "1-1-(1)-1", "name": "電子申請できる手続数", "unit": "件", "direction": "higher", "comparator": "atLeast",
              "cumulative": false, "metricKey": null, "targets": [ { "fiscalYear": 2023, "value": 10, "text": "10件以上" } ],
              "rationale": "対象手続の数。", "readingNote": null } ] },
          { "code": "1-1-(2)", "name": "窓口予約の導入", "continuity": "new", "leadDepartments": ["企画課"], "relatedDepartments": [],
            "summary": "窓口の予約を受け付ける。", "aim": null,
            "annualActivities": [ { "name": "予約システムの運用", "fiscalYears": [2023, 2024] } ], "indicators": [] }
        ] } ] } ]
    }
    """;

    [Fact]
    public Task A_round_runs_through_every_stage_with_three_users() =>
        host.RunScenarioAsync(output, ScenarioAsync);

    private async Task Shot(IPage page, string name)
    {
        await Pages.SaveScreenshotAsync(page, $"evaluation-{name}.png");
        await Axe.AssertNoSeriousViolationsAsync(page, $"evaluation-{name}", output.WriteLine);
    }

    private static Task ConfirmAsync(IPage page, string button) =>
        page.Locator(".rz-dialog").GetByRole(AriaRole.Button, new() { Name = button, Exact = true }).ClickAsync();

    private async Task ScenarioAsync()
    {
        var folder = Directory.CreateTempSubdirectory("evaluation-browser-").FullName;
        var planPath = Path.Combine(folder, "plan.json");
        await File.WriteAllTextAsync(planPath, PlanFile);
        output.WriteLine(await host.RunCliAsync("import-plan", planPath));
        output.WriteLine(await host.CreateUserAsync("jimukyoku-eval@intranet.local", "jimukyoku-eval-2026", "PlanOffice"));
        output.WriteLine(await host.CreateUserAsync("kikaku-eval@intranet.local", "kikaku-eval-2026", "Department", Department));
        output.WriteLine(await host.CreateUserAsync("cio-eval@intranet.local", "cio-eval-2026", "Cio"));

        var office = await host.NewPageAsync();
        await Pages.LoginAsync(office, "jimukyoku-eval@intranet.local", "jimukyoku-eval-2026");
        var department = await host.NewPageAsync();
        await Pages.LoginAsync(department, "kikaku-eval@intranet.local", "kikaku-eval-2026");

        // The plan office looks at the stage editor (read from the plan tree's link) and opens the round with the preset.
        await Pages.GotoInteractiveAsync(office, $"/plans/{Plan}");
        await Expect(office.GetByRole(AriaRole.Link, new() { Name = "評価の段階" })).ToHaveAttributeAsync("href", $"/plans/{Plan}/evaluation-stages");
        await Pages.GotoInteractiveAsync(office, $"/plans/{Plan}/evaluation-stages");
        await Expect(office.Locator(".eval-stage-editor")).ToContainTextAsync("評価の段階はまだ設定されていません");
        await office.Locator("#stage-install").ClickAsync();
        await Expect(office.Locator("#stage-name-3")).ToHaveValueAsync("本部会");
        await Shot(office, "stages-office");

        await Pages.GotoInteractiveAsync(office, "/evaluation");
        await office.Locator("#open-plan").SelectOptionAsync(Plan);
        await office.Locator("#open-year").SelectOptionAsync("2023");
        await office.Locator("#open-preset").SelectOptionAsync("hadano");
        await Shot(office, "list-office");
        await office.Locator("#open-round").ClickAsync();
        await ConfirmAsync(office, "開始する");
        await office.WaitForURLAsync(new Regex(Regex.Escape(Round) + "$"), new() { Timeout = 60_000 });
        await Pages.GotoInteractiveAsync(office, Round);
        await Expect(office.Locator(".eval-step-current")).ToContainTextAsync("自己評価");
        await Expect(office.Locator(".eval-sheets")).ToContainTextAsync("電子申請の拡大");
        await Expect(office.Locator(".eval-late")).ToContainTextAsync(Department);
        await Expect(office.Locator("#close-stage")).ToBeDisabledAsync();
        await Shot(office, "round-office-open");

        // The department: its sheets on the list, the missing actual entered on the sheet, both sheets submitted.
        await Pages.GotoInteractiveAsync(department, "/evaluation");
        await Expect(department.Locator(".eval-mine")).ToContainTextAsync("2件");
        await Shot(department, "list-department");
        var sheet1 = $"{Round}/sheets/1-1-(1)";
        await Pages.GotoInteractiveAsync(department, sheet1);
        await department.Locator("[id='actual-1-1-(1)-1']").FillAsync("12");
        await department.Locator("[id='actual-1-1-(1)-1']").PressAsync("Tab");
        await department.Locator(".eval-actual-entry button").ClickAsync();
        await Expect(department.Locator(".eval-indicators")).ToContainTextAsync("12件");
        await Expect(department.Locator(".eval-suggested")).ToContainTextAsync("A (目標を達成)");
        await department.Locator("#Achievements").FillAsync("対象手続を12件に拡大した。");
        await department.Locator("#Grade-B").CheckAsync();
        await Expect(department.Locator(".eval-mismatch")).ToBeVisibleAsync();             // B differs from the suggested A
        await department.Locator("#Issues").FillAsync("利用率が低い。");
        await department.Locator("#NextYear").SelectOptionAsync("Expand");
        await department.Locator("#CostThousandYen").FillAsync("1500");
        await department.Locator("#StaffEffort").FillAsync("0.3");
        await department.Locator("#StaffEffort").PressAsync("Tab");
        await Shot(department, "sheet-department-form");
        await department.Locator("#self-submit").ClickAsync();
        await ConfirmAsync(department, "提出する");
        await Expect(department.Locator("#sheet-status")).ToHaveTextAsync("提出済", new() { Timeout = 30_000 });

        await Pages.GotoInteractiveAsync(department, $"{Round}/sheets/1-1-(2)");
        await department.Locator("#Achievements").FillAsync("予約システムを導入した。");
        await department.Locator("#Grade-A").CheckAsync();
        await department.Locator("#NextYear").SelectOptionAsync("Continue");
        await department.Locator("#NextYear").PressAsync("Tab");
        await department.Locator("#self-submit").ClickAsync();
        await ConfirmAsync(department, "提出する");
        await Expect(department.Locator("#sheet-status")).ToHaveTextAsync("提出済", new() { Timeout = 30_000 });

        // The plan office returns the first sheet with a comment (dialog).
        await Pages.GotoInteractiveAsync(office, sheet1);
        await office.Locator("#sheet-return").ClickAsync();
        await office.Locator("#return-comment").FillAsync("利用率の数値を取組実績に書いてください。");
        await office.Locator("#return-comment").PressAsync("Tab");
        await office.Locator("#return-confirm").ClickAsync();
        await Expect(office.Locator("#sheet-status")).ToHaveTextAsync("差戻し", new() { Timeout = 30_000 });
        await Shot(office, "sheet-office-returned");

        // The department sees the comment and resubmits.
        await Pages.GotoInteractiveAsync(department, sheet1);
        await Expect(department.Locator(".eval-returned")).ToContainTextAsync("利用率の数値を取組実績に書いてください。");
        await Shot(department, "sheet-department-returned");
        await department.Locator("#Achievements").FillAsync("対象手続を12件に拡大した。利用率は18%。");
        await department.Locator("#Achievements").PressAsync("Tab");
        await department.Locator("#self-submit").ClickAsync();
        await ConfirmAsync(department, "提出する");
        await Expect(department.Locator("#sheet-status")).ToHaveTextAsync("提出済", new() { Timeout = 30_000 });
        await Expect(department.Locator(".eval-history")).ToContainTextAsync("差戻し");

        // The plan office closes the self-evaluation, then records and closes each review stage in the grid.
        await CloseStageAsync(office, "自己評価");
        await RecordStageAsync(office, 2, "幹事会", grades: ["B", "A"], comments: ["概ね順調", "予定どおり"], decisions: null);
        await CloseStageAsync(office, "幹事会");
        await RecordStageAsync(office, 3, "情報化推進委員会の意見", grades: null, comments: ["利用促進の周知を", "特になし"], decisions: null);
        await CloseStageAsync(office, "情報化推進委員会の意見");
        await RecordStageAsync(office, 4, "本部会", grades: ["B", "A"], comments: ["拡充する", "継続する"], decisions: ["Expand", "Continue"]);
        await Pages.GotoInteractiveAsync(office, Round);
        await office.Locator("#close-stage").ClickAsync();
        await Expect(office.Locator(".rz-dialog")).ToContainTextAsync("実績値と評価は確定し");
        await ConfirmAsync(office, "終了する");
        await Expect(office.Locator(".eval-round-closed")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Shot(office, "round-office-closed");
        await Pages.GotoInteractiveAsync(office, sheet1);
        await Expect(office.Locator(".eval-correct")).ToBeVisibleAsync();
        await Shot(office, "sheet-office-closed");

        // The CIO sees the result.
        var cio = await host.NewPageAsync();
        await Pages.LoginAsync(cio, "cio-eval@intranet.local", "cio-eval-2026");
        await Pages.GotoInteractiveAsync(cio, "/evaluation");
        await Expect(cio.Locator(".eval-rounds")).ToContainTextAsync("確定");
        await Shot(cio, "list-cio");
        await Pages.GotoInteractiveAsync(cio, Round);
        var row = cio.Locator(".eval-sheets tr", new() { HasText = "電子申請の拡大" });
        await Expect(row).ToContainTextAsync("(拡充)");
        await Shot(cio, "round-cio");
        await Pages.GotoInteractiveAsync(cio, sheet1);
        await Expect(cio.Locator(".eval-results")).ToContainTextAsync("拡充する");
        await Expect(cio.Locator("#self-submit")).ToHaveCountAsync(0);
        await Shot(cio, "sheet-cio");
        await Pages.GotoInteractiveAsync(cio, $"/plans/{Plan}/evaluation-stages");
        await Shot(cio, "stages-cio");
        // ... and the signed-off 評価報告書 (print page, with its Excel and PDF downloads), and the project's grades on its page.
        await Pages.GotoInteractiveAsync(cio, $"{Round}/report");
        await Expect(cio.Locator("main")).ToContainTextAsync("電子申請の拡大");
        await Expect(cio.Locator("a[href$='/report.pdf']")).ToBeVisibleAsync();
        await Shot(cio, "report-cio");
        var pdf = await cio.APIRequest.GetAsync($"{Round}/report.pdf");
        Assert.Equal(200, pdf.Status);
        Assert.StartsWith("%PDF", System.Text.Encoding.ASCII.GetString((await pdf.BodyAsync())[..4]));
        HostBinaries.TryDeleteDirectory(folder);
    }

    private async Task CloseStageAsync(IPage office, string stage)
    {
        await Pages.GotoInteractiveAsync(office, Round);
        await Expect(office.Locator("#close-title")).ToContainTextAsync(stage);
        await office.Locator("#close-stage").ClickAsync();
        await ConfirmAsync(office, "終了する");
        await Expect(office.Locator("#close-title")).Not.ToContainTextAsync(stage, new() { Timeout = 30_000 });
    }

    private async Task RecordStageAsync(IPage office, int order, string name, string[]? grades, string[] comments, string[]? decisions)
    {
        await Pages.GotoInteractiveAsync(office, Round);
        await office.GetByRole(AriaRole.Link, new() { Name = $"「{name}」の結果を一覧で入力する" }).ClickAsync();
        await office.WaitForURLAsync(new Regex($"/stages/{order}$"));
        await Pages.GotoInteractiveAsync(office, $"{Round}/stages/{order}");
        await Expect(office.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync(name);
        for (var i = 0; i < comments.Length; i++)
        {
            if (grades is not null) await office.Locator($"#grade-{i}").SelectOptionAsync(grades[i]);
            await office.Locator($"#comment-{i}").FillAsync(comments[i]);
            await office.Locator($"#comment-{i}").PressAsync("Tab");
            if (decisions is not null) await office.Locator($"#decision-{i}").SelectOptionAsync(decisions[i]);
        }
        await Expect(office.Locator("#stage-save")).ToContainTextAsync($"({comments.Length}件)");
        if (order == 2) await Shot(office, "stage-grid-office");
        await office.Locator("#stage-save").ClickAsync();
        await Expect(office.Locator("#stage-save")).ToBeDisabledAsync(new() { Timeout = 30_000 });
    }
}
