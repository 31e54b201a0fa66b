using System.Globalization;
using Intranet.IntegrationTests.Infrastructure;
using Intranet.Modules.Telework.Data;
using Intranet.Modules.Telework.Domain;
using Intranet.Modules.Telework.Import;
using Intranet.Shared.Import;
using Intranet.Shared.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using static Intranet.IntegrationTests.TeleworkTest;

namespace Intranet.IntegrationTests;

/// <summary>
/// Issue #12: an import of many batches (<see cref="IBatchedImportSession"/>, here <c>telework-days</c> with
/// <see cref="TeleworkDayImportKind.BatchSize"/> rows a batch) is still all-or-nothing, counts what it adds, updates and
/// leaves as the one-batch import did, and keeps the month tallies equal to the row-by-row computation; and
/// <see cref="BulkInsert"/> stores every value as EF Core's own save does. Both databases.
/// </summary>
public sealed class BatchedImportTests
{
    private const int People = 24;

    private static readonly DateOnly FirstDay = new(2021, 4, 1);

    /// <summary>An attendance export in date order: every person on each of <paramref name="dates"/> weekdays from <paramref name="skip"/>.</summary>
    private static List<string> DayLines(int dates, int skip = 0, string fraction = "1")
    {
        var lines = new List<string>();
        var date = FirstDay;
        for (var d = 0; d < dates + skip; date = date.AddDays(1))
        {
            if (date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) continue;
            if (d++ < skip) continue;
            for (var p = 0; p < People; p++)
                lines.Add(DayLine($"B{p:000}", date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), p % 3 == 0 ? "サテライト" : "在宅",
                    fraction: fraction, trial: p % 7 == 0 ? "1" : "0"));
        }
        return lines;
    }

    private static async Task<IntranetApp> WithRosterAsync(Db db)
    {
        var app = new IntranetApp(db);
        await app.ImportStaffAsync(Utf8([StaffHeader, .. Enumerable.Range(0, People).Select(p =>
            StaffLine($"B{p:000}", $"職員 {p}", p % 2 == 0 ? "企画課" : "総務課", manager: p % 7 == 0 ? "1" : "0"))]));
        return app;
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task A_file_of_several_batches_is_written_whole_with_the_same_counts_and_tallies_as_row_by_row(Db db)
    {
        using var app = await WithRosterAsync(db);
        // 24 people × 600 weekdays = 14,400 rows, three batches; 100 of the dates stored already (half a day each).
        await app.ImportDaysAsync(Utf8([DaysHeader, .. DayLines(100, skip: 250, fraction: "0.5")]), "earlier.csv");
        var lines = DayLines(600);
        // A day repeated in a later batch with other values: the later row wins.
        lines.Add(DayLine("B001", FirstDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "モバイル", fraction: "0.25"));

        var dry = await app.ImportDaysAsync(Utf8([DaysHeader, .. lines]), "days.csv", dryRun: true);
        Assert.Equal(14_401, dry.Rows);
        Assert.Equal((12_000, 2_400), (dry.Added, dry.Updated));
        Assert.Equal(2_400, await app.TeleworkAsync(d => d.Days.CountAsync()));   // the dry run wrote nothing

        var result = await app.ImportDaysAsync(Utf8([DaysHeader, .. lines]), "days.csv");
        // The repeated day is one day with its last values: its first row changes nothing (as in a one-batch import).
        Assert.Equal(new ImportResult(14_401, 12_000, 2_400, 1, "UTF-8", false), result with { EncodingName = "UTF-8" });
        Assert.Equal(14_400, await app.TeleworkAsync(d => d.Days.CountAsync()));
        var repeated = await app.DayAsync("B001", FirstDay);
        Assert.Equal((TeleworkType.Mobile, 0.25m), (repeated!.Type, repeated.DayFraction));
        // Every stored day that changed has its before → after in the audit trail.
        Assert.Equal(2_400, await app.TeleworkAsync(d => d.AuditEntries.CountAsync(a => a.EntityType == "TeleworkDay")));
        await TeleworkAggregateTests.AssertSameAsync(app, "after the batched import");
        await TeleworkAggregateTests.AssertRowsEqualRebuildAsync(app);

        // The same file again adds nothing and changes nothing.
        var again = await app.ImportDaysAsync(Utf8([DaysHeader, .. lines]), "days.csv");
        Assert.Equal((0, 0, 14_401), (again.Added, again.Updated, again.Unchanged));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Days_in_any_order_with_their_tallies_applied_in_parts_give_the_row_by_row_figures(Db db)
    {
        using var app = await WithRosterAsync(db);
        // Newest first (each person's days arrive earlier and earlier), 7,200 rows in two batches.
        var lines = DayLines(300);
        lines.Reverse();
        var (twice, thrice) = (FirstDay.AddDays(7).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), FirstDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        // A day given twice and one given three times, in different batches: the last row of each wins.
        lines.Insert(3, DayLine("B005", twice, "モバイル", fraction: "0.25"));
        lines.Insert(6_000, DayLine("B006", thrice, "サテライト", fraction: "0.75"));
        lines.Add(DayLine("B006", thrice, "モバイル", fraction: "0.5"));
        var result = await ImportHoldingAsync(app, lines, personMonths: 1);   // apply the summed tallies after every batch

        // The earlier rows of a repeated day change nothing; the day is written once.
        Assert.Equal((7_203, 7_200, 0, 3), (result.Rows, result.Added, result.Updated, result.Unchanged));
        Assert.Equal(7_200, await app.TeleworkAsync(d => d.Days.CountAsync()));
        var (a, b) = (await app.DayAsync("B005", FirstDay.AddDays(7)), await app.DayAsync("B006", FirstDay));
        Assert.Equal(((TeleworkType.Home, 1m), (TeleworkType.Mobile, 0.5m)), ((a!.Type, a.DayFraction), (b!.Type, b.DayFraction)));
        await TeleworkAggregateTests.AssertSameAsync(app, "after an import in reverse order, tallies applied per batch");
        await TeleworkAggregateTests.AssertRowsEqualRebuildAsync(app);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Days_in_date_order_keep_the_month_a_batch_ends_in_summed_and_give_the_row_by_row_figures(Db db)
    {
        using var app = await WithRosterAsync(db);
        // 24 people × 300 weekdays in date order: the first batch ends inside weekday 208, holding about 240 person-months.
        // Held 30: the first part applies every month but the one the batch ended in (24 person-months, kept), and the second
        // batch goes on adding to that month, applied at the end. One stored day in it before: a kept month may hold
        // changes to stored tallies too.
        var lines = DayLines(300);
        await StoreHalfMobileDayAsync(app, "B003", DateOfLine(lines, 4_999));
        var result = await ImportHoldingAsync(app, lines, personMonths: 30);

        Assert.Equal((7_200, 7_199, 1, 0), (result.Rows, result.Added, result.Updated, result.Unchanged));
        await TeleworkAggregateTests.AssertSameAsync(app, "after an import in date order with the current month kept across batches");
        await TeleworkAggregateTests.AssertRowsEqualRebuildAsync(app);
    }

    /// <summary>The date of the day line at <paramref name="index"/> (its second column).</summary>
    private static DateOnly DateOfLine(List<string> lines, int index) =>
        DateOnly.ParseExact(lines[index].Split(',')[1], "yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Imports, before the file under test, one day of <paramref name="employee"/>: モバイル, half a day.</summary>
    private static Task<ImportResult> StoreHalfMobileDayAsync(IntranetApp app, string employee, DateOnly date) =>
        app.ImportDaysAsync(Utf8([DaysHeader, DayLine(employee, date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "モバイル", fraction: "0.5")]), "earlier.csv");

    /// <summary>Imports the day lines with the tallies applied whenever they hold more than <paramref name="personMonths"/>.</summary>
    private static async Task<ImportResult> ImportHoldingAsync(IntranetApp app, List<string> lines, int personMonths)
    {
        var held = TeleworkDayImportKind.TallyPersonMonthsHeld;
        TeleworkDayImportKind.TallyPersonMonthsHeld = personMonths;
        try { return await app.ImportDaysAsync(Utf8([DaysHeader, .. lines]), "days.csv"); }
        finally { TeleworkDayImportKind.TallyPersonMonthsHeld = held; }
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task A_stored_day_on_the_date_two_batches_share_is_found_and_updated(Db db)
    {
        using var app = await WithRosterAsync(db);
        // 24 people × 300 weekdays in date order: the first batch ends inside weekday 208 (rows 4,992–4,999 are its first
        // 8 people), the second starts on the same date. The only day stored before is B020's on that date, in the second batch.
        var lines = DayLines(300);
        var shared = DateOfLine(lines, 4_999);
        Assert.Equal(shared, DateOfLine(lines, 5_000));
        await StoreHalfMobileDayAsync(app, "B020", shared);

        var result = await app.ImportDaysAsync(Utf8([DaysHeader, .. lines]), "days.csv");

        Assert.Equal((7_200, 7_199, 1, 0), (result.Rows, result.Added, result.Updated, result.Unchanged));
        var day = await app.DayAsync("B020", shared);
        Assert.Equal((TeleworkType.Home, 1m), (day!.Type, day.DayFraction));
        Assert.Equal(7_200, await app.TeleworkAsync(d => d.Days.CountAsync()));
        await TeleworkAggregateTests.AssertSameAsync(app, "after an import whose batches share a date with a stored day");
        await TeleworkAggregateTests.AssertRowsEqualRebuildAsync(app);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task An_error_in_the_last_batch_leaves_nothing_of_the_earlier_batches(Db db)
    {
        using var app = await WithRosterAsync(db);
        var lines = DayLines(600);
        lines.Add(DayLine("B999", "2023-05-01"));   // line 14,402 (after the header): not on the roster
        var e = await Assert.ThrowsAsync<ImportRejectedException>(() => app.ImportDaysAsync(Utf8([DaysHeader, .. lines]), "days.csv"));
        var error = Assert.Single(e.Errors);
        Assert.Equal((14_402, "employee_number"), (error.Line, error.Column));
        Assert.Contains("B999", error.Message);
        Assert.Equal(0, await app.TeleworkAsync(d => d.Days.CountAsync()));
        Assert.Equal(0, await app.TeleworkAsync(d => d.StaffMonths.CountAsync(m => m.RecordedDays > 0)));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Bulk_inserted_rows_are_stored_as_entity_framework_stores_them(Db db)
    {
        using var app = await WithRosterAsync(db);
        var staffId = (await app.StaffAsync("B003")).Id;
        TeleworkDay Day(int day) => new()
        {
            StaffId = staffId, Date = new DateOnly(2024, 1, day), Type = TeleworkType.Satellite, DayFraction = 0.3333m, ManagerTrial = true,
            RecordedBy = "人事課 <hr@example.jp>", RecordedAt = new DateTimeOffset(2024, 1, 4, 8, 30, 15, 123, TimeSpan.Zero),
        };
        var viaEf = Day(4);
        var viaBulk = Day(5);
        using (var scope = app.Services.CreateScope())
        {
            var context = scope.ServiceProvider.GetRequiredService<TeleworkDbContext>();
            context.Days.Add(viaEf);
            await context.SaveChangesAsync();
            var stampBefore = await context.ChangeStampAsync(CancellationToken.None);
            await using var tx = await context.Database.BeginTransactionAsync();
            async Task<object?> CacheSizeAsync()
            {
                await using var pragma = context.Database.GetDbConnection().CreateCommand();
                pragma.Transaction = tx.GetDbTransaction();
                pragma.CommandText = "PRAGMA cache_size";
                return await pragma.ExecuteScalarAsync();
            }
            var cacheBefore = db == Db.Sqlite ? await CacheSizeAsync() : null;
            Assert.Equal(1, await context.BulkInsertAsync([viaBulk]));
            // SQLite: the larger page cache of the insert is given back (the connection returns to the pool).
            if (db == Db.Sqlite) Assert.Equal(cacheBefore, await CacheSizeAsync());
            await tx.CommitAsync();
            // The rows bypassed SaveChanges, but the schema's change stamp moved on with them (cached figures reload).
            Assert.NotEqual(stampBefore, await context.ChangeStampAsync(CancellationToken.None));
        }

        // A key stored already is refused as SaveChanges refuses it (the import pipeline retries on that), nothing written.
        using (var scope = app.Services.CreateScope())
        {
            var context = scope.ServiceProvider.GetRequiredService<TeleworkDbContext>();
            await using var tx = await context.Database.BeginTransactionAsync();
            var again = Day(5);   // viaBulk's key: the same person and date
            again.Type = TeleworkType.Home;
            await Assert.ThrowsAsync<DbUpdateException>(() => context.BulkInsertAsync([Day(7), again]));
        }
        Assert.Equal(2, await app.TeleworkAsync(d => d.Days.CountAsync(x => x.StaffId == staffId)));

        // Read back through EF: every property, and found by a query on its key as EF writes that key.
        var back = await app.TeleworkAsync(d => d.Days.AsNoTracking().Where(x => x.StaffId == staffId).OrderBy(x => x.Date).ToListAsync());
        Assert.Equal(2, back.Count);
        static string Describe(TeleworkDay x) => $"{x.StaffId}|{x.Type}|{x.DayFraction}|{x.ManagerTrial}|{x.RecordedBy}|{x.RecordedAt:O}";
        Assert.Equal(Describe(back[0]), Describe(back[1]));
        Assert.Equal((viaBulk.StaffId, viaBulk.Date), (back[1].StaffId, back[1].Date));
        Assert.NotNull(await app.TeleworkAsync(d => d.Days.FindAsync(viaBulk.StaffId, viaBulk.Date).AsTask()));
        if (db != Db.Sqlite) return;

        // On SQLite, also the stored text itself (a Guid's case, a date's and a timestamp's format, a decimal's digits).
        var stored = await app.TeleworkAsync(async d =>
        {
            var table = d.Model.FindEntityType(typeof(TeleworkDay))!.GetTableName();
            var connection = (SqliteConnection)d.Database.GetDbConnection();
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM \"{table}\" ORDER BY \"Date\"";
            await using var reader = await command.ExecuteReaderAsync();
            var rows = new List<string[]>();
            while (await reader.ReadAsync())
                rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => $"{reader.GetName(i)}:{reader.GetDataTypeName(i)}:{reader.GetValue(i)}").ToArray());
            return rows;
        });
        string[] Without(string[] row, params string[] columns) => row.Where(c => !columns.Any(n => c.StartsWith(n + ":", StringComparison.Ordinal))).ToArray();
        Assert.Equal(Without(stored[0], "Date"), Without(stored[1], "Date"));
        Assert.Contains(stored[1], c => c == $"StaffId:TEXT:{staffId.ToString().ToUpperInvariant()}");
        Assert.Contains(stored[1], c => c == "Date:TEXT:2024-01-05");
        Assert.Contains(stored[1], c => c.StartsWith("RecordedAt:TEXT:2024-01-04 08:30:15.123", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Audited_rows_inserted_in_bulk_get_the_audit_entry_a_save_writes(Db db)
    {
        using var app = new IntranetApp(db);
        StaffMember Person(string number) => new() { EmployeeNumber = number, Name = "秦野 花子", ActiveFrom = new DateOnly(2019, 4, 1), ActiveTo = new DateOnly(2031, 3, 31) };
        var saved = Person("A0001");
        var bulk = Person("A0002");
        using (var scope = app.Services.CreateScope())
        {
            var context = scope.ServiceProvider.GetRequiredService<TeleworkDbContext>();
            context.Staff.Add(saved);
            await context.SaveChangesAsync();
            context.ChangeTracker.Clear();
            await using var tx = await context.Database.BeginTransactionAsync();
            Assert.Equal(1, await context.BulkInsertAuditedAsync([bulk]));
            await tx.CommitAsync();
        }

        var audits = await app.TeleworkAsync(d => d.AuditEntries.AsNoTracking().Where(a => a.EntityType == nameof(StaffMember)).ToListAsync());
        var (bySave, byBulk) = (audits.Single(a => a.EntityKey == saved.Id.ToString()), audits.Single(a => a.EntityKey == bulk.Id.ToString()));
        Assert.Equal(("Added", bySave.UserName), (byBulk.Action, byBulk.UserName));
        // The same JSON but for the person's own id and number.
        Assert.Equal(bySave.Changes.Replace(saved.Id.ToString(), "ID").Replace("A0001", "NUMBER"), byBulk.Changes.Replace(bulk.Id.ToString(), "ID").Replace("A0002", "NUMBER"));
        Assert.Contains("秦野 花子", byBulk.Changes);
        // A new version, as a save gives it.
        var stored = await app.StaffAsync("A0002");
        Assert.NotEqual(Guid.Empty, stored.Version);
    }
}
