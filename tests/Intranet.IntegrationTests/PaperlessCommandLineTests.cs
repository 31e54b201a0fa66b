using Intranet.IntegrationTests.Infrastructure;
using static Intranet.IntegrationTests.PaperlessTest;

namespace Intranet.IntegrationTests;

/// <summary>
/// <c>import meeting-bodies FILE</c> and <c>import meeting-sessions FILE [--mapping NAME] [--dry-run]</c> on the
/// host's command line, each run as a real process on a fresh SQLite data folder (as <see cref="RpaCommandLineTests"/>).
/// </summary>
public sealed class PaperlessCommandLineTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("intranet-paperless-cli-").FullName;

    private Task<(int Exit, string Out, string Err)> RunAsync(params string[] args) => HostCommand.RunAsync(_data, args);

    private string Write(string name, byte[] content)
    {
        var path = Path.Combine(_data, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>(actual_value, achievement_rate, status) of an indicator and year in <c>export-kpis</c>.</summary>
    private async Task<(string Actual, string Achievement, string Status)> KpiAsync(string indicator, int year)
    {
        var export = await RunAsync("export-kpis", "--plan", Plan);
        Assert.True(export.Exit == 0, export.Err);
        var lines = export.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = AppData.ParseLine(lines[0]);
        var row = lines.Skip(1).Select(l => header.Zip(AppData.ParseLine(l)).ToDictionary(p => p.First, p => p.Second))
            .Single(r => r["indicator_code"] == indicator && r["fiscal_year"] == year.ToString());
        return (row["actual_value"], row["achievement_rate"], row["status"]);
    }

    [Fact]
    public async Task Import_verbs_dry_run_then_write_and_reject_a_bad_file_naming_line_and_column()
    {
        var bodies = Write("meeting-bodies.csv", Sample("meeting-bodies.csv"));
        var sessions = Write("meeting-sessions.csv", Sample("meeting-sessions.csv"));

        var dryBodies = await RunAsync("import", "meeting-bodies", bodies, "--dry-run");
        Assert.True(dryBodies.Exit == 0, dryBodies.Err);
        Assert.Contains("確認のみ (書き込みなし): 6行 (追加 6、更新 0、変更なし 0)、文字コード UTF-8", dryBodies.Out);

        var realBodies = await RunAsync("import", "meeting-bodies", bodies);
        Assert.True(realBodies.Exit == 0, realBodies.Err);
        Assert.Contains("取り込み完了: 6行 (追加 6、更新 0、変更なし 0)、文字コード UTF-8", realBodies.Out);   // the dry run wrote nothing

        var drySessions = await RunAsync("import", "meeting-sessions", sessions, "--dry-run");
        Assert.True(drySessions.Exit == 0, drySessions.Err);
        Assert.Contains("確認のみ (書き込みなし): 118行 (追加 118、更新 0、変更なし 0)、文字コード UTF-8", drySessions.Out);
        Assert.Equal(("", "", "not_measured"), await KpiAsync(ExecutiveRate, 2021));

        var realSessions = await RunAsync("import", "meeting-sessions", sessions);
        Assert.True(realSessions.Exit == 0, realSessions.Err);
        Assert.Contains("取り込み完了: 118行 (追加 118、更新 0、変更なし 0)、文字コード UTF-8", realSessions.Out);
        var model = Model.FromSamples();
        Assert.Equal((Format(model.Expected(ExecutiveRate, 2021)), "86.1", "behind"), await KpiAsync(ExecutiveRate, 2021));
        Assert.Equal(("77.5", "86.1", "behind"), await KpiAsync(ExecutiveRate, 2021));
        Assert.Equal(("56.3", "80.4", "behind"), await KpiAsync(TabletRate, 2021));
        Assert.Equal(("75", "83.3", "behind"), await KpiAsync(AssemblyRate, 2022));
        Assert.Equal(("", "", "no_numeric_target"), await KpiAsync(SheetsSaved, 2022));   // no office-wide paper use recorded: not measured (issue #9)

        // A bad row rejects the whole file (its good first row included) and names line and column.
        var bad = Write("bad-sessions.csv", Utf8(SessionsHeader, "MTG-001,2024-05-08,1,WEB,電子のみ,12,0,0,", "MTG-002,2024-13-01,1,対面,紙,20,500,0,"));
        var rejected = await RunAsync("import", "meeting-sessions", bad);
        Assert.Equal(1, rejected.Exit);
        Assert.Contains("bad-sessions.csv: 1件の誤りがあるため取り込みませんでした。", rejected.Err);
        Assert.Contains("3行目 [held_on]: 開催日: 存在しない日付です: 2024-13-01", rejected.Err);
        Assert.Equal(("", "", "not_measured"), await KpiAsync(ExecutiveRate, 2024));           // line 2's session is not there

        var badBodies = Write("bad-bodies.csv", Utf8(BodiesHeader, "MTG-007,審議会,附属機関,総合政策課,10,20,2024-04-01"));
        var rejectedBodies = await RunAsync("import", "meeting-bodies", badBodies);
        Assert.Equal(1, rejectedBodies.Exit);
        Assert.Contains("2行目 [category]: 区分「附属機関」は不明な値です", rejectedBodies.Err);

        var again = await RunAsync("import", "meeting-sessions", sessions);
        Assert.True(again.Exit == 0, again.Err);
        Assert.Contains("取り込み完了: 118行 (追加 0、更新 0、変更なし 118)", again.Out);
        Assert.Equal(("77.5", "86.1", "behind"), await KpiAsync(ExecutiveRate, 2021));
    }

    [Fact]
    public async Task Import_sessions_with_a_saved_mapping_reads_a_shift_jis_calendar_export()
    {
        const string header = "件名,開始日,会議形式,参加人数,印刷枚数";
        var july = Write("calendar-2024-07.csv", Sjis(header, "部長会議,2024/7/12,ハイブリッド,20,0", "政策会議,2024/7/5,対面,12,100"));

        var unknown = await RunAsync("import", "meeting-sessions", july, "--mapping", CalendarMapping);
        Assert.Equal(1, unknown.Exit);
        Assert.Contains($"対応付け「{CalendarMapping}」は登録されていません", unknown.Err);

        // seed-demo installs the presets calendar and organizer-list and loads the samples through them.
        var demo = await RunAsync("seed-demo");
        Assert.True(demo.Exit == 0, demo.Err);
        Assert.Contains("ペーパーレス会議: 会議体 6件追加、開催記録 140件追加 (うち Shift_JIS のカレンダー出力 6件、Excel の会議開催一覧 16件)。", demo.Out);
        // seed-demo records office-wide paper use too: FY2019 9,850,000 − FY2023 9,380,000 sheets.
        Assert.Equal(("470000", "104.4", "achieved"), await KpiAsync(SheetsSaved, 2023));

        var dry = await RunAsync("import", "meeting-sessions", july, "--mapping", CalendarMapping, "--dry-run");
        Assert.True(dry.Exit == 0, dry.Err);
        Assert.Contains("確認のみ (書き込みなし): 2行 (追加 2、更新 0、変更なし 0)、文字コード Shift_JIS", dry.Out);
        Assert.Equal("470000", (await KpiAsync(SheetsSaved, 2023)).Actual);

        // seed-demo closes FY2023's evaluation round: FY2023 keeps the figures it was evaluated with (19 of 22 庁議 paperless).
        Assert.Equal(("86.4", "86.4", "behind"), await KpiAsync(ExecutiveRate, 2023));
        var before = await KpiAsync(ExecutiveRate, 2024);
        var sheetsBefore = await KpiAsync(SheetsSaved, 2024);

        var mapped = await RunAsync("import", "meeting-sessions", july, "--mapping", CalendarMapping);
        Assert.True(mapped.Exit == 0, mapped.Err);
        Assert.Contains("取り込み完了: 2行 (追加 2、更新 0、変更なし 0)、文字コード Shift_JIS", mapped.Out);
        // Both sessions are digital only by the mapping's fixed value, so FY2024's 庁議 paperless rate rises; the sheets saved
        // are the office-wide reduction, which meetings only break down (unchanged); FY2023 stays as evaluated.
        var after = await KpiAsync(ExecutiveRate, 2024);
        Assert.True(decimal.Parse(after.Actual, System.Globalization.CultureInfo.InvariantCulture)
                    > (before.Actual.Length == 0 ? -1m : decimal.Parse(before.Actual, System.Globalization.CultureInfo.InvariantCulture)), $"{before} → {after}");
        Assert.Equal(sheetsBefore, await KpiAsync(SheetsSaved, 2024));
        Assert.Equal(("86.4", "86.4", "behind"), await KpiAsync(ExecutiveRate, 2023));

        var twice = await RunAsync("import", "meeting-sessions", july, $"--mapping={CalendarMapping}");
        Assert.Contains("取り込み完了: 2行 (追加 0、更新 0、変更なし 2)、文字コード Shift_JIS", twice.Out);

        // Without the mapping the file is read in the module's own format, whose columns it lacks.
        var native = await RunAsync("import", "meeting-sessions", july);
        Assert.Equal(1, native.Exit);
        Assert.Contains("1行目 [body]", native.Err);

        // A bad row of the mapped file is named by its own header.
        var bad = Write("calendar-bad.csv", Sjis(header, "政策会議,2023/8/7,WEB,12,0", "部長会議,2023/8/14,WEB,-20,0"));
        var rejected = await RunAsync("import", "meeting-sessions", bad, "--mapping", CalendarMapping);
        Assert.Equal(1, rejected.Exit);
        Assert.Contains("3行目 [参加人数]", rejected.Err);
    }

    [Fact]
    public async Task Import_usage_errors_exit_2()
    {
        var noFile = await RunAsync("import", "meeting-sessions");
        Assert.Equal(2, noFile.Exit);
        Assert.Contains("meeting-bodies", noFile.Err);
        Assert.Contains("meeting-sessions", noFile.Err);
        var missing = await RunAsync("import", "meeting-bodies", Path.Combine(_data, "nope.csv"));
        Assert.Equal(1, missing.Exit);
        Assert.Contains("見つかりません", missing.Err);
    }

    public void Dispose()
    {
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }
}
