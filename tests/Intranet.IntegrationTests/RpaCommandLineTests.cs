using Intranet.IntegrationTests.Infrastructure;
using System.Diagnostics;
using static Intranet.IntegrationTests.RpaTest;

namespace Intranet.IntegrationTests;

/// <summary>
/// <c>import rpa-cases FILE</c> and <c>import rpa-runs FILE [--mapping NAME] [--dry-run]</c> on the host's
/// command line, each run as a real process on a fresh SQLite data folder (as <see cref="CommandLineTests"/>).
/// </summary>
public sealed class RpaCommandLineTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("intranet-rpa-cli-").FullName;

    private Task<(int Exit, string Out, string Err)> RunAsync(params string[] args) => HostCommand.RunAsync(_data, args);

    private string Write(string name, byte[] content)
    {
        var path = Path.Combine(_data, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>The export-kpis CSV line of an indicator and year.</summary>
    private async Task<string> KpiLineAsync(string indicator, int year)
    {
        var export = await RunAsync("export-kpis", "--plan", Plan);
        Assert.Equal(0, export.Exit);
        return export.Out.Split('\n').Single(l => l.Contains($",{indicator},") && l.Contains($",true,{year},"));
    }

    [Fact]
    public async Task Import_verbs_dry_run_then_write_and_reject_a_bad_file_naming_line_and_column()
    {
        var cases = Write("rpa-cases.csv", Sample("rpa-cases.csv"));
        var runs = Write("rpa-runs.csv", Sample("rpa-runs.csv"));

        var dryCases = await RunAsync("import", "rpa-cases", cases, "--dry-run");
        Assert.True(dryCases.Exit == 0, dryCases.Err);
        Assert.Contains("確認のみ (書き込みなし): 6行 (追加 6、更新 0、変更なし 0)、文字コード UTF-8", dryCases.Out);

        var realCases = await RunAsync("import", "rpa-cases", cases);
        Assert.Equal(0, realCases.Exit);
        Assert.Contains("取り込み完了: 6行 (追加 6、更新 0、変更なし 0)、文字コード UTF-8", realCases.Out);   // the dry run wrote nothing

        var dryRuns = await RunAsync("import", "rpa-runs", runs, "--dry-run");
        Assert.Equal(0, dryRuns.Exit);
        Assert.Contains("確認のみ (書き込みなし): 381行 (追加 381、更新 0、変更なし 0)、文字コード UTF-8", dryRuns.Out);
        // The cases import already reported the figures (no run yet: the hours are not measured, not 0); the runs dry run changed nothing.
        Assert.EndsWith(",2021,600,600時間,,,not_measured", (await KpiLineAsync(HoursSaved, 2021)).TrimEnd('\r'));

        var realRuns = await RunAsync("import", "rpa-runs", runs);
        Assert.Equal(0, realRuns.Exit);
        Assert.Contains("取り込み完了: 381行 (追加 381、更新 0、変更なし 0)、文字コード UTF-8", realRuns.Out);
        Assert.EndsWith(",2021,600,600時間,657.6,109.6,achieved", await KpiLineAsync(HoursSaved, 2021));
        Assert.EndsWith(",2021,4,4業務,2,50,behind", await KpiLineAsync(ProcessCount, 2021));
        Assert.EndsWith(",2022,1500,\"1,500時間\",1796.1,119.7,achieved", await KpiLineAsync(HoursSaved, 2022));

        // A bad row rejects the whole file (its good first row included) and names line and column.
        var bad = Write("bad-runs.csv", Utf8(RunsHeader,
            "RPA-001,N-0001,2023-05-01 10:00:00,2023-05-01 11:00:00,success,600",
            "RPA-001,N-0002,2023-05-02 10:00:00,2023-05-02 11:00:00,success,多数"));
        var rejected = await RunAsync("import", "rpa-runs", bad);
        Assert.Equal(1, rejected.Exit);
        Assert.Contains("bad-runs.csv: 1件の誤りがあるため取り込みませんでした。", rejected.Err);
        Assert.Contains("3行目 [items]:", rejected.Err);
        Assert.Contains("整数として読めません: 多数", rejected.Err);
        Assert.EndsWith(",2023,3300,\"3,300時間\",,,not_measured", (await KpiLineAsync(HoursSaved, 2023)).TrimEnd('\r'));   // line 2's run is not there: FY2023 still has no run

        var badCases = Write("bad-cases.csv", Utf8(CasesHeader, "RPA-201,業務,内容,会計課,UiPath,,,,,検討,2023-04-01,2023-04-01,12,10,4,5"));
        var rejectedCases = await RunAsync("import", "rpa-cases", badCases);
        Assert.Equal(1, rejectedCases.Exit);
        Assert.Contains("2行目 [robot_minutes_per_item]", rejectedCases.Err);

        var again = await RunAsync("import", "rpa-runs", runs);
        Assert.Contains("取り込み完了: 381行 (追加 0、更新 0、変更なし 381)", again.Out);
    }

    [Fact]
    public async Task Import_runs_with_a_saved_mapping_reads_a_shift_jis_log()
    {
        var log = Write("winactor-2024-04.csv", ShiftJis.GetBytes(
            "シナリオ名,実行ID,開始日時,終了日時,実行結果,処理件数\r\n" +
            "ふるさと納税登録,W20000,2024/04/05 10:00:00,2024/04/05 10:40:00,正常終了,150\r\n" +
            "ふるさと納税登録,W20001,2024/04/12 10:00:00,2024/04/12 10:40:00,異常終了,0\r\n"));

        var unknown = await RunAsync("import", "rpa-runs", log, "--mapping", "winactor");
        Assert.Equal(1, unknown.Exit);
        Assert.Contains("対応付け「winactor」は登録されていません", unknown.Err);

        // seed-demo installs the presets winactor and uipath and loads the sample cases and logs through them.
        var demo = await RunAsync("seed-demo");
        Assert.True(demo.Exit == 0, demo.Err);
        Assert.Contains("RPA台帳: 業務 6件追加、実行ログ 473件追加 (うち WinActor のログ 44件、UiPath のジョブ一覧 48件)。", demo.Out);
        Assert.Contains(",2022,1500,\"1,500時間\",2189.2,", await KpiLineAsync(HoursSaved, 2022));

        // seed-demo closes FY2023's evaluation round, so FY2023 keeps the figure it was evaluated with (2,625.5 h with the
        // UiPath sample); a run in FY2024 counts there.
        var locked = await KpiLineAsync(HoursSaved, 2023);
        Assert.Contains(",2023,3300,\"3,300時間\",2625.5,", locked);
        Assert.Equal("", AppData.ParseLine(await KpiLineAsync(HoursSaved, 2024))[14]);     // no run in FY2024 yet: 未測定

        var mapped = await RunAsync("import", "rpa-runs", log, "--mapping", "winactor");
        Assert.True(mapped.Exit == 0, mapped.Err);
        Assert.Contains("取り込み完了: 2行 (追加 2、更新 0、変更なし 0)、文字コード Shift_JIS", mapped.Out);
        // 150 items × 4 minutes ÷ 60 = 10 h in FY2024, cumulative since the plan start: 2,625.5 + 10; the failed run saves
        // nothing; FY2023 stays as evaluated.
        Assert.Equal("2635.5", AppData.ParseLine(await KpiLineAsync(HoursSaved, 2024))[14]);
        Assert.Equal(locked, await KpiLineAsync(HoursSaved, 2023));

        var twice = await RunAsync("import", "rpa-runs", log, "--mapping=winactor");
        Assert.Contains("取り込み完了: 2行 (追加 0、更新 0、変更なし 2)、文字コード Shift_JIS", twice.Out);

        // Without the mapping the file is read in the module's own format, whose columns it lacks.
        var native = await RunAsync("import", "rpa-runs", log);
        Assert.Equal(1, native.Exit);
        Assert.Contains("1行目 [case]", native.Err);
    }

    [Fact]
    public async Task Import_usage_errors_exit_2()
    {
        var noFile = await RunAsync("import", "rpa-runs");
        Assert.Equal(2, noFile.Exit);
        Assert.Contains("rpa-cases, rpa-runs", noFile.Err);
        var unknownKind = await RunAsync("import", "rpa-robots", Write("x.csv", Utf8("a")));
        Assert.Equal(2, unknownKind.Exit);
        Assert.Contains("rpa-robots", unknownKind.Err);
        var missing = await RunAsync("import", "rpa-cases", Path.Combine(_data, "nope.csv"));
        Assert.Equal(1, missing.Exit);
        Assert.Contains("見つかりません", missing.Err);
    }

    public void Dispose()
    {
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }
}
