using System.Diagnostics;
using System.Globalization;
using Intranet.IntegrationTests.Infrastructure;
using Intranet.Modules.Rpa.Data;
using Intranet.Modules.Rpa.Domain;
using Intranet.Modules.Rpa.UseCases;
using Intranet.Shared.Persistence;
using Intranet.Shared.Security;
using Intranet.Shared.Time;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Intranet.IntegrationTests;

/// <summary>
/// Issue #12 measurement, not a test (skipped unless <c>INTRANET_BENCH_AGGREGATES=1</c>; it asserts nothing about time): fills
/// 2,000 cases (1–3 assessments each) and 20,000, then <c>INTRANET_BENCH_RUNS</c> (default 200,000) runs over FY2021–FY2025
/// straight into the database and prints the time of the row-by-row computation (the code before issue #12) beside the one
/// summed in SQL (<see cref="RpaSavings"/>): monthly savings of every case (pipeline board, export), of one case (case page),
/// the plan feed's figures (from the maintained tallies, <see cref="RpaTallies"/>, rebuilt after each raw insert), and <c>GET /rpa</c> and <c>GET /rpa/pipeline</c> (prerendered, HTTP). Second of two passes.
/// <code>INTRANET_BENCH_AGGREGATES=1 dotnet test tests/Intranet.IntegrationTests -c Release --filter RpaSavingsBenchmark --logger "console;verbosity=detailed"</code>
/// </summary>
public sealed class RpaSavingsBenchmark(ITestOutputHelper output)
{
    [BenchmarkTheory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Rpa_at_20k_and_at_200k_runs(Db db)
    {
        if (!Benchmarks.Runs(db)) return;
        var target = int.Parse(Environment.GetEnvironmentVariable("INTRANET_BENCH_RUNS") ?? "200000", CultureInfo.InvariantCulture);
        using var app = new IntranetApp(db);
        var random = new Random(12);
        var cases = await InsertCasesAsync(app, 2_000, random);
        var client = await app.SignedInAsync(Roles.RpaTeam);
        var inserted = 0;
        foreach (var total in new[] { 20_000, target })
        {
            var sw = Stopwatch.StartNew();
            await InsertRunsAsync(app, cases, total - inserted, inserted, random);
            inserted = total;
            output.WriteLine($"[{db}] {total:N0} runs inserted raw in {sw.Elapsed.TotalSeconds:0.0} s");
            // The raw insert bypassed the maintained tallies: rebuilt as the nightly job would (timed: what an upgraded database's first read costs).
            await TimeAsync($"[{db}] {total:N0} tallies rebuilt", () => Benchmarks.ScopedAsync(app, sp => sp.GetRequiredService<RpaTallies>().RebuildAsync(default)));
            var period = new ReportingPeriod(new FiscalYear(2021), new FiscalYear(2025));
            // What is timed must also be right.
            await Benchmarks.ScopedAsync(app, async sp =>
            {
                var q = sp.GetRequiredService<RpaQueries>();
                Assert.Equal(await q.MonthlySavingsRowByRowAsync(null, default), await q.MonthlySavingsAsync(null, default));
                var feed = sp.GetRequiredService<RpaFeed>();
                Assert.Equal(await feed.ComputeRowByRowAsync(period, default), await feed.ComputeAsync(period, default));
            });
            await TimeAsync($"[{db}] {total:N0} monthly savings, every case: row by row", () => Benchmarks.ScopedAsync(app, sp => sp.GetRequiredService<RpaQueries>().MonthlySavingsRowByRowAsync(null, default)));
            await TimeAsync($"[{db}] {total:N0} monthly savings, every case: SQL", () => Benchmarks.ScopedAsync(app, sp => sp.GetRequiredService<RpaQueries>().MonthlySavingsAsync(null, default)));
            await TimeAsync($"[{db}] {total:N0} monthly savings, one case: row by row", () => Benchmarks.ScopedAsync(app, sp => sp.GetRequiredService<RpaQueries>().MonthlySavingsRowByRowAsync(cases[7], default)));
            await TimeAsync($"[{db}] {total:N0} monthly savings, one case: SQL", () => Benchmarks.ScopedAsync(app, sp => sp.GetRequiredService<RpaQueries>().MonthlySavingsAsync(cases[7], default)));
            await TimeAsync($"[{db}] {total:N0} plan feed figures: row by row", () => Benchmarks.ScopedAsync(app, sp => sp.GetRequiredService<RpaFeed>().ComputeRowByRowAsync(period, default)));
            await TimeAsync($"[{db}] {total:N0} plan feed figures: maintained tallies", () => Benchmarks.ScopedAsync(app, sp => sp.GetRequiredService<RpaFeed>().ComputeAsync(period, default)));
            await TimeAsync($"[{db}] {total:N0} GET /rpa?sort=title&page=3", async () => (await client.GetAsync("/rpa?sort=title&page=3")).EnsureSuccessStatusCode());
            await TimeAsync($"[{db}] {total:N0} GET /rpa/pipeline", async () => (await client.GetAsync("/rpa/pipeline")).EnsureSuccessStatusCode());
        }
    }

    private async Task TimeAsync(string what, Func<Task> act)
    {
        var times = new List<double>();
        for (var pass = 0; pass < 2; pass++)
        {
            var sw = Stopwatch.StartNew();
            await act();
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        output.WriteLine($"{what}: {times[^1]:N0} ms (first pass {times[0]:N0} ms)");
    }


    private static async Task<List<Guid>> InsertCasesAsync(IntranetApp app, int count, Random random)
    {
        var cases = Enumerable.Range(1, count).Select(i => new AutomationCase
        {
            Code = $"B-{i:0000}", Title = $"業務{i}", BusinessProcess = "転記", OwningDepartment = $"課{i % 40:00}", Tool = RpaTool.WinActor,
            Status = CaseStatus.Production, ProductionSince = new DateOnly(2021, 4, 1).AddDays(random.Next(1500)), CreatedBy = "bench",
        }).ToList();
        var assessments = cases.SelectMany(c => Enumerable.Range(0, random.Next(1, 4)).Select(k => new CaseAssessment
        {
            CaseId = c.Id, ValidFrom = new DateOnly(2021, 4, 1).AddDays(k * 500 + random.Next(100)), ExecutionsPerYear = 240, ItemsPerExecution = 50,
            ManualMinutesPerItem = random.Next(8, 40) / 4m, RobotAttendedMinutesPerItem = 0.5m, By = "bench",
        })).ToList();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RpaDbContext>();
        db.Cases.AddRange(cases);
        db.Assessments.AddRange(assessments);
        await db.SaveChangesAsync();
        return cases.Select(c => c.Id).ToList();
    }

    private static async Task InsertRunsAsync(IntranetApp app, List<Guid> cases, int count, int offset, Random random)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RpaDbContext>();
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < count; i += 10_000)
        {
            var batch = Enumerable.Range(offset + i, Math.Min(10_000, count - i)).Select(n => new Run
            {
                CaseId = cases[random.Next(cases.Count)], RunKey = $"id:{n}", RunDate = new DateOnly(2021, 4, 1).AddDays(random.Next(1826)),
                Outcome = random.Next(10) == 0 ? RunOutcome.Failed : RunOutcome.Succeeded, ItemsProcessed = random.Next(0, 300), Executions = 1,
                Source = "bench", RecordedAt = now,
            }).ToList();
            await db.BulkInsertAsync(batch);
        }
    }
}
