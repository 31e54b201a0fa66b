using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Intranet.IntegrationTests.Infrastructure;
using Intranet.Modules.Telework.Data;
using Intranet.Modules.Telework.Domain;
using Intranet.Modules.Telework.UseCases;
using Intranet.Shared.Security;
using Intranet.Shared.Time;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Intranet.IntegrationTests;

/// <summary>
/// Issue #12 measurement, not a test (skipped unless <c>INTRANET_BENCH_AGGREGATES=1</c>; it asserts nothing about time): fills
/// 10,000 staff and 10k, then 2M telework days straight into the database and prints the time of the row-by-row computation
/// (the code before the maintained tallies) beside the maintained one, for one year (<c>/telework</c>), every year (the summary
/// export and the plan feed), the pages over HTTP, one new day, and a rule change. Figures go to <c>docs/perf/aggregates.md</c>.
/// <code>INTRANET_BENCH_AGGREGATES=1 INTRANET_BENCH_DAYS=2000000 dotnet test tests/Intranet.IntegrationTests -c Release --filter TeleworkAggregateBenchmark --logger "console;verbosity=detailed"</code>
/// </summary>
public sealed class TeleworkAggregateBenchmark(ITestOutputHelper output)
{
    [BenchmarkTheory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Telework_at_10k_and_at_2M_days(Db db)
    {
        if (!Benchmarks.Runs(db)) return;
        var target = int.Parse(Environment.GetEnvironmentVariable("INTRANET_BENCH_DAYS") ?? "2000000", CultureInfo.InvariantCulture);
        using var app = new IntranetApp(db);
        var random = new Random(12);
        var staff = await InsertStaffAsync(app, 10_000, random);
        var dates = Enumerable.Range(0, 5 * 365).Select(i => new DateOnly(2021, 4, 1).AddDays(i)).Where(d => d.DayOfWeek is not DayOfWeek.Saturday and not DayOfWeek.Sunday).ToArray();
        var client = await app.SignedInAsync(Roles.Viewer);
        foreach (var total in new[] { 10_000, target })
        {
            var sw = Stopwatch.StartNew();
            await InsertDaysAsync(app, staff, dates, total, random);
            output.WriteLine($"[{db}] {total:N0} days inserted raw in {sw.Elapsed.TotalSeconds:0.0} s");
            await TimeAsync($"[{db}] {total:N0} rebuild tallies (rule change, first start)", () => Benchmarks.ScopedAsync(app, sp => sp.GetRequiredService<TeleworkAggregates>().RebuildAsync(default)));
            // What is timed must also be right: the rebuilt tallies give the row-by-row figures of every year.
            await TeleworkAggregateTests.AssertSameAsync(app, $"[{db}] {total:N0} days after the rebuild");
            if (db == Db.Sqlite && Environment.GetEnvironmentVariable("INTRANET_BENCH_KEEP") is { Length: > 0 } keep)
#pragma warning disable EF1002 // a path from the environment of a benchmark run
                await Benchmarks.ScopedAsync(app, sp => sp.GetRequiredService<TeleworkDbContext>().Database.ExecuteSqlRawAsync($"VACUUM INTO '{keep}-{total}.db'"));
#pragma warning restore EF1002
            var y2023 = new[] { new FiscalYear(2023) };
            var all = Enumerable.Range(2021, 6).Select(y => new FiscalYear(y)).ToArray();
            for (var i = 0; i < 2; i++)
            {
                await TimeAsync($"[{db}] {total:N0} one year row by row (before)", () => Benchmarks.ScopedAsync(app, sp => sp.GetRequiredService<TeleworkFeed>().ComputeRowByRowAsync(y2023, default)));
                await TimeAsync($"[{db}] {total:N0} one year maintained (after)", () => Benchmarks.ScopedAsync(app, sp => sp.GetRequiredService<TeleworkFeed>().ComputeAsync(y2023, default)));
                await TimeAsync($"[{db}] {total:N0} six years row by row (before)", () => Benchmarks.ScopedAsync(app, sp => sp.GetRequiredService<TeleworkFeed>().ComputeRowByRowAsync(all, default)));
                await TimeAsync($"[{db}] {total:N0} six years maintained (after)", () => Benchmarks.ScopedAsync(app, sp => sp.GetRequiredService<TeleworkFeed>().ComputeAsync(all, default)));
                await TimeAsync($"[{db}] {total:N0} GET /telework?fy=2023", async () => (await client.GetAsync("/telework?fy=2023")).EnsureSuccessStatusCode());
                await TimeAsync($"[{db}] {total:N0} GET /telework/export/summary.csv", async () => (await client.GetAsync("/telework/export/summary.csv")).EnsureSuccessStatusCode());
                await TimeAsync($"[{db}] {total:N0} one new day recorded + tallied + reported", () =>
                    app.SendAsAsync(new RecordTeleworkDay(staff[random.Next(100)].Number, new DateOnly(2025, 12, 6 + i), TeleworkType.Home, 1m, false), Roles.HumanResources, "人事課"));
            }
            await TimeAsync($"[{db}] {total:N0} eligibility rule added (rebuild + report)", () =>
                app.SendAsAsync(new SaveEligibilityRule(EligibilityField.EmploymentCategory, "臨時", "臨時職員は対象外", null), Roles.HumanResources, "人事課"));
        }
    }

    private async Task TimeAsync(string what, Func<Task> act)
    {
        var sw = Stopwatch.StartNew();
        await act();
        output.WriteLine($"{what}: {sw.Elapsed.TotalMilliseconds:0} ms");
    }


    private sealed record Person(Guid Id, string Number, HashSet<DateOnly> Days);

    private static async Task<List<Person>> InsertStaffAsync(IntranetApp app, int count, Random random)
    {
        string[] departments = [.. Enumerable.Range(1, 30).Select(i => $"部署{i:00}課")];
        var people = Enumerable.Range(1, count).Select(i => new Person(Guid.NewGuid(), $"B{i:000000}", [])).ToList();
        await BulkAsync(app, "Staff", ["Id", "EmployeeNumber", "Name", "ActiveFrom", "ActiveTo", "MissingFromLastImport", "Version"],
            people.Select(p => new object?[] { p.Id, p.Number, "職員 " + p.Number, new DateOnly(2015, 4, 1), null, false, Guid.NewGuid() }));
        await BulkAsync(app, "Assignments", ["Id", "StaffId", "From", "Department", "Workplace", "WorkplaceType", "IsManager", "EmploymentCategory"],
            people.SelectMany((p, i) => Enumerable.Range(0, i % 10 == 0 ? 2 : 1).Select(k => new object?[]
            {
                Guid.NewGuid(), p.Id, k == 0 ? new DateOnly(2015, 4, 1) : new DateOnly(2023, 10, 1), departments[(i + k) % departments.Length],
                "本庁舎", i % 7 == 0 ? "こども園" : "本庁", i % 20 == 0, "正規",
            })));
        return people;
    }

    private static async Task InsertDaysAsync(IntranetApp app, List<Person> people, DateOnly[] dates, int total, Random random)
    {
        var have = people.Sum(p => p.Days.Count);
        IEnumerable<object?[]> Rows()
        {
            for (var n = have; n < total;)
            {
                var p = people[random.Next(people.Count)];
                var d = dates[random.Next(dates.Length)];
                if (!p.Days.Add(d)) continue;
                n++;
                yield return [p.Id, d, "Home", random.Next(4) == 0 ? 0.5m : 1m, random.Next(50) == 0, "bench", DateTimeOffset.UnixEpoch];
            }
        }
        await BulkAsync(app, "Days", ["StaffId", "Date", "Type", "DayFraction", "ManagerTrial", "RecordedBy", "RecordedAt"], Rows());
    }

    /// <summary>Multi-row inserts in one transaction, values as EF stores them.</summary>
    private static async Task BulkAsync(IntranetApp app, string table, string[] columns, IEnumerable<object?[]> rows)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TeleworkDbContext>();
        var sqlite = db.Database.IsSqlite();
        var name = sqlite ? $"\"telework_{table}\"" : $"\"telework\".\"{table}\"";
        await db.Database.OpenConnectionAsync();
        await using var tx = await db.Database.BeginTransactionAsync();
        var connection = db.Database.GetDbConnection();
        DbCommand? reused = null;
        foreach (var chunk in rows.Chunk(sqlite ? 1 : 500))
        {
            var command = reused;
            if (command is null || chunk.Length != command.Parameters.Count / columns.Length)
            {
                command = connection.CreateCommand();
                command.Transaction = tx.GetDbTransaction();
                command.CommandText = $"INSERT INTO {name} ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) VALUES " +
                    string.Join(", ", chunk.Select((_, r) => "(" + string.Join(", ", columns.Select((_, c) => $"@p{r}_{c}")) + ")"));
                for (var r = 0; r < chunk.Length; r++)
                    for (var c = 0; c < columns.Length; c++)
                    {
                        var p = command.CreateParameter();
                        p.ParameterName = $"@p{r}_{c}";
                        command.Parameters.Add(p);
                    }
                reused = command;
            }
            for (var r = 0; r < chunk.Length; r++)
                for (var c = 0; c < columns.Length; c++)
                    command.Parameters[r * columns.Length + c].Value = chunk[r][c] switch
                    {
                        null => DBNull.Value,
                        Guid g when sqlite => g.ToString().ToUpperInvariant(),
                        DateOnly d when sqlite => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                        decimal m when sqlite => m.ToString(CultureInfo.InvariantCulture),
                        DateTimeOffset t when sqlite => t.ToString("yyyy-MM-dd HH:mm:ss+00:00", CultureInfo.InvariantCulture),
                        var v => v,
                    };
            await command.ExecuteNonQueryAsync();
        }
        await tx.CommitAsync();
    }
}
