using Intranet.IntegrationTests.Infrastructure;
using Intranet.Modules.Telework.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using static Intranet.IntegrationTests.TeleworkTest;

namespace Intranet.IntegrationTests;

/// <summary>
/// Issue #12: the migration that keys telework days by (StaffId, Date) instead of their own id (<c>DaysKey</c>) keeps every
/// stored day and its values, down and up again, on both databases (SQLite rebuilds the table; the servers alter it).
/// </summary>
public sealed class TeleworkDaysKeyMigrationTests
{
    private const string BeforeDaysKey = "202612050101_Telework_ChangeStamp";

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

        await MigrateAsync(app, BeforeDaysKey);
        // The old schema: an id per day, every one distinct and in the text form EF reads back as a Guid.
        var ids = await app.TeleworkAsync(d => d.Database.SqlQueryRaw<Guid>(
            db == Db.Sqlite ? "SELECT \"Id\" AS \"Value\" FROM \"telework_Days\"" : "SELECT \"Id\" AS \"Value\" FROM telework.\"Days\"").ToListAsync());
        Assert.Equal(before.Count, ids.Distinct().Count());
        Assert.DoesNotContain(Guid.Empty, ids);

        await MigrateAsync(app, null);
        Assert.Equal(before, await DescribeDaysAsync(app));
        await TeleworkAggregateTests.AssertRowsEqualRebuildAsync(app);
        // The key is the person and date: a second day for both is refused by the database itself.
        var first = (await app.TeleworkAsync(d => d.Days.AsNoTracking().OrderBy(x => x.Date).FirstAsync()));
        await Assert.ThrowsAsync<DbUpdateException>(() => app.TeleworkAsync(async d =>
        {
            d.Days.Add(new() { StaffId = first.StaffId, Date = first.Date, RecordedBy = "test" });
            return await d.SaveChangesAsync();
        }));
    }

    private static Task<List<string>> DescribeDaysAsync(IntranetApp app) => app.TeleworkAsync(async d =>
        (await d.Days.AsNoTracking().ToListAsync())
        .Select(x => $"{x.StaffId}|{x.Date:yyyy-MM-dd}|{x.Type}|{x.DayFraction}|{x.ManagerTrial}|{x.RecordedBy}|{x.RecordedAt:O}")
        .Order(StringComparer.Ordinal).ToList());

    /// <summary>Migrates the telework schema to the migration of id <paramref name="target"/> (null: the latest).</summary>
    private static async Task MigrateAsync(IntranetApp app, string? target)
    {
        using var scope = app.Services.CreateScope();
        var context = scope.ServiceProvider.GetRequiredService<TeleworkDbContext>();
        // EF looks a target up by id only when the id starts with 14 digits (yyyyMMddHHmmss); the suite's have 12, so EF takes
        // it for a name and compares it with what it calls each migration's name: the id from its 16th character on.
        await context.GetService<IMigrator>().MigrateAsync(target?[15..]);
    }
}
