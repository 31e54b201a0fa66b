using System.Text;
using Intranet.IntegrationTests.Infrastructure;
using Intranet.Modules.PlanKpi.Contracts;
using Intranet.Modules.Telework;
using Intranet.Modules.Telework.Domain;
using Intranet.Modules.Telework.Import;
using Intranet.Modules.Telework.UseCases;
using Intranet.Shared.Import;
using Intranet.Shared.Messaging;
using Intranet.Shared.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using static Intranet.IntegrationTests.TeleworkTest;

namespace Intranet.IntegrationTests;

/// <summary>
/// The telework module on the real host (SQLite and PostgreSQL): the sample roster and telework days feed the Hadano
/// plan's 2-3-(1)-1 (テレワーク勤務を行った職員の割合) for every plan year; a roster re-import flags missing staff
/// and dates moves; a day recorded twice is one day; dates outside employment and every other bad row reject the
/// whole file with line and column; the Shift_JIS attendance export is read through a saved mapping; every change
/// reaches the plan at once. Expected figures come from <see cref="TeleworkTest.Model"/> (the CSV text and the
/// rules of issue #5) or are worked out by hand in the test, not from the module.
/// </summary>
public sealed class TeleworkTests
{
    private static readonly DateOnly May12 = new(2025, 5, 12);

    /// <summary>
    /// A small roster: 企画課 P001–P010 and 総務課 S001–S010 at the city hall, 人事課 J001–J003, three こども園 staff
    /// (K001–K003, not eligible), L001 (総務課) who leaves on 2025-09-30 and N001 (企画課) who joins on 2025-06-01.
    /// FY2025 headcount on April 1: 10 + 10 + 3 + L001 = 24.
    /// </summary>
    public static string[] SmallRoster() =>
    [
        StaffHeader,
        .. Enumerable.Range(1, 10).Select(i => StaffLine($"P{i:000}", $"企画 太郎{i}", "企画課", manager: i == 1 ? "1" : "0")),
        .. Enumerable.Range(1, 10).Select(i => StaffLine($"S{i:000}", $"総務 花子{i}", "総務課")),
        .. Enumerable.Range(1, 3).Select(i => StaffLine($"J{i:000}", $"人事 次郎{i}", "人事課")),
        .. Enumerable.Range(1, 3).Select(i => StaffLine($"K{i:000}", $"保育 三郎{i}", "保育こども園課", "南こども園", "こども園")),
        StaffLine("L001", "退職 予定", "総務課", activeTo: "2025-09-30"),
        StaffLine("N001", "新規 採用", "企画課", activeFrom: "2025-06-01"),
    ];

