using System.Globalization;
using Intranet.IntegrationTests.Infrastructure;
using Intranet.Modules.Rpa.Domain;
using Intranet.Modules.Rpa.UseCases;
using Intranet.Shared.Messaging;
using Intranet.Shared.Security;
using Intranet.Shared.Time;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Intranet.IntegrationTests.RpaTest;

namespace Intranet.IntegrationTests;

/// <summary>
/// Issue #12: the RPA figures computed by the database (<see cref="RpaSavings"/>: runs summed per case, month, outcome and
/// assessment period, then the domain's savings rule) equal the row-by-row computation (every run, <see cref="SavingsRules.ValidOn"/>
/// and <see cref="SavingsRules.MinutesSaved"/> each) — monthly savings for the RPA team, a department and one case, and the
/// figures reported to the plan — after random sequences of run imports (new runs and corrected ones), monthly entries,
/// cases imports that change an assessment,
/// single run edits and deletions, and assessment changes; and the tallies maintained for the plan's figures
/// (<see cref="RpaTallies"/>) equal a rebuild from every run after each of those writes, and the pipeline board cached per
/// change stamp (<see cref="RpaReadCache"/>) equals the board loaded again. Both databases.
/// </summary>
public sealed class RpaAggregateTests
{
    private static readonly string[] Codes = ["RPA-001", "RPA-002", "RPA-003", "RPA-004", "RPA-005", "RPA-006"];
    private static readonly DateOnly First = new(2021, 4, 1);
    private static readonly DateOnly Last = new(2025, 12, 31);

    private static Task<T> AsRpa<T>(IntranetApp app, MediatR.IRequest<T> request) => app.SendAsAsync(request, Roles.RpaTeam, email: "rpa@example.jp");

