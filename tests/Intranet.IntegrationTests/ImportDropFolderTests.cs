using Intranet.IntegrationTests.Infrastructure;
using Intranet.Shared.Import;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using static Intranet.IntegrationTests.TeleworkTest;

namespace Intranet.IntegrationTests;

/// <summary>
/// Drop folders (<see cref="ImportDropFolder"/>): the running host imports what other systems write into a folder per
/// import kind, on its scheduler, and the figures reach the plan. Real host, its Quartz scheduler, SQLite and
/// PostgreSQL; the file is the sample Shift_JIS export of an attendance system read through a saved mapping.
/// </summary>
public sealed class ImportDropFolderTests
{
    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task The_running_host_imports_the_attendance_export_dropped_in_its_folder_and_the_plan_shows_it(Db db)
    {
        var folder = Directory.CreateTempSubdirectory("telework-drop-").FullName;
        try
        {
            // Quartz reads the application's TimeProvider: this host runs on the wall clock so that its trigger fires.
            using var app = new IntranetApp(db, services =>
            {
                services.RemoveAll<TimeProvider>();
                services.AddSingleton(TimeProvider.System);
            });
            app.Settings["Imports:DropFolders:telework-days"] = folder;
            app.Settings["Imports:DropFolderMappings:telework-days"] = AttendanceMapping;
            app.Settings["Imports:DropFolderPollSeconds"] = "1";
            var planOffice = await app.SignedInAsync("PlanOffice");
            await app.ImportSampleStaffAsync();
            await app.ImportSampleDaysAsync();
            await app.SaveAttendanceMappingAsync();
            Assert.Null(await planOffice.TeleworkActualAsync(2025));   // the sample days end before FY2025

            // The attendance system writes its export under another name and renames it when complete.
            var writing = Path.Combine(folder, "kintai-2025.csv.part");
            await File.WriteAllBytesAsync(writing, Sample("attendance-export-sjis.csv"));
            File.Move(writing, Path.Combine(folder, "kintai-2025.csv"));

            var report = Path.Combine(folder, "done", "kintai-2025.csv.report.txt");
            for (var i = 0; i < 300 && !File.Exists(report); i++) await Task.Delay(100);
            Assert.True(File.Exists(report), "the host did not import the dropped file within 30 s");
            var text = await File.ReadAllTextAsync(report);
            Assert.Contains("取り込み完了: 112行 (追加 112、更新 0、変更なし 0)、文字コード Shift_JIS", text);
            Assert.Matches(@"\n所要時間: \d+\.\d\d 秒\n", text);   // the import's own time, as the command line prints it
            Assert.Equal(["kintai-2025.csv", "kintai-2025.csv.report.txt"], Directory.GetFiles(Path.Combine(folder, "done")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
            Assert.Empty(Directory.GetFiles(Path.Combine(folder, ImportDropFolder.ProcessingFolder)));

            // Reported to the plan by the same run: 112 of 774 eligible staff in FY2025.
            var model = Model.FromSamples(withAttendance: true);
            Assert.Equal(14.5m, model.Rate(2025));
            Assert.Equal(model.Rates(), await planOffice.TeleworkActualsAsync());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static IConfiguration Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void Folders_are_read_per_kind_with_the_rpa_module_s_earlier_settings_for_rpa_runs()
    {
        Assert.Empty(ImportDropFolder.Read(Settings()));
        Assert.Equal(ImportDropFolder.DefaultPollInterval, ImportDropFolder.PollInterval(Settings()));

        var folders = ImportDropFolder.Read(Settings(
            ("Imports:DropFolders:telework-days", "/srv/kintai"), ("Imports:DropFolderMappings:telework-days", "attendance-sample"),
            ("Imports:DropFolders:meeting-sessions", "/srv/kaigi"), ("Imports:DropFolders:staff", " "),
            ("Rpa:DropFolder", "/srv/rpa"), ("Rpa:DropFolderMapping", "winactor")));
        Assert.Equal(
            [new("meeting-sessions", "/srv/kaigi", null), new("telework-days", "/srv/kintai", "attendance-sample"), new ImportDropFolder.Folder("rpa-runs", "/srv/rpa", "winactor")],
            folders);

        // The shared setting wins over the earlier one for rpa-runs.
        Assert.Equal([new ImportDropFolder.Folder("rpa-runs", "/srv/new", null)],
            ImportDropFolder.Read(Settings(("Imports:DropFolders:rpa-runs", "/srv/new"), ("Rpa:DropFolder", "/srv/rpa"))));

        Assert.Equal(TimeSpan.FromSeconds(5), ImportDropFolder.PollInterval(Settings(("Imports:DropFolderPollSeconds", "5"))));
        foreach (var bad in new[] { "0", "3601", "1.5", "-1", "abc" })
        {
            var e = Assert.Throws<InvalidOperationException>(() => ImportDropFolder.PollInterval(Settings(("Imports:DropFolderPollSeconds", bad))));
            Assert.Contains($"Imports:DropFolderPollSeconds「{bad}」", e.Message);
        }
    }
}
