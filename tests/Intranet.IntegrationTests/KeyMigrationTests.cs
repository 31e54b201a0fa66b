using Intranet.IntegrationTests.Infrastructure;
using Intranet.Modules.Rpa.Data;
using Intranet.Modules.Telework.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using static Intranet.IntegrationTests.TeleworkTest;

namespace Intranet.IntegrationTests;

/// <summary>
/// Issue #12: the migrations that key a table by the columns every path finds its records by instead of their own id
/// (<c>ModuleMigration.SwitchIdKey</c>: telework days by (StaffId, Date), <c>DaysKey</c>; RPA runs by (CaseId, RunKey),
/// <c>RunsKey</c>) keep every stored record and its values, down and up again, on both databases (SQLite rebuilds the
/// table; the servers alter it), and the new key refuses a second record with the same key.
/// </summary>
public sealed class KeyMigrationTests
{
    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Stored_days_survive_the_key_change_down_and_up(Db db)
    {
        using var app = new IntranetApp(db);
        await app.ImportSampleStaffAsync();
        await app.ImportSampleDaysAsync();
        var before = await DescribeDaysAsync(app);
        Assert.True(before.Count > 100, $"only {before.Count} sample days");

        await MigrateAsync<TeleworkDbContext>(app, "202612050101_Telework_ChangeStamp");
        await AssertDistinctIdsAsync(app, db == Db.Sqlite ? "\"telework_Days\"" : "telework.\"Days\"", before.Count);

        await MigrateAsync<TeleworkDbContext>(app, null);
        Assert.Equal(before, await DescribeDaysAsync(app));
        await TeleworkAggregateTests.AssertRowsEqualRebuildAsync(app);
        var first = await app.TeleworkAsync(d => d.Days.AsNoTracking().OrderBy(x => x.Date).FirstAsync());
        await Assert.ThrowsAsync<DbUpdateException>(() => app.TeleworkAsync(async d =>
        {
            d.Days.Add(new() { StaffId = first.StaffId, Date = first.Date, RecordedBy = "test" });
            return await d.SaveChangesAsync();
        }));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Stored_runs_survive_the_key_change_down_and_up(Db db)
    {
        using var app = new IntranetApp(db);
        await app.ImportSampleCasesAsync();
        await app.ImportSampleRunsAsync();
        var before = await DescribeRunsAsync(app);
        Assert.True(before.Count > 100, $"only {before.Count} sample runs");

        await MigrateAsync<RpaDbContext>(app, "202612040101_Rpa_RunsByCaseAndDate");
        await AssertDistinctIdsAsync(app, db == Db.Sqlite ? "\"rpa_Runs\"" : "rpa.\"Runs\"", before.Count);

        await MigrateAsync<RpaDbContext>(app, null);
        Assert.Equal(before, await DescribeRunsAsync(app));
        var first = await app.RpaAsync(d => d.Runs.AsNoTracking().OrderBy(x => x.RunDate).FirstAsync());
        await Assert.ThrowsAsync<DbUpdateException>(() => app.RpaAsync(async d =>
        {
            d.Runs.Add(new() { CaseId = first.CaseId, RunKey = first.RunKey, RunDate = first.RunDate, Source = "test" });
            return await d.SaveChangesAsync();
        }));
    }

    private static Task<List<string>> DescribeDaysAsync(IntranetApp app) => app.TeleworkAsync(async d =>
        (await d.Days.AsNoTracking().ToListAsync())
        .Select(x => $"{x.StaffId}|{x.Date:yyyy-MM-dd}|{x.Type}|{x.DayFraction}|{x.ManagerTrial}|{x.RecordedBy}|{x.RecordedAt:O}")
        .Order(StringComparer.Ordinal).ToList());

    private static Task<List<string>> DescribeRunsAsync(IntranetApp app) => app.RpaAsync(async d =>
        (await d.Runs.AsNoTracking().ToListAsync())
        .Select(x => $"{x.CaseId}|{x.RunKey}|{x.RunDate:yyyy-MM-dd}|{x.StartedAt:O}|{x.EndedAt:O}|{x.Outcome}|{x.ItemsProcessed}|{x.Executions}|{x.Source}|{x.RecordedAt:O}")
        .Order(StringComparer.Ordinal).ToList());

    /// <summary>The old schema: an id per record, every one distinct and in the text form EF reads back as a Guid.</summary>
    private static async Task AssertDistinctIdsAsync(IntranetApp app, string table, int count)
    {
        var sql = "SELECT \"Id\" AS \"Value\" FROM " + table;   // the test's own table name, not input
        var ids = await app.TeleworkAsync(d => d.Database.SqlQueryRaw<Guid>(sql).ToListAsync());
        Assert.Equal(count, ids.Distinct().Count());
        Assert.DoesNotContain(Guid.Empty, ids);
    }

    /// <summary>Migrates the schema of <typeparamref name="TContext"/> to the migration of id <paramref name="target"/> (null: the latest).</summary>
    private static async Task MigrateAsync<TContext>(IntranetApp app, string? target) where TContext : DbContext
    {
        using var scope = app.Services.CreateScope();
        var context = scope.ServiceProvider.GetRequiredService<TContext>();
        // EF looks a target up by id only when the id starts with 14 digits (yyyyMMddHHmmss); the suite's have 12, so EF takes
        // it for a name and compares it with what it calls each migration's name: the id from its 16th character on.
        await context.GetService<IMigrator>().MigrateAsync(target?[15..]);
    }
}
