using System.Diagnostics;
using Intranet.IntegrationTests.Infrastructure;
using Intranet.Modules.Paperless.Data;
using Intranet.Modules.Paperless.Domain;
using Intranet.Modules.Paperless.UseCases;
using Intranet.Shared.Security;
using Intranet.Shared.Time;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Intranet.IntegrationTests;

/// <summary>
/// Issue #12 measurement, not a test (skipped unless <c>INTRANET_BENCH_AGGREGATES=1</c>; it asserts nothing about time): 500
/// meeting bodies, then 100, 2,000 and 20,000 sessions (FY2021–FY2025) inserted straight into the database; prints the median of
/// five runs of <c>/paperless</c>'s use case (<see cref="GetPaperlessOverview"/>, SQL aggregates cached per change stamp) beside the
/// row-by-row computation it replaced (every year, the category's months, the year's bodies), the same just after a write (the
/// aggregates recomputed; the time includes the write), the organizer's body list and <c>GET /paperless</c>.
/// <code>INTRANET_BENCH_AGGREGATES=1 dotnet test tests/Intranet.IntegrationTests -c Release --filter PaperlessAggregateBenchmark --logger "console;verbosity=detailed"</code>
/// </summary>
public sealed class PaperlessAggregateBenchmark(ITestOutputHelper output)
{
    [BenchmarkTheory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Paperless_at_100_2000_and_20000_sessions(Db db)
    {
        if (!Benchmarks.Runs(db)) return;
        using var app = new IntranetApp(db);
        var random = new Random(12);
        var bodies = await InsertBodiesAsync(app, 500);
        var client = await app.SignedInAsync(Roles.Viewer);
        var taken = new HashSet<(Guid, DateOnly)>();
        foreach (var total in new[] { 100, 2_000, 20_000 })
        {
            await InsertSessionsAsync(app, bodies, taken, total, random);
            // Inserted past the write paths: the maintained tallies are rebuilt as the nightly job would.
            await Benchmarks.ScopedAsync(app, sp => sp.GetRequiredService<PaperlessTallies>().RebuildAsync(default));
            // What is timed must also be right.
            await Benchmarks.ScopedAsync(app, async sp =>
            {
                var feed = sp.GetRequiredService<PaperlessFeed>();
                Assert.Equal(await feed.ComputeRowByRowAsync(default), await feed.ComputeAsync(default));
            });
            await TimeAsync($"[{db}] {total:N0} sessions /paperless use case, row by row (before)", () => Benchmarks.ScopedAsync(app, async sp =>
            {
                var feed = sp.GetRequiredService<PaperlessFeed>();
                var queries = sp.GetRequiredService<PaperlessQueries>();
                await feed.ComputeRowByRowAsync(default);
                await queries.MonthsRowByRowAsync(MeetingCategory.Executive, new FiscalYear(2023), default);
                await queries.BodiesInYearRowByRowAsync(MeetingCategory.Executive, new FiscalYear(2023), default);
            }));
            await TimeAsync($"[{db}] {total:N0} sessions /paperless use case, SQL aggregates (after)",
                () => app.SendAsAsync(new GetPaperlessOverview("2023", "Executive"), Roles.Viewer));
            await TimeAsync($"[{db}] {total:N0} sessions /paperless use case just after a write (stamp changed: aggregates recomputed)", async () =>
            {
                await Benchmarks.ScopedAsync(app, sp => { var d = sp.GetRequiredService<PaperlessDbContext>(); d.MarkChanged(); return d.SaveChangesAsync(); });
                await app.SendAsAsync(new GetPaperlessOverview("2023", "Executive"), Roles.Viewer);
            });
            await TimeAsync($"[{db}] {total:N0} sessions feed ComputeAsync (every write reports it)", () => Benchmarks.ScopedAsync(app, sp => sp.GetRequiredService<PaperlessFeed>().ComputeAsync(default)));
            await TimeAsync($"[{db}] {total:N0} sessions ListMyBodies (/paperless/bodies)", () => app.SendAsAsync(new ListMyBodies(), Roles.PlanOffice, "計画事務局"));
            await TimeAsync($"[{db}] {total:N0} sessions GET /paperless?fy=2023", async () => (await client.GetAsync("/paperless?fy=2023")).EnsureSuccessStatusCode());
        }
    }

    /// <summary>Runs <paramref name="act"/> once to warm up, then five times; prints the median.</summary>
    private async Task TimeAsync(string what, Func<Task> act)
    {
        await act();
        var times = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            var sw = Stopwatch.StartNew();
            await act();
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        output.WriteLine($"{what}: median {times[2]:0.0} ms (min {times[0]:0.0}, max {times[^1]:0.0})");
    }


    private static async Task<List<Guid>> InsertBodiesAsync(IntranetApp app, int count)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PaperlessDbContext>();
        var bodies = Enumerable.Range(1, count).Select(i => new MeetingBody
        {
            Code = $"B-{i:0000}", Name = $"会議{i:0000}", Category = (MeetingCategory)(i % 4), OrganizingDepartment = $"課{i % 40:00}", UsualAttendees = 10 + i % 30,
            Baselines = [new PaperBaseline { ValidFrom = new DateOnly(2021, 4, 1), SheetsPerAttendee = 10 + i % 25 },
                new PaperBaseline { ValidFrom = new DateOnly(2023, 10, 1), SheetsPerAttendee = 5 + i % 7 }],
        }).ToList();
        foreach (var b in bodies) foreach (var x in b.Baselines) x.BodyId = b.Id;
        db.Bodies.AddRange(bodies);
        await db.SaveChangesAsync();
        return bodies.Select(b => b.Id).ToList();
    }

    private static async Task InsertSessionsAsync(IntranetApp app, List<Guid> bodies, HashSet<(Guid, DateOnly)> taken, int total, Random random)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PaperlessDbContext>();
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        while (taken.Count < total)
        {
            var body = bodies[random.Next(bodies.Count)];
            var date = new DateOnly(2021, 4, 1).AddDays(random.Next(5 * 365));
            if (!taken.Add((body, date))) continue;
            db.Sessions.Add(new MeetingSession
            {
                BodyId = body, HeldOn = date, Format = (MeetingFormat)random.Next(3), Materials = (MaterialsDistribution)random.Next(3),
                Attendees = random.Next(5, 40), SheetsPrinted = random.Next(3) == 0 ? 0 : random.Next(0, 800), TabletsUsed = random.Next(2) == 0,
                RecordedBy = "bench", RecordedAt = DateTimeOffset.UnixEpoch,
            });
        }
        await db.SaveChangesAsync();
    }
}
