using System.Text;
using Intranet.IntegrationTests.Infrastructure;
using System.Data.Common;
using Intranet.Modules.Paperless;
using Intranet.Modules.Paperless.Data;
using Intranet.Modules.Paperless.Domain;
using Intranet.Modules.Paperless.Import;
using Intranet.Modules.Paperless.UseCases;
using Intranet.Modules.PlanKpi.Contracts;
using Intranet.Shared.Import;
using Intranet.Shared.Messaging;
using Intranet.Shared.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using static Intranet.IntegrationTests.PaperlessTest;

namespace Intranet.IntegrationTests;

/// <summary>
/// The paperless-meetings module on the real host (SQLite and PostgreSQL): sessions recorded one by one by a
/// meeting organizer, and imports of the module's sample files, feed the Hadano plan's 2-2-(1), 2-2-(2) and 2-2-(7)
/// indicators at once; bad files are rejected whole with line and column; re-imports change nothing; a Shift_JIS
/// calendar export is read through a saved mapping; stale forms are refused.
/// Expected figures are computed by <see cref="PaperlessTest.Model"/> (or inline) from the CSV text and the rules
/// of issue #4, not by the module.
/// </summary>
public sealed class PaperlessTests
{
    private const string Seisaku = "総合政策課";       // organizes MTG-001 政策会議, MTG-002 部長会議, MTG-003 部課長会議 (庁議)
    private const string Joho = "情報システム課";       // organizes MTG-004 ICT推進会議幹事会 (manager-level)
    private const string SeisakuOrganizer = "seisaku-organizer@example.jp";

    private static RecordSession Session(string body, DateOnly on, MeetingFormat format, MaterialsDistribution materials, int attendees, int printed,
        int sequence = 1, bool tablets = false, Guid? version = null, string? note = null) =>
        new(body, on, sequence, format, materials, attendees, printed, tablets, note, version);

    // ---- a month of 庁議 entered by hand ---------------------------------------------------------------

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task A_month_of_executive_sessions_recorded_one_by_one_sets_the_plan_rate_at_each_step(Db db)
    {
        using var app = new IntranetApp(db);
        var planOffice = await app.SignedInAsync("PlanOffice");
        Assert.Equal(new ImportResult(6, 6, 0, 0, "UTF-8", false), await app.ImportSampleBodiesAsync());
        Assert.Equal("", (await planOffice.PaperlessRowsAsync())[(ExecutiveRate, 2025)].Actual);

        // June 2025 (FY2025, target 100%): 政策会議 40, 部長会議 25, 部課長会議 15 sheets per attendee.
        var june = new (RecordSession Request, int Saved)[]
        {
            (Session("MTG-001", new(2025, 6, 2), MeetingFormat.Web, MaterialsDistribution.Paper, 12, 480), 0),               // WEB: paperless although printed
            (Session("MTG-003", new(2025, 6, 5), MeetingFormat.InPerson, MaterialsDistribution.Mixed, 60, 300), 600),
            (Session("MTG-003", new(2025, 6, 5), MeetingFormat.Web, MaterialsDistribution.Mixed, 60, 120, sequence: 2), 780),
            (Session("MTG-002", new(2025, 6, 9), MeetingFormat.InPerson, MaterialsDistribution.Paper, 20, 500), 0),
            (Session("MTG-001", new(2025, 6, 16), MeetingFormat.InPerson, MaterialsDistribution.DigitalOnly, 12, 0), 480),
            (Session("MTG-003", new(2025, 6, 19), MeetingFormat.InPerson, MaterialsDistribution.DigitalOnly, 58, 0), 870),
            (Session("MTG-002", new(2025, 6, 23), MeetingFormat.Hybrid, MaterialsDistribution.DigitalOnly, 20, 0), 500),
            (Session("MTG-001", new(2025, 6, 30), MeetingFormat.Hybrid, MaterialsDistribution.Mixed, 12, 100), 380),           // hybrid with paper: not paperless
        };
        var recorded = new List<RecordSession>();
        var shown = new List<string>();
        foreach (var (request, _) in june)
        {
            await app.SendAsAsync(request, Roles.MeetingOrganizer, Seisaku, SeisakuOrganizer);
            recorded.Add(request);
            // Issue #4: paperless = no paper handed out, or a WEB meeting; rate = paperless ÷ held, to 0.1 %.
            var paperless = recorded.Count(s => s.Format == MeetingFormat.Web || s.Materials == MaterialsDistribution.DigitalOnly);
            var expected = Math.Round(100m * paperless / recorded.Count, 1, MidpointRounding.AwayFromZero);
            var row = (await planOffice.PaperlessRowsAsync())[(ExecutiveRate, 2025)];
            Assert.Equal(Format(expected), row.Actual);
            shown.Add(row.Actual);
        }
        Assert.Equal(["100", "50", "66.7", "50", "60", "66.7", "71.4", "62.5"], shown);

        var rows = await planOffice.PaperlessRowsAsync();
        Assert.Equal(("62.5", "62.5", "behind"), rows[(ExecutiveRate, 2025)]);                 // target 100 %, FY2025 is over
        // 2-2-(2)-1 紙の削減量 needs the office-wide paper use of FY2019 and FY2025 (issue #9): not measured; the sessions' sheets
        // saved are its breakdown on /paperless.
        Assert.Equal(("", "", "no_numeric_target"), rows[(SheetsSaved, 2025)]);
        Assert.Equal("3610", await app.MeetingSheetsAsync(2025));                             // Σ of the sheets above
        Assert.Equal(3610, june.Sum(j => j.Saved));
        Assert.Equal("", rows[(ExecutiveRate, 2024)].Actual);                                  // other years untouched
        Assert.Equal("", rows[(AssemblyRate, 2025)].Actual);

        var stored = await app.PaperlessAsync(async d => await d.Sessions.ToListAsync());
        Assert.Equal(8, stored.Count);
        Assert.All(stored, s => Assert.Equal(SeisakuOrganizer, s.RecordedBy));
        Assert.Equal(8, await app.PaperlessAsync(d => d.AuditEntries.CountAsync(a => a.EntityType == nameof(MeetingSession) && a.Action == "Added"
                                                                                        && a.UserName == SeisakuOrganizer)));

        // Who may record: an organizer of another department, a department user, a viewer — refused; nothing written.
        var another = Session("MTG-001", new(2025, 6, 26), MeetingFormat.Web, MaterialsDistribution.DigitalOnly, 12, 0);
        var other = await Assert.ThrowsAsync<ForbiddenException>(() => app.SendAsAsync(another, Roles.MeetingOrganizer, Joho));
        Assert.Contains("自課の会議だけ", other.Message);
        await Assert.ThrowsAsync<ForbiddenException>(() => app.SendAsAsync(another, Roles.Department, Seisaku));
        await Assert.ThrowsAsync<ForbiddenException>(() => app.SendAsAsync(another, Roles.Viewer, Seisaku));
        await Assert.ThrowsAsync<ForbiddenException>(() => app.SendAsAsync(another, Roles.Cio));
        var future = await Assert.ThrowsAsync<RequestValidationException>(() => app.SendAsAsync(
            Session("MTG-001", new(2026, 11, 22), MeetingFormat.Web, MaterialsDistribution.DigitalOnly, 12, 0), Roles.MeetingOrganizer, Seisaku));
        Assert.Equal(nameof(RecordSession.HeldOn), Assert.Single(future.Errors).Field);
        Assert.Equal(8, (await app.PaperlessCountsAsync()).Sessions);
        Assert.Equal("62.5", (await planOffice.PaperlessRowsAsync())[(ExecutiveRate, 2025)].Actual);

        // The organizer of 情報システム課 records their own manager-level meeting: it feeds 2-2-(1)-2, not 2-2-(1)-1.
        await app.SendAsAsync(Session("MTG-004", new(2025, 6, 18), MeetingFormat.Web, MaterialsDistribution.Paper, 15, 300), Roles.MeetingOrganizer, Joho);
        rows = await planOffice.PaperlessRowsAsync();
        Assert.Equal(("100", "", "no_numeric_target"), rows[(ManagerRate, 2025)]);
        Assert.Equal("62.5", rows[(ExecutiveRate, 2025)].Actual);
        Assert.Equal("3610", await app.MeetingSheetsAsync(2025));                              // 20 × 15 − 300 = 0 more

        // Correcting one session changes the rate at once: 部長会議 of 9 June was in fact digital only (6 of 8).
        var v = await app.SessionVersionAsync("MTG-002", new(2025, 6, 9));
        await app.SendAsAsync(Session("MTG-002", new(2025, 6, 9), MeetingFormat.InPerson, MaterialsDistribution.DigitalOnly, 20, 0, version: v),
            Roles.MeetingOrganizer, Seisaku, SeisakuOrganizer);
        rows = await planOffice.PaperlessRowsAsync();
        Assert.Equal(("75", "75", "behind"), rows[(ExecutiveRate, 2025)]);
        Assert.Equal("4110", await app.MeetingSheetsAsync(2025));                              // + 25 × 20
        Assert.Equal(9, (await app.PaperlessCountsAsync()).Sessions);                                   // corrected, not added (8 庁議 + 1 manager-level)

        // The last two paper sessions corrected too: 100 %, achieved.
        await app.SendAsAsync(Session("MTG-003", new(2025, 6, 5), MeetingFormat.InPerson, MaterialsDistribution.DigitalOnly, 60, 0,
            version: await app.SessionVersionAsync("MTG-003", new(2025, 6, 5))), Roles.MeetingOrganizer, Seisaku);
        await app.SendAsAsync(Session("MTG-001", new(2025, 6, 30), MeetingFormat.Hybrid, MaterialsDistribution.DigitalOnly, 12, 0,
            version: await app.SessionVersionAsync("MTG-001", new(2025, 6, 30))), Roles.MeetingOrganizer, Seisaku);
        Assert.Equal(("100", "100", "achieved"), (await planOffice.PaperlessRowsAsync())[(ExecutiveRate, 2025)]);
    }

