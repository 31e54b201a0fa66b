using System.Globalization;
using System.Text;
using Intranet.IntegrationTests.Infrastructure;
using Intranet.Modules.Telework.Domain;
using Intranet.Modules.Telework.UseCases;
using Intranet.Shared.Messaging;
using Intranet.Shared.Security;
using Intranet.Shared.Time;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Intranet.IntegrationTests.TeleworkTest;

namespace Intranet.IntegrationTests;

/// <summary>
/// Issue #12: the telework figures read from the maintained tallies (<see cref="TeleworkAggregates"/>) equal the row-by-row
/// computation (<see cref="TeleworkRules.Compute"/> over every person and day) after random sequences of imports (roster with
/// moves, days with corrections), single edits, deletions, ends of employment, eligibility-rule and setting changes; the
/// maintained rows equal a rebuild from scratch; an upgraded database (tables empty) is built by the first read. Both databases.
/// </summary>
public sealed class TeleworkAggregateTests
{
    private static readonly FiscalYear[] Years = Enumerable.Range(2021, 6).Select(y => new FiscalYear(y)).ToArray();
    private static readonly string[] Departments = ["企画課", "総務課", "人事課", "税務課", "保育こども園課", "消防総務課"];

    private static Task<T> AsHr<T>(IntranetApp app, MediatR.IRequest<T> request) => app.SendAsAsync(request, Roles.HumanResources, "人事課");

