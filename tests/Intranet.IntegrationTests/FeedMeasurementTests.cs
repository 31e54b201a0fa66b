using Intranet.IntegrationTests.Infrastructure;
using System.Text;
using Intranet.Modules.Paperless.UseCases;
using Intranet.Modules.PlanKpi.Contracts;
using Intranet.Modules.Telework.Contracts;
using Intranet.Modules.Telework.Domain;
using Intranet.Modules.Telework.UseCases;
using Intranet.Shared.Messaging;
using Intranet.Shared.Security;
using MediatR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Intranet.IntegrationTests.TeleworkTest;

namespace Intranet.IntegrationTests;

/// <summary>
/// Issue #9 "Feeds say what they know", through the real feeds on both databases: a fiscal year without source data is not
/// measured — nothing is reported to the plan (never 0 %), a value stored earlier for it is withdrawn, and the module's page
/// query and summary export say 「未測定」. Telework: a year without any telework day; RPA: a year without a case in production
/// or without runs; paperless: a category without sessions, and the sheets saved only where the office-wide paper use of
/// the year and of the FY2019 baseline are both recorded.
/// </summary>
public sealed class FeedMeasurementTests
{
    private const string Hr = "jinji@example.jp";

    /// <summary>Reports <paramref name="values"/> as the module would have before issue #9 (no complete keys): a stale value.</summary>
    private static async Task ReportStaleAsync(IntranetApp app, string module, params MetricValue[] values)
    {
        using var scope = app.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new ReportMetrics(module, values));
    }

    // ---- paperless: 2-2-(2)-1 紙の削減量 against FY2019's office-wide paper use ------------------------------

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Paperless_the_reduction_is_reported_only_where_FY2019_and_the_years_paper_use_are_recorded(Db db)
    {
        using var app = new IntranetApp(db);
        var planOffice = await app.SignedInAsync("PlanOffice");
        await app.ImportSampleBodiesAsync();
        await app.ImportSampleSessionsAsync();   // FY2021–FY2022 sessions: 21,900 and 27,660 sheets saved by meetings
        var rows = await planOffice.PaperlessRowsAsync();
        Assert.All(PaperlessTest.PlanYears, y => Assert.Equal("", rows[(PaperlessTest.SheetsSaved, y)].Actual));   // the meetings alone are only a part

        // A stale 紙の削減量 (the meetings' share, as fed before) and a stale 0 % of a year without sessions …
        await ReportStaleAsync(app, Intranet.Modules.Paperless.Contracts.PaperlessModuleInfo.DisplayName,
            new MetricValue(MetricKeys.PaperlessSheetsSaved, 2022, 27660m, "枚", app.Clock.GetUtcNow()),
            new MetricValue(MetricKeys.PaperlessExecutiveMeetingRate, 2024, 0m, "%", app.Clock.GetUtcNow()));
        Assert.Equal("27660", (await planOffice.PaperlessRowsAsync())[(PaperlessTest.SheetsSaved, 2022)].Actual);

        // … are withdrawn by the next report: FY2022's use alone (no FY2019 baseline) measures nothing.
        const string Office = "keikaku@example.jp";
        await app.SendAsAsync(new RecordOfficePaperUse(2022, 9_490_000, " 用紙購入実績 ", null), Roles.PlanOffice, null, Office);
        rows = await planOffice.PaperlessRowsAsync();
        Assert.Equal(("", ""), (rows[(PaperlessTest.SheetsSaved, 2022)].Actual, rows[(PaperlessTest.ExecutiveRate, 2024)].Actual));

        // With FY2019's use: FY2022 = 9,850,000 − 9,490,000 = 360,000 sheets; FY2021 (no use recorded) stays unmeasured.
        await app.SendAsAsync(new RecordOfficePaperUse(2019, 9_850_000, "用紙購入実績", null), Roles.PlanOffice, null, Office);
        rows = await planOffice.PaperlessRowsAsync();
        Assert.Equal(("360000", ""), (rows[(PaperlessTest.SheetsSaved, 2022)].Actual, rows[(PaperlessTest.SheetsSaved, 2021)].Actual));
        var view = await app.SendAsAsync(new GetPaperReduction(), Roles.Viewer);
        Assert.False(view.CanRecord);
        Assert.Equal([2019, 2021, 2022], view.Years.Select(y => y.Year.StartYear));
        Assert.Equal((9_850_000L, (long?)null, (decimal?)null), (view.Years[0].SheetsUsed!.Value, view.Years[0].Reduction, view.Years[0].MeetingSheetsSaved));
        Assert.Equal(((long?)null, (long?)null, (decimal?)21900m), (view.Years[1].SheetsUsed, view.Years[1].Reduction, view.Years[1].MeetingSheetsSaved));
        var fy2022 = view.Years[2];
        Assert.Equal((9_490_000L, (long?)360_000L, (decimal?)27660m), (fy2022.SheetsUsed!.Value, fy2022.Reduction, fy2022.MeetingSheetsSaved));
        Assert.Equal(("用紙購入実績", Office), (fy2022.Record!.SourceNote, fy2022.Record.RecordedBy));   // trimmed
        Assert.Equal(450_000m, view.Target[2023]);
        var office = await app.SendAsAsync(new GetPaperReduction(), Roles.PlanOffice);
        Assert.True(office.CanRecord);
        Assert.Equal(2025, office.RecordableYears[0].StartYear);       // FY2026 runs on 2026-11-21: the last ended year first
        Assert.Equal(2019, office.RecordableYears[^1].StartYear);

        // A correction carries the version read; a stale version is refused. More paper than FY2019: 0 reduced, +50,000 shown.
        await app.SendAsAsync(new RecordOfficePaperUse(2022, 9_900_000, "用紙購入実績 (訂正)", fy2022.Record.Version), Roles.PlanOffice, null, Office);
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() =>
            app.SendAsAsync(new RecordOfficePaperUse(2022, 9_000_000, null, fy2022.Record.Version), Roles.PlanOffice, null, Office));
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() =>
            app.SendAsAsync(new RecordOfficePaperUse(2019, 9_000_000, null, null), Roles.PlanOffice, null, Office));   // already recorded
        Assert.Equal("0", (await planOffice.PaperlessRowsAsync())[(PaperlessTest.SheetsSaved, 2022)].Actual);
        Assert.Equal(50_000, (await app.SendAsAsync(new GetPaperReduction(), Roles.Viewer)).Years[2].Change);

        // The rules, in Japanese by field: an unfinished year, a negative count; every error at once.
        var bad = await Assert.ThrowsAsync<RequestValidationException>(() =>
            app.SendAsAsync(new RecordOfficePaperUse(2026, -1, null, null), Roles.PlanOffice, null, Office));
        Assert.Equal(["FiscalYear", "SheetsUsed"], bad.Errors.Select(e => e.Field));
        Assert.Contains("0以上", bad.Errors[1].Message);

        // Only the plan office and administrators record or delete (like a body's category).
        foreach (var (role, dept) in new[] { (Roles.MeetingOrganizer, "総合政策課"), (Roles.Viewer, null), (Roles.Cio, null), (Roles.Department, "総合政策課") })
        {
            await Assert.ThrowsAsync<ForbiddenException>(() => app.SendAsAsync(new RecordOfficePaperUse(2023, 1, null, null), role, dept));
            await Assert.ThrowsAsync<ForbiddenException>(() => app.SendAsAsync(new DeleteOfficePaperUse(2019, Guid.Empty), role, dept));
        }
        await app.SendAsAsync(new RecordOfficePaperUse(2023, 9_380_000, null, null), Roles.Administrator);
        Assert.Equal("470000", (await planOffice.PaperlessRowsAsync())[(PaperlessTest.SheetsSaved, 2023)].Actual);

        // Deleting FY2019 (after a confirmation on the page) makes every year unmeasured again: withdrawn, not 0.
        var baseline = (await app.SendAsAsync(new GetPaperReduction(), Roles.PlanOffice)).Years[0].Record!;
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => app.SendAsAsync(new DeleteOfficePaperUse(2019, Guid.NewGuid()), Roles.PlanOffice, null, Office));
        await app.SendAsAsync(new DeleteOfficePaperUse(2019, baseline.Version), Roles.PlanOffice, null, Office);
        await Assert.ThrowsAsync<NotFoundException>(() => app.SendAsAsync(new DeleteOfficePaperUse(2019, baseline.Version), Roles.PlanOffice, null, Office));
        rows = await planOffice.PaperlessRowsAsync();
        Assert.Equal(("", ""), (rows[(PaperlessTest.SheetsSaved, 2022)].Actual, rows[(PaperlessTest.SheetsSaved, 2023)].Actual));

        // Audited: who, what, before → after.
        var audit = await app.PaperlessAsync(d => d.AuditEntries.Where(a => a.EntityType == "OfficePaperUse").ToListAsync());
        Assert.Equal([("Added", 3), ("Deleted", 1), ("Modified", 1)], audit.GroupBy(a => a.Action).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => (g.Key, g.Count())));
        Assert.Contains(audit, a => a.Action == "Modified" && a.UserName == Office && a.Changes.Contains("9490000") && a.Changes.Contains("9900000"));
        Assert.Contains(audit, a => a.Action == "Deleted" && a.UserName == Office && a.Changes.Contains("9850000"));

        // The summary download: 紙の削減量 未測定 without the baseline, the meetings' share beside it.
        var csv = Encoding.UTF8.GetString(await planOffice.GetByteArrayAsync("/paperless/export/summary.csv")).TrimStart('\uFEFF');
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        var header = AppData.ParseLine(lines[0]);
        var byYear = lines.Skip(1).Select(l => header.Zip(AppData.ParseLine(l)).ToDictionary(p => p.First, p => p.Second)).ToDictionary(r => r["年度"]);
        Assert.Equal(["2019", "2021", "2022", "2023"], byYear.Keys);                       // the baseline year always
        Assert.Equal(("", "基準年度"), (byYear["2019"]["庁内の用紙使用量(枚)"], byYear["2019"]["紙の削減量(枚)"]));
        Assert.Equal(("9900000", "未測定", "27660"), (byYear["2022"]["庁内の用紙使用量(枚)"], byYear["2022"]["紙の削減量(枚)"], byYear["2022"]["うち会議のペーパーレス化による削減(枚)"]));
        Assert.Equal(("", "未測定", "21900"), (byYear["2021"]["庁内の用紙使用量(枚)"], byYear["2021"]["紙の削減量(枚)"], byYear["2021"]["うち会議のペーパーレス化による削減(枚)"]));
    }

    // ---- RPA ---------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Rpa_reports_the_process_count_once_a_case_is_in_production_and_hours_only_for_years_with_runs(Db db)
    {
        using var app = new IntranetApp(db);
        var planOffice = await app.SignedInAsync("PlanOffice");
        // Zeros stored by the earlier feed for an empty registry (it reported 0 業務 and 0 時間 for every begun year) …
        await ReportStaleAsync(app, Intranet.Modules.Rpa.Contracts.RpaModuleInfo.DisplayName,
            new MetricValue(MetricKeys.RpaAutomatedProcessCount, 2021, 0m, "業務", app.Clock.GetUtcNow()),
            new MetricValue(MetricKeys.RpaHoursSaved, 2021, 0m, "時間", app.Clock.GetUtcNow()),
            new MetricValue(MetricKeys.RpaHoursSaved, 2024, 0m, "時間", app.Clock.GetUtcNow()));
        Assert.Equal((0m, 0m), await planOffice.ActualsAsync(2021));

        // … are withdrawn by a report from a registry of ideas only (RPA-006 候補): nothing is in production, nothing ran.
        await app.ImportCasesAsync(Utf8(RpaTest.CasesHeader, RpaTest.SampleLines("rpa-cases.csv").Single(l => l.StartsWith("RPA-006,"))));
        foreach (var year in new[] { 2021, 2022, 2023, 2024, 2025 })
            Assert.Equal(((decimal?)null, (decimal?)null), await planOffice.ActualsAsync(year));
        Assert.Equal("not_measured", (await planOffice.ExportRowsAsync(RpaTest.Plan)).Row(RpaTest.ProcessCount, 2021)["status"]);

        // The sample cases (RPA-001/002 live in FY2021, RPA-003 in FY2022), no run yet: counts from FY2021, no hours.
        await app.ImportSampleCasesAsync();
        Assert.Equal([(2m, (decimal?)null), (3m, null), (3m, null), (3m, null), (3m, null)],
            await Task.WhenAll(new[] { 2021, 2022, 2023, 2024, 2025 }.Select(y => planOffice.ActualsAsync(y))));

        // Runs of FY2021–FY2022 measure those years' hours; FY2023–FY2025 have no run and stay unmeasured (not 1,796.1 repeated).
        await app.ImportSampleRunsAsync();
        Assert.Equal([(2m, (decimal?)657.6m), (3m, 1796.1m), (3m, null), (3m, null), (3m, null)],
            await Task.WhenAll(new[] { 2021, 2022, 2023, 2024, 2025 }.Select(y => planOffice.ActualsAsync(y))));
    }

    // ---- telework ----------------------------------------------------------------------------------------

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Telework_a_year_without_telework_days_is_not_measured_and_a_stale_zero_is_withdrawn(Db db)
    {
        using var app = new IntranetApp(db);
        var planOffice = await app.SignedInAsync("PlanOffice");

        // Only a roster: no year is measured, and the plan gets nothing (it showed 0 % for FY2021–FY2025 before).
        await app.ImportStaffAsync(Utf8(TeleworkTests.SmallRoster()));
        Assert.Equal(new decimal?[] { null, null, null, null, null }, await planOffice.TeleworkActualsAsync());
        var overview = await app.SendAsAsync(new GetTeleworkOverview("2025"), Roles.Viewer);
        Assert.False(overview.Figures.Measured);
        Assert.Equal((24, (int?)null, (decimal?)null), (overview.Figures.Headcount, overview.Figures.Participants, overview.Figures.Rate));
        var status = (await planOffice.IndicatorRowAsync(2025))["status"];
        Assert.Equal("not_measured", status);                                               // not 遅れ (behind)

        // Zeros stored by the earlier feed for FY2023 and FY2025 …
        await ReportStaleAsync(app, TeleworkModuleInfo.DisplayName,
            new MetricValue(MetricKeys.TeleworkParticipationRate, 2023, 0m, "%", app.Clock.GetUtcNow()),
            new MetricValue(MetricKeys.TeleworkParticipationRate, 2025, 0m, "%", app.Clock.GetUtcNow()));
        Assert.Equal(new decimal?[] { null, null, 0, null, 0 }, await planOffice.TeleworkActualsAsync());

        // … HR records one FY2025 day: FY2025 is measured (1 of 24). A day reports its own fiscal year only (issue #12), so
        // FY2023's stale zero stays until the next whole-picture report (the nightly recompute, a roster or rule change) …
        await app.SendAsAsync(new RecordTeleworkDay("P001", new DateOnly(2025, 5, 12), TeleworkType.Home, 1m, false), Roles.HumanResources, "人事課", Hr);
        Assert.Equal(new decimal?[] { null, null, 0, null, 4.2m }, await planOffice.TeleworkActualsAsync());
        // … which withdraws it: FY2023 has no telework day, so it is not measured.
        using (var scope = app.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<TeleworkFeed>().PublishAsync(CancellationToken.None);
        Assert.Equal(new decimal?[] { null, null, null, null, 4.2m }, await planOffice.TeleworkActualsAsync());
        overview = await app.SendAsAsync(new GetTeleworkOverview("2025"), Roles.Viewer);
        Assert.True(overview.Figures.Measured);
        Assert.Equal(((int?)1, (decimal?)4.2m), (overview.Figures.Participants, overview.Figures.Rate));

        // Deleting the year's only day makes it unmeasured again: the plan's value is withdrawn, not set to 0.
        await app.SendAsAsync(new DeleteTeleworkDay("P001", new DateOnly(2025, 5, 12)), Roles.HumanResources, "人事課", Hr);
        Assert.Equal(new decimal?[] { null, null, null, null, null }, await planOffice.TeleworkActualsAsync());

        // The summary export says 未測定 for every year; the page too.
        var rows = SummaryRows(await planOffice.SummaryCsvAsync());
        Assert.All(rows.Where(r => r["所属"] == "全体"), r => Assert.Equal(("未測定", "未測定"), (r["実施者数"], r["実施率(%)"])));
        var html = await planOffice.GetStringAsync("/telework?fy=2025");
        Assert.Contains("data-figure=\"rate\">未測定", html);
        Assert.Contains("data-figure=\"not-measured\"", html);
        Assert.DoesNotContain("0.0%", html);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Telework_a_department_with_fewer_participants_than_the_minimum_shows_a_dash_on_the_page_and_in_the_export(Db db)
    {
        using var app = new IntranetApp(db);
        // Three departments of 10 (every headcount shown); FY2025: 企画課 1 participant, 総務課 6, 財政課 5 — like FY2022's 人事課 with 1.
        await app.ImportStaffAsync(Utf8([StaffHeader,
            .. Enumerable.Range(1, 10).Select(i => StaffLine($"P{i:000}", $"企画 太郎{i}", "企画課")),
            .. Enumerable.Range(1, 10).Select(i => StaffLine($"S{i:000}", $"総務 花子{i}", "総務課")),
            .. Enumerable.Range(1, 10).Select(i => StaffLine($"F{i:000}", $"財政 次郎{i}", "財政課"))]));
        await app.ImportDaysAsync(Utf8([DaysHeader, DayLine("P001", "2025-05-12"),
            .. Enumerable.Range(1, 6).Select(i => DayLine($"S{i:000}", "2025-05-13")),
            .. Enumerable.Range(1, 5).Select(i => DayLine($"F{i:000}", "2025-05-14"))]));

        var figures = (await app.SendAsAsync(new GetTeleworkOverview("2025"), Roles.Viewer)).Figures;
        var planning = figures.Departments.Single(d => d.Department == "企画課");
        Assert.Equal(((int?)10, (int?)null, (decimal?)null), (planning.ShownHeadcount, planning.Participants, planning.Rate));

        var viewer = await app.SignedInAsync("Viewer");
        var rows = SummaryRows(await viewer.SummaryCsvAsync());
        Assert.Equal(("10", "—", "—"), (rows.Summary(2025, "企画課")["対象職員数"], rows.Summary(2025, "企画課")["実施者数"], rows.Summary(2025, "企画課")["実施率(%)"]));
        // 12 − 6 − 5 would give 企画課's one participant: the smallest shown count (財政課, 5) is hidden too.
        Assert.Equal(("10", "—", "—"), (rows.Summary(2025, "財政課")["対象職員数"], rows.Summary(2025, "財政課")["実施者数"], rows.Summary(2025, "財政課")["実施率(%)"]));
        Assert.Equal(("10", "6", "60"), (rows.Summary(2025, "総務課")["対象職員数"], rows.Summary(2025, "総務課")["実施者数"], rows.Summary(2025, "総務課")["実施率(%)"]));
        Assert.Equal(("30", "12", "40"), (rows.Summary(2025)["対象職員数"], rows.Summary(2025)["実施者数"], rows.Summary(2025)["実施率(%)"]));   // the city is always shown
        var html = await viewer.GetStringAsync("/telework?fy=2025");
        Assert.Contains("<tr><td>企画課</td><td class=\"num\">10</td><td class=\"num\">—</td><td class=\"num\">—</td></tr>", html);
        Assert.Contains("<tr><td>総務課</td><td class=\"num\">10</td><td class=\"num\">6</td><td class=\"num\">60.0%</td></tr>", html);
    }
}
