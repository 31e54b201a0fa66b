using System.Globalization;
using Intranet.IntegrationTests.Infrastructure;
using Intranet.Modules.Paperless.Domain;
using Intranet.Modules.Paperless.UseCases;
using Intranet.Shared.Messaging;
using Intranet.Shared.Security;
using Intranet.Shared.Time;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Intranet.IntegrationTests.PaperlessTest;

namespace Intranet.IntegrationTests;

/// <summary>
/// Issue #12: the paperless figures computed by the database (<see cref="PaperlessAggregates"/>: GROUP BY per category and
/// month, per body, with the domain's rules inlined into the SQL) equal the row-by-row computation (every session loaded,
/// <see cref="PaperlessRules"/> applied to each) after random sequences of session imports (new sessions and corrections),
/// single sessions recorded and corrected, deletions, baseline changes (form and import) and category changes. Every fiscal
/// year's figures, every category's months and bodies, the <c>/paperless</c> use case and the organizer's body list are
/// compared after every step, so a cached aggregate (<see cref="PaperlessReadCache"/>) served after a write would fail; reads
/// without a write compute nothing again; and the tallies maintained per category and month (<see cref="PaperlessTallies"/>)
/// equal a rebuild from every session after each write. Both databases.
/// </summary>
public sealed class PaperlessAggregateTests
{
    private static readonly FiscalYear[] Years = Enumerable.Range(2020, 7).Select(y => new FiscalYear(y)).ToArray();
    private static readonly string[] CategoryLabels = ["庁議", "課長級以上出席の会議", "その他庁内会議", "議会内会議"];
    private static readonly string[] FormatLabels = ["対面", "WEB", "ハイブリッド"];
    private static readonly string[] MaterialsLabels = ["紙", "電子のみ", "紙と電子の併用"];
    private static readonly string[] SheetsPerAttendee = ["0", "12.5", "40", "0.3333", "25"];
    private const string Office = "計画事務局";

    private static Task<T> AsPlanOffice<T>(IntranetApp app, MediatR.IRequest<T> request) =>
        UseCaseActor.SendAsAsync(app, request, Roles.PlanOffice, Office);

    /// <summary>A random date of the plan period FY2021–FY2025 (imports refuse dates outside it).</summary>
    private static DateOnly RandomDate(Random random) => new DateOnly(2021, 4, 1).AddDays(random.Next(5 * 365));

    private static string BodyLine(int i, Random random, string? baselineFrom = null) =>
        $"AGG-{i:00},会議{i:00},{CategoryLabels[i % CategoryLabels.Length]},課{i % 3},{random.Next(5, 40)},{SheetsPerAttendee[random.Next(SheetsPerAttendee.Length)]}," +
        (baselineFrom ?? (i % 5 == 4 ? "2023-10-01" : "2021-04-01"));   // some bodies have no baseline before FY2023's second half