    [Theory]
    [InlineData(Db.Sqlite, 1)]
    [InlineData(Db.Sqlite, 2)]
    [InlineData(Db.PostgreSql, 1)]
    [InlineData(Db.PostgreSql, 3)]
    public async Task Maintained_figures_equal_the_row_by_row_computation_after_random_writes(Db db, int seed)
    {
        using var app = new IntranetApp(db);
        var random = new Random(seed);
        var numbers = Enumerable.Range(1, 36).Select(i => $"T{i:000}").ToList();
        await app.ImportStaffAsync(Utf8([StaffHeader, .. numbers.Select((n, i) => RosterLine(n, i, random))]));
        await AssertSameAsync(app, "roster");

        for (var step = 0; step < 24; step++)
        {
            var what = random.Next(9);
            var label = $"step {step} ({what})";
            switch (what)
            {
                case 0 or 1:
                    // An attendance export: new days and corrections of stored ones (type, fraction, trial).
                    // Only dates inside each person's employment (the import refuses the whole file otherwise).
                    var employed = await app.TeleworkAsync(d => d.Staff.AsNoTracking().ToDictionaryAsync(s => s.EmployeeNumber));
                    var lines = Enumerable.Range(0, random.Next(5, 40)).Select(_ => (Number: numbers[random.Next(numbers.Count)], Date: RandomDate(random)))
                        .Where(x => employed[x.Number].IsActiveOn(x.Date)).ToList()
                        .Select(x => DayLine(x.Number, x.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                            fraction: random.Next(4) == 0 ? "0.5" : "1", trial: random.Next(5) == 0 ? "1" : "0"));
                    // Random dates seldom meet a stored day: re-record a few stored ones with other values (a correction).
                    var recorded = await app.TeleworkAsync(d => d.Days.Join(d.Staff, x => x.StaffId, s => s.Id, (x, s) => new { s.EmployeeNumber, x.Date }).ToListAsync());
                    var corrections = recorded.OrderBy(x => x.EmployeeNumber).ThenBy(x => x.Date).Where(_ => random.Next(8) == 0)
                        .Where(x => employed[x.EmployeeNumber].IsActiveOn(x.Date))
                        .Select(x => DayLine(x.EmployeeNumber, x.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                            fraction: random.Next(2) == 0 ? "0.5" : "1", trial: random.Next(3) == 0 ? "1" : "0")).ToList();
                    await app.ImportDaysAsync(Utf8([DaysHeader, .. lines, .. corrections]), $"days{step}.csv");
                    await AssertRowsEqualRebuildAsync(app);   // equal rows: the rebuild changes nothing that later steps see
                    break;
                case 2:
                    await TryAsync(() => AsHr(app, new RecordTeleworkDay(numbers[random.Next(numbers.Count)], RandomDate(random), TeleworkType.Satellite,
                        random.Next(2) == 0 ? 0.25m : 1m, random.Next(3) == 0)));
                    break;
                case 3:
                    var stored = await app.TeleworkAsync(d => d.Days.Join(d.Staff, x => x.StaffId, s => s.Id, (x, s) => new { s.EmployeeNumber, x.Date }).ToListAsync());
                    if (stored.Count > 0)
                    {
                        var victim = stored.OrderBy(x => x.EmployeeNumber).ThenBy(x => x.Date).ElementAt(random.Next(stored.Count));
                        await AsHr(app, new DeleteTeleworkDay(victim.EmployeeNumber, victim.Date));
                    }
                    break;
                case 4:
                    // A roster with moves (new department / workplace type from a random date) and a leaver.
                    var moved = numbers.Select((n, i) => random.Next(4) == 0 ? RosterLine(n, i, random, effective: RandomDate(random)) : RosterLine(n, i, null)).ToList();
                    await TryAsync(() => app.ImportStaffAsync(Utf8([StaffHeader, .. moved]), $"roster{step}.csv"));
                    break;
                case 5:
                    var rules = await AsHr(app, new GetTeleworkRules());
                    if (random.Next(2) == 0 && rules.Rules.Count > 0)
                        await AsHr(app, new SaveEligibilityRule(EligibilityField.WorkplaceType, "", "", rules.Rules[random.Next(rules.Rules.Count)].Id));
                    else
                        await AsHr(app, random.Next(2) == 0
                            ? new SaveEligibilityRule(EligibilityField.EmploymentCategory, "会計年度任用", "会計年度任用職員は対象外", null)
                            : new SaveEligibilityRule(EligibilityField.Department, Departments[random.Next(Departments.Length)], "試行対象外の所属", null));
                    break;
                case 6:
                    await AsHr(app, new SaveTeleworkSettings(random.Next(2) == 0 ? "04-01" : $"{random.Next(1, 13):00}-{random.Next(1, 29):00}", random.Next(1, 7)));
                    break;
                case 7:
                    var number = numbers[random.Next(numbers.Count)];
                    var detail = await AsHr(app, new GetStaffMember(number));
                    var last = detail.Days.Count > 0 ? detail.Days.Max(d => d.Date) : new DateOnly(2023, 9, 30);
                    if (last < detail.ActiveFrom) last = detail.ActiveFrom;
                    var ended = await TryAsync(() => AsHr(app, new EndDateStaff(number, last.AddDays(random.Next(0, 60)), detail.Version)));
                    if (ended is not null && random.Next(2) == 0) await AsHr(app, new UndoEndEmployment(ended));
                    break;
                default:
                    // The nightly job's rebuild changes nothing.
                    await app.TeleworkAsAsync(null, async sp => { await sp.GetRequiredService<TeleworkFeed>().RebuildTalliesAsync(CancellationToken.None); return 0; });
                    break;
            }
            await AssertSameAsync(app, label);
        }
        await AssertRowsEqualRebuildAsync(app);

        // Reads without writes are served from the per-host cache (TeleworkReadCache): no aggregate runs again, and the
        // page and the summary export read the same cached figures (the figures above were checked after every write).
        var cache = app.Services.GetRequiredService<TeleworkReadCache>();
        await app.SendAsAsync(new GetTeleworkOverview("2023"), Roles.Viewer);
        var loads = cache.Loads;
        await app.SendAsAsync(new GetTeleworkOverview("2023"), Roles.Viewer);
        using (var client = await app.SignedInAsync(Roles.Viewer))
            Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync("/telework/export/summary.csv")).StatusCode);
        var afterExport = cache.Loads;
        await FiguresAsync(app, rowByRow: false);
        Assert.Equal(afterExport, cache.Loads);
        await app.SendAsAsync(new GetTeleworkOverview("2023"), Roles.Viewer);
        Assert.Equal(afterExport, cache.Loads);
        Assert.True(afterExport - loads <= Years.Length, $"the export loaded {afterExport - loads} entries, more than its years");

        // A write that bypasses SaveChanges and the stamp (SQL by hand) is picked up by the nightly job, which renews the stamp.
        await app.TeleworkAsync(d => d.Days.ExecuteUpdateAsync(u => u.SetProperty(x => x.ManagerTrial, true)));
        await app.TeleworkAsAsync(null, async sp => { await sp.GetRequiredService<TeleworkFeed>().RebuildTalliesAsync(CancellationToken.None); return 0; });
        await AssertSameAsync(app, "after the nightly job");
        Assert.True(cache.Loads > afterExport);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task An_upgraded_database_without_tallies_gets_them_at_the_first_read_with_the_same_figures(Db db)
    {
        using var app = new IntranetApp(db);
        await app.ImportSampleStaffAsync();
        await app.ImportSampleDaysAsync();
        var before = await FiguresAsync(app, rowByRow: false);
        // As the migration leaves an upgraded database: tables empty, no build mark, nothing cached (a new stamp).
        await app.TeleworkAsync(async d =>
        {
            await d.StaffMonths.ExecuteDeleteAsync();
            await d.EligiblePeriods.ExecuteDeleteAsync();
            await d.RenewChangeStampAsync(CancellationToken.None);
            return await d.AggregateState.ExecuteDeleteAsync();
        });
        var after = await FiguresAsync(app, rowByRow: false);
        Assert.Equal(before, after);
        Assert.True(await app.TeleworkAsync(d => d.AggregateState.AnyAsync()));
        Assert.Equal(await FiguresAsync(app, rowByRow: true), after);
        // A write on an upgraded database before any read: its report builds the tallies, with the new day in them.
        await app.TeleworkAsync(async d => { await d.StaffMonths.ExecuteDeleteAsync(); return await d.AggregateState.ExecuteDeleteAsync(); });
        await AsHr(app, new RecordTeleworkDay("H10010", new DateOnly(2024, 6, 3), TeleworkType.Home, 1m, false));
        Assert.Equal(await FiguresAsync(app, rowByRow: true), await FiguresAsync(app, rowByRow: false));
        await AssertRowsEqualRebuildAsync(app);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Simultaneous_writes_of_one_persons_month_and_a_rebuild_meanwhile_lose_no_day(Db db)
    {
        using var app = new IntranetApp(db);
        await app.ImportStaffAsync(Utf8([StaffHeader, RosterLine("T001", 1, null), RosterLine("T002", 2, null)]));
        // 40 days of two people's May and June recorded at once (as many HR staff, or hosts, would), with a rebuild
        // (the nightly job, a rule change) running in the middle: each write recomputes a month others are writing too.
        var writes = Enumerable.Range(0, 40).Select(i => (Number: i % 2 == 0 ? "T001" : "T002", Date: new DateOnly(2023, 5, 1).AddDays(i / 2 + (i % 4 == 1 ? 31 : 0))))
            .Select(w => Task.Run(() => AsHr(app, new RecordTeleworkDay(w.Number, w.Date, TeleworkType.Home, 1m, false)))).ToList();
        writes.Add(Task.Run(async () =>
        {
            await app.TeleworkAsAsync(null, async sp => { await sp.GetRequiredService<TeleworkAggregates>().RebuildAsync(CancellationToken.None); return 0; });
            return MediatR.Unit.Value;
        }));
        await Task.WhenAll(writes);
        Assert.Equal(40, await app.TeleworkAsync(d => d.Days.CountAsync()));
        Assert.Equal(40, await app.TeleworkAsync(d => d.StaffMonths.SumAsync(m => m.RecordedDays)));
        await AssertSameAsync(app, "after simultaneous writes");
        await AssertRowsEqualRebuildAsync(app);
    }

    private static async Task<T?> TryAsync<T>(Func<Task<T>> act) where T : class
    {
        try { return await act(); }
        catch (RequestValidationException) { return null; }     // e.g. a date outside the employment: refused, nothing written
        catch (Intranet.Shared.Import.ImportRejectedException) { return null; }
    }

    private static async Task TryAsync(Func<Task<MediatR.Unit>> act) => await TryAsync<object>(async () => await act());

    private static DateOnly RandomDate(Random random) => new DateOnly(2021, 4, 1).AddDays(random.Next(0, 5 * 365 + 200));

    /// <summary>A roster line: departments and workplace types cycle so some staff are ineligible; some managers, some 会計年度任用, some joining late.</summary>
    private static string RosterLine(string number, int i, Random? random, DateOnly? effective = null)
    {
        var department = Departments[(i + (random?.Next(Departments.Length) ?? 0)) % Departments.Length];
        var type = department switch { "保育こども園課" => "こども園", "消防総務課" => "消防署", _ => "本庁" };
        return StaffLine(number, $"職員{i}", department, type: type, category: i % 5 == 0 ? "会計年度任用" : "正規",
            activeFrom: i % 7 == 3 ? "2023-06-01" : "2020-04-01", manager: i % 6 == 0 ? "1" : "0",
            effectiveFrom: effective?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "");
    }

    internal static async Task AssertSameAsync(IntranetApp app, string label)
    {
        var expected = await FiguresAsync(app, rowByRow: true);
        var actual = await FiguresAsync(app, rowByRow: false);
        Assert.True(expected == actual, $"{label}\nexpected:\n{expected}\nactual:\n{actual}");
        // The rates the plan feed reports from the year's totals alone are the row-by-row years' rates.
        var (rowByRow, reported) = await app.TeleworkAsAsync(null, async sp =>
        {
            var feed = sp.GetRequiredService<TeleworkFeed>();
            return ((await feed.ComputeRowByRowAsync(Years, CancellationToken.None)).Select(y => (y.Year, y.Rate)).ToList(),
                (await feed.RatesAsync(Years, CancellationToken.None)).ToList());
        });
        Assert.True(rowByRow.SequenceEqual(reported), $"{label}: rates reported {string.Join(", ", reported)}, row by row {string.Join(", ", rowByRow)}");
    }

    private static Task<string> FiguresAsync(IntranetApp app, bool rowByRow) => app.TeleworkAsAsync(null, async sp =>
    {
        var feed = sp.GetRequiredService<TeleworkFeed>();
        var years = rowByRow ? await feed.ComputeRowByRowAsync(Years, CancellationToken.None) : await feed.ComputeAsync(Years, CancellationToken.None);
        return string.Join("\n", years.Select(Describe));
    });

    private static string N(decimal? d) => d?.ToString("0.########", CultureInfo.InvariantCulture) ?? "-";

    /// <summary>Every figure of a year, decimals normalised (2.5 and 2.5000 are the same value).</summary>
    private static string Describe(TeleworkYear y)
    {
        var s = new StringBuilder();
        s.Append(CultureInfo.InvariantCulture, $"{y.Year.StartYear} ref {y.ReferenceDate:yyyy-MM-dd} measured {y.Measured} heads {y.Headcount} part {y.Participants} rate {N(y.Rate)} ");
        s.Append(CultureInfo.InvariantCulture, $"perPerson {N(y.DaysPerParticipant)} managers {y.ManagerTrialParticipants}\n");
        foreach (var m in y.Months) s.Append(CultureInfo.InvariantCulture, $"  {m.Year}-{m.Month}: {m.Participants} {N(m.Rate)} {N(m.Days)}\n");
        foreach (var d in y.Departments) s.Append(CultureInfo.InvariantCulture, $"  {d.Department}: {d.Headcount} {d.Participants} {N(d.Rate)} {d.Suppressed}\n");
        return s.ToString();
    }

    /// <summary>The maintained rows equal those a rebuild from scratch writes.</summary>
    internal static async Task AssertRowsEqualRebuildAsync(IntranetApp app)
    {
        static Task<string> RowsAsync(IntranetApp app) => app.TeleworkAsync(async d =>
        {
            var months = (await d.StaffMonths.AsNoTracking().ToListAsync()).OrderBy(m => m.StaffId).ThenBy(m => m.Month)
                .Select(m => $"{m.StaffId} {m.Month:yyyy-MM} {m.RecordedDays} {m.CountedDays} {m.CountedUnits} {m.ManagerTrialDays}");
            var periods = (await d.EligiblePeriods.AsNoTracking().ToListAsync()).OrderBy(p => p.StaffId).ThenBy(p => p.From)
                .Select(p => $"{p.StaffId} {p.From:yyyy-MM-dd} {p.To:yyyy-MM-dd} {p.Department}");
            return string.Join("\n", months.Concat(periods));
        });
        var maintained = await RowsAsync(app);
        await app.TeleworkAsAsync(null, async sp => { await sp.GetRequiredService<TeleworkAggregates>().RebuildAsync(CancellationToken.None); return 0; });
        Assert.Equal(await RowsAsync(app), maintained);
    }
}
