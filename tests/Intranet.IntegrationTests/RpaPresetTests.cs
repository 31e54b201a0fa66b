using Intranet.IntegrationTests.Infrastructure;
using Intranet.Modules.Rpa.Domain;
using Intranet.Modules.Rpa.Import;
using Intranet.Shared.Import;
using Microsoft.EntityFrameworkCore;
using static Intranet.IntegrationTests.RpaTest;

namespace Intranet.IntegrationTests;

/// <summary>
/// Issue #9 for the RPA registry: the shipped sample exports (a WinActor log in Shift_JIS, a UiPath Orchestrator jobs
/// export) import as they are through their shipped mapping presets (<c>SampleData/*.mapping.json</c>) with exact
/// figures; a run state the preset does not know is an error naming the line, the value and the translations.
/// Expected figures come from <see cref="RpaTest.Model"/> (reads the files itself) and from a hand check.
/// </summary>
public sealed class RpaPresetTests
{
    [Fact]
    public void The_presets_are_valid_mappings_of_the_run_kind()
    {
        foreach (var name in new[] { "winactor", "uipath" })
        {
            var preset = Preset(name);
            Assert.Equal((RpaImportKinds.Runs, name), (preset.Kind, preset.Name));
            Assert.Empty(preset.Check(RunImportKind.Fields));
            Assert.Equal(preset.ToJson(), ImportMapping.FromJson(preset.ToJson(), name).ToJson());   // the documented JSON format round-trips
            Assert.Equal(["failure", "success"], preset.Fields["outcome"].Values!.Values.Distinct().Order());
        }
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task The_winactor_and_uipath_samples_import_through_their_presets_with_exact_figures(Db db)
    {
        using var app = new IntranetApp(db);
        var planOffice = await app.SignedInAsync("PlanOffice");
        await app.ImportSampleCasesAsync();
        await app.ImportSampleRunsAsync();
        await app.SaveMappingAsync(Preset("winactor"));
        await app.SaveMappingAsync(Preset("uipath"));

        Assert.Equal(new ImportResult(44, 44, 0, 0, "Shift_JIS", false),
            await app.ImportRunsAsync(Sample("winactor-log-sjis.csv"), "winactor-log-sjis.csv", "winactor"));
        Assert.Equal(new ImportResult(48, 48, 0, 0, "UTF-8 (BOM付き)", false),
            await app.ImportRunsAsync(Sample("uipath-jobs.csv"), "uipath-jobs.csv", "uipath"));

        var stored = await app.RpaAsync(async d =>
        {
            var id = await d.Cases.Where(c => c.Code == "RPA-003").Select(c => c.Id).SingleAsync();
            var runs = await d.Runs.Where(r => r.CaseId == id && r.Source == "import:uipath-jobs.csv").ToListAsync();
            return (All: runs.Count, Failed: runs.Count(r => r.Outcome == RunOutcome.Failed), Items: runs.Where(r => r.Outcome == RunOutcome.Succeeded).Sum(r => r.ItemsProcessed),
                First: runs.Single(r => r.RunKey == "id:922ebe0d-9c78-4e00-91fd-e96d63a4cd11"));
        });
        // 48 jobs of FurusatoNozei_Touroku (translated to RPA-003): 44 Successful with 6,544 items, 3 Faulted and 1 Stopped.
        Assert.Equal((48, 4, 6544), (stored.All, stored.Failed, stored.Items));
        Assert.Equal(new DateTimeOffset(2023, 4, 5, 1, 0, 24, TimeSpan.Zero), stored.First.StartedAt);   // 10:00:24+09:00
        Assert.Equal(new DateTimeOffset(2023, 4, 5, 1, 47, 18, TimeSpan.Zero), stored.First.EndedAt);
        Assert.Equal((new DateOnly(2023, 4, 5), 167), (stored.First.RunDate, stored.First.ItemsProcessed));

        var model = Model.FromSamples(withWinActor: true, withUiPath: true);
        // Hand check: FY2022 as with the WinActor log alone (2,189.2 h); FY2023 adds 6,544 items × (5 − 1) min ÷ 60 = 436.27 h.
        Assert.Equal(2189.2m, model.Hours(2022));
        Assert.Equal(2625.5m, model.Hours(2023));
        foreach (var year in new[] { 2021, 2022, 2023, 2024, 2025 })
            Assert.Equal((model.Processes(year), model.Hours(year)), await planOffice.ActualsAsync(year));

        // The same exports again: nothing new.
        Assert.Equal(new ImportResult(48, 0, 0, 48, "UTF-8 (BOM付き)", false), await app.ImportRunsAsync(Sample("uipath-jobs.csv"), "uipath-jobs.csv", "uipath"));
        Assert.Equal(new ImportResult(44, 0, 0, 44, "Shift_JIS", false), await app.ImportRunsAsync(Sample("winactor-log-sjis.csv"), "winactor-log-sjis.csv", "winactor"));
        Assert.Equal(381 + 44 + 48, (await app.CountsAsync()).Runs);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task A_run_state_the_preset_does_not_translate_is_an_error_naming_line_value_and_translations(Db db)
    {
        using var app = new IntranetApp(db);
        await app.ImportSampleCasesAsync();
        await app.SaveMappingAsync(Preset("uipath"));
        var lines = SampleLines("uipath-jobs.csv");
        // Line 4 in state 「Pending」 (a job still waiting): no translation, never a silent success or failure.
        var edited = lines.Select((l, i) => i == 3 ? l.Replace("\"Successful\"", "\"Pending\"") : l).ToArray();
        Assert.Contains("Pending", edited[3]);
        var e = await Assert.ThrowsAsync<ImportRejectedException>(() => app.ImportRunsAsync(Utf8(edited), "jobs.csv", "uipath"));
        // (Shared ImportRow.Choice adds a second 「必須です」 for a cell whose translation failed; reported to the lead.)
        Assert.All(e.Errors, x => Assert.Equal((4, "State"), (x.Line, x.Column)));
        var error = e.Errors[0];
        Assert.Contains("「Pending」", error.Message);
        Assert.Contains("Successful→success", error.Message);
        Assert.Contains("Faulted→failure", error.Message);
        Assert.Equal(0, (await app.CountsAsync()).Runs);

        // A process the preset does not know is reported the same way (the case column is translated too).
        var other = lines.Select((l, i) => i == 2 ? l.Replace("FurusatoNozei_Touroku", "Kyuyo_Nyuryoku") : l).ToArray();
        var unknown = (await Assert.ThrowsAsync<ImportRejectedException>(() => app.ImportRunsAsync(Utf8(other), "jobs.csv", "uipath"))).Errors[0];
        Assert.Equal((3, "Process"), (unknown.Line, unknown.Column));
        Assert.Contains("Kyuyo_Nyuryoku", unknown.Message);
        Assert.Equal(0, (await app.CountsAsync()).Runs);
    }

    [Fact]
    public async Task A_cases_import_refuses_a_future_status_date_that_the_move_dialog_refuses()
    {
        // Issue #9: a cases import stored a status change dated 2031-04-01 that the form refuses. Both paths call
        // CaseLifecycle.CheckMove now; the clock is 2026-11-21.
        using var app = new IntranetApp(Db.Sqlite);
        await app.ImportSampleCasesAsync();
        var before = await app.CountsAsync();
        var lines = SampleLines("rpa-cases.csv");
        var future = lines.Select(l => l.StartsWith("RPA-004,") ? l.Replace(",試行,2023-01-10,", ",本番稼働,2031-04-01,") : l).ToArray();
        var e = await Assert.ThrowsAsync<ImportRejectedException>(() => app.ImportCasesAsync(Utf8(future)));
        var error = Assert.Single(e.Errors);
        Assert.Equal((5, "status_date", "未来の日付は指定できません。"), (error.Line, error.Column, error.Message));
        var form = CaseLifecycle.CheckMove(CaseStatus.Trial, CaseStatus.Production, new DateOnly(2031, 4, 1), new DateOnly(2023, 1, 10), new DateOnly(2026, 11, 21));
        Assert.Equal(("On", error.Message), Assert.Single(form));   // the same rule and words as the move dialog
        Assert.Equal(before, await app.CountsAsync());
        Assert.Equal(CaseStatus.Trial, await app.RpaAsync(d => d.Cases.Where(c => c.Code == "RPA-004").Select(c => c.Status).SingleAsync()));

        // Dated today it is accepted.
        var today = lines.Select(l => l.StartsWith("RPA-004,") ? l.Replace(",試行,2023-01-10,", ",本番稼働,2026-11-21,") : l).ToArray();
        Assert.Equal(new ImportResult(6, 0, 1, 5, "UTF-8", false), await app.ImportCasesAsync(Utf8(today)));
    }
}