    private static string SessionLine(string body, DateOnly date, Random random) =>
        string.Join(',', body, date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), random.Next(1, 3), FormatLabels[random.Next(3)], MaterialsLabels[random.Next(3)],
            random.Next(0, 60), random.Next(4) == 0 ? 0 : random.Next(0, 1200), random.Next(2), "");

    [Theory]
    [InlineData(Db.Sqlite, 1)]
    [InlineData(Db.Sqlite, 2)]
    [InlineData(Db.PostgreSql, 1)]
    [InlineData(Db.PostgreSql, 3)]
    public async Task Database_figures_equal_the_row_by_row_computation_after_random_writes(Db db, int seed)
    {
        using var app = new IntranetApp(db);
        var random = new Random(seed);
        var codes = Enumerable.Range(0, 12).Select(i => $"AGG-{i:00}").ToList();
        await app.ImportBodiesAsync(Utf8([BodiesHeader, .. Enumerable.Range(0, 12).Select(i => BodyLine(i, random))]));
        await AssertSameAsync(app, random, "bodies only");

        for (var step = 0; step < 20; step++)
        {
            var what = random.Next(7);
            var label = $"step {step} ({what})";
            switch (what)
            {
                case 0 or 1:
                    // An export of another system: new sessions and corrections of stored ones (same body, date and sequence).
                    var lines = Enumerable.Range(0, random.Next(5, 60)).Select(_ => (Body: codes[random.Next(codes.Count)], Date: RandomDate(random)))
                        .DistinctBy(x => (x.Body, x.Date)).Select(x => SessionLine(x.Body, x.Date, random));
                    var imported = await app.ImportSessionsAsync(Utf8([SessionsHeader, .. lines]), $"sessions{step}.csv");
                    Assert.True(imported.Rows > 0, label);
                    break;
                case 2:
                    // One session recorded through the form, new or a correction of a stored one; sometimes after the plan period (confirmed).
                    var body = codes[random.Next(codes.Count)];
                    var date = random.Next(6) == 0 ? new DateOnly(2026, 4, 1).AddDays(random.Next(200)) : RandomDate(random);
                    var version = await app.PaperlessAsync(async d =>
                    {
                        var b = await d.Bodies.SingleAsync(x => x.Code == body);
                        return await d.Sessions.Where(s => s.BodyId == b.Id && s.HeldOn == date && s.Sequence == 1).Select(s => (Guid?)s.Version).SingleOrDefaultAsync();
                    });
                    await AsPlanOffice(app, new RecordSession(body, date, 1, (MeetingFormat)random.Next(3), (MaterialsDistribution)random.Next(3),
                        random.Next(0, 80), random.Next(0, 2000), random.Next(2) == 0, null, version, OutsidePlanConfirmed: true));
                    break;
                case 3:
                    // A deletion (no use case deletes a session yet: through the module's context, whose save changes the stamp, then
                    // the tallies of the session's month, as such a use case would have to).
                    var ids = await app.PaperlessAsync(d => d.Sessions.OrderBy(s => s.HeldOn).ThenBy(s => s.Id).Select(s => s.Id).ToListAsync());
                    if (ids.Count > 0)
                    {
                        var victim = ids[random.Next(ids.Count)];
                        await app.AsAsync(null, null, async sp =>
                        {
                            var d = sp.GetRequiredService<Intranet.Modules.Paperless.Data.PaperlessDbContext>();
                            var session = await d.Sessions.SingleAsync(s => s.Id == victim);
                            var category = await d.Bodies.Where(b => b.Id == session.BodyId).Select(b => b.Category).SingleAsync();
                            await using var tx = await d.Database.BeginTransactionAsync();
                            d.Sessions.Remove(session);
                            await d.SaveChangesAsync();
                            await sp.GetRequiredService<PaperlessTallies>().MonthsChangedAsync([(category, session.HeldOn.Year, session.HeldOn.Month)], CancellationToken.None);
                            await tx.CommitAsync();
                            return 0;
                        });
                    }
                    break;
                case 4:
                    // A new baseline from a random date, through the form.
                    var code = codes[random.Next(codes.Count)];
                    var bodies = await AsPlanOffice(app, new ListMyBodies());
                    var row = bodies.Bodies.Single(b => b.Code == code);
                    var version4 = await app.PaperlessAsync(d => d.Bodies.Where(b => b.Code == code).Select(b => b.Version).SingleAsync());
                    await AsPlanOffice(app, new SaveBody(code, row.Name, row.Category, row.Department, row.UsualAttendees,
                        decimal.Parse(SheetsPerAttendee[random.Next(SheetsPerAttendee.Length)], CultureInfo.InvariantCulture), RandomDate(random), true, version4));
                    break;
                case 5:
                    // The bodies file again: new baselines from random dates for some bodies.
                    await app.ImportBodiesAsync(Utf8([BodiesHeader, .. Enumerable.Range(0, 12)
                        .Select(i => BodyLine(i, random, random.Next(3) == 0 ? RandomDate(random).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : null))]),
                        $"bodies{step}.csv");
                    break;
                default:
                    // The plan office moves a body to another category.
                    var moved = codes[random.Next(codes.Count)];
                    var list = await AsPlanOffice(app, new ListMyBodies());
                    var r = list.Bodies.Single(b => b.Code == moved);
                    var v = await app.PaperlessAsync(d => d.Bodies.Where(b => b.Code == moved).Select(b => b.Version).SingleAsync());
                    await AsPlanOffice(app, new SaveBody(moved, r.Name, (MeetingCategory)random.Next(4), r.Department, r.UsualAttendees,
                        r.SheetsPerAttendee ?? 10m, new DateOnly(2021, 4, 1), true, v));
                    break;
            }
            await AssertSameAsync(app, random, label);
        }
        Assert.True(await app.PaperlessAsync(d => d.Sessions.CountAsync()) > 0);

        // Reads without writes are served from the cache: no aggregate runs again (the figures above were checked after every write).
        var cache = app.Services.GetRequiredService<PaperlessReadCache>();
        await UseCaseActor.SendAsAsync(app, new GetPaperlessOverview("2023", "Executive"), Roles.Viewer);
        var loads = cache.Loads;
        await UseCaseActor.SendAsAsync(app, new GetPaperlessOverview("2023", "Executive"), Roles.Viewer);
        await app.AsAsync(null, null, sp => sp.GetRequiredService<PaperlessFeed>().ComputeAsync(CancellationToken.None));
        Assert.Equal(loads, cache.Loads);

        // The nightly job recomputes from the rows even after a change that bypassed SaveChanges (and so the stamp).
        await app.PaperlessAsync(d => d.Sessions.ExecuteUpdateAsync(u => u.SetProperty(s => s.Materials, MaterialsDistribution.DigitalOnly)));
        await app.AsAsync(null, null, async sp =>
        {
            await new Intranet.Modules.Paperless.PaperlessRecomputeJob(sp.GetRequiredService<PaperlessFeed>(),
                Microsoft.Extensions.Logging.Abstractions.NullLogger<Intranet.Modules.Paperless.PaperlessRecomputeJob>.Instance).Execute(null!, CancellationToken.None);
            return 0;
        });
        Assert.True(cache.Loads > loads);
        await AssertSameAsync(app, random, "after the nightly job");
    }

    private static async Task<List<string>> TallyRowsAsync(Intranet.Modules.Paperless.Data.PaperlessDbContext db) =>
        (await db.CategoryMonths.AsNoTracking().ToListAsync())
        .Select(t => $"{t.Category} {t.Year}-{t.Month:00}: {t.Sessions} {t.PaperlessSessions} {t.TabletSessions} {t.SheetsSaved:0.0000}")
        .Order(StringComparer.Ordinal).ToList();

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task An_upgraded_database_gets_its_tallies_built_by_the_first_read(Db db)
    {
        using var app = new IntranetApp(db);
        await app.ImportSampleBodiesAsync();
        await app.ImportSampleSessionsAsync();
        var built = await app.PaperlessAsync(d => TallyRowsAsync(d));
        Assert.NotEmpty(built);
        // As the migration leaves an upgraded database: no tally, not built.
        await app.PaperlessAsync(async d => await d.CategoryMonths.ExecuteDeleteAsync() + await d.AggregateState.ExecuteDeleteAsync());
        await app.PaperlessAsync(async d => { await d.RenewChangeStampAsync(CancellationToken.None); return 0; });
        var years = await app.AsAsync(null, null, sp => sp.GetRequiredService<PaperlessFeed>().ComputeAsync(CancellationToken.None));
        Assert.True(await app.PaperlessAsync(d => d.AggregateState.AnyAsync()));
        Assert.Equal(built, await app.PaperlessAsync(d => TallyRowsAsync(d)));
        Assert.True((await app.AsAsync(null, null, sp => sp.GetRequiredService<PaperlessFeed>().ComputeRowByRowAsync(CancellationToken.None))).SequenceEqual(years));
    }

    /// <summary>
    /// Every figure computed by the database equals the row-by-row one: every fiscal year (<see cref="PaperlessFeed.ComputeAsync"/>),
    /// every (category, fiscal year)'s months and bodies, <c>/paperless</c> for a random year and category, and the organizer's
    /// body list (this year's sessions and the latest date, counted here from the loaded sessions).
    /// </summary>
    private static async Task AssertSameAsync(IntranetApp app, Random random, string label)
    {
        await app.AsAsync<int>(null, null, async sp =>
        {
            var feed = sp.GetRequiredService<PaperlessFeed>();
            var queries = sp.GetRequiredService<PaperlessQueries>();
            var rowByRow = await feed.ComputeRowByRowAsync(CancellationToken.None);
            Assert.True(rowByRow.SequenceEqual(await feed.ComputeAsync(CancellationToken.None)), $"{label}: years differ");
            foreach (var category in Enum.GetValues<MeetingCategory>())
            foreach (var year in Years)
            {
                Assert.True((await queries.MonthsRowByRowAsync(category, year, CancellationToken.None))
                    .SequenceEqual(await queries.MonthsAsync(category, year, CancellationToken.None)), $"{label}: months of {category} {year.StartYear} differ");
                static object Shape(BodyYear b) => (b.Body.Code, b.Sessions, b.PaperlessSessions, b.Rate, b.SheetsSaved, b.SheetsPrinted);
                Assert.Equal((await queries.BodiesInYearRowByRowAsync(category, year, CancellationToken.None)).Select(Shape),
                    (await queries.BodiesInYearAsync(category, year, CancellationToken.None)).Select(Shape));
            }
            // The maintained tallies row by row, exact (the rates above are rounded to 0.1): equal to a rebuild from every session.
            var tallies = sp.GetRequiredService<PaperlessTallies>();
            var db = sp.GetRequiredService<Intranet.Modules.Paperless.Data.PaperlessDbContext>();
            var maintained = await TallyRowsAsync(db);
            await tallies.RebuildAsync(CancellationToken.None);
            var rebuilt = await TallyRowsAsync(db);
            Assert.True(maintained.SequenceEqual(rebuilt), $"{label}: maintained tallies differ from the rebuilt ones:\n"
                + string.Join("\n", maintained.Except(rebuilt).Select(t => "maintained " + t)) + "\n" + string.Join("\n", rebuilt.Except(maintained).Select(t => "rebuilt " + t)));
            return 0;
        });

        var fy = Years[random.Next(Years.Length)];
        var cat = (MeetingCategory)random.Next(4);
        var overview = await UseCaseActor.SendAsAsync(app, new GetPaperlessOverview(fy.StartYear.ToString(CultureInfo.InvariantCulture), cat.ToString()), Roles.Viewer);
        var expected = await app.AsAsync(null, null, async sp => (
            Years: await sp.GetRequiredService<PaperlessFeed>().ComputeRowByRowAsync(CancellationToken.None),
            Months: await sp.GetRequiredService<PaperlessQueries>().MonthsRowByRowAsync(overview.Category, overview.Year, CancellationToken.None),
            Bodies: await sp.GetRequiredService<PaperlessQueries>().BodiesInYearRowByRowAsync(overview.Category, overview.Year, CancellationToken.None)));
        Assert.True(expected.Years.SequenceEqual(overview.Years), $"{label}: /paperless years differ");
        Assert.True(expected.Months.SequenceEqual(overview.Months), $"{label}: /paperless months differ");
        Assert.Equal(expected.Bodies.Select(b => (b.Body.Name, b.Sessions, b.PaperlessSessions, b.Rate, b.SheetsPrinted, b.SheetsSaved)),
            overview.Bodies.Select(b => (b.Name, b.Sessions, b.PaperlessSessions, b.Rate, b.SheetsPrinted, b.SheetsSaved)));
        var held = expected.Months.Sum(m => m.Sessions);
        Assert.Equal(PaperlessRules.Rate(expected.Months.Sum(m => m.PaperlessSessions), held), overview.YearRate);

        var mine = await AsPlanOffice(app, new ListMyBodies());
        var sessions = await app.PaperlessAsync(d => d.Sessions.AsNoTracking().Join(d.Bodies, s => s.BodyId, b => b.Id, (s, b) => new { b.Code, s.HeldOn }).ToListAsync());
        var thisYear = FiscalYear.Of(app.Clock.TodayInJapan());
        Assert.Equal(mine.Bodies.Select(b => (b.Code, sessions.Count(s => s.Code == b.Code && thisYear.Contains(s.HeldOn)),
                sessions.Where(s => s.Code == b.Code).Select(s => (DateOnly?)s.HeldOn).Max())),
            mine.Bodies.Select(b => (b.Code, b.SessionsThisYear, b.LastHeldOn)));
    }
}
