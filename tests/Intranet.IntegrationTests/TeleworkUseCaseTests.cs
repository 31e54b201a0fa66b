using Intranet.IntegrationTests.Infrastructure;
using Intranet.Modules.Telework.Home;
using Intranet.Modules.Telework.UseCases;
using Intranet.Shared.Import;
using Intranet.Shared.Import.Data;
using Intranet.Shared.Messaging;
using Intranet.Shared.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Intranet.IntegrationTests.TeleworkTest;

namespace Intranet.IntegrationTests;

/// <summary>
/// Issue #8 (人事担当), through the use cases the interactive pages call (<c>IUseCases</c>: a new scope acting as the signed-in
/// user), on both databases: ending an employment with a typed date, its undo, deleting a wrongly entered telework day
/// (audited), uploads (dry run, rejection, background import) and the role refusals the form posts used to prove.
/// </summary>
public sealed class TeleworkUseCaseTests
{
    private const string Hr = "jinji@example.jp";

    private static Task<T> AsHr<T>(IntranetApp app, MediatR.IRequest<T> request) => app.SendAsAsync(request, Roles.HumanResources, "人事課", Hr);

    /// <summary>SmallRoster with May 2025 days of J001, P001, P002 (FY2025: 3 participants of 24).</summary>
    private static async Task<IntranetApp> AppAsync(Db db)
    {
        var app = new IntranetApp(db);
        await app.ImportStaffAsync(Utf8(TeleworkTests.SmallRoster()));
        await app.ImportDaysAsync(Utf8(DaysHeader, DayLine("J001", "2025-05-12"), DayLine("P001", "2025-05-12"), DayLine("P002", "2025-05-13", fraction: "0.5")));
        return app;
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Hr_ends_an_employment_on_a_typed_date_and_undoes_it_both_audited(Db db)
    {
        using var app = await AppAsync(db);
        var staff = await AsHr(app, new GetStaffMember("S001"));
        Assert.Null(staff.ActiveTo);
        var before = (await AsHr(app, new GetTeleworkOverview("2025"))).Figures.Headcount;
        Assert.Equal(24, before);

        // The rules stay in the domain: not before the first day, and no telework day after the last day.
        var early = await Assert.ThrowsAsync<RequestValidationException>(() => AsHr(app, new EndDateStaff("S001", new DateOnly(2020, 3, 31), staff.Version)));
        Assert.Equal(("ActiveTo", true), (Assert.Single(early.Errors).Field, early.Errors[0].Message.Contains("在職開始日")));
        var j001 = await AsHr(app, new GetStaffMember("J001"));
        var daysAfter = await Assert.ThrowsAsync<RequestValidationException>(() => AsHr(app, new EndDateStaff("J001", new DateOnly(2025, 5, 1), j001.Version)));
        Assert.Contains("退職日より後のテレワーク勤務日が1日", Assert.Single(daysAfter.Errors).Message);
        Assert.Null((await app.StaffAsync("J001")).ActiveTo);

        // Typed date 2025-03-31: S001 leaves FY2025's headcount at once.
        var ended = await AsHr(app, new EndDateStaff("S001", new DateOnly(2025, 3, 31), staff.Version));
        Assert.Equal(("S001", new DateOnly(2025, 3, 31), (DateOnly?)null, false), (ended.EmployeeNumber, ended.ActiveTo, ended.PreviousActiveTo, ended.PreviousMissing));
        Assert.Equal(new DateOnly(2025, 3, 31), (await app.StaffAsync("S001")).ActiveTo);
        Assert.Equal(before - 1, (await AsHr(app, new GetTeleworkOverview("2025"))).Figures.Headcount);
        // A second end with the version read before is refused: someone changed the person meanwhile.
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => AsHr(app, new EndDateStaff("S001", new DateOnly(2025, 4, 30), staff.Version)));

        // 「元に戻す」: employed again, headcount back, both changes in the audit with who made them.
        await AsHr(app, new UndoEndEmployment(ended));
        Assert.Null((await app.StaffAsync("S001")).ActiveTo);
        Assert.Equal(before, (await AsHr(app, new GetTeleworkOverview("2025"))).Figures.Headcount);
        var audits = await app.TeleworkAsync(d => d.AuditEntries.Where(a => a.EntityType == "StaffMember" && a.Action == "Modified" && a.UserName == Hr)
            .Select(a => a.Changes).ToListAsync());
        Assert.Equal(2, audits.Count);
        Assert.All(audits, c => Assert.Contains("\"ActiveTo\"", c));
        Assert.Contains(audits, c => c.Contains("2025-03-31"));
        // An undo of an undo, or after another change, is refused.
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => AsHr(app, new UndoEndEmployment(ended)));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Undo_restores_the_missing_from_roster_flag_and_the_work_item_follows(Db db)
    {
        using var app = await AppAsync(db);
        // A roster without S010 flags them: HR's home page shows one person to check, linking to the filtered roster.
        await app.ImportStaffAsync(Utf8(TeleworkTests.SmallRoster().Where(l => !l.StartsWith("S010,", StringComparison.Ordinal)).ToArray()));
        Assert.Equal(1, (await AsHr(app, new ListStaff(MissingOnly: true))).MissingCount);
        var item = Assert.Single(await WorkItemsAsync(app, Roles.HumanResources));
        Assert.Equal(("前回の名簿に含まれなかった職員", 1, "/telework/staff?missing=true"), (item.Title, item.Count, item.Href));
        Assert.Empty(await WorkItemsAsync(app, Roles.Viewer));
        Assert.Empty(await WorkItemsAsync(app, Roles.PlanOffice));

        var s010 = await AsHr(app, new GetStaffMember("S010"));
        Assert.True(s010.MissingFromLastImport);
        var ended = await AsHr(app, new EndDateStaff("S010", new DateOnly(2025, 9, 30), s010.Version));
        Assert.True(ended.PreviousMissing);
        Assert.Equal(0, (await AsHr(app, new ListStaff(true))).MissingCount);
        Assert.Empty(await WorkItemsAsync(app, Roles.HumanResources));

        await AsHr(app, new UndoEndEmployment(ended));
        var restored = await app.StaffAsync("S010");
        Assert.Equal(((DateOnly?)null, true), (restored.ActiveTo, restored.MissingFromLastImport));
        Assert.Equal(1, Assert.Single(await WorkItemsAsync(app, Roles.HumanResources)).Count);
    }

