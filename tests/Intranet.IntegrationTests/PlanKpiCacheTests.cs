using Intranet.IntegrationTests.Infrastructure;
using Intranet.Modules.PlanKpi.Contracts;
using Intranet.Modules.PlanKpi.Data;
using Intranet.Modules.PlanKpi.Domain;
using Intranet.Modules.PlanKpi.UseCases;
using Intranet.Modules.PlanKpi.UseCases.Evaluation;
using Intranet.Shared.Security;
using MediatR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Intranet.IntegrationTests;

/// <summary>
/// Issue #12: plan snapshots (and the status computation in them), the plan list and evaluation rounds are cached per host
/// (<see cref="PlanKpiReadCache"/>) and invalidated by the plan-KPI change stamp, which every write changes in its own
/// transaction. A write on one host must show on the next read of another host on the same database, on both databases;
/// reads without writes must reuse the cache.
/// </summary>
public sealed class PlanKpiCacheTests
{
    private const string Plan = "hadano-ict-2021";
    // 1-2-(1)-1 Twitter フォロワー数 (typed in; FY2021 target 7,000), 2-1-(1)-2 削減時間 (fed by the RPA registry).
    private const string Typed = "1-2-(1)-1";
    private const string Fed = "2-1-(1)-2";

    private static async Task<IndicatorYear> YearAsync(IntranetApp app, string indicator, int year) =>
        (await app.SendAsAsync(new GetPlanSnapshot(Plan), Roles.Cio)).Indicators.Single(r => r.Indicator.Code == indicator).Year(year)!;

    /// <summary>The stamp as stored (not through <see cref="AppData.PlanKpiAsync{T}"/>, which counts as a write).</summary>
    private static async Task<Guid> StampAsync(IntranetApp app)
    {
        using var scope = app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<PlanKpiDbContext>().ChangeStamps.AsNoTracking().Select(s => s.Stamp).SingleAsync();
    }