    // ---- the sample files ------------------------------------------------------------------------------

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Sample_bodies_and_sessions_feed_the_paperless_indicators_of_every_year(Db db)
    {
        using var app = new IntranetApp(db);
        var planOffice = await app.SignedInAsync("PlanOffice");
        Assert.Equal(new ImportResult(6, 6, 0, 0, "UTF-8", false), await app.ImportSampleBodiesAsync());
        // New bodies are inserted in bulk (issue #12) with the audit entries a save writes: one "Added" per body and
        // baseline, by the importer, and a version for the edit form's concurrency check.
        var written = await app.PaperlessAsync(async d => new
        {
            Rows = new[] { await d.Bodies.CountAsync(), await d.Baselines.CountAsync() },
            Audits = new[] { await d.AuditEntries.CountAsync(a => a.EntityType == nameof(MeetingBody) && a.Action == "Added"),
                             await d.AuditEntries.CountAsync(a => a.EntityType == nameof(PaperBaseline) && a.Action == "Added") },
            Users = await d.AuditEntries.Select(a => a.UserName).Distinct().CountAsync(),
            Unversioned = await d.Bodies.CountAsync(b => b.Version == Guid.Empty),
        });
        Assert.Equal(written.Rows, written.Audits);
        Assert.Equal(6, written.Rows[0]);
        Assert.True(written.Rows[1] > 0);
        Assert.Equal((1, 0), (written.Users, written.Unversioned));
        Assert.Equal(new ImportResult(118, 118, 0, 0, "UTF-8", false), await app.ImportSampleSessionsAsync());

        var model = Model.FromSamples();
        // Hand check of the independent model. FY2021: 庁議 31 of 40 paperless, assembly 12 of 16 with 9 on tablets,
        // 21,900 sheets saved; FY2022: 庁議 40 of 40, manager-level 2 of 6, assembly 12 of 16 with 11 on tablets, 27,660 sheets.
        Assert.Equal([77.5m, 100m, null, null, null], PlanYears.Select(y => model.Expected(ExecutiveRate, y)));
        Assert.Equal([null, 33.3m, null, null, null], PlanYears.Select(y => model.Expected(ManagerRate, y)));
        Assert.Equal([75m, 75m, null, null, null], PlanYears.Select(y => model.Expected(AssemblyRate, y)));
        Assert.Equal([56.3m, 68.8m, null, null, null], PlanYears.Select(y => model.Expected(TabletRate, y)));
        Assert.Equal([21900m, 27660m, null, null, null], PlanYears.Select(model.Sheets));
        Assert.Equal([null, null, null, null, null], PlanYears.Select(y => model.Expected(SheetsSaved, y)));   // no office-wide paper use recorded

        var rows = await planOffice.PaperlessRowsAsync();
        foreach (var indicator in Indicators)
        foreach (var year in PlanYears)
            Assert.True(Format(model.Expected(indicator, year)) == rows[(indicator, year)].Actual,
                $"{indicator} FY{year}: export {rows[(indicator, year)].Actual}, expected {Format(model.Expected(indicator, year))}");

        // Achievement and status against the Hadano targets (FY2021–2025 are over on 2026-11-21).
        Assert.Equal(("77.5", "86.1", "behind"), rows[(ExecutiveRate, 2021)]);          // target 90
        Assert.Equal(("100", "100", "achieved"), rows[(ExecutiveRate, 2022)]);
        Assert.Equal(("", "", "not_measured"), rows[(ExecutiveRate, 2023)]);            // no session: no rate, not 0 %
        Assert.Equal(("56.3", "80.4", "behind"), rows[(TabletRate, 2021)]);             // target 70
        Assert.Equal(("68.8", "98.3", "behind"), rows[(TabletRate, 2022)]);
        Assert.Equal(("75", "93.8", "behind"), rows[(AssemblyRate, 2021)]);             // target 80
        Assert.Equal(("75", "83.3", "behind"), rows[(AssemblyRate, 2022)]);             // target 90
        Assert.Equal(("", "", "no_numeric_target"), rows[(SheetsSaved, 2021)]);         // the meetings alone are not 紙の削減量 (issue #9)
        Assert.Equal(("", "", "not_measured"), rows[(SheetsSaved, 2023)]);              // target 450,000, nothing recorded
        Assert.Equal(("21900", "27660"), (await app.MeetingSheetsAsync(2021), await app.MeetingSheetsAsync(2022)));   // the breakdown
        Assert.Equal(("33.3", "", "no_numeric_target"), rows[(ManagerRate, 2022)]);     // 「検討を踏まえ設定」

        var stored = await app.PaperlessAsync(async d => new
        {
            Bodies = await d.Bodies.Include(b => b.Baselines).OrderBy(b => b.Code).ToListAsync(),
            Mixed = await d.Sessions.CountAsync(s => s.Materials == MaterialsDistribution.Mixed),
            Web = await d.Sessions.CountAsync(s => s.Format == MeetingFormat.Web),
            Tablets = await d.Sessions.CountAsync(s => s.TabletsUsed),
            Printed = await d.Sessions.SumAsync(s => s.SheetsPrinted),
        });
        Assert.Equal(["MTG-001", "MTG-002", "MTG-003", "MTG-004", "MTG-005", "MTG-006"], stored.Bodies.Select(b => b.Code));
        Assert.Equal((MeetingCategory.Executive, MeetingCategory.ManagerLevel, MeetingCategory.Assembly),
            (stored.Bodies[0].Category, stored.Bodies[3].Category, stored.Bodies[5].Category));
        Assert.Equal(("全員協議会", "議事政策課", 24, 35m, new DateOnly(2021, 4, 1)), (stored.Bodies[5].Name, stored.Bodies[5].OrganizingDepartment,
            stored.Bodies[5].UsualAttendees, Assert.Single(stored.Bodies[5].Baselines).SheetsPerAttendee, stored.Bodies[5].Baselines[0].ValidFrom));
        var lines = SampleLines("meeting-sessions.csv").Skip(1).ToList();
        Assert.Equal(lines.Count(l => l.Contains(",併用,")), stored.Mixed);
        Assert.Equal(lines.Count(l => l.Contains(",WEB,")), stored.Web);
        Assert.Equal(lines.Count(l => l.EndsWith(",1,")), stored.Tablets);
        Assert.Equal(model.Sessions.Values.Sum(s => s.Printed), stored.Printed);
    }

