using Intranet.IntegrationTests.Infrastructure;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Intranet.IntegrationTests;

/// <summary>The host binary as admin tool: each verb run as a real process on a fresh data folder.</summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("intranet-cli-").FullName;

    private Task<(int Exit, string Out, string Err)> RunAsync(params string[] args) => HostCommand.RunAsync(_data, args);

    [Fact]
    public async Task Migrate_creates_the_database_and_the_first_administrator()
    {
        var (exit, stdout, stderr) = await RunAsync("migrate");
        Assert.Equal(0, exit);
        Assert.Contains("最新", stdout);
        Assert.Contains("初期パスワード", stderr);
        Assert.True(File.Exists(Path.Combine(_data, "intranet.db")));
        var again = await RunAsync("migrate");
        Assert.Equal(0, again.Exit);
        Assert.DoesNotContain("初期パスワード", again.Err);   // printed once only
    }

    [Fact]
    public async Task Export_kpis_writes_the_agreed_csv_and_json_to_standard_output()
    {
        var csv = await RunAsync("export-kpis", "--plan", "hadano-ict-2021");
        Assert.Equal(0, csv.Exit);
        var lines = csv.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("plan_code,policy_code,measure_code,project_code,project_name,indicator_code,indicator_name,unit,direction," +
                     "comparator,cumulative,fiscal_year,target_value,target_text,actual_value,achievement_rate,status", lines[0]);
        Assert.Equal(1 + 33 * 5, lines.Length);
        Assert.Contains("hadano-ict-2021,2,2-1,2-1-(1),RPA(自動化技術)の導入による事務の効率化,2-1-(1)-1,適用業務数(累積),業務,higher,exact,true,2023,12,12業務,,,not_measured", lines);

        var json = await RunAsync("export-kpis", "--format", "json");
        Assert.Equal(0, json.Exit);
        var rows = JsonNode.Parse(json.Out)!.AsArray();
        Assert.Equal(33 * 5 + 38 * 4, rows.Count);               // Chigasaki has no indicators; Sagamihara 38 over 4 years
        var sagamihara = rows.Select(r => r!.AsObject()).Where(r => (string?)r["plan_code"] == "sagamihara-ict-2024").ToList();
        Assert.Equal(38 * 4, sagamihara.Count);
        Assert.All(sagamihara, r => Assert.Equal("no_numeric_target", (string?)r["status"]));
        Assert.Contains(sagamihara, r => (string?)r["indicator_code"] == "1-1-M1" && string.IsNullOrEmpty((string?)r["project_code"]));
        var first = rows[0]!.AsObject();
        Assert.Equal(new[] { "plan_code", "policy_code", "measure_code", "project_code", "project_name", "indicator_code", "indicator_name",
            "unit", "direction", "comparator", "cumulative", "fiscal_year", "target_value", "target_text", "actual_value",
            "achievement_rate", "status" }, first.Select(p => p.Key).ToArray());
        Assert.Equal(JsonValueKind.Number, first["fiscal_year"]!.GetValueKind());
        Assert.Equal(JsonValueKind.False, first["cumulative"]!.GetValueKind());
    }

    [Fact]
    public async Task Export_evaluation_runs_as_a_process_and_names_a_year_without_a_round()
    {
        // The rows themselves are tested in-process against a whole round (EvaluationReportTests).
        var none = await RunAsync("export-evaluation", "--plan", "hadano-ict-2021", "--fy", "2023");
        Assert.Equal(1, none.Exit);
        Assert.Contains("令和5年度の評価はまだ開始されていません", none.Err);
        Assert.Equal("", none.Out);
        var usage = await RunAsync("export-evaluation", "--plan", "hadano-ict-2021", "--fy", "令和5");
        Assert.Equal(2, usage.Exit);
        Assert.Contains("--fy", usage.Err);
    }

    [Fact]
    public async Task Errors_exit_non_zero_with_a_clear_message()
    {
        var badRole = await RunAsync("create-user", "--email", "x@example.jp", "--password", "long-enough-pass-1", "--role", "Boss");
        Assert.Equal(1, badRole.Exit);
        Assert.Contains("ロール Boss は存在しません", badRole.Err);

        var weak = await RunAsync("create-user", "--email", "x@example.jp", "--password", "short", "--role", "Viewer");
        Assert.Equal(1, weak.Exit);
        Assert.Contains("12文字以上", weak.Err);

        var noDepartment = await RunAsync("create-user", "--email", "d@example.jp", "--password", "long-enough-pass-1", "--role", "Department");
        Assert.Equal(1, noDepartment.Exit);
        Assert.Contains("--department", noDepartment.Err);

        var missing = await RunAsync("import-plan", Path.Combine(_data, "nope.json"));
        Assert.Equal(1, missing.Exit);
        Assert.Contains("見つかりません", missing.Err);

        var usage = await RunAsync("export-kpis", "--format", "xml");
        Assert.Equal(2, usage.Exit);
        Assert.Contains("--format", usage.Err);

        var unknownPlan = await RunAsync("export-kpis", "--plan", "nope");
        Assert.Equal(1, unknownPlan.Exit);
        Assert.Contains("nope", unknownPlan.Err);
    }

    [Fact]
    public async Task Import_plan_rejects_a_bad_file_whole_and_names_the_path()
    {
        var file = Path.Combine(_data, "bad.json");
        await File.WriteAllTextAsync(file, """
            { "formatVersion": 1, "code": "test-plan", "title": "テスト計画", "municipality": "テスト市",
              "period": { "firstFiscalYear": 2021, "lastFiscalYear": 2022 },
              "levelNames": { "policy": "基本方針", "measure": "施策", "project": "事業" },
              "policies": [ { "code": "1", "title": "方針", "measures": [ { "code": "1-1", "title": "施策", "projects": [
                { "code": "1-1-(1)", "name": "事業", "indicators": [ { "code": "i1", "name": "指標", "unit": "件", "direction": "higher",
                  "comparator": "exact", "targets": [ { "fiscalYear": 2030, "value": 1 } ] } ] } ] } ] } ] }
            """);
        var bad = await RunAsync("import-plan", file);
        Assert.Equal(1, bad.Exit);
        Assert.Contains("$.policies[0].measures[0].projects[0].indicators[0].targets[0].fiscalYear", bad.Err);

        var good = file.Replace("bad", "good");
        await File.WriteAllTextAsync(good, (await File.ReadAllTextAsync(file)).Replace("2030", "2022"));
        var ok = await RunAsync("import-plan", good);
        Assert.Equal(0, ok.Exit);
        Assert.Contains("登録しました: test-plan", ok.Out);
        var again = await RunAsync("import-plan", good);
        Assert.Contains("更新しました: test-plan", again.Out);
        var export = await RunAsync("export-kpis", "--plan", "test-plan");
        Assert.Equal(3, export.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task Create_user_then_seed_demo()
    {
        var created = await RunAsync("create-user", "--email", "dept@example.jp", "--password", "long-enough-pass-1",
            "--role", "Department", "--department", "広報広聴課");
        Assert.Equal(0, created.Exit);
        Assert.Contains("所属: 広報広聴課", created.Out);
        var demo = await RunAsync("seed-demo");
        Assert.Equal(0, demo.Exit);
        Assert.Contains("デモ実績値を8件登録しました", demo.Out);
        var export = await RunAsync("export-kpis", "--plan", "hadano-ict-2021");
        Assert.Contains(",1-2-(1)-1,Twitter フォロワー数,人,higher,exact,false,2021,7000,\"7,000\",7120,101.7,achieved", export.Out);
        var twice = await RunAsync("seed-demo");
        Assert.Contains("デモ実績値を0件登録しました", twice.Out);
    }

    [Fact]
    public async Task User_verbs_run_as_processes_and_are_listed_in_help()
    {
        var help = await RunAsync("--help");
        Assert.Equal(0, help.Exit);
        foreach (var verb in new[] { "set-user", "disable-user", "enable-user", "reset-password", "list-users" }) Assert.Contains(verb, help.Out);

        Assert.Equal(0, (await RunAsync("create-user", "--email", "kaigi@example.jp", "--password", "long-enough-pass-1", "--role", "Viewer")).Exit);
        var organizer = await RunAsync("set-user", "--email", "kaigi@example.jp", "--role", "MeetingOrganizer");
        Assert.Equal(1, organizer.Exit);
        Assert.Contains("--department", organizer.Err);
        var set = await RunAsync("set-user", "--email", "kaigi@example.jp", "--role", "MeetingOrganizer", "--department", "行政経営課");
        Assert.Equal(0, set.Exit);
        Assert.Equal(0, (await RunAsync("disable-user", "--email", "kaigi@example.jp")).Exit);
        Assert.Contains("kaigi@example.jp\t\t行政経営課\tMeetingOrganizer\t無効", (await RunAsync("list-users")).Out);
        Assert.Equal(0, (await RunAsync("enable-user", "--email", "kaigi@example.jp")).Exit);
        var reset = await RunAsync("reset-password", "--email", "kaigi@example.jp");
        Assert.Equal(0, reset.Exit);
        Assert.Contains("新しいパスワード: ", reset.Out);
        var missing = await RunAsync("enable-user", "--email", "nobody@example.jp");
        Assert.Equal(1, missing.Exit);
        Assert.Contains("登録されていません", missing.Err);
    }

    public void Dispose()
    {
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }
}