    // ---- the sample files feed the plan -------------------------------------------------------------

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Sample_roster_and_days_feed_the_participation_rate_of_every_plan_year(Db db)
    {
        using var app = new IntranetApp(db);
        var planOffice = await app.SignedInAsync("PlanOffice");
        Assert.Equal(new decimal?[] { null, null, null, null, null }, await planOffice.TeleworkActualsAsync());

        Assert.Equal(new ImportResult(1000, 1000, 0, 0, "UTF-8", false), await app.ImportSampleStaffAsync());
        // The roster alone: 800 eligible staff, but no telework day recorded in any year: not measured, never 0 % (issue #9).
        Assert.Equal(new decimal?[] { null, null, null, null, null }, await planOffice.TeleworkActualsAsync());
        var rosterOnly = SummaryRows(await planOffice.SummaryCsvAsync()).Summary(2021);
        Assert.Equal(("800", "未測定", "未測定"), (rosterOnly["対象職員数"], rosterOnly["実施者数"], rosterOnly["実施率(%)"]));

        // 1,117 lines, six of which repeat a person and date already in the file: 1,111 days.
        Assert.Equal(new ImportResult(1117, 1111, 0, 6, "UTF-8", false), await app.ImportSampleDaysAsync());
        var counts = await app.TeleworkCountsAsync();
        Assert.Equal((1000, 1000, 1111), (counts.Staff, counts.Assignments, counts.Days));

        var model = Model.FromSamples();
        // Hand check of the independent model: FY2021 58 of 800 (7.25 → 7.3), FY2022 83 of 774 after the March 2022
        // leavers, FY2023 124, FY2024 147 of 774; FY2025 has no days in these files, so it is not measured.
        Assert.Equal([800, 774, 774, 774, 774], PlanYears.Select(y => model.Headcount(y).Count));
        Assert.Equal([58, 83, 124, 147, 0], PlanYears.Select(y => model.Participants(y).Count));
        Assert.Equal(new decimal?[] { 7.3m, 10.7m, 16.0m, 19.0m, null }, model.Rates());
        Assert.Equal(model.Rates(), await planOffice.TeleworkActualsAsync());

        var fy2024 = await planOffice.IndicatorRowAsync(2024);
        Assert.Equal(("テレワーク勤務を行った職員の割合", "%", ""), (fy2024["indicator_name"], fy2024["unit"], fy2024["target_value"]));
        var fy2025 = await planOffice.IndicatorRowAsync(2025);
        Assert.Equal(("25", "", "", "not_measured"), (fy2025["target_value"], fy2025["actual_value"], fy2025["achievement_rate"], fy2025["status"]));

        // The later of two lines for the same person and date wins.
        Assert.Equal(1m, (await app.DayAsync("H10764", new DateOnly(2022, 5, 9)))!.DayFraction);        // 0.5, then 1
        Assert.True((await app.DayAsync("H10002", new DateOnly(2022, 12, 20)))!.ManagerTrial);         // trial 0, then 1
        Assert.Equal(TeleworkType.Home, (await app.DayAsync("H10755", new DateOnly(2021, 10, 13)))!.Type);   // サテライト, then 在宅
        Assert.Equal(0.5m, (await app.DayAsync("H10617", new DateOnly(2023, 11, 20)))!.DayFraction);

        // The aggregate download shows the same figures.
        var summary = SummaryRows(await planOffice.SummaryCsvAsync());
        foreach (var year in PlanYears.Where(y => y <= 2024))
        {
            var row = summary.Summary(year);
            Assert.Equal(model.Headcount(year).Count.ToString(), row["対象職員数"]);
            Assert.Equal(model.Participants(year).Count.ToString(), row["実施者数"]);
            Assert.Equal(model.Rate(year), decimal.Parse(row["実施率(%)"], System.Globalization.CultureInfo.InvariantCulture));
        }
        foreach (var year in new[] { 2025, 2026 })   // no telework day in these files; 2026 is the current fiscal year
            Assert.Equal(("774", "未測定", "未測定"), (summary.Summary(year)["対象職員数"], summary.Summary(year)["実施者数"], summary.Summary(year)["実施率(%)"]));
        // Departments of the eligible staff (保育こども園課 and 消防総務課 have none), sorted by name.
        Assert.Equal(new[] { "上下水道総務課", "人事課", "企画課", "図書館", "市民税課", "情報システム課", "戸籍住民課", "福祉総務課", "総務課", "道路管理課" }
                .Order(StringComparer.Ordinal),
            summary.Where(r => r["年度"] == "2024" && r["所属"] != "全体").Select(r => r["所属"]));
        Assert.Equal(774, summary.Where(r => r["年度"] == "2024" && r["所属"] != "全体").Sum(r => int.Parse(r["対象職員数"])));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task A_shift_jis_attendance_export_is_read_through_a_saved_day_mapping(Db db)
    {
        using var app = new IntranetApp(db);
        var planOffice = await app.SignedInAsync("PlanOffice");
        await app.ImportSampleStaffAsync();
        await app.ImportSampleDaysAsync();
        var attendance = Sample("attendance-export-sjis.csv");

        // Without a mapping the file is read in the module's own format, whose headers it lacks.
        var native = await Assert.ThrowsAsync<ImportRejectedException>(() => app.ImportDaysAsync(attendance, "kintai.csv"));
        Assert.All(native.Errors, e => Assert.Equal(1, e.Line));
        Assert.Equal(["employee_number", "date", "type"], native.Errors.Select(e => e.Column));

        var unknown = await Assert.ThrowsAsync<ImportRejectedException>(() => app.ImportDaysAsync(attendance, "kintai.csv", AttendanceMapping));
        var error = Assert.Single(unknown.Errors);
        Assert.Equal("mapping", error.Column);
        Assert.Contains(AttendanceMapping, error.Message);

        await app.SaveAttendanceMappingAsync();
        Assert.Equal(new ImportResult(112, 112, 0, 0, "Shift_JIS", false), await app.ImportDaysAsync(attendance, "kintai.csv", AttendanceMapping));
        Assert.Equal(1111 + 112, (await app.TeleworkCountsAsync()).Days);

        // 在宅勤務 3.5 h = 3.5 ÷ 7.75 of a day; 7.75 h = one day.
        var halfish = (await app.DayAsync("H10007", new DateOnly(2025, 5, 8)))!;
        Assert.Equal((TeleworkType.Home, 0.4516m, false), (halfish.Type, halfish.DayFraction, halfish.ManagerTrial));
        Assert.Equal(1m, (await app.DayAsync("H10020", new DateOnly(2025, 4, 21)))!.DayFraction);

        var model = Model.FromSamples(withAttendance: true);
        Assert.Equal(112, model.Participants(2025).Count);
        Assert.Equal(14.5m, model.Rate(2025));          // 112 of 774 = 14.47…
        Assert.Equal(model.Rates(), await planOffice.TeleworkActualsAsync());
        var fy2025 = await planOffice.IndicatorRowAsync(2025);
        Assert.Equal(("14.5", "58", "behind"), (fy2025["actual_value"], fy2025["achievement_rate"], fy2025["status"]));

        // The same export again: nothing new.
        Assert.Equal(new ImportResult(112, 0, 0, 112, "Shift_JIS", false), await app.ImportDaysAsync(attendance, "kintai.csv", AttendanceMapping));
        Assert.Equal(1111 + 112, (await app.TeleworkCountsAsync()).Days);

        // A mapping with defaults for fields the source lacks; an error names the source's header.
        await app.SaveAttendanceMappingAsync("kintai-defaults",
            new Dictionary<string, string> { ["employee_number"] = "職員番号", ["date"] = "日付", ["day_fraction"] = "日数" },
            new Dictionary<string, string> { ["type"] = "モバイル", ["manager_trial"] = "1" });
        var outside = await Assert.ThrowsAsync<ImportRejectedException>(() => app.ImportDaysAsync(
            Sjis("職員番号,日付,日数", "H10001,2025/06/02,1", "H10012,2025/06/02,1"), "kintai-2.csv", "kintai-defaults"));
        Assert.Equal((3, "日付"), (Assert.Single(outside.Errors).Line, outside.Errors[0].Column));   // H10012 left in March 2022
        Assert.Equal(new ImportResult(2, 2, 0, 0, "Shift_JIS", false),
            await app.ImportDaysAsync(Sjis("職員番号,日付,日数", "H10001,2025/06/02,1", "H10004,2025/06/03,0.5"), "kintai-2.csv", "kintai-defaults"));
        var mobile = (await app.DayAsync("H10004", new DateOnly(2025, 6, 3)))!;
        Assert.Equal((TeleworkType.Mobile, 0.5m, true), (mobile.Type, mobile.DayFraction, mobile.ManagerTrial));
    }

    [Fact]
    public async Task The_demo_seeder_loads_the_samples_once_and_fills_the_indicator()
    {
        using var app = new IntranetApp(Db.Sqlite);
        var planOffice = await app.SignedInAsync("PlanOffice");
        using (var scope = app.Services.CreateScope())
        {
            var seeder = scope.ServiceProvider.GetServices<Intranet.Shared.Modules.IDemoDataSeeder>().OfType<TeleworkDemoSeeder>().Single();
            Assert.Equal("テレワーク管理: 職員 1000人追加、テレワーク勤務 1223日追加 (人事・勤怠システムの出力を対応付けで取込)。", await seeder.SeedAsync(CancellationToken.None));
        }
        using (var scope = app.Services.CreateScope())
        {
            var seeder = scope.ServiceProvider.GetServices<Intranet.Shared.Modules.IDemoDataSeeder>().OfType<TeleworkDemoSeeder>().Single();
            Assert.Equal("テレワーク管理: 職員 0人追加、テレワーク勤務 0日追加 (人事・勤怠システムの出力を対応付けで取込)。", await seeder.SeedAsync(CancellationToken.None));
        }
        var counts = await app.TeleworkCountsAsync();
        Assert.Equal((1000, 1223, 3, 0), (counts.Staff, counts.Days, counts.Mappings, counts.Missing));   // the three presets
        // README: 7.3 % (FY2021) rising to 19.0 % (FY2024), and 14.5 % so far in FY2025.
        var model = Model.FromSamples(withAttendance: true);
        Assert.Equal(new decimal?[] { 7.3m, 10.7m, 16.0m, 19.0m, 14.5m }, model.Rates());
        Assert.Equal(model.Rates(), await planOffice.TeleworkActualsAsync());
        Assert.Contains("テレワーク管理", (await planOffice.GetStringAsync($"/plans/{Plan}/projects/2-3-(1)")));
    }

    // ---- roster re-imports --------------------------------------------------------------------------

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task A_roster_reimport_flags_missing_staff_without_deleting_them_and_dates_a_move_from_effective_from(Db db)
    {
        using var app = new IntranetApp(db);
        var planOffice = await app.SignedInAsync("PlanOffice");
        var hr = await app.SignedInAsync(Roles.HumanResources, "人事課");
        await app.ImportSampleStaffAsync();
        await app.ImportSampleDaysAsync();
        var model = Model.FromSamples();
        Assert.Equal(19.0m, await planOffice.TeleworkActualAsync(2024));
        var before = await app.TeleworkCountsAsync();
        var addedAssignmentsBefore = await app.TeleworkAsync(d => d.AuditEntries.CountAsync(a => a.EntityType == nameof(StaffAssignment) && a.Action == "Added"));

        // H10005 (総務課, employed) and H10012 (left 2022-03-31) are not in the new file; H10088 (総務課, 本庁) moves to
        // 南こども園 on 2024-10-01. H10088's only FY2024 telework day is 2024-12-31, after the move.
        var lines = SampleLines("staff.csv");
        Assert.Equal("H10088,伊藤 健,総務課,本庁舎,本庁,会計年度任用,2005-04-01,0,,", lines.Single(l => l.StartsWith("H10088,")));
        var edited = lines.Where(l => !l.StartsWith("H10005,") && !l.StartsWith("H10012,"))
            .Select(l => l.StartsWith("H10088,") ? "H10088,伊藤 健,保育こども園課,南こども園,こども園,会計年度任用,2005-04-01,0,,2024-10-01" : l).ToArray();
        Assert.Equal(new ImportResult(998, 0, 1, 997, "UTF-8", false), await app.ImportStaffAsync(Utf8(edited), "staff-2024-10.csv"));

        var after = await app.TeleworkCountsAsync();
        Assert.Equal(1000, after.Staff);                    // nobody deleted
        Assert.Equal(1, after.Missing);                     // only the employed one is flagged; the leaver is already end-dated
        var missing = await app.StaffAsync("H10005");
        Assert.True(missing.MissingFromLastImport);
        Assert.Null(missing.ActiveTo);
        Assert.False((await app.StaffAsync("H10012")).MissingFromLastImport);

        var mover = await app.StaffAsync("H10088");
        var history = mover.Assignments.OrderBy(a => a.From).ToList();
        Assert.Equal(2, history.Count);
        Assert.Equal(("総務課", "本庁"), (history[0].Department, history[0].WorkplaceType));
        Assert.Equal((new DateOnly(2024, 10, 1), "保育こども園課", "南こども園", "こども園"),
            (history[1].From, history[1].Department, history[1].Workplace, history[1].WorkplaceType));
        Assert.Equal(before.Assignments + 1, after.Assignments);
        Assert.Equal(addedAssignmentsBefore + 1,
            await app.TeleworkAsync(d => d.AuditEntries.CountAsync(a => a.EntityType == nameof(StaffAssignment) && a.Action == "Added")));
        Assert.True(await app.TeleworkAsync(d => d.AuditEntries.AnyAsync(a => a.EntityType == nameof(StaffMember) && a.Action == "Modified"
                                                                         && a.Changes.Contains("MissingFromLastImport"))));

        // FY2024: H10088 is still in the headcount (eligible on April 1) but the December day no longer counts: 146 of 774.
        // FY2025: H10088 is not eligible on April 1, 2025.
        model.Move("H10088", new DateOnly(2024, 10, 1), "保育こども園課", "こども園");
        Assert.Equal((774, 146), (model.Headcount(2024).Count, model.Participants(2024).Count));
        Assert.Equal(773, model.Headcount(2025).Count);
        Assert.Equal(18.9m, model.Rate(2024));
        Assert.Equal(model.Rates(), await planOffice.TeleworkActualsAsync());

        // HR sees whom to end-date, and the move in the person's history.
        var list = await hr.GetStringAsync("/telework/staff?missing=true");
        Assert.Contains("最新の名簿に含まれていなかった職員が 1 人います", list);
        Assert.Contains("H10005", list);
        Assert.Contains("(名簿になし)", list);
        Assert.DoesNotContain("H10012", list);
        Assert.DoesNotContain("H10001", list);
        var page = await hr.GetStringAsync("/telework/staff/H10088");
        Assert.Contains("2024/10/01", page);
        Assert.Contains("対象外: こども園に勤務する職員はテレワークの対象外", page);

        // HR end-dates H10005 on 2025-03-31: the flag goes, FY2025's headcount drops, the plan follows at once.
        await app.TeleworkSendAsync(new EndDateStaff("H10005", new DateOnly(2025, 3, 31), missing.Version));
        var ended = await app.StaffAsync("H10005");
        Assert.Equal((new DateOnly(2025, 3, 31), false), (ended.ActiveTo, ended.MissingFromLastImport));
        model.Staff["H10005"].ActiveTo = new DateOnly(2025, 3, 31);
        Assert.Equal(772, model.Headcount(2025).Count);
        Assert.Equal(model.Rates(), await planOffice.TeleworkActualsAsync());
        Assert.Equal(772, int.Parse(SummaryRows(await planOffice.SummaryCsvAsync()).Summary(2025)["対象職員数"]));

        // The same file again changes nothing; the original file brings H10005 back without flags (an end-dated person is not flagged).
        Assert.Equal(new ImportResult(998, 0, 0, 998, "UTF-8", false), await app.ImportStaffAsync(Utf8(edited), "staff-2024-10.csv"));
        Assert.Equal(0, (await app.TeleworkCountsAsync()).Missing);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task A_correction_dated_on_an_existing_assignment_replaces_it(Db db)
    {
        using var app = new IntranetApp(db);
        var planOffice = await app.SignedInAsync("PlanOffice");
        await app.ImportStaffAsync(Utf8(SmallRoster()));
        await app.ImportDaysAsync(Utf8(DaysHeader, DayLine("K001", "2025-05-12"), DayLine("P001", "2025-05-12")));
        Assert.Equal(4.2m, await planOffice.TeleworkActualAsync(2025));   // 1 of 24: K001 (こども園) does not count

        // K001 was in fact at the city hall (総務課) from the start: the roster corrects the assignment dated 2020-04-01.
        var corrected = SmallRoster().Select(l => l.StartsWith("K001,")
            ? StaffLine("K001", "保育 三郎1", "総務課", effectiveFrom: "2020-04-01") : l).ToArray();
        Assert.Equal(new ImportResult(28, 0, 1, 27, "UTF-8", false), await app.ImportStaffAsync(Utf8(corrected), "corrected.csv"));
        var k001 = await app.StaffAsync("K001");
        var only = Assert.Single(k001.Assignments);
        Assert.Equal((new DateOnly(2020, 4, 1), "総務課", "本庁"), (only.From, only.Department, only.WorkplaceType));
        Assert.Equal(8.0m, await planOffice.TeleworkActualAsync(2025));   // 2 of 25
    }

    // ---- telework days: duplicates, employment, bad rows ---------------------------------------------

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task A_day_recorded_twice_counts_once_within_a_file_across_imports_and_by_hand(Db db)
    {
        using var app = new IntranetApp(db);
        var planOffice = await app.SignedInAsync("PlanOffice");
        await app.ImportStaffAsync(Utf8(SmallRoster()));

        var first = Utf8(DaysHeader, DayLine("P001", "2025-05-12"), DayLine("P002", "2025-05-12"), DayLine("P001", "2025-05-12", fraction: "0.5"));
        Assert.Equal(new ImportResult(3, 2, 0, 1, "UTF-8", false), await app.ImportDaysAsync(first, "first.csv"));
        Assert.Equal(2, (await app.TeleworkCountsAsync()).Days);
        Assert.Equal(0.5m, (await app.DayAsync("P001", May12))!.DayFraction);    // the later line wins
        Assert.Equal(8.3m, await planOffice.TeleworkActualAsync(2025));                  // 2 of 24

        // Again in a second file, with other values, next to a new day: updated, not added.
        var second = Utf8(DaysHeader, DayLine("P001", "2025-05-12", "サテライト", fraction: "1"), DayLine("P003", "2025-05-13"));
        Assert.Equal(new ImportResult(2, 1, 1, 0, "UTF-8", false), await app.ImportDaysAsync(second, "second.csv"));
        Assert.Equal(new ImportResult(2, 0, 0, 2, "UTF-8", false), await app.ImportDaysAsync(second, "second.csv"));
        Assert.Equal(3, (await app.TeleworkCountsAsync()).Days);
        var day = (await app.DayAsync("P001", May12))!;
        Assert.Equal((TeleworkType.Satellite, 1m), (day.Type, day.DayFraction));
        Assert.Equal(12.5m, await planOffice.TeleworkActualAsync(2025));                 // 3 of 24

        // HR records the same day by hand: replaced, never doubled.
        await app.TeleworkSendAsync(new RecordTeleworkDay("P001", May12, TeleworkType.Mobile, 0.5m, false));
        Assert.Equal(3, (await app.TeleworkCountsAsync()).Days);
        day = (await app.DayAsync("P001", May12))!;
        Assert.Equal((TeleworkType.Mobile, 0.5m, "humanresources@example.jp"), (day.Type, day.DayFraction, day.RecordedBy));
        Assert.Equal(12.5m, await planOffice.TeleworkActualAsync(2025));
        var summary = SummaryRows(await planOffice.SummaryCsvAsync()).Summary(2025);
        Assert.Equal(("24", "3"), (summary["対象職員数"], summary["実施者数"]));
        Assert.Equal(0.8m, decimal.Parse(summary["1人あたり日数"], System.Globalization.CultureInfo.InvariantCulture));   // 2.5 days ÷ 3
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Concurrent_imports_of_overlapping_day_files_store_each_day_once(Db db)
    {
        using var app = new IntranetApp(db);
        var planOffice = await app.SignedInAsync("PlanOffice");
        await app.ImportSampleStaffAsync();
        var lines = SampleLines("telework-days.csv");
        byte[] Slice(int from, int to) => Utf8([lines[0], .. lines[1..][from..to]]);

        var results = await Task.WhenAll(
            Task.Run(() => app.ImportDaysAsync(Slice(0, 700), "a.csv")),
            Task.Run(() => app.ImportDaysAsync(Slice(500, 1117), "b.csv")),
            Task.Run(() => app.ImportDaysAsync(Slice(300, 900), "c.csv")),
            Task.Run(() => app.ImportDaysAsync(Slice(0, 1117), "d.csv")));

        Assert.Equal(1111, results.Sum(r => r.Added));
        Assert.Equal(1111, (await app.TeleworkCountsAsync()).Days);
        Assert.Equal(Model.FromSamples().Rates(), await planOffice.TeleworkActualsAsync());
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task A_date_outside_the_persons_employment_is_an_error_with_line_and_column(Db db)
    {
        using var app = new IntranetApp(db);
        var planOffice = await app.SignedInAsync("PlanOffice");
        await app.ImportStaffAsync(Utf8(SmallRoster()));
        var file = Utf8(DaysHeader,
            DayLine("P001", "2025-05-12"),
            DayLine("N001", "2025-05-30"),     // joins on 2025-06-01
            DayLine("L001", "2025-10-01"),     // left on 2025-09-30
            DayLine("L001", "2025-09-30"),     // the last day is fine
            DayLine("N001", "2025-06-01"));    // so is the first

        var e = await Assert.ThrowsAsync<ImportRejectedException>(() => app.ImportDaysAsync(file, "days.csv"));
        Assert.Equal(["3行目 [date]: 2025-05-30 は職員 N001 の在職期間外です。", "4行目 [date]: 2025-10-01 は職員 L001 の在職期間外です。"],
            e.Errors.Select(x => x.ToString()));
        Assert.StartsWith("days.csv: 2件の誤りがあるため取り込みませんでした。", e.Message);
        Assert.Equal(0, (await app.TeleworkCountsAsync()).Days);
        Assert.Null(await planOffice.TeleworkActualAsync(2025));                  // still no telework day: not measured

        // By hand too.
        var refused = await Assert.ThrowsAsync<RequestValidationException>(() =>
            app.TeleworkSendAsync(new RecordTeleworkDay("L001", new DateOnly(2025, 10, 1), TeleworkType.Home, 1, false)));
        Assert.Equal(("Date", "在職期間外の日付です。"), (refused.Errors[0].Field, refused.Errors[0].Message));
        Assert.Equal(0, (await app.TeleworkCountsAsync()).Days);
    }

    public sealed record BadFile(string Kind, byte[] Content, int Line, string Column, string Message);

    private static IEnumerable<(string Name, BadFile File)> BadFiles()
    {
        const string goodStaff = "H20001,新規 職員,企画課,本庁舎,本庁,正規,2025-04-01,0,,";
        BadFile Staff(string bad, string column, string message) => new("staff", Utf8(StaffHeader, goodStaff, bad), 3, column, message);
        BadFile Days(string bad, string column, string message) => new("days", Utf8(DaysHeader, DayLine("H10001", "2025-06-02"), bad, DayLine("H10002", "2025-06-02")), 3, column, message);

        yield return ("staff: no employee number", Staff(StaffLine("", "名無し", "企画課"), "employee_number", "必須"));
        yield return ("staff: employee number twice", Staff(StaffLine("H20001", "別人", "総務課"), "employee_number", "重複"));
        yield return ("staff: no name", Staff(StaffLine("H20002", "", "企画課"), "name", "氏名は必須"));
        yield return ("staff: no department", Staff(StaffLine("H20002", "名前", ""), "department", "所属は必須"));
        yield return ("staff: no workplace", Staff(StaffLine("H20002", "名前", "企画課", workplace: ""), "workplace", "勤務場所は必須"));
        yield return ("staff: no workplace type", Staff(StaffLine("H20002", "名前", "企画課", type: ""), "workplace_type", "勤務場所区分は必須"));
        yield return ("staff: no employment category", Staff(StaffLine("H20002", "名前", "企画課", category: ""), "employment_category", "雇用区分は必須"));
        yield return ("staff: no active_from", Staff(StaffLine("H20002", "名前", "企画課", activeFrom: ""), "active_from", "在職開始日"));
        yield return ("staff: impossible active_from", Staff(StaffLine("H20002", "名前", "企画課", activeFrom: "2025-02-30"), "active_from", "在職開始日"));
        yield return ("staff: unreadable active_to", Staff(StaffLine("H20002", "名前", "企画課", activeTo: "来年"), "active_to", "退職日: 日付として読めません"));
        yield return ("staff: active_to before active_from", Staff(StaffLine("H20002", "名前", "企画課", activeTo: "2020-03-31"), "active_to", "在職開始日より前"));
        yield return ("staff: manager not a flag", Staff(StaffLine("H20002", "名前", "企画課", manager: "課長"), "manager", "1/0"));
        yield return ("staff: unreadable effective_from", Staff(StaffLine("H20002", "名前", "企画課", effectiveFrom: "2025-13-01"), "effective_from", "異動日"));
        yield return ("staff: missing column", new BadFile("staff", Utf8("employee_number,name,department,workplace,workplace_type,active_from", "H20002,名前,企画課,本庁舎,本庁,2020-04-01"),
            1, "employment_category", "ありません"));
        yield return ("staff: header only", new BadFile("staff", Utf8(StaffHeader), 1, "ファイル", "データ行がありません"));
        yield return ("staff: Latin-1", new BadFile("staff", Encoding.Latin1.GetBytes(StaffHeader + "\r\nH20002,José,Planificación,Ayuntamiento,Central,Fijo,2020-04-01,0,,\r\n"),
            0, "文字コード", "判別できません"));

        yield return ("days: unknown employee", Days(DayLine("H99999", "2025-06-02"), "employee_number", "H99999 は名簿にありません"));
        yield return ("days: no employee number", Days(DayLine("", "2025-06-02"), "employee_number", "必須"));
        yield return ("days: impossible date", Days(DayLine("H10003", "2025-02-30"), "date", "存在しない日付です: 2025-02-30"));
        yield return ("days: no date", Days(DayLine("H10003", ""), "date", "日付は必須"));
        yield return ("days: before employment", Days(DayLine("H10004", "2020-03-31"), "date", "在職期間外"));
        yield return ("days: after leaving", Days(DayLine("H10012", "2022-04-01"), "date", "在職期間外"));
        yield return ("days: unknown type", Days(DayLine("H10003", "2025-06-02", "出張"), "type", "出張"));
        yield return ("days: no type", Days(DayLine("H10003", "2025-06-02", ""), "type", "種類は必須"));
        yield return ("days: zero day fraction", Days(DayLine("H10003", "2025-06-02", fraction: "0"), "day_fraction", "0より大きく1以下"));
        yield return ("days: day fraction over one", Days(DayLine("H10003", "2025-06-02", fraction: "1.5"), "day_fraction", "0より大きく1以下"));
        yield return ("days: day fraction not a number", Days(DayLine("H10003", "2025-06-02", fraction: "半日"), "day_fraction", "数値として読めません: 半日"));
        yield return ("days: zero hours", Days(DayLine("H10003", "2025-06-02", hours: "0", fraction: ""), "hours", "0より大きく24以下"));
        yield return ("days: negative hours", Days(DayLine("H10003", "2025-06-02", hours: "-3", fraction: ""), "hours", "0より大きく24以下"));
        yield return ("days: 25 hours", Days(DayLine("H10003", "2025-06-02", hours: "25", fraction: ""), "hours", "0より大きく24以下"));
        yield return ("days: hours not a number", Days(DayLine("H10003", "2025-06-02", hours: "三時間", fraction: ""), "hours", "時間として読めません: 三時間"));
        yield return ("days: manager trial not a flag", Days(DayLine("H10003", "2025-06-02", trial: "maybe"), "manager_trial", "1/0"));
        yield return ("days: missing column", new BadFile("days", Utf8("employee_number,date,day_fraction", "H10003,2025-06-02,1"), 1, "type", "ありません"));
        yield return ("days: header only", new BadFile("days", Utf8(DaysHeader), 1, "ファイル", "データ行がありません"));
        yield return ("days: UTF-16", new BadFile("days", Encoding.Unicode.GetBytes(DaysHeader + "\r\n" + DayLine("H10003", "2025-06-02") + "\r\n"), 0, "文字コード", "NUL"));
        yield return ("days: Latin-1", new BadFile("days", Encoding.Latin1.GetBytes(DaysHeader + "\r\nH10003,2025-06-02,Homé,,1,0\r\n"), 0, "文字コード", "判別できません"));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Each_kind_of_bad_row_rejects_the_whole_file_with_line_and_column_and_writes_nothing(Db db)
    {
        using var app = new IntranetApp(db);
        var planOffice = await app.SignedInAsync("PlanOffice");
        await app.ImportSampleStaffAsync();
        await app.ImportSampleDaysAsync();
        var before = await app.TeleworkCountsAsync();
        var actualsBefore = await planOffice.TeleworkActualsAsync();

        var files = BadFiles().ToList();
        Assert.Equal(36, files.Count);
        var problems = new List<string>();
        foreach (var (name, file) in files)
        {
            foreach (var dryRun in new[] { true, false })
            {
                var e = await Assert.ThrowsAsync<ImportRejectedException>(() => file.Kind == "staff"
                    ? app.ImportStaffAsync(file.Content, "bad.csv", dryRun)
                    : app.ImportDaysAsync(file.Content, "bad.csv", dryRun: dryRun));
                if (e.Errors.Count != 1) { problems.Add($"{name}: {e.Errors.Count} errors: {string.Join(" | ", e.Errors)}"); continue; }
                var error = e.Errors[0];
                if (file.Line != error.Line) problems.Add($"{name}: line {error.Line}, expected {file.Line} ({error})");
                if (file.Column != error.Column) problems.Add($"{name}: column {error.Column}, expected {file.Column} ({error})");
                if (!error.Message.Contains(file.Message)) problems.Add($"{name}: message '{error.Message}' lacks '{file.Message}'");
                Assert.StartsWith("bad.csv: 1件の誤りがあるため取り込みませんでした。", e.Message);
            }
            // Nothing written: no staff, assignment, day, missing flag or audit entry (the staff file's good H20001 neither,
            // and no sample person flagged as missing from it).
            Assert.True(before == await app.TeleworkCountsAsync(), $"{name}: something was written ({await app.TeleworkCountsAsync()})");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.Equal(actualsBefore, await planOffice.TeleworkActualsAsync());
    }

    /// <summary>
    /// The importer's documentation (TeleworkImporter.DayFields): "employee_number, date and type are required, plus
    /// hours or day_fraction" (README: "either day_fraction (0–1) or hours"). A row with neither must be refused, not
    /// counted as a full day.
    /// </summary>
    [Fact]
    public async Task A_day_without_hours_or_day_fraction_is_refused()
    {
        using var app = new IntranetApp(Db.Sqlite);
        await app.ImportStaffAsync(Utf8(SmallRoster()));
        var file = Utf8(DaysHeader, DayLine("P001", "2025-05-12"), DayLine("P002", "2025-05-12", hours: "", fraction: ""));
        var e = await Assert.ThrowsAsync<ImportRejectedException>(() => app.ImportDaysAsync(file, "days.csv"));
        Assert.Equal(3, Assert.Single(e.Errors).Line);
        Assert.Equal(0, (await app.TeleworkCountsAsync()).Days);
    }

    [Fact]
    public async Task Every_error_of_a_file_is_listed_not_only_the_first()
    {
        using var app = new IntranetApp(Db.Sqlite);
        await app.ImportStaffAsync(Utf8(SmallRoster()));
        var e = await Assert.ThrowsAsync<ImportRejectedException>(() => app.ImportDaysAsync(Utf8(DaysHeader,
            DayLine("P001", "2025-05-12"),
            DayLine("X001", "2025-05-12"),
            DayLine("P002", "2025-05-12"),
            DayLine("N001", "2025-05-12", "出張", fraction: "2"))));
        Assert.Equal(["3行目 [employee_number]", "5行目 [date]", "5行目 [type]", "5行目 [day_fraction]"],
            e.Errors.Select(x => x.ToString()[..x.ToString().IndexOf(':')]).ToArray());
        Assert.Equal(0, (await app.TeleworkCountsAsync()).Days);

        var staff = await Assert.ThrowsAsync<ImportRejectedException>(() => app.ImportStaffAsync(Utf8(StaffHeader,
            StaffLine("P001", "企画 太郎1", "企画課"),
            StaffLine("P011", "", "企画課", manager: "x"),
            StaffLine("P001", "企画 太郎1", "企画課"))));
        Assert.Equal(["3行目 [name]", "3行目 [manager]", "4行目 [employee_number]"], staff.Errors.Select(x => x.ToString()[..x.ToString().IndexOf(':')]).ToArray());
        Assert.Equal(28, (await app.TeleworkCountsAsync()).Staff);
    }

    [Fact]
    public async Task A_dry_run_reports_what_it_would_do_and_writes_nothing()
    {
        using var app = new IntranetApp(Db.Sqlite);
        var planOffice = await app.SignedInAsync("PlanOffice");
        var empty = await app.TeleworkCountsAsync();
        Assert.Equal(new ImportResult(1000, 1000, 0, 0, "UTF-8", true), await app.ImportStaffAsync(Sample("staff.csv"), dryRun: true));
        Assert.Equal(empty, await app.TeleworkCountsAsync());
        Assert.Null(await planOffice.TeleworkActualAsync(2021));

        await app.ImportSampleStaffAsync();
        var withStaff = await app.TeleworkCountsAsync();
        Assert.Equal(new ImportResult(1117, 1111, 0, 6, "UTF-8", true), await app.ImportDaysAsync(Sample("telework-days.csv"), dryRun: true));
        Assert.Equal(withStaff, await app.TeleworkCountsAsync());
        Assert.Null(await planOffice.TeleworkActualAsync(2021));                  // the roster alone measures nothing

        // A dry run of a roster without H10005 flags nobody; a dry run of a re-import shows the unchanged rows.
        var without = SampleLines("staff.csv").Where(l => !l.StartsWith("H10005,")).ToArray();
        Assert.Equal(new ImportResult(999, 0, 0, 999, "UTF-8", true), await app.ImportStaffAsync(Utf8(without), dryRun: true));
        Assert.Equal(0, (await app.TeleworkCountsAsync()).Missing);
        await app.ImportSampleDaysAsync();
        Assert.Equal(new ImportResult(1117, 0, 0, 1117, "UTF-8", true), await app.ImportDaysAsync(Sample("telework-days.csv"), dryRun: true));
        Assert.Equal(7.3m, await planOffice.TeleworkActualAsync(2021));
    }

    // ---- every change reaches the plan at once ------------------------------------------------------

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Days_rules_settings_and_end_dates_change_the_plan_at_once(Db db)
    {
        using var app = new IntranetApp(db);
        var planOffice = await app.SignedInAsync("PlanOffice");
        var viewer = await app.SignedInAsync("Viewer");
        await app.ImportStaffAsync(Utf8(SmallRoster()));
        Assert.Null(await planOffice.TeleworkActualAsync(2025));                  // no telework day yet: not measured

        // Four of 企画課, the leaver L001, and K001 at こども園 (not counted): 5 of 24.
        await app.ImportDaysAsync(Utf8(DaysHeader, DayLine("P001", "2025-05-12"), DayLine("P002", "2025-05-12"), DayLine("P003", "2025-05-13"),
            DayLine("P004", "2025-06-02"), DayLine("L001", "2025-07-01"), DayLine("K001", "2025-05-12")));
        Assert.Equal(20.8m, await planOffice.TeleworkActualAsync(2025));

        // HR records S002's day: 6 of 24 = 25 %, the FY2025 target.
        await app.TeleworkSendAsync(new RecordTeleworkDay("S002", new DateOnly(2025, 11, 4), TeleworkType.Satellite, 1, false));
        Assert.Equal(25m, await planOffice.TeleworkActualAsync(2025));
        Assert.Equal(("100", "achieved"), ((await planOffice.IndicatorRowAsync(2025))["achievement_rate"], (await planOffice.IndicatorRowAsync(2025))["status"]));

        // A rule: 人事課 is out of scope → 6 of 21.
        await app.TeleworkSendAsync(new SaveEligibilityRule(EligibilityField.Department, "人事課", "人事課は対象外", null));
        Assert.Equal(28.6m, await planOffice.TeleworkActualAsync(2025));

        // Reference date October 1: L001 (left 2025-09-30) is out, N001 (joined 2025-06-01) in → 5 of 21.
        await app.TeleworkSendAsync(new SaveTeleworkSettings("10-01", 5));
        Assert.Equal(23.8m, await planOffice.TeleworkActualAsync(2025));
        Assert.Contains("基準日 (10月1日)", await viewer.GetStringAsync("/telework?fy=2025"));

        // Removing the rule brings 人事課 back → 5 of 24.
        var rule = await app.TeleworkAsync(d => d.Rules.SingleAsync(r => r.Value == "人事課"));
        await app.TeleworkSendAsync(new SaveEligibilityRule(EligibilityField.WorkplaceType, "", "", rule.Id));
        Assert.Equal(20.8m, await planOffice.TeleworkActualAsync(2025));
        Assert.Equal(3, (await app.TeleworkCountsAsync()).Rules);

        // S005 leaves on 2025-09-30: not employed on October 1 → 5 of 23.
        var s005 = await app.StaffAsync("S005");
        await app.TeleworkSendAsync(new EndDateStaff("S005", new DateOnly(2025, 9, 30), s005.Version));
        Assert.Equal(21.7m, await planOffice.TeleworkActualAsync(2025));

        // A stale version is refused.
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => app.TeleworkSendAsync(new EndDateStaff("S005", new DateOnly(2025, 8, 31), s005.Version)));
        // Settings are validated.
        var invalid = await Assert.ThrowsAsync<RequestValidationException>(() => app.TeleworkSendAsync(new SaveTeleworkSettings("4/1", 0)));
        Assert.Equal(["ReferenceMonthDay", "MinimumGroupSize"], invalid.Errors.Select(x => x.Field));
        Assert.Equal(21.7m, await planOffice.TeleworkActualAsync(2025));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task A_day_reports_its_own_fiscal_year_only_and_a_year_left_without_days_is_withdrawn(Db db)
    {
        using var app = new IntranetApp(db);
        await app.ImportStaffAsync(Utf8(SmallRoster()));
        // FY2024 and FY2025 each 1 of 24 (企画課, 総務課, 人事課 and L001; こども園 not counted): 4.2 %.
        await app.ImportDaysAsync(Utf8(DaysHeader, DayLine("P001", "2024-05-13"), DayLine("P002", "2025-05-12")));
        Assert.Equal(new Dictionary<int, decimal> { [2024] = 4.2m, [2025] = 4.2m }, await FedAsync(app));

        // FY2024's stored figure set aside by hand: a report of FY2025 alone leaves it, a report of every year restores it.
        await app.PlanKpiAsync(d => d.MetricValues.Where(v => v.FiscalYear == 2024).ExecuteUpdateAsync(u => u.SetProperty(v => v.Value, 99m)));
        Assert.Equal(new ImportResult(1, 1, 0, 0, "UTF-8", false), await app.ImportDaysAsync(Utf8(DaysHeader, DayLine("P003", "2025-05-13"))));
        Assert.Equal(new Dictionary<int, decimal> { [2024] = 99m, [2025] = 8.3m }, await FedAsync(app));      // 2 of 24
        await app.TeleworkSendAsync(new RecordTeleworkDay("P004", new DateOnly(2025, 6, 2), TeleworkType.Home, 1, false));
        Assert.Equal(new Dictionary<int, decimal> { [2024] = 99m, [2025] = 12.5m }, await FedAsync(app));     // 3 of 24

        // An import that finds an earlier report outstanding (the feed still marked: its process died before reporting)
        // reports every year.
        await ImportStoreAsync(app, async d =>
        {
            d.PendingFeeds.Add(new Intranet.Shared.Import.Data.PendingFeed { Feed = TeleworkImports.Feed, Since = DateTimeOffset.UtcNow });
            return await d.SaveChangesAsync();
        });
        await app.ImportDaysAsync(Utf8(DaysHeader, DayLine("P005", "2025-06-03")));
        Assert.Equal(new Dictionary<int, decimal> { [2024] = 4.2m, [2025] = 16.7m }, await FedAsync(app));    // 4 of 24
        Assert.Equal(0, await ImportStoreAsync(app, d => d.PendingFeeds.CountAsync()));

        // Deleting FY2024's only day leaves the year unmeasured: every year is reported and FY2024's figure withdrawn.
        await app.TeleworkSendAsync(new DeleteTeleworkDay("P001", new DateOnly(2024, 5, 13)));
        Assert.Equal(new Dictionary<int, decimal> { [2025] = 16.7m }, await FedAsync(app));
    }

    private static async Task<T> ImportStoreAsync<T>(IntranetApp app, Func<Intranet.Shared.Import.Data.ImportDbContext, Task<T>> use)
    {
        using var scope = app.Services.CreateScope();
        return await use(scope.ServiceProvider.GetRequiredService<Intranet.Shared.Import.Data.ImportDbContext>());
    }

    private static Task<Dictionary<int, decimal>> FedAsync(IntranetApp app) =>
        app.PlanKpiAsync(d => d.MetricValues.AsNoTracking().Where(v => v.Key == MetricKeys.TeleworkParticipationRate)
            .ToDictionaryAsync(v => v.FiscalYear, v => v.Value));

    [Fact]
    public async Task The_nightly_job_restores_the_fed_actuals()
    {
        using var app = new IntranetApp(Db.Sqlite);
        var planOffice = await app.SignedInAsync("PlanOffice");
        await app.ImportSampleStaffAsync();
        await app.ImportSampleDaysAsync();
        var expected = await planOffice.TeleworkActualsAsync();
        Assert.Equal(new decimal?[] { 7.3m, 10.7m, 16.0m, 19.0m, null }, expected);   // FY2025: no day in these files

        var deleted = await app.PlanKpiAsync(d => d.MetricValues.Where(v => v.Key == MetricKeys.TeleworkParticipationRate).ExecuteDeleteAsync());
        Assert.Equal(4, deleted);
        Assert.Equal(new decimal?[] { null, null, null, null, null }, await planOffice.TeleworkActualsAsync());

        using (var scope = app.Services.CreateScope())
        {
            var job = new TeleworkRecomputeJob(scope.ServiceProvider.GetRequiredService<TeleworkFeed>(), NullLogger<TeleworkRecomputeJob>.Instance);
            await job.Execute(null!, CancellationToken.None);
        }
        Assert.Equal(expected, await planOffice.TeleworkActualsAsync());
    }

    [Fact]
    public async Task The_module_registers_its_metric_and_the_plan_binds_2_3_1_1()
    {
        using var app = new IntranetApp(Db.Sqlite);
        var consumers = await app.TeleworkAsAsync(null, sp => sp.GetRequiredService<MediatR.IMediator>().Send(new ListMetricConsumers(MetricKeys.TeleworkParticipationRate)));
        var c = Assert.Single(consumers);
        Assert.Equal((Plan, Indicator, 2021, 2025), (c.PlanCode, c.IndicatorCode, c.FirstFiscalYear, c.LastFiscalYear));
        Assert.Equal([(2025, 25m)], c.Targets.Select(t => (t.Key, t.Value)));
        Assert.Equal(("telework.participation-rate", "%", false, "テレワーク管理"),
            (TeleworkFeed.Definition.Key, TeleworkFeed.Definition.Unit, TeleworkFeed.Definition.Cumulative, TeleworkFeed.Definition.SourceModule));
    }
}