    [Theory]
    [InlineData(Db.Sqlite, 1)]
    [InlineData(Db.Sqlite, 2)]
    [InlineData(Db.PostgreSql, 1)]
    [InlineData(Db.PostgreSql, 3)]
    public async Task Savings_summed_by_the_database_equal_the_row_by_row_computation_after_random_writes(Db db, int seed)
    {
        using var app = new IntranetApp(db);
        var random = new Random(seed);
        await app.ImportSampleCasesAsync();
        await app.ImportSampleRunsAsync();
        await AssertSameAsync(app, "samples");
        var runIds = new List<string>();

        for (var step = 0; step < 20; step++)
        {
            var what = random.Next(8);
            var label = $"step {step} ({what})";
            switch (what)
            {
                case 0 or 1:
                    // A tool's log: new runs, and runs already imported again with other items or outcome (a corrected export).
                    var lines = Enumerable.Range(0, random.Next(5, 60)).Select(_ =>
                    {
                        var id = runIds.Count > 0 && random.Next(4) == 0 ? runIds[random.Next(runIds.Count)] : $"R{seed}-{step}-{random.Next(1_000_000)}";
                        if (!runIds.Contains(id)) runIds.Add(id);
                        // The run's case and start come from its id, so a repeated id is the same run (corrected items or outcome).
                        var r = new Random(id.Aggregate(17, (h, ch) => unchecked(h * 31 + ch)));
                        var start = RandomDate(r).ToDateTime(new TimeOnly(9 + r.Next(8), r.Next(60)));
                        return string.Join(",", Codes[r.Next(Codes.Length)], id, start.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                            start.AddMinutes(30).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                            random.Next(6) == 0 ? "failure" : "success", random.Next(8) == 0 ? "0" : random.Next(1, 500).ToString(CultureInfo.InvariantCulture));
                    });
                    await app.ImportRunsAsync(Utf8([RunsHeader, .. lines]), $"runs{step}.csv");
                    break;
                case 2:
                    var month = RandomDate(random);
                    await AsRpa(app, new RecordMonthlyRuns(Codes[random.Next(Codes.Length)], month.Year, month.Month, random.Next(0, 40), random.Next(0, 3000)));
                    break;
                case 3:
                    // One run corrected (items, outcome, date), as a correction of a single row would.
                    var edited = await PickRunAsync(app, random);
                    if (edited is { } e)
                    {
                        var items = random.Next(0, 900);
                        var outcome = random.Next(3) == 0 ? RunOutcome.Failed : RunOutcome.Succeeded;
                        var date = random.Next(2) == 0 ? RandomDate(random) : e.RunDate;
                        await app.RpaAsync(d => d.Runs.Where(r => r.CaseId == e.CaseId && r.RunKey == e.RunKey).ExecuteUpdateAsync(u => u
                            .SetProperty(r => r.ItemsProcessed, items).SetProperty(r => r.Outcome, outcome).SetProperty(r => r.RunDate, date)));
                        await CaseChangedAsync(app, e.CaseId);
                    }
                    break;
                case 4:
                    var deleted = await PickRunAsync(app, random);
                    if (deleted is { } d0)
                    {
                        await app.RpaAsync(d => d.Runs.Where(r => r.CaseId == d0.CaseId && r.RunKey == d0.RunKey).ExecuteDeleteAsync());
                        await CaseChangedAsync(app, d0.CaseId);
                    }
                    break;
                case 7:
                    // The cases file again, one case with a new or replaced assessment (the cases import's path).
                    var caseLines = SampleLines("rpa-cases.csv");
                    var at = random.Next(1, caseLines.Length);
                    var fields = caseLines[at].Split(',');
                    fields[^5] = RandomDate(random).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                    (fields[^4], fields[^3]) = (random.Next(1, 300).ToString(CultureInfo.InvariantCulture), random.Next(1, 500).ToString(CultureInfo.InvariantCulture));
                    (fields[^2], fields[^1]) = ((random.Next(4, 40) / 4m).ToString(CultureInfo.InvariantCulture), (random.Next(0, 4) / 4m).ToString(CultureInfo.InvariantCulture));
                    caseLines[at] = string.Join(",", fields);
                    await app.ImportCasesAsync(Utf8(caseLines), $"cases{step}.csv");
                    break;
                default:
                    // A new or replaced assessment, from a random date (also mid-month): minutes in quarters, as 2.5 分/件.
                    var manual = random.Next(4, 40) / 4m;
                    await AsRpa(app, new SaveAssessment(Codes[random.Next(Codes.Length)], RandomDate(random), random.Next(1, 300), random.Next(1, 500),
                        manual, random.Next(0, 4) / 4m));
                    break;
            }
            await AssertSameAsync(app, label);
        }
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Runs_of_one_month_under_two_assessments_count_each_under_its_own(Db db)
    {
        using var app = new IntranetApp(db);
        await app.ImportSampleCasesAsync();
        // RPA-003: 5 − 1 = 4 分/件 from 2022-06-01; from 2023-05-16 10 − 0.5 = 9.5 分/件. Runs on the 15th and the 16th.
        await AsRpa(app, new SaveAssessment("RPA-003", new DateOnly(2023, 5, 16), 52, 150, 10, 0.5m));
        await app.ImportRunsAsync(Utf8(RunsHeader,
            "RPA-003,a1,2023-05-15 10:00:00,,success,60",
            "RPA-003,a2,2023-05-16 10:00:00,,success,60",
            "RPA-003,a3,2023-05-16 11:00:00,,failure,60",
            "RPA-003,a4,2023-05-31 11:00:00,,success,0"));
        var month = Assert.Single(await MonthlyAsync(app, Roles.RpaTeam, null, rowByRow: false));
        // 60 × 4 / 60 + 60 × 9.5 / 60 = 4 + 9.5 h; 4 executions, 180 items, 1 failed.
        Assert.Equal(("2023-05", 4, 180, 1, 13.5m), (month.MonthText, month.Executions, month.Items, month.FailedRuns, month.HoursSaved));
        Assert.Equal(await MonthlyAsync(app, Roles.RpaTeam, null, rowByRow: true), await MonthlyAsync(app, Roles.RpaTeam, null, rowByRow: false));
    }

    /// <summary>
    /// What a path that corrects or deletes a single run must do after its write (none does yet: runs change through the
    /// imports and the monthly entry, which maintain the tallies themselves): recompute the case's tallies.
    /// </summary>
    private static async Task CaseChangedAsync(IntranetApp app, Guid caseId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<RpaTallies>().CasesChangedAsync([caseId], CancellationToken.None);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task An_upgraded_database_gets_its_tallies_built_by_the_first_read(Db db)
    {
        using var app = new IntranetApp(db);
        await app.ImportSampleCasesAsync();
        await app.ImportSampleRunsAsync();
        var tallies = await TalliesAsync(app);
        Assert.NotEmpty(tallies);
        // As after the migration RunTallies on a database with runs: no tallies, not marked built.
        await app.RpaAsync(async d => { await d.RunTallies.ExecuteDeleteAsync(); return await d.AggregateState.ExecuteDeleteAsync(); });
        Assert.Empty(await TalliesAsync(app));
        // A write: nothing to maintain yet; its report to the plan is the first read, which builds every tally, its own run's too.
        await AsRpa(app, new RecordMonthlyRuns("RPA-001", 2024, 5, 3, 120));
        Assert.True(await app.RpaAsync(d => d.AggregateState.AnyAsync()));
        var rpa001 = await app.RpaAsync(d => d.Cases.Where(c => c.Code == "RPA-001").Select(c => c.Id).SingleAsync());
        Assert.Contains(await TalliesAsync(app), t => t.CaseId == rpa001 && t.FiscalYear == 2024 && t.Runs > 0);
        Assert.True(tallies.Count <= (await TalliesAsync(app)).Count);
        await AssertSameAsync(app, "first read");
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Simultaneous_imports_of_one_cases_year_and_a_rebuild_meanwhile_lose_no_run(Db db)
    {
        using var app = new IntranetApp(db);
        await app.ImportSampleCasesAsync();
        await app.ImportSampleRunsAsync();
        var before = await app.RpaAsync(d => d.Runs.CountAsync());
        // Twelve files of five RPA-001 runs of FY2023 (as several robots' logs dropped at once), a monthly entry of the same
        // case and year, and a rebuild (the nightly job) in the middle: each writer changes the same tally row.
        var writes = Enumerable.Range(0, 12).Select(f => Task.Run(async () =>
        {
            var lines = Enumerable.Range(0, 5).Select(i => $"RPA-001,S{f}-{i},2023-{5 + f % 6:00}-{10 + i:00} 10:00:00,,success,{10 + f + i}");
            await app.ImportRunsAsync(Utf8([RunsHeader, .. lines]), $"simultaneous{f}.csv");
        })).ToList();
        writes.Add(Task.Run(() => AsRpa(app, new RecordMonthlyRuns("RPA-001", 2023, 11, 20, 400))));
        writes.Add(Task.Run(async () =>
        {
            await using var scope = app.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<RpaTallies>().RebuildAsync(CancellationToken.None);
        }));
        await Task.WhenAll(writes);
        Assert.Equal(before + 61, await app.RpaAsync(d => d.Runs.CountAsync()));
        Assert.Equal(before + 61, await app.RpaAsync(d => d.RunTallies.SumAsync(t => t.Runs)));
        await AssertSameAsync(app, "after simultaneous writes");
    }

    private static Task<List<(Guid CaseId, int FiscalYear, int Runs, decimal MinutesSaved)>> TalliesAsync(IntranetApp app) =>
        app.RpaAsync(async d => (await d.RunTallies.AsNoTracking().ToListAsync())
            .Select(t => (t.CaseId, t.FiscalYear, t.Runs, t.MinutesSaved)).OrderBy(t => t.CaseId).ThenBy(t => t.FiscalYear).ToList());

    private static DateOnly RandomDate(Random random) => First.AddDays(random.Next(Last.DayNumber - First.DayNumber + 1));

    /// <summary>Everything the board shows, as text (a record's lists compare by reference).</summary>
    private static string Describe(PipelineBoard b) => string.Join("\n",
        b.Columns.Select(c => $"{c.Status} {c.Total}: " + string.Join(" ", c.Cards.Select(k => $"{k.Code}/{k.Version}/{k.LastChange}/{k.Priority?.Score}/{k.Title}/{k.Department}"))).Concat(
            b.Years.Select(y => $"{y.Label} {y.Processes} {y.Estimated} {y.Actual} {y.Cumulative} {y.CostAvoidedYen}")).Append($"{b.HourlyCostYen} {b.Today} {b.CanMove}"));

    private static async Task<Run?> PickRunAsync(IntranetApp app, Random random)
    {
        var runs = await app.RpaAsync(d => d.Runs.AsNoTracking().OrderBy(r => r.RunKey).ThenBy(r => r.CaseId).ToListAsync());
        return runs.Count == 0 ? null : runs[random.Next(runs.Count)];
    }

    private static async Task<List<MonthlySavings>> MonthlyAsync(IntranetApp app, string role, string? department, bool rowByRow, string? code = null)
    {
        await using var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentPrincipal>().Principal = UseCaseActor.Principal($"{role.ToLowerInvariant()}@example.jp", department, role);
        var queries = scope.ServiceProvider.GetRequiredService<RpaQueries>();
        Guid? caseId = null;
        if (code is not null) caseId = (await queries.CaseAsync(code, CancellationToken.None)).Id;
        return rowByRow ? await queries.MonthlySavingsRowByRowAsync(caseId, CancellationToken.None) : await queries.MonthlySavingsAsync(caseId, CancellationToken.None);
    }

    private static async Task AssertSameAsync(IntranetApp app, string label)
    {
        foreach (var (role, department, code) in new[] { (Roles.RpaTeam, (string?)null, (string?)null), (Roles.Department, "会計課", null), (Roles.RpaTeam, null, "RPA-003") })
        {
            var expected = await MonthlyAsync(app, role, department, rowByRow: true, code);
            var actual = await MonthlyAsync(app, role, department, rowByRow: false, code);
            Assert.True(expected.SequenceEqual(actual), $"{label}: monthly savings of {role} {department} {code} differ:\n"
                + string.Join("\n", expected.Except(actual).Select(m => "expected " + m)) + "\n" + string.Join("\n", actual.Except(expected).Select(m => "actual " + m)));
        }
        await using var scope = app.Services.CreateAsyncScope();
        var feed = scope.ServiceProvider.GetRequiredService<RpaFeed>();
        var period = await feed.PeriodAsync(CancellationToken.None) ?? new ReportingPeriod(new FiscalYear(2021), new FiscalYear(2025));
        Assert.Equal(await feed.ComputeRowByRowAsync(period, CancellationToken.None), await feed.ComputeAsync(period, CancellationToken.None));
        // The pipeline board served from RpaReadCache (per change stamp) equals the board loaded again after the stamp is renewed
        // by hand: a write path that did not renew the stamp would leave the previous step's board (hours, versions) cached.
        foreach (var (role, department) in new[] { (Roles.RpaTeam, (string?)null), (Roles.Department, "会計課") })
        {
            var cached = Describe(await app.SendAsAsync(new GetPipelineBoard(), role, department));
            var loads = app.Services.GetRequiredService<RpaReadCache>().Loads;
            Assert.Equal(cached, Describe(await app.SendAsAsync(new GetPipelineBoard(), role, department)));
            Assert.Equal(loads, app.Services.GetRequiredService<RpaReadCache>().Loads);   // the second read is served from the cache
            await app.RpaAsync(async d => { await d.RenewChangeStampAsync(CancellationToken.None); return 0; });
            Assert.True(cached == Describe(await app.SendAsAsync(new GetPipelineBoard(), role, department)),
                $"{label}: the board cached for {role} {department} differs from the board loaded again");
            Assert.Equal(loads + 1, app.Services.GetRequiredService<RpaReadCache>().Loads);
        }
        // The maintained tallies row by row (the figures above round hours to 0.1, which could hide a wrong minute): equal to
        // what a rebuild from every run gives.
        var maintained = await TalliesAsync(app);
        await scope.ServiceProvider.GetRequiredService<RpaTallies>().RebuildAsync(CancellationToken.None);
        var rebuilt = await TalliesAsync(app);
        Assert.True(maintained.SequenceEqual(rebuilt), $"{label}: maintained tallies differ from the rebuilt ones:\n"
            + string.Join("\n", maintained.Except(rebuilt).Select(t => "maintained " + t)) + "\n" + string.Join("\n", rebuilt.Except(maintained).Select(t => "rebuilt " + t)));
    }
}