    [Fact]
    public async Task The_demo_seeder_loads_the_samples_and_the_calendar_mapping_once()
    {
        using var app = new IntranetApp(Db.Sqlite);
        var planOffice = await app.SignedInAsync("PlanOffice");
        async Task<string> SeedAsync()
        {
            using var scope = app.Services.CreateScope();
            var seeder = scope.ServiceProvider.GetServices<Intranet.Shared.Modules.IDemoDataSeeder>().OfType<PaperlessDemoSeeder>().Single();
            return await seeder.SeedAsync(CancellationToken.None);
        }
        Assert.Equal("ペーパーレス会議: 会議体 6件追加、開催記録 140件追加 (うち Shift_JIS のカレンダー出力 6件、Excel の会議開催一覧 16件)。", await SeedAsync());
        Assert.Equal("ペーパーレス会議: 会議体 0件追加、開催記録 0件追加 (うち Shift_JIS のカレンダー出力 0件、Excel の会議開催一覧 0件)。", await SeedAsync());
        var counts = await app.PaperlessCountsAsync();
        Assert.Equal((6, 6, 140, 2), (counts.Bodies, counts.Baselines, counts.Sessions, counts.Mappings));   // the presets calendar and organizer-list

        var model = Model.FromSamples(withCalendar: true, withOrganizerList: true).WithDemoPaperUse();
        var rows = await planOffice.PaperlessRowsAsync();
        foreach (var indicator in Indicators)
        foreach (var year in PlanYears)
            Assert.Equal(Format(model.Expected(indicator, year)), rows[(indicator, year)].Actual);
        // FY2023: 6 WEB 政策会議 (calendar) and the organizer's 16 (3 with paper): 19 of 22 paperless.
        Assert.Equal(("86.4", "86.4", "behind"), rows[(ExecutiveRate, 2023)]);
        Assert.Equal(("470000", "104.4", "achieved"), rows[(SheetsSaved, 2023)]);        // 9,850,000 − 9,380,000 of 450,000
        Assert.Equal("10640", await app.MeetingSheetsAsync(2023));                        // of which meetings: 6 × 12 × 40 + the list's 7,760
        Assert.Equal(4, await app.PaperlessAsync(d => d.PaperUse.CountAsync()));         // FY2019, 2021–2023, once
    }

    // ---- bad files -------------------------------------------------------------------------------------

    private const string GoodSession2 = "MTG-001,2024-05-08,1,WEB,電子のみ,12,0,0,";
    private const string GoodSession4 = "MTG-005,2024-05-10,1,対面,電子のみ,10,0,1,議会運営委員会";
    private const string GoodBody2 = "MTG-101,新しい会議,その他庁内会議,総合政策課,8,10,2024-04-01";
    private const string GoodBody4 = "MTG-102,別の会議,課長級以上出席の会議,総合政策課,12,5,2024-04-01";

