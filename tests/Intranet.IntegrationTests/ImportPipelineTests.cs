using System.Text;
using Intranet.IntegrationTests.Infrastructure;
using Intranet.Modules.Telework.Import;
using Intranet.Shared.Import;
using Intranet.Shared.Import.Data;
using Intranet.Shared.Messaging;
using Intranet.Shared.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Intranet.IntegrationTests.TeleworkTest;

namespace Intranet.IntegrationTests;

/// <summary>
/// The shared import pipeline in the real host on both databases: a city's exports import as they are through saved
/// mappings (the roster's 職位, the attendance export's 勤務区分 and h:mm), mappings are saved and exported, the plan
/// actuals of a department import through the entry rules, the feed outbox completes a report a crash interrupted,
/// and a job interrupted by a stop is marked failed with nothing written.
/// </summary>
public sealed class ImportPipelineTests
{
    private static ImportMapping Preset(string name) => ImportMapping.FromJson(Encoding.UTF8.GetString(Sample(name)), name);

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task The_hr_roster_and_attendance_exports_import_as_they_are_through_their_presets_with_the_same_figures_as_the_standard_files(Db db)
    {
        // The standard-format files and the exports hold the same people and days: the figures must be identical.
        using var standard = new IntranetApp(db);
        await standard.ImportSampleStaffAsync();
        await standard.ImportSampleDaysAsync();
        using var exports = new IntranetApp(db);
        await exports.SaveMappingAsync(Preset("hr-roster-export.mapping.json"));
        await exports.SaveMappingAsync(Preset("kintai-export.mapping.json"));
        var roster = await exports.ImportAsync(TeleworkImports.Staff, Sample("hr-roster-export.csv"), "職員名簿.csv", "hr-roster");
        Assert.Equal(new ImportResult(1000, 1000, 0, 0, "UTF-8 (BOM付き)", false), roster);
        var days = await exports.ImportAsync(TeleworkImports.Days, Sample("kintai-export-sjis.csv"), "勤怠.csv", "kintai-monthly");
        Assert.Equal(new ImportResult(1117, 1111, 0, 6, "Shift_JIS", false), days);

        static async Task<List<string>> Staff(IntranetApp app) => await app.TeleworkAsync(d => d.Staff.AsNoTracking().Include(s => s.Assignments)
            .OrderBy(s => s.EmployeeNumber).Select(s => $"{s.EmployeeNumber}|{s.Name}|{s.ActiveFrom}|{s.ActiveTo}|" +
                string.Join(";", s.Assignments.OrderBy(a => a.From).Select(a => $"{a.From}/{a.Department}/{a.Workplace}/{a.WorkplaceType}/{a.EmploymentCategory}/{a.IsManager}")))
            .ToListAsync());
        static async Task<List<string>> Days(IntranetApp app) => await app.TeleworkAsync(d => d.Days.AsNoTracking()
            .Join(d.Staff, x => x.StaffId, s => s.Id, (x, s) => new { s.EmployeeNumber, x.Date, x.Type, x.DayFraction, x.ManagerTrial })
            .OrderBy(x => x.EmployeeNumber).ThenBy(x => x.Date)
            .Select(x => $"{x.EmployeeNumber}|{x.Date}|{x.Type}|{x.DayFraction}|{x.ManagerTrial}").ToListAsync());
        Assert.Equal(await Staff(standard), await Staff(exports));
        Assert.Equal(40, await exports.TeleworkAsync(d => d.Assignments.CountAsync(a => a.IsManager)));   // 職位 課長・部長・次長 → manager
        Assert.Equal(await Days(standard), await Days(exports));

        var planOffice = await exports.SignedInAsync(Roles.PlanOffice);
        Assert.Equal(await (await standard.SignedInAsync(Roles.PlanOffice)).TeleworkActualsAsync(), await planOffice.TeleworkActualsAsync());
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task A_mapping_saved_by_hr_is_listed_exported_and_refused_when_it_leaves_a_required_field_unmapped(Db db)
    {
        using var app = new IntranetApp(db);
        var preset = Preset("kintai-export.mapping.json");
        await app.SendAsAsync(new SaveMapping(preset), Roles.HumanResources, "人事課");
        var kind = await app.SendAsAsync(new GetImportKind(TeleworkImports.Days), Roles.HumanResources, "人事課");
        Assert.Equal([ImportMapping.NativeName, "kintai-monthly"], kind!.Mappings.Select(m => m.Name));
        Assert.Equal(preset.ToJson(), (await app.SendAsAsync(new GetMapping(TeleworkImports.Days, "kintai-monthly"), Roles.HumanResources, "人事課")).ToJson());

        var broken = preset with { Name = "broken", Fields = new(preset.Fields) { ["date"] = new FieldMapping() } };
        var e = await Assert.ThrowsAsync<ImportRejectedException>(() => app.SendAsAsync(new SaveMapping(broken), Roles.HumanResources, "人事課"));
        Assert.Contains("「日付」は必須です", Assert.Single(e.Errors).Message);
        await Assert.ThrowsAsync<ForbiddenException>(() => app.SendAsAsync(new SaveMapping(preset with { Name = "x" }), Roles.Department, "企画課"));

        // Who changed which mapping is audited.
        using var scope = app.Services.CreateScope();
        var store = scope.ServiceProvider.GetRequiredService<ImportDbContext>();
        Assert.Equal(1, await store.AuditEntries.CountAsync(a => a.EntityType == nameof(SavedMapping)));
        await app.SendAsAsync(new DeleteMapping(TeleworkImports.Days, "kintai-monthly"), Roles.HumanResources, "人事課");
        Assert.Equal([ImportMapping.NativeName], (await app.SendAsAsync(new GetImportKind(TeleworkImports.Days), Roles.HumanResources, "人事課"))!.Mappings.Select(m => m.Name));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task The_preview_of_a_sample_file_finds_the_header_below_title_lines_suggests_columns_and_lists_values_to_translate(Db db)
    {
        using var app = new IntranetApp(db);
        await app.ImportSampleStaffAsync();
        var preview = await app.SendAsAsync(new PreviewImportFile(TeleworkImports.Days, Sample("kintai-export-sjis.csv"), "勤怠.csv", null), Roles.HumanResources, "人事課");
        Assert.Equal(("Shift_JIS", 2), (preview.EncodingName, preview.HeaderLine));
        Assert.Equal("職員番号", preview.Suggestions["employee_number"]);
        Assert.Equal("勤務日", preview.Suggestions["date"]);
        Assert.Equal("勤務区分", preview.Suggestions["type"]);
        Assert.Equal("在宅勤務時間", preview.Suggestions["hours"]);
        Assert.Equal(["サテライト勤務", "モバイル勤務", "在宅勤務"], preview.Values["type"]);   // half-width ｻﾃﾗｲﾄ勤務 normalised
        // Without translations the 勤務区分 the suite does not know (サテライト勤務, モバイル勤務) are errors: all counted, the first listed.
        var text = Encoding.GetEncoding(932).GetString(Sample("kintai-export-sjis.csv"));
        var unknown = text.Split("\r\n").Count(l => l.Contains("サテライト勤務") || l.Contains("ｻﾃﾗｲﾄ勤務") || l.Contains("モバイル勤務"));
        Assert.True(unknown == preview.ErrorTotal, string.Join("\n", preview.Errors.Where(e => e.Column != "勤務区分").Take(20)));
        Assert.All(preview.Errors, e => Assert.Equal("勤務区分", e.Column));
        Assert.Contains("種類「サテライト勤務」は不明な値です", preview.Errors[0].Message + string.Join("", preview.Errors.Select(e => e.Message)));

        var mapped = await app.SendAsAsync(new PreviewImportFile(TeleworkImports.Days, Sample("kintai-export-sjis.csv"), "勤怠.csv",
            Preset("kintai-export.mapping.json")), Roles.HumanResources, "人事課");
        Assert.Equal(0, mapped.ErrorTotal);
        Assert.Equal(new ImportResult(1117, 1111, 0, 6, "Shift_JIS", true), mapped.Result);
        Assert.Equal(0, await app.TeleworkAsync(d => d.Days.CountAsync()));   // a preview writes nothing
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task A_department_imports_its_own_actuals_through_the_entry_rules_and_nothing_when_one_row_breaks_them(Db db)
    {
        using var app = new IntranetApp(db);
        var mapping = new ImportMapping
        {
            Kind = "plan-actuals", Name = "dept-sheet",
            Fields = new()
            {
                ["plan"] = new() { Fixed = "hadano-ict-2021" }, ["fiscal_year"] = new() { Column = "年度" },
                ["indicator"] = new() { Column = "指標番号" }, ["value"] = new() { Column = "実績" }, ["note"] = new() { Column = "備考" },
            },
        };
        await app.SaveMappingAsync(mapping);
        var kind = await app.SendAsAsync(new GetImportKind("plan-actuals"), Roles.PlanOffice, null);
        var field = kind!.Info.Fields.Select(f => f.Name).ToList();
        Assert.Equal(["plan", "fiscal_year", "indicator", "value", "note"], field);

        // 2-3-(1)-1 is fed by the telework module: refused, and nothing of the file is written.
        var bad = Encoding.UTF8.GetBytes("令和7年度 実績報告\n年度,指標番号,実績,備考\n令和7年度,1-1-(1)-1,12,\nR7,2-3-(1)-1,30,\n");
        var e = await Assert.ThrowsAsync<ImportRejectedException>(() => app.ImportAsync(mapping, bad, "実績.csv"));
        var error = Assert.Single(e.Errors);
        Assert.Equal((4, "実績"), (error.Line, error.Column));
        Assert.Contains("自動で反映", error.Message);

        var good = Encoding.UTF8.GetBytes("年度,指標番号,実績,備考\n令和7年度,1-1-(1)-1,12,庁内調査\n");
        var planOffice = await app.SignedInAsync(Roles.PlanOffice);
        var before = await planOffice.GetStringAsync("/plans/hadano-ict-2021/kpis.csv");
        Assert.Equal(new ImportResult(1, 1, 0, 0, "UTF-8", false), await app.ImportAsync(mapping, good, "実績.csv"));
        Assert.Equal(new ImportResult(1, 0, 0, 1, "UTF-8", false), await app.ImportAsync(mapping, good, "実績.csv"));   // again: unchanged
        var after = await planOffice.GetStringAsync("/plans/hadano-ict-2021/kpis.csv");
        Assert.NotEqual(before, after);
        Assert.Contains(after.Split('\n'), l => l.Contains("1-1-(1)-1") && l.Contains(",2025,") && l.Contains(",12"));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task A_feed_left_pending_by_a_crash_reports_to_the_plan_at_the_next_start_and_an_interrupted_job_is_failed(Db db)
    {
        var first = new IntranetApp(db);
        await first.ImportSampleStaffAsync();
        await first.ImportSampleDaysAsync();
        using (var scope = first.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<Intranet.Modules.PlanKpi.Data.PlanKpiDbContext>().MetricValues.ExecuteDeleteAsync();
        first.KeepDataOnDispose = true;
        first.Dispose();

        // Control: a plain restart does not report (the nightly job would, hours later).
        var control = new IntranetApp(first);
        Assert.All(await (await control.SignedInAsync(Roles.PlanOffice)).TeleworkActualsAsync(), Assert.Null);
        Guid job;
        using (var scope = control.Services.CreateScope())
        {
            // What a process killed between an import's commit and its report leaves: the feed marked pending; and a job
            // killed while running.
            var store = scope.ServiceProvider.GetRequiredService<ImportDbContext>();
            store.PendingFeeds.Add(new PendingFeed { Feed = TeleworkImports.Feed, Since = DateTimeOffset.UtcNow });
            var running = new ImportJob
            {
                Kind = TeleworkImports.Days, FileName = "days.csv", MappingName = "standard", MappingJson = "{}", State = ImportJobState.Running,
                CreatedBy = "hr@example.jp", CreatedAt = DateTimeOffset.UtcNow, Runner = Environment.MachineName,
            };
            store.Jobs.Add(running);
            store.JobFileChunks.Add(new ImportJobFileChunk { JobId = running.Id, Number = 0, Content = [1, 2, 3] });
            await store.SaveChangesAsync();
            job = running.Id;
        }
        control.KeepDataOnDispose = true;
        control.Dispose();

        using var second = new IntranetApp(control);
        var planOffice = await second.SignedInAsync(Roles.PlanOffice);
        Assert.Equal(Model.FromSamples(withAttendance: false).Rates(), await planOffice.TeleworkActualsAsync());
        using var check = second.Services.CreateScope();
        var after = check.ServiceProvider.GetRequiredService<ImportDbContext>();
        Assert.Empty(await after.PendingFeeds.ToListAsync());
        ImportJob? failed = null;
        for (var i = 0; i < 50 && failed?.State != ImportJobState.Failed; i++)
        {
            await Task.Delay(100);
            failed = await after.Jobs.AsNoTracking().SingleAsync(j => j.Id == job);
        }
        Assert.Equal((ImportJobState.Failed, ImportJobRunner.InterruptedMessage), (failed!.State, failed.Errors));
        Assert.True(await after.JobFileChunks.AnyAsync(f => f.JobId == job));   // kept for a retry
    }
}