    private static async Task<IReadOnlyList<Intranet.Shared.Modules.WorkItem>> WorkItemsAsync(IntranetApp app, string role)
    {
        await using var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentPrincipal>().Principal = UseCaseActor.Principal($"{role}@example.jp", null, role);
        var source = ActivatorUtilities.CreateInstance<MissingStaffWorkItems>(scope.ServiceProvider);
        return await source.GetAsync(scope.ServiceProvider.GetRequiredService<ICurrentUser>(), CancellationToken.None);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task A_wrongly_entered_telework_day_is_deleted_and_the_deletion_is_audited(Db db)
    {
        using var app = await AppAsync(db);
        Assert.Equal(3, (await AsHr(app, new GetTeleworkOverview("2025"))).Figures.Participants);
        var p002 = await AsHr(app, new GetStaffMember("P002"));
        var day = Assert.Single(p002.Days);
        Assert.Equal((new DateOnly(2025, 5, 13), "在宅", 0.5m), (day.Date, day.Type, day.DayFraction));

        await AsHr(app, new DeleteTeleworkDay("P002", new DateOnly(2025, 5, 13)));
        Assert.Null(await app.DayAsync("P002", new DateOnly(2025, 5, 13)));
        Assert.Empty((await AsHr(app, new GetStaffMember("P002"))).Days);
        Assert.Equal(2, (await AsHr(app, new GetTeleworkOverview("2025"))).Figures.Participants);   // the figures follow at once

        // Who, when, what: one audit entry with every value of the deleted day.
        var audit = await app.TeleworkAsync(d => d.AuditEntries.SingleAsync(a => a.EntityType == "TeleworkDay"));
        Assert.Equal(("Deleted", Hr, "P002/2025-05-13"), (audit.Action, audit.UserName, audit.EntityKey));
        Assert.Equal(app.Clock.GetUtcNow(), audit.At);
        foreach (var value in new[] { "\"2025-05-13\"", "\"Home\"", "0.5", "\"EmployeeNumber\":[\"P002\",null]" }) Assert.Contains(value, audit.Changes);

        // Deleting it again, or a day never recorded: not found; nothing else changes.
        await Assert.ThrowsAsync<NotFoundException>(() => AsHr(app, new DeleteTeleworkDay("P002", new DateOnly(2025, 5, 13))));
        await Assert.ThrowsAsync<NotFoundException>(() => AsHr(app, new DeleteTeleworkDay("H99999", new DateOnly(2025, 5, 13))));
        Assert.Equal(2, (await app.TeleworkCountsAsync()).Days);
    }

    /// <summary>Every role but HR is refused every individual-record use case (the pages' form posts proved this before).</summary>
    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Only_human_resources_may_run_the_individual_record_use_cases(Db db)
    {
        using var app = await AppAsync(db);
        var version = (await app.StaffAsync("P001")).Version;
        var before = await app.TeleworkCountsAsync();
        var ended = new EmploymentEnded("P001", new DateOnly(2025, 6, 30), null, false, version);
        foreach (var role in Roles.All.Where(r => r != Roles.HumanResources))
        {
            var department = role == Roles.Department ? "人事課" : null;   // a department user of 人事課 is not HR: the role decides
            async Task Refused<T>(MediatR.IRequest<T> request) =>
                await Assert.ThrowsAsync<ForbiddenException>(() => app.SendAsAsync(request, role, department));
            await Refused(new ListStaff(false));
            await Refused(new GetStaffMember("P001"));
            await Refused(new GetTeleworkRules());
            await Refused(new EndDateStaff("P001", new DateOnly(2025, 6, 30), version));
            await Refused(new UndoEndEmployment(ended));
            await Refused(new DeleteTeleworkDay("P001", new DateOnly(2025, 5, 12)));
            await Refused(new RecordTeleworkDay("P001", new DateOnly(2025, 6, 2), Modules.Telework.Domain.TeleworkType.Home, 1, false));
            await Refused(new SaveEligibilityRule(Modules.Telework.Domain.EligibilityField.Department, "企画課", "不正", null));
            await Refused(new SaveTeleworkSettings("10-01", 1));
            await Refused(new StartImport("staff", Utf8(StaffHeader, StaffLine("H19999", "不正 登録", "企画課")), "staff.csv", null, false));
            await Refused(new SaveMapping(new ImportMapping { Kind = "telework-days", Name = "x" }));
            Assert.False((await app.SendAsAsync(new GetImportKind("telework-days"), role, department))!.CanImport);
            // Aggregates are for everyone.
            Assert.Equal(24, (await app.SendAsAsync(new GetTeleworkOverview("2025"), role, department)).Figures.Headcount);
        }
        Assert.Equal(before, await app.TeleworkCountsAsync());
        Assert.Null((await app.StaffAsync("P001")).ActiveTo);
    }

    /// <summary>The upload page's path, as use cases: dry run, a rejected file, then the background import with its status.</summary>
    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Hr_uploads_days_checked_first_then_imported_in_the_background(Db db)
    {
        using var app = new IntranetApp(db);
        await app.ImportSampleStaffAsync();
        await app.ImportSampleDaysAsync();
        static IEnumerable<string> Names(ImportKindView? k) => k!.Mappings.Select(m => m.Name);
        Assert.Equal([ImportMapping.NativeName], Names(await AsHr(app, new GetImportKind("telework-days"))));
        await app.SaveAttendanceMappingAsync();
        Assert.Equal([ImportMapping.NativeName, AttendanceMapping], Names(await AsHr(app, new GetImportKind("telework-days"))));
        var before = await app.TeleworkCountsAsync();
        var good = Utf8(DaysHeader, DayLine("H10001", "2025-06-02"), DayLine("H10003", "2025-06-02", fraction: "0.5"));

        var dry = await AsHr(app, new StartImport("telework-days", good, "days.csv", "", CheckOnly: true));
        Assert.Null(dry.JobId);
        Assert.Equal("確認のみ (書き込みなし): 2行 (追加 2、更新 0、変更なし 0)、文字コード UTF-8", dry.Check!.ToString());
        Assert.Equal(before, await app.TeleworkCountsAsync());

        var bad = await AsHr(app, new StartImport("telework-days",
            Utf8(DaysHeader, DayLine("H10001", "2025-06-02"), DayLine("H10012", "2025-06-02")), "days.csv", null, CheckOnly: false));
        Assert.Null(bad.JobId);
        Assert.Equal(1, bad.ErrorTotal);
        Assert.Contains("在職期間外", Assert.Single(bad.Errors).Message);
        Assert.Equal(before, await app.TeleworkCountsAsync());

        var started = await AsHr(app, new StartImport("telework-days", good, "days.csv", null, CheckOnly: false));
        Assert.NotNull(started.JobId);
        ImportJobView? status = null;
        for (var i = 0; i < 200 && status?.State is not (ImportJobState.Succeeded or ImportJobState.Failed); i++)
        {
            await Task.Delay(100);
            status = await AsHr(app, new GetImportJob(started.JobId!.Value));
        }
        Assert.NotNull(status);
        Assert.Equal((ImportJobState.Succeeded, Hr), (status.State, status.CreatedBy));
        Assert.StartsWith("取り込み完了: 2行 (追加 2、更新 0、変更なし 0)", status.Summary);
        Assert.Equal(before.Days + 2, (await app.TeleworkCountsAsync()).Days);
        // Stored as done for the uploader; shown as the person and 「一括取込」, never as an internal actor.
        Assert.Equal($"system (for {Hr})", (await app.DayAsync("H10001", new DateOnly(2025, 6, 2)))!.RecordedBy);
        var shown = (await AsHr(app, new GetStaffMember("H10001"))).Days.Single(d => d.Date == new DateOnly(2025, 6, 2));
        Assert.Equal($"{Hr} (一括取込)", shown.RecordedBy);
        Assert.DoesNotContain((await AsHr(app, new GetStaffMember("H10001"))).Days, d => d.RecordedBy.StartsWith("system", StringComparison.Ordinal));

        Assert.Null(await AsHr(app, new GetImportJob(Guid.NewGuid())));
        await Assert.ThrowsAsync<NotFoundException>(() => AsHr(app, new GetStaffMember("H99999")));
    }
}
