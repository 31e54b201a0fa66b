using Intranet.IntegrationTests.Infrastructure;
using static Intranet.IntegrationTests.TeleworkTest;

namespace Intranet.IntegrationTests;

/// <summary>
/// <c>import staff FILE</c> and <c>import telework-days FILE [--mapping NAME] [--dry-run]</c> on the host's command
/// line, each run as a real process on a fresh SQLite data folder (as <see cref="RpaCommandLineTests"/>).
/// </summary>
public sealed class TeleworkCommandLineTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("intranet-telework-cli-").FullName;

    private Task<(int Exit, string Out, string Err)> RunAsync(params string[] args) => HostCommand.RunAsync(_data, args);

    private string Write(string name, byte[] content)
    {
        var path = Path.Combine(_data, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>The actual_value of 2-3-(1)-1 in a fiscal year, from <c>export-kpis</c> (empty when none).</summary>
    private async Task<string> ActualAsync(int year)
    {
        var export = await RunAsync("export-kpis", "--plan", Plan);
        Assert.True(export.Exit == 0, export.Err);
        var lines = export.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        var header = Infrastructure.AppData.ParseLine(lines[0]);
        var row = lines.Skip(1).Select(l => header.Zip(Infrastructure.AppData.ParseLine(l)).ToDictionary(p => p.First, p => p.Second))
            .Single(r => r["indicator_code"] == Indicator && r["fiscal_year"] == year.ToString());
        return row["actual_value"];
    }

    [Fact]
    public async Task Import_staff_and_days_dry_run_then_write_and_reject_a_bad_file_naming_line_and_column()
    {
        var staff = Write("staff.csv", Sample("staff.csv"));
        var days = Write("telework-days.csv", Sample("telework-days.csv"));

        var dryStaff = await RunAsync("import", "staff", staff, "--dry-run");
        Assert.True(dryStaff.Exit == 0, dryStaff.Err);
        Assert.Contains("確認のみ (書き込みなし): 1000行 (追加 1000、更新 0、変更なし 0)、文字コード UTF-8", dryStaff.Out);
        Assert.Equal("", await ActualAsync(2021));

        var realStaff = await RunAsync("import", "staff", staff);
        Assert.True(realStaff.Exit == 0, realStaff.Err);
        Assert.Contains("取り込み完了: 1000行 (追加 1000、更新 0、変更なし 0)、文字コード UTF-8", realStaff.Out);   // the dry run wrote nothing
        Assert.Equal("", await ActualAsync(2021));                                     // a roster without telework days is not measured

        var dryDays = await RunAsync("import", "telework-days", days, "--dry-run");
        Assert.True(dryDays.Exit == 0, dryDays.Err);
        Assert.Contains("確認のみ (書き込みなし): 1117行 (追加 1111、更新 0、変更なし 6)、文字コード UTF-8", dryDays.Out);
        Assert.Equal("", await ActualAsync(2021));

        var realDays = await RunAsync("import", "telework-days", days);
        Assert.True(realDays.Exit == 0, realDays.Err);
        Assert.Contains("取り込み完了: 1117行 (追加 1111、更新 0、変更なし 6)、文字コード UTF-8", realDays.Out);
        Assert.Contains("書き込み中: 1,117 / 1,117 行", realDays.Err);                 // progress (rows of the file written through) goes to standard error
        Assert.Equal("7.3", await ActualAsync(2021));
        Assert.Equal("19", await ActualAsync(2024));

        // A bad row rejects the whole file (its good first row included) and names line and column.
        var bad = Write("bad-days.csv", Utf8(DaysHeader, DayLine("H10001", "2025-06-02"), DayLine("H10012", "2025-06-02")));
        var rejected = await RunAsync("import", "telework-days", bad);
        Assert.Equal(1, rejected.Exit);
        Assert.Contains("bad-days.csv: 1件の誤りがあるため取り込みませんでした。", rejected.Err);
        Assert.Contains("3行目 [date]: 2025-06-02 は職員 H10012 の在職期間外です。", rejected.Err);
        Assert.Equal("", await ActualAsync(2025));                                     // H10001's day of line 2 is not there: FY2025 stays unmeasured

        var badStaff = Write("bad-staff.csv", Utf8(StaffHeader, StaffLine("H20001", "新規 職員", "企画課"), StaffLine("H20002", "新規 職員2", "企画課", manager: "課長")));
        var rejectedStaff = await RunAsync("import", "staff", badStaff);
        Assert.Equal(1, rejectedStaff.Exit);
        Assert.Contains("3行目 [manager]", rejectedStaff.Err);

        var again = await RunAsync("import", "telework-days", days);
        Assert.Contains("取り込み完了: 1117行 (追加 0、更新 0、変更なし 1117)", again.Out);
        var staffAgain = await RunAsync("import", "staff", staff);
        Assert.Contains("取り込み完了: 1000行 (追加 0、更新 0、変更なし 1000)", staffAgain.Out);
    }

    [Fact]
    public async Task Import_days_with_a_saved_mapping_reads_a_shift_jis_export()
    {
        var export = Write("kintai-2025-06.csv", Sjis("職員番号,勤務日,勤務形態,テレワーク時間",
            "H10001,2025/06/02,在宅勤務,7.75",
            "H10003,2025/06/03,在宅勤務,3.5"));

        var unknown = await RunAsync("import", "telework-days", export, "--mapping", AttendanceMapping);
        Assert.Equal(1, unknown.Exit);
        Assert.Contains($"の対応付け「{AttendanceMapping}」は登録されていません", unknown.Err);

        // seed-demo loads the sample roster, days and Shift_JIS export, and saves the mapping attendance-sample.
        var demo = await RunAsync("seed-demo");
        Assert.True(demo.Exit == 0, demo.Err);
        Assert.Contains("テレワーク管理: 職員 1000人追加、テレワーク勤務 1223日追加 (人事・勤怠システムの出力を対応付けで取込)。", demo.Out);
        Assert.Equal("14.5", await ActualAsync(2025));

        var mapped = await RunAsync("import", "telework-days", export, "--mapping", AttendanceMapping);
        Assert.True(mapped.Exit == 0, mapped.Err);
        Assert.Contains("取り込み完了: 2行 (追加 2、更新 0、変更なし 0)、文字コード Shift_JIS", mapped.Out);
        // H10001 and H10003 (city hall) did not telework in FY2025 before: 114 of 774 = 14.7 %.
        Assert.Equal("14.7", await ActualAsync(2025));

        var twice = await RunAsync("import", "telework-days", export, $"--mapping={AttendanceMapping}", "--dry-run");
        Assert.Contains("確認のみ (書き込みなし): 2行 (追加 0、更新 0、変更なし 2)、文字コード Shift_JIS", twice.Out);

        // Without the mapping the file is read in the module's own format, whose columns it lacks.
        var native = await RunAsync("import", "telework-days", export);
        Assert.Equal(1, native.Exit);
        Assert.Contains("1行目 [employee_number]", native.Err);
    }

    [Fact]
    public async Task Import_usage_errors_exit_2()
    {
        var noFile = await RunAsync("import", "staff");
        Assert.Equal(2, noFile.Exit);
        Assert.Contains("staff", noFile.Err);
        Assert.Contains("telework-days", noFile.Err);
        var missing = await RunAsync("import", "telework-days", Path.Combine(_data, "nope.csv"));
        Assert.Equal(1, missing.Exit);
        Assert.Contains("見つかりません", missing.Err);
    }

    public void Dispose()
    {
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }
}