    private static string SessionRow(string body = "MTG-002", string date = "2024-05-15", string sequence = "1", string format = "ハイブリッド",
        string materials = "電子のみ", string attendees = "20", string printed = "0", string tablets = "0") =>
        $"{body},{date},{sequence},{format},{materials},{attendees},{printed},{tablets},";

    private static string BodyRow(string code = "MTG-103", string name = "第三の会議", string category = "庁議", string department = "総合政策課",
        string attendees = "10", string sheets = "20", string from = "2024-04-01") =>
        $"{code},{name},{category},{department},{attendees},{sheets},{from}";

    public sealed record BadFile(string Kind, byte[] Content, int Line, string Column, string Message, string? Role = null, string? Department = null);

    private static IEnumerable<(string Name, BadFile File)> BadFiles()
    {
        BadFile Sessions(string bad, string column, string message) => new("sessions", Utf8(SessionsHeader, GoodSession2, bad, GoodSession4), 3, column, message);
        BadFile Bodies(string bad, string column, string message) => new("bodies", Utf8(BodiesHeader, GoodBody2, bad, GoodBody4), 3, column, message);

        yield return ("unknown body code", Sessions(SessionRow(body: "MTG-999"), "body", "MTG-999"));
        yield return ("unknown body name", Sessions(SessionRow(body: "存在しない会議"), "body", "存在しない会議"));
        yield return ("empty body", Sessions(SessionRow(body: ""), "body", "必須"));
        yield return ("unreadable date", Sessions(SessionRow(date: "2024-13-01"), "held_on", "存在しない日付です: 2024-13-01"));
        yield return ("impossible date", Sessions(SessionRow(date: "2024-02-30"), "held_on", "存在しない日付です: 2024-02-30"));
        yield return ("date as words", Sessions(SessionRow(date: "来週の月曜"), "held_on", "日付として読めません"));
        yield return ("future date", Sessions(SessionRow(date: "2026-11-22"), "held_on", "未来"));
        yield return ("date before the plan", Sessions(SessionRow(date: "2021-03-31"), "held_on", "計画期間"));
        yield return ("date after the plan", Sessions(SessionRow(date: "2026-04-01"), "held_on", "計画期間"));
        yield return ("unknown format", Sessions(SessionRow(format: "電話"), "format", "電話"));
        yield return ("empty format", Sessions(SessionRow(format: ""), "format", "必須"));
        yield return ("unknown materials", Sessions(SessionRow(materials: "メール"), "materials", "メール"));
        yield return ("empty materials", Sessions(SessionRow(materials: ""), "materials", "必須"));
        yield return ("negative attendees", Sessions(SessionRow(attendees: "-1"), "attendees", "0〜1,000"));
        yield return ("absurd attendees", Sessions(SessionRow(attendees: "5000"), "attendees", "0〜1,000"));
        yield return ("fractional attendees", Sessions(SessionRow(attendees: "2.5"), "attendees", "整数"));
        yield return ("empty attendees", Sessions(SessionRow(attendees: ""), "attendees", "必須"));
        yield return ("negative sheets", Sessions(SessionRow(printed: "-10"), "sheets_printed", "0〜1,000,000"));
        yield return ("absurd sheets", Sessions(SessionRow(printed: "2000000"), "sheets_printed", "0〜1,000,000"));
        yield return ("sheets as words", Sessions(SessionRow(printed: "たくさん"), "sheets_printed", "整数"));
        yield return ("sequence zero", Sessions(SessionRow(sequence: "0"), "sequence", "1〜9の範囲"));
        yield return ("sequence ten", Sessions(SessionRow(sequence: "10"), "sequence", "1〜9の範囲"));
        yield return ("unknown tablets", Sessions(SessionRow(tablets: "たぶん"), "tablets", "はい/いいえ"));
        yield return ("duplicate body, date and sequence", Sessions(GoodSession2.Replace(",WEB,", ",対面,"), "held_on", "2行目"));
        yield return ("duplicate by body name", Sessions("政策会議,2024-05-08,1,対面,紙,12,480,0,", "held_on", "2行目"));
        yield return ("missing attendees column", new BadFile("sessions", Utf8("body,held_on,sequence,format,materials,sheets_printed,tablets,note", "MTG-001,2024-05-08,1,WEB,電子のみ,0,0,"), 1, "attendees", "ありません"));
        yield return ("no data rows", new BadFile("sessions", Utf8(SessionsHeader), 1, "ファイル", "データ行がありません"));
        yield return ("sessions in Latin-1", new BadFile("sessions", Encoding.Latin1.GetBytes(SessionsHeader + "\r\nMTG-001,2024-05-08,1,WEB,Café,crème,Comptabilité,0,\r\n"), 0, "文字コード", "判別できません"));
        yield return ("sessions in UTF-16", new BadFile("sessions", Encoding.Unicode.GetBytes(SessionsHeader + "\r\n" + GoodSession2 + "\r\n"), 0, "文字コード", "NUL"));
        yield return ("organizer importing another department's session", new BadFile("sessions",
            Utf8(SessionsHeader, "MTG-004,2024-05-18,1,WEB,電子のみ,15,0,0,", SessionRow(body: "MTG-001")), 3, "body", "自課以外", Roles.MeetingOrganizer, Joho));

        yield return ("unknown category", Bodies(BodyRow(category: "審議会"), "category", "審議会"));
        yield return ("bad code", Bodies(BodyRow(code: "MTG 103"), "code", "英数字"));
        yield return ("duplicate code", Bodies(GoodBody2.Replace("新しい会議", "同じコード"), "code", "重複"));
        yield return ("empty name", Bodies(BodyRow(name: ""), "name", "必須"));
        yield return ("empty department", Bodies(BodyRow(department: ""), "department", "必須"));
        yield return ("negative usual attendees", Bodies(BodyRow(attendees: "-3"), "usual_attendees", "0〜1,000"));
        yield return ("absurd usual attendees", Bodies(BodyRow(attendees: "1001"), "usual_attendees", "0〜1,000"));
        yield return ("absurd sheets per attendee", Bodies(BodyRow(sheets: "20000"), "sheets_per_attendee", "10,000"));
        yield return ("negative sheets per attendee", Bodies(BodyRow(sheets: "-1"), "sheets_per_attendee", "10,000"));
        yield return ("impossible baseline date", Bodies(BodyRow(from: "2024-02-30"), "baseline_from", "日付"));
        yield return ("bodies in Latin-1", new BadFile("bodies", Encoding.Latin1.GetBytes(BodiesHeader + "\r\nMTG-103,Réunion,庁議,Café,1,1,2024-04-01\r\n"), 0, "文字コード", "判別できません"));
        yield return ("organizer importing a body of another department", new BadFile("bodies",
            Utf8(BodiesHeader, "MTG-104,情報化推進会議,その他庁内会議,情報システム課,8,10,2024-04-01", BodyRow()), 3, "department", "自課以外", Roles.MeetingOrganizer, Joho));
        yield return ("organizer taking over another department's body", new BadFile("bodies",
            Utf8(BodiesHeader, "MTG-104,情報化推進会議,その他庁内会議,情報システム課,8,10,2024-04-01", "MTG-001,政策会議,庁議,情報システム課,12,40,2021-04-01"),
            3, "code", "自課以外", Roles.MeetingOrganizer, Joho));
        yield return ("organizer changing a category", new BadFile("bodies",
            Utf8(BodiesHeader, "MTG-104,情報化推進会議,その他庁内会議,情報システム課,8,10,2024-04-01", "MTG-004,ICT推進会議幹事会,庁議,情報システム課,15,20,2021-04-01"),
            3, "category", "計画事務局だけ", Roles.MeetingOrganizer, Joho));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Each_kind_of_bad_row_rejects_the_whole_file_with_line_and_column_and_writes_nothing(Db db)
    {
        using var app = new IntranetApp(db);
        var planOffice = await app.SignedInAsync("PlanOffice");
        await app.ImportSampleBodiesAsync();
        await app.ImportSampleSessionsAsync();
        var before = await app.PaperlessCountsAsync();
        var rowsBefore = await planOffice.PaperlessRowsAsync();

        var files = BadFiles().ToList();
        Assert.Equal(44, files.Count);
        foreach (var (name, file) in files)
        {
            foreach (var dryRun in new[] { true, false })
            {
                var e = await Assert.ThrowsAsync<ImportRejectedException>(() => file.Kind == "sessions"
                    ? app.ImportSessionsAsync(file.Content, "bad.csv", dryRun: dryRun, role: file.Role, department: file.Department)
                    : app.ImportBodiesAsync(file.Content, "bad.csv", dryRun, file.Role, file.Department));
                Assert.True(e.Errors.Count == 1, $"{name}: {e.Errors.Count} errors: {string.Join(" / ", e.Errors)}");
                var error = e.Errors[0];
                Assert.True(file.Line == error.Line, $"{name}: line {error.Line}, expected {file.Line} ({error})");
                Assert.True(file.Column == error.Column, $"{name}: column {error.Column}, expected {file.Column} ({error})");
                Assert.True(error.Message.Contains(file.Message), $"{name}: message '{error.Message}' lacks '{file.Message}'");
                Assert.StartsWith("bad.csv: 1件の誤りがあるため取り込みませんでした。", e.Message);
            }
            Assert.True(before == await app.PaperlessCountsAsync(), $"{name}: something was written ({await app.PaperlessCountsAsync()} vs {before})");
        }
        Assert.Equal(rowsBefore, await planOffice.PaperlessRowsAsync());

        // The organizer's own rows, alone, are accepted and recorded under their name.
        Assert.Equal(new ImportResult(1, 1, 0, 0, "UTF-8", false),
            await app.ImportSessionsAsync(Utf8(SessionsHeader, "MTG-004,2024-05-18,1,WEB,電子のみ,15,0,0,"), role: Roles.MeetingOrganizer, department: Joho));
        Assert.Equal("meetingorganizer@example.jp", await app.PaperlessAsync(d => d.Sessions.Where(s => s.HeldOn == new DateOnly(2024, 5, 18)).Select(s => s.RecordedBy).SingleAsync()));
        Assert.Equal(("100", "", "no_numeric_target"), (await planOffice.PaperlessRowsAsync())[(ManagerRate, 2024)]);
    }

    [Fact]
    public async Task Every_error_of_a_file_is_listed_not_only_the_first()
    {
        using var app = new IntranetApp(Db.Sqlite);
        await app.ImportSampleBodiesAsync();
        var e = await Assert.ThrowsAsync<ImportRejectedException>(() => app.ImportSessionsAsync(Utf8(SessionsHeader,
            GoodSession2,
            SessionRow(body: "MTG-999"),
            GoodSession4,
            SessionRow(date: "2024-05-16", format: "電話", attendees: "-1"))));
        Assert.Equal(["3行目 [body]", "5行目 [format]", "5行目 [attendees]"], e.Errors.Select(x => x.ToString()[..x.ToString().IndexOf(':')]).ToArray());
        Assert.Equal(0, (await app.PaperlessCountsAsync()).Sessions);
    }

    [Fact]
    public async Task A_dry_run_reports_what_it_would_do_and_writes_nothing()
    {
        using var app = new IntranetApp(Db.Sqlite);
        var planOffice = await app.SignedInAsync("PlanOffice");
        var empty = await app.PaperlessCountsAsync();
        Assert.Equal(new ImportResult(6, 6, 0, 0, "UTF-8", true), await app.ImportBodiesAsync(Sample("meeting-bodies.csv"), dryRun: true));
        Assert.Equal(empty, await app.PaperlessCountsAsync());
        await app.ImportSampleBodiesAsync();
        var withBodies = await app.PaperlessCountsAsync();
        Assert.Equal(new ImportResult(118, 118, 0, 0, "UTF-8", true), await app.ImportSessionsAsync(Sample("meeting-sessions.csv"), dryRun: true));
        Assert.Equal(withBodies, await app.PaperlessCountsAsync());
        Assert.Equal("", (await planOffice.PaperlessRowsAsync())[(ExecutiveRate, 2021)].Actual);
    }

    // ---- re-imports and corrections ----------------------------------------------------------------------

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Re_importing_the_same_files_changes_nothing_and_an_edited_file_updates_the_plan(Db db)
    {
        using var app = new IntranetApp(db);
        var planOffice = await app.SignedInAsync("PlanOffice");
        await app.ImportSampleBodiesAsync();
        await app.ImportSampleSessionsAsync();
        var counts = await app.PaperlessCountsAsync();
        var rows = await planOffice.PaperlessRowsAsync();

        Assert.Equal(new ImportResult(118, 0, 0, 118, "UTF-8", false), await app.ImportSampleSessionsAsync());
        Assert.Equal(new ImportResult(6, 0, 0, 6, "UTF-8", false), await app.ImportSampleBodiesAsync());
        Assert.Equal(new ImportResult(118, 0, 0, 118, "UTF-8", true), await app.ImportSessionsAsync(Sample("meeting-sessions.csv"), dryRun: true));
        Assert.Equal(counts, await app.PaperlessCountsAsync());                     // no session, baseline or audit entry more
        Assert.Equal(rows, await planOffice.PaperlessRowsAsync());

        // One session corrected in the file: 政策会議 of 2021-07-08 was a WEB meeting (handouts still printed).
        var lines = SampleLines("meeting-sessions.csv");
        Assert.Single(lines, l => l == "MTG-001,2021-07-08,1,対面,紙,12,480,0,");
        var edited = lines.Select(l => l == "MTG-001,2021-07-08,1,対面,紙,12,480,0," ? "MTG-001,2021-07-08,1,WEB,紙,12,480,0," : l).ToArray();
        Assert.Equal(new ImportResult(118, 0, 1, 117, "UTF-8", false), await app.ImportSessionsAsync(Utf8(edited)));
        var model = Model.FromSamples();
        model.AddSessions([SessionsHeader, "MTG-001,2021-07-08,1,WEB,紙,12,480,0,"]);
        Assert.Equal(80m, model.Rate("庁議", 2021));                       // 32 of 40
        rows = await planOffice.PaperlessRowsAsync();
        Assert.Equal(("80", "88.9", "behind"), rows[(ExecutiveRate, 2021)]);
        Assert.Equal("21900", await app.MeetingSheetsAsync(2021));        // as many sheets printed as before
        Assert.Equal(counts.Sessions, (await app.PaperlessCountsAsync()).Sessions);

        // 部課長会議's baseline lowered from 2022-10-01 (15 → 10 sheets per attendee): only the FY2022 sessions after it change.
        var bodies = SampleLines("meeting-bodies.csv").Select(l => l.StartsWith("MTG-003,") ? "MTG-003,部課長会議,庁議,総合政策課,60,10,2022-10-01" : l).ToArray();
        Assert.Equal(new ImportResult(6, 0, 1, 5, "UTF-8", false), await app.ImportBodiesAsync(Utf8(bodies)));
        model.AddBodies([BodiesHeader, "MTG-003,部課長会議,庁議,総合政策課,60,10,2022-10-01"]);
        Assert.Equal((21900m, 27060m), (model.Sheets(2021), model.Sheets(2022)));   // 2022-10-05 and 2023-01-05: 60 × 5 fewer each
        Assert.Equal(("21900", "27060"), (await app.MeetingSheetsAsync(2021), await app.MeetingSheetsAsync(2022)));
        Assert.Equal(counts.Baselines + 1, (await app.PaperlessCountsAsync()).Baselines);
    }

    private static byte[] SessionsSlice(int from, int to)
    {
        var lines = SampleLines("meeting-sessions.csv");
        return Utf8([lines[0], .. lines[1..][from..to]]);
    }

    /// <summary>
    /// Holds the first <paramref name="parties"/> reads of stored sessions (the importer's look-up of what is already
    /// there) until all of them have arrived, so that the imports below really overlap instead of depending on timing.
    /// </summary>
    private sealed class SessionLookupBarrier(int parties) : DbCommandInterceptor
    {
        private readonly CountdownEvent _arrived = new(parties);
        private int _seen;

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains("Sessions") && command.CommandText.Contains("WHERE") && Interlocked.Increment(ref _seen) <= parties)
            {
                _arrived.Signal();
                await Task.Run(() => _arrived.Wait(TimeSpan.FromSeconds(10)), cancellationToken);
            }
            return result;
        }
    }

    /// <summary>
    /// Two organizers (or an upload and the command line) importing overlapping files at the same time: each import
    /// completes, every session is stored once, and the plan shows the figures of the whole sample — as for RPA runs.
    /// </summary>
    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Concurrent_imports_of_overlapping_session_files_store_each_session_once(Db db)
    {
        var barrier = new SessionLookupBarrier(4);
        using var app = new IntranetApp(db, services => services.ConfigureDbContext<PaperlessDbContext>(o => o.AddInterceptors(barrier)));
        var planOffice = await app.SignedInAsync("PlanOffice");
        await app.ImportSampleBodiesAsync();

        var results = await Task.WhenAll(
            Task.Run(() => app.ImportSessionsAsync(SessionsSlice(0, 80), "a.csv")),
            Task.Run(() => app.ImportSessionsAsync(SessionsSlice(40, 118), "b.csv")),
            Task.Run(() => app.ImportSessionsAsync(SessionsSlice(20, 100), "c.csv")),
            Task.Run(() => app.ImportSessionsAsync(SessionsSlice(0, 118), "d.csv")));

        Assert.Equal(118, results.Sum(r => r.Added));
        Assert.Equal(80 + 78 + 80 + 118, results.Sum(r => r.Added + r.Unchanged));
        Assert.Equal(118, (await app.PaperlessCountsAsync()).Sessions);
        var model = Model.FromSamples();
        var rows = await planOffice.PaperlessRowsAsync();
        foreach (var indicator in Indicators)
            Assert.Equal(Format(model.Expected(indicator, 2022)), rows[(indicator, 2022)].Actual);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task A_stale_expected_version_is_refused_and_changes_nothing(Db db)
    {
        using var app = new IntranetApp(db);
        var planOffice = await app.SignedInAsync("PlanOffice");
        await app.ImportSampleBodiesAsync();
        var on = new DateOnly(2025, 5, 12);
        await app.SendAsAsync(Session("MTG-001", on, MeetingFormat.InPerson, MaterialsDistribution.Paper, 12, 480), Roles.MeetingOrganizer, Seisaku);
        var v1 = await app.SessionVersionAsync("MTG-001", on);
        Assert.Equal("0", (await planOffice.PaperlessRowsAsync())[(ExecutiveRate, 2025)].Actual);

        // Two organizers opened the same session; the first saves.
        await app.SendAsAsync(Session("MTG-001", on, MeetingFormat.InPerson, MaterialsDistribution.DigitalOnly, 12, 0, version: v1), Roles.MeetingOrganizer, Seisaku);
        var v2 = await app.SessionVersionAsync("MTG-001", on);
        Assert.NotEqual(v1, v2);
        Assert.Equal("100", (await planOffice.PaperlessRowsAsync())[(ExecutiveRate, 2025)].Actual);

        // The second, with the version they loaded: refused.
        var stale = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => app.SendAsAsync(
            Session("MTG-001", on, MeetingFormat.InPerson, MaterialsDistribution.Paper, 12, 300, version: v1), Roles.MeetingOrganizer, Seisaku));
        Assert.Contains("先に登録・更新しました", stale.Message);
        // A "new" entry for a day already recorded (no version): refused too, not silently overwritten.
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => app.SendAsAsync(
            Session("MTG-001", on, MeetingFormat.InPerson, MaterialsDistribution.Paper, 12, 300), Roles.MeetingOrganizer, Seisaku));
        // A correction of a session that does not exist: refused.
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => app.SendAsAsync(
            Session("MTG-001", on, MeetingFormat.InPerson, MaterialsDistribution.Paper, 12, 300, sequence: 2, version: v1), Roles.MeetingOrganizer, Seisaku));

        var stored = await app.PaperlessAsync(d => d.Sessions.SingleAsync());
        Assert.Equal((MaterialsDistribution.DigitalOnly, 0, v2), (stored.Materials, stored.SheetsPrinted, stored.Version));
        Assert.Equal("100", (await planOffice.PaperlessRowsAsync())[(ExecutiveRate, 2025)].Actual);

        // Bodies too.
        var bodyVersion = await app.PaperlessAsync(d => d.Bodies.Where(b => b.Code == "MTG-001").Select(b => b.Version).SingleAsync());
        await app.SendAsAsync(new SaveBody("MTG-001", "政策会議", MeetingCategory.Executive, Seisaku, 14, 40, new DateOnly(2021, 4, 1), true, bodyVersion),
            Roles.MeetingOrganizer, Seisaku);
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => app.SendAsAsync(
            new SaveBody("MTG-001", "政策会議", MeetingCategory.Executive, Seisaku, 16, 40, new DateOnly(2021, 4, 1), true, bodyVersion), Roles.MeetingOrganizer, Seisaku));
        Assert.Equal(14, await app.PaperlessAsync(d => d.Bodies.Where(b => b.Code == "MTG-001").Select(b => b.UsualAttendees).SingleAsync()));
    }

    // ---- Shift_JIS through a saved mapping ---------------------------------------------------------------

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task A_shift_jis_calendar_export_is_read_through_a_saved_mapping_with_defaults(Db db)
    {
        using var app = new IntranetApp(db);
        var planOffice = await app.SignedInAsync("PlanOffice");
        await app.ImportSampleBodiesAsync();
        await app.ImportSampleSessionsAsync();
        var calendar = Sample("calendar-export-sjis.csv");
        Assert.Throws<DecoderFallbackException>(() => new UTF8Encoding(false, true).GetString(calendar));   // really Shift_JIS

        // Without a mapping the file is read in the module's own format: its headers are missing.
        var native = await Assert.ThrowsAsync<ImportRejectedException>(() => app.ImportSessionsAsync(calendar, "calendar.csv"));
        Assert.All(native.Errors, x => Assert.Equal(1, x.Line));
        // (only the required columns: sequence, sheets_printed, tablets and note are optional in the standard format)
        Assert.Equal(["body", "held_on", "format", "materials", "attendees"], native.Errors.Select(x => x.Column));

        var unknown = await Assert.ThrowsAsync<ImportRejectedException>(() => app.ImportSessionsAsync(calendar, "calendar.csv", "calendar-manager"));
        Assert.Equal((0, "mapping"), (Assert.Single(unknown.Errors).Line, unknown.Errors[0].Column));
        Assert.Contains("calendar-manager", unknown.Errors[0].Message);

        await app.SaveCalendarMappingAsync("calendar-manager");
        Assert.Equal(new ImportResult(6, 6, 0, 0, "Shift_JIS", false), await app.ImportSessionsAsync(calendar, "calendar.csv", "calendar-manager"));

        var fy2023 = await app.PaperlessAsync(d => d.Sessions.Where(s => s.HeldOn >= new DateOnly(2023, 4, 1)).OrderBy(s => s.HeldOn).ToListAsync());
        var seisaku = await app.PaperlessAsync(d => d.Bodies.Where(b => b.Code == "MTG-001").Select(b => b.Id).SingleAsync());
        Assert.Equal(6, fy2023.Count);
        Assert.All(fy2023, s => Assert.Equal((seisaku, MeetingFormat.Web, MaterialsDistribution.DigitalOnly, 1, 12, 0, false, (string?)null),
            (s.BodyId, s.Format, s.Materials, s.Sequence, s.Attendees, s.SheetsPrinted, s.TabletsUsed, s.Note)));   // 電子のみ from the mapping's defaults
        Assert.Equal([new DateOnly(2023, 4, 7), new DateOnly(2023, 4, 21), new DateOnly(2023, 5, 7), new DateOnly(2023, 5, 21), new DateOnly(2023, 6, 7),
            new DateOnly(2023, 6, 21)], fy2023.Select(s => s.HeldOn));

        var model = Model.FromSamples(withCalendar: true);
        Assert.Equal((100m, 2880m), (model.Rate("庁議", 2023)!.Value, model.Sheets(2023)!.Value));
        var rows = await planOffice.PaperlessRowsAsync();
        Assert.Equal(("100", "100", "achieved"), rows[(ExecutiveRate, 2023)]);
        Assert.Equal(("", "", "not_measured"), rows[(SheetsSaved, 2023)]);             // no office-wide paper use recorded
        Assert.Equal("2880", await app.MeetingSheetsAsync(2023));
        Assert.Equal("", rows[(AssemblyRate, 2023)].Actual);
        Assert.Equal(Format(model.Expected(ExecutiveRate, 2021)), rows[(ExecutiveRate, 2021)].Actual);

        // Again: nothing new.
        Assert.Equal(new ImportResult(6, 0, 0, 6, "Shift_JIS", false), await app.ImportSessionsAsync(calendar, "calendar.csv", "calendar-manager"));

        // A bad row of a mapped file is named by the file's own column header.
        var bad = await Assert.ThrowsAsync<ImportRejectedException>(() => app.ImportSessionsAsync(Sjis(
            "件名,開始日,会議形式,参加人数,印刷枚数", "部長会議,2023/7/14,ハイブリッド,20,0", "政策会議,2023/7/32,WEB,12,0", "部課長会議,2023/7/5,電話会議,60,0"),
            "calendar-july.csv", "calendar-manager"));
        Assert.Equal(["3行目 [開始日]", "4行目 [会議形式]"], bad.Errors.Select(x => x.ToString()[..x.ToString().IndexOf(':')]).ToArray());
        Assert.Equal(118 + 6, (await app.PaperlessCountsAsync()).Sessions);
    }

    // ---- every change reaches the plan ---------------------------------------------------------------------

    [Fact]
    public async Task Moving_a_body_to_another_category_moves_its_sessions_between_the_rates_at_once()
    {
        using var app = new IntranetApp(Db.Sqlite);
        var planOffice = await app.SignedInAsync("PlanOffice");
        await app.ImportSampleBodiesAsync();
        await app.ImportSampleSessionsAsync();
        Assert.Equal("100", (await planOffice.PaperlessRowsAsync())[(ExecutiveRate, 2022)].Actual);

        // An organizer may not change a category…
        var version = await app.PaperlessAsync(d => d.Bodies.Where(b => b.Code == "MTG-004").Select(b => b.Version).SingleAsync());
        var move = new SaveBody("MTG-004", "ICT推進会議幹事会", MeetingCategory.Executive, Joho, 15, 20, new DateOnly(2021, 4, 1), true, version);
        var refused = await Assert.ThrowsAsync<RequestValidationException>(() => app.SendAsAsync(move, Roles.MeetingOrganizer, Joho));
        Assert.Equal(nameof(SaveBody.Category), Assert.Single(refused.Errors).Field);

        // …the plan office may: MTG-004's six FY2022 sessions (2 paperless) join 庁議: 42 of 46.
        await app.SendAsAsync(move, Roles.PlanOffice);
        var model = Model.FromSamples();
        model.Bodies["MTG-004"] = model.Bodies["MTG-004"] with { Category = "庁議" };
        Assert.Equal(91.3m, model.Rate("庁議", 2022));
        Assert.Equal(("91.3", "91.3", "behind"), (await planOffice.PaperlessRowsAsync())[(ExecutiveRate, 2022)]);
    }

    /// <summary>
    /// When a change leaves a category without sessions in a year (here: the only manager-level body is re-categorised),
    /// the rate no longer exists (issue #4: no sessions, no rate), so the plan must not keep showing the old one.
    /// </summary>
    [Fact]
    public async Task A_category_left_without_sessions_no_longer_shows_its_old_rate()
    {
        using var app = new IntranetApp(Db.Sqlite);
        var planOffice = await app.SignedInAsync("PlanOffice");
        await app.ImportSampleBodiesAsync();
        await app.ImportSampleSessionsAsync();
        Assert.Equal("33.3", (await planOffice.PaperlessRowsAsync())[(ManagerRate, 2022)].Actual);

        var version = await app.PaperlessAsync(d => d.Bodies.Where(b => b.Code == "MTG-004").Select(b => b.Version).SingleAsync());
        await app.SendAsAsync(new SaveBody("MTG-004", "ICT推進会議幹事会", MeetingCategory.OtherInternal, Joho, 15, 20, new DateOnly(2021, 4, 1), true, version),
            Roles.PlanOffice);
        var model = Model.FromSamples();
        model.Bodies["MTG-004"] = model.Bodies["MTG-004"] with { Category = "その他庁内会議" };
        Assert.Null(model.Rate("課長級以上出席の会議", 2022));
        Assert.Equal(Format(model.Expected(ExecutiveRate, 2022)), (await planOffice.PaperlessRowsAsync())[(ExecutiveRate, 2022)].Actual);
        Assert.Equal("", (await planOffice.PaperlessRowsAsync())[(ManagerRate, 2022)].Actual);
    }

    [Fact]
    public async Task The_nightly_job_restores_the_fed_actuals()
    {
        using var app = new IntranetApp(Db.Sqlite);
        var planOffice = await app.SignedInAsync("PlanOffice");
        await app.ImportSampleBodiesAsync();
        await app.ImportSampleSessionsAsync();
        var expected = await planOffice.PaperlessRowsAsync();

        var deleted = await app.PlanKpiAsync(d => d.MetricValues.Where(v => v.Key.StartsWith("paperless.")).ExecuteDeleteAsync());
        Assert.Equal(7, deleted);                  // FY2021: 庁議, assembly, tablets; FY2022: the same and manager-level (no paper use: no 紙の削減量)
        Assert.Equal("", (await planOffice.PaperlessRowsAsync())[(ExecutiveRate, 2021)].Actual);

        using (var scope = app.Services.CreateScope())
        {
            var job = new PaperlessRecomputeJob(scope.ServiceProvider.GetRequiredService<PaperlessFeed>(), NullLogger<PaperlessRecomputeJob>.Instance);
            await job.Execute(null!, CancellationToken.None);
        }
        Assert.Equal(expected, await planOffice.PaperlessRowsAsync());
        Assert.Equal(4, (await app.PlanKpiAsync(d => d.MetricValues.Where(v => v.Key.StartsWith("paperless.")).Select(v => v.Key).Distinct().ToListAsync())).Count);   // no paper use: no sheets-saved
    }

    [Fact]
    public async Task The_module_registers_its_five_metrics_and_the_plan_binds_them()
    {
        using var app = new IntranetApp(Db.Sqlite);
        var consumers = await app.AsAsync(null, null, async sp =>
        {
            var mediator = sp.GetRequiredService<MediatR.IMediator>();
            var all = new List<MetricConsumer>();
            foreach (var d in PaperlessFeed.Definitions) all.AddRange(await mediator.Send(new ListMetricConsumers(d.Key)));
            return all;
        });
        Assert.Equal([ExecutiveRate, ManagerRate, AssemblyRate, TabletRate, SheetsSaved], consumers.Select(c => c.IndicatorCode));
        Assert.All(consumers, c => Assert.Equal((Plan, 2021, 2025), (c.PlanCode, c.FirstFiscalYear, c.LastFiscalYear)));
        Assert.Equal([90m, 100m, 100m, 100m, 100m], consumers[0].Targets.OrderBy(t => t.Key).Select(t => t.Value));
        Assert.Empty(consumers[1].Targets);
        Assert.Equal([80m, 90m, 100m, 100m, 100m], consumers[2].Targets.OrderBy(t => t.Key).Select(t => t.Value));
        Assert.Equal([70m, 70m, 80m, 80m, 80m], consumers[3].Targets.OrderBy(t => t.Key).Select(t => t.Value));
        Assert.Equal([(2023, 450000m), (2024, 450000m)], consumers[4].Targets.OrderBy(t => t.Key).Select(t => (t.Key, t.Value)));
    }
}