    private static long Loads(IntranetApp app) => app.Services.GetRequiredService<PlanKpiReadCache>().Loads;

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Writes_on_one_host_show_on_the_next_read_of_another_host_with_its_cache_warm(Db db)
    {
        using var a = new IntranetApp(db);
        _ = a.Server;
        using var b = IntranetApp.OnSameDatabase(a);

        // Host A caches the plan (both hosts evaluate on the same day).
        Assert.Null((await YearAsync(a, Typed, 2021)).Actual);
        var dashboard = (await a.SendAsAsync(new GetDashboard(Plan, 2021), Roles.Cio))!;
        Assert.Null(dashboard.Grades);
        var behind = dashboard.Counts.Single(c => c.Status == KpiStatus.Behind).Count;

        // An actual typed in on host B.
        await b.SendAsAsync(new RecordActual(Plan, Typed, 2021, 6500, "4月末時点", null), Roles.PlanOffice);
        var year = await YearAsync(a, Typed, 2021);
        Assert.Equal((6500m, KpiStatus.Behind), (year.Actual?.Value, year.Evaluation.Status));
        dashboard = (await a.SendAsAsync(new GetDashboard(Plan, 2021), Roles.Cio))!;
        Assert.Equal(behind + 1, dashboard.Counts.Single(c => c.Status == KpiStatus.Behind).Count);

        // A module feed's figure reported on host B.
        await using (var scope = b.Services.CreateAsyncScope())
        {
            var def = scope.ServiceProvider.GetServices<MetricDefinition>().Single(d => d.Key == MetricKeys.RpaHoursSaved);
            await scope.ServiceProvider.GetRequiredService<IMediator>()
                .Send(new ReportMetrics(def.SourceModule, [new MetricValue(def.Key, 2024, 4321m, def.Unit, b.Clock.Now)]));
        }
        Assert.Equal(4321m, (await YearAsync(a, Fed, 2024)).Actual?.Value);

        // A target changed by a plan revision on host B.
        await b.SendAsAsync(new RecordPlanRevision(Plan, RevisionKind.MidTerm, 2023, "令和5年度 中間見直し", "計画の中間年度における見直し",
            [new(RevisionChangeKind.TargetChanged, "2-1-(1)", "適用業務の拡大により上方修正", IndicatorCode: Fed, FiscalYear: 2024, TargetValue: 6000m)]),
            Roles.PlanOffice);
        year = await YearAsync(a, Fed, 2024);
        Assert.Equal(6000m, year.TargetValue);
        Assert.Equal(Math.Round(4321m / 6000m * 100, 1), year.Evaluation.AchievementRate);

        // An evaluation round opened on host B: host A's dashboard now shows its grades.
        await b.SendAsAsync(new OpenEvaluationRound(Plan, 2023), Roles.PlanOffice);
        Assert.NotNull((await a.SendAsAsync(new GetDashboard(Plan, 2021), Roles.Cio))!.Grades);

        // And the other way round: host B (warm as well by now) sees host A's write.
        var version = (await YearAsync(b, Typed, 2021)).Actual!.Version;
        await a.SendAsAsync(new RecordActual(Plan, Typed, 2021, 7100, null, version), Roles.PlanOffice);
        Assert.Equal(KpiStatus.Achieved, (await YearAsync(b, Typed, 2021)).Evaluation.Status);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Reads_reuse_the_cache_while_writes_and_a_new_day_reload_it(Db db)
    {
        using var app = new IntranetApp(db);
        var first = await app.SendAsAsync(new GetPlanSnapshot(Plan), Roles.Cio);
        var loads = Loads(app);
        var stamp = await StampAsync(app);

        // Reads change nothing: the same snapshot object, no load, the same stamp.
        for (var i = 0; i < 3; i++)
        {
            Assert.Same(first, await app.SendAsAsync(new GetPlanSnapshot(Plan), Roles.Viewer));
            _ = await app.SendAsAsync(new GetDashboard(Plan, 2022), Roles.Cio);
        }
        var afterDashboards = Loads(app);
        Assert.Equal(stamp, await StampAsync(app));
        Assert.Same(first, await app.SendAsAsync(new GetPlanSnapshot(Plan), Roles.Cio));
        Assert.Equal(afterDashboards, Loads(app));

        // A write changes the stamp and the next read loads the plan again (once).
        await app.SendAsAsync(new RecordActual(Plan, Typed, 2021, 6500, null, null), Roles.PlanOffice);
        Assert.NotEqual(stamp, await StampAsync(app));
        var second = await app.SendAsAsync(new GetPlanSnapshot(Plan), Roles.Cio);
        Assert.NotSame(first, second);
        Assert.Equal(afterDashboards + 1, Loads(app));
        Assert.Same(second, await app.SendAsAsync(new GetPlanSnapshot(Plan), Roles.Cio));

        // A write that is refused (validation) changes nothing.
        stamp = await StampAsync(app);
        await Assert.ThrowsAnyAsync<Exception>(() => app.SendAsAsync(new RecordActual(Plan, "9-9-(9)-9", 2021, 1, null, null), Roles.PlanOffice));
        Assert.Equal(stamp, await StampAsync(app));

        // The next day (Japan time) the plan is evaluated again on that date.
        app.Clock.Now = app.Clock.Now.AddDays(1);
        var nextDay = await app.SendAsAsync(new GetPlanSnapshot(Plan), Roles.Cio);
        Assert.NotSame(second, nextDay);
        Assert.Equal(DateOnly.FromDateTime(second.AsOf.ToDateTime(TimeOnly.MinValue).AddDays(1)), nextDay.AsOf);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task The_stamp_row_exists_after_migration_and_a_raw_write_is_seen_once_the_stamp_is_marked(Db db)
    {
        using var app = new IntranetApp(db);
        using (var scope = app.Services.CreateScope())
            Assert.Equal(Intranet.Shared.Persistence.ChangeStamp.RowId, (await scope.ServiceProvider.GetRequiredService<PlanKpiDbContext>().ChangeStamps.AsNoTracking().SingleAsync()).Id);
        await app.SendAsAsync(new RecordActual(Plan, Typed, 2021, 6500, null, null), Roles.PlanOffice);
        Assert.NotNull((await YearAsync(app, Typed, 2021)).Actual);

        // A write that bypasses SaveChanges must mark the stamp (PlanKpiDbContext.MarkChanged), as the test helper does.
        using (var scope = app.Services.CreateScope())
        {
            var plankpi = scope.ServiceProvider.GetRequiredService<PlanKpiDbContext>();
            await plankpi.Actuals.ExecuteDeleteAsync();
            plankpi.MarkChanged();
            await plankpi.SaveChangesAsync();
        }
        Assert.Null((await YearAsync(app, Typed, 2021)).Actual);
    }
}
