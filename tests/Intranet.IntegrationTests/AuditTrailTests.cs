using System.Net;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Intranet.IntegrationTests.Infrastructure;
using Intranet.Modules.Rpa.Domain;
using Intranet.Modules.Rpa.UseCases;
using Intranet.Modules.Telework.Domain;
using Intranet.Modules.Telework.UseCases;
using Intranet.Shared.Auditing;
using Intranet.Shared.Messaging;
using Intranet.Shared.Security;
using Xunit;

namespace Intranet.IntegrationTests;

/// <summary>
/// The audit pages (issue #11): who may read which area (use case, page and download), the filters, sorting and paging
/// in the database on both databases, the xlsx export's content, and telework days keeping their earlier values.
/// </summary>
public sealed class AuditTrailTests
{
    /// <summary>Area → page and the roles that own its data (administrators read all).</summary>
    public static readonly (string Area, string Page, string[] Owners)[] Areas =
    [
        ("rpa", "/rpa/audit", [Roles.RpaTeam]),
        ("paperless", "/paperless/audit", [Roles.MeetingOrganizer]),
        ("telework", "/telework/audit", [Roles.HumanResources]),
        ("plans", "/plans/audit", [Roles.PlanOffice]),
        ("admin", "/admin/audit", []),
    ];

    private static bool MayRead(string role, string[] owners) => role == Roles.Administrator || owners.Contains(role);

    private static string? DepartmentOf(string role) => role is Roles.Department or Roles.MeetingOrganizer ? "情報システム課" : null;

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Each_role_reads_only_the_areas_it_owns_and_administrators_read_all(Db db)
    {
        using var app = new IntranetApp(db);
        foreach (var role in Roles.All)
        {
            foreach (var (area, _, owners) in Areas)
            {
                if (MayRead(role, owners))
                    Assert.NotNull(await app.SendAsAsync(new GetAuditTrail(area, new AuditFilter()), role, DepartmentOf(role)));
                else
                    await Assert.ThrowsAsync<ForbiddenException>(() => app.SendAsAsync(new GetAuditTrail(area, new AuditFilter()), role, DepartmentOf(role)));
            }
            if (role == Roles.Administrator)
                Assert.NotNull(await app.SendAsAsync(new GetAuditTrail(AuditArea.All, new AuditFilter()), role));
            else
                await Assert.ThrowsAsync<ForbiddenException>(() => app.SendAsAsync(new GetAuditTrail(AuditArea.All, new AuditFilter()), role, DepartmentOf(role)));
            var readable = await app.SendAsAsync(new GetAuditAreas(), role, DepartmentOf(role));
            Assert.Equal(Areas.Where(a => MayRead(role, a.Owners)).Select(a => a.Area).Order(), readable.Select(a => a.Key).Order());
        }
        await Assert.ThrowsAsync<NotFoundException>(() => app.SendAsAsync(new GetAuditTrail("nope", new AuditFilter()), Roles.Administrator));
    }

    [Fact]
    public async Task Pages_and_downloads_answer_each_role_and_refuse_the_rest()
    {
        using var app = new IntranetApp(Db.Sqlite);
        foreach (var role in Roles.All)
        {
            var client = await app.SignedInAsync(role, DepartmentOf(role));
            foreach (var (area, page, owners) in Areas)
            {
                var response = await client.GetAsync(page);
                var download = await client.GetAsync($"/audit/{area}.xlsx");
                if (MayRead(role, owners))
                {
                    Assert.True(response.StatusCode == HttpStatusCode.OK, $"{role} {page}: {(int)response.StatusCode}");
                    Assert.True(download.StatusCode == HttpStatusCode.OK, $"{role} {area}.xlsx: {(int)download.StatusCode}");
                }
                else
                {
                    Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{role} {page}: {(int)response.StatusCode}");
                    Assert.StartsWith("/account/access-denied", response.LocationPath());
                    Assert.True(download.StatusCode == HttpStatusCode.Forbidden, $"{role} {area}.xlsx: {(int)download.StatusCode}");
                }
            }
            var all = await client.GetAsync("/audit/all.xlsx");
            Assert.Equal(role == Roles.Administrator ? HttpStatusCode.OK : HttpStatusCode.Forbidden, all.StatusCode);
        }
        Assert.Equal(HttpStatusCode.Redirect, (await app.NewClient().GetAsync("/audit/rpa.xlsx")).StatusCode);
    }

    private static async Task<string> RegisterAsync(IntranetApp app, string title, string email) =>
        await app.SendAsAsync(new RegisterCase(title, "転記", "市民課", RpaTool.UiPath, null, null, null, null, new DateOnly(2026, 4, 1)),
            Roles.RpaTeam, email: email);

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Filters_sorting_and_paging_run_on_the_audit_table(Db db)
    {
        using var app = new IntranetApp(db);
        app.Clock.Now = new DateTimeOffset(2026, 11, 1, 1, 0, 0, TimeSpan.Zero);          // 2026-11-01 10:00 JST
        var first = await RegisterAsync(app, "窓口受付の転記", "a@example.jp");
        app.Clock.Now = new DateTimeOffset(2026, 11, 10, 14, 30, 0, TimeSpan.Zero);       // 2026-11-10 23:30 JST
        var second = await RegisterAsync(app, "補助金の審査", "b@example.jp");
        app.Clock.Now = new DateTimeOffset(2026, 11, 10, 15, 30, 0, TimeSpan.Zero);       // 2026-11-11 00:30 JST
        var third = await RegisterAsync(app, "名簿の更新", "b@example.jp");

        async Task<AuditTrailPage> Query(AuditFilter f, string role = Roles.RpaTeam) => await app.SendAsAsync(new GetAuditTrail("rpa", f), role);

        var all = await Query(new AuditFilter(EntityType: nameof(AutomationCase)));
        Assert.Equal(3, all.Total);
        Assert.Equal(["名簿の更新", "補助金の審査", "窓口受付の転記"], all.Rows.Select(r => r.Changes.Single(c => c.Field == "Title").After));   // newest first
        var row = all.Rows[0];
        Assert.Equal("追加", row.ActionLabel);
        Assert.Equal("RPA適用業務", row.EntityLabel);
        Assert.Equal($"{third} 名簿の更新", row.Record);
        Assert.Equal("b@example.jp", row.User);
        Assert.Contains(row.Changes, c => c.Label == "業務名" && c.Before is null && c.After == "名簿の更新");
        Assert.Contains(row.Changes, c => c.Label == "ツール" && c.After == "UiPath");
        Assert.DoesNotContain(row.Changes, c => c.Field == "Id");        // unlabelled fields: administrators only
        Assert.False(all.AdministratorView);
        var admin = await Query(new AuditFilter(EntityType: nameof(AutomationCase)), Roles.Administrator);
        Assert.Contains(admin.Rows[0].Changes, c => c.Field == "Id" && c.Label == "Id");

        // Date range in Japan time: 2026-11-10 holds the 23:30 entry only; 2026-11-11 the 00:30 one.
        var tenth = await Query(new AuditFilter(new DateOnly(2026, 11, 10), new DateOnly(2026, 11, 10), EntityType: nameof(AutomationCase)));
        Assert.Equal([$"{second} 補助金の審査"], tenth.Rows.Select(r => r.Record));
        var from11 = await Query(new AuditFilter(From: new DateOnly(2026, 11, 11), EntityType: nameof(AutomationCase)));
        Assert.Equal([$"{third} 名簿の更新"], from11.Rows.Select(r => r.Record));

        // User, record search, sort and paging.
        Assert.Equal(2, (await Query(new AuditFilter(User: "b@example.jp", EntityType: nameof(AutomationCase)))).Total);
        var search = await Query(new AuditFilter(Search: first));
        Assert.True(search.Total >= 1);
        Assert.All(search.Rows, r => Assert.Equal(first, r.Changes.FirstOrDefault(c => c.Field == "Code")?.After ?? first));
        var byUser = await Query(new AuditFilter(EntityType: nameof(AutomationCase), Sort: "user", Ascending: true));
        Assert.Equal(["a@example.jp", "b@example.jp", "b@example.jp"], byUser.Rows.Select(r => r.User));
        var page2 = await Query(new AuditFilter(EntityType: nameof(AutomationCase), Skip: 1, Take: 1));
        Assert.Equal(3, page2.Total);
        Assert.Equal([$"{second} 補助金の審査"], page2.Rows.Select(r => r.Record));
        Assert.Contains(("AutomationCase", "RPA適用業務"), all.EntityTypes);
        Assert.Contains("a@example.jp", all.Users);

        // The overview merges every area, newest first.
        var overview = await Query(new AuditFilter(Take: 5), Roles.Administrator);
        Assert.True(overview.Total >= 3);
        Assert.Equal(overview.Rows.Select(r => r.At).OrderDescending(), overview.Rows.Select(r => r.At));
        var overviewAll = await app.SendAsAsync(new GetAuditTrail(AuditArea.All, new AuditFilter(Take: 200)), Roles.Administrator);
        Assert.Contains(overviewAll.Rows, r => r.Area == "RPA台帳");
        Assert.Contains(overviewAll.Rows, r => r.Area == "利用者管理");    // the first administrator's creation
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task The_export_holds_the_filtered_entries_one_row_per_changed_field(Db db)
    {
        using var app = new IntranetApp(db);
        var code = await RegisterAsync(app, "=HYPERLINK(\"http://x\")", "a@example.jp");
        await RegisterAsync(app, "補助金の審査", "b@example.jp");
        var file = await app.SendAsAsync(new ExportAuditTrail("rpa", new AuditFilter(User: "a@example.jp", EntityType: nameof(AutomationCase))), Roles.RpaTeam);
        Assert.StartsWith("audit-rpa-", file.FileName);
        var rows = ReadXlsx(file.Content);
        Assert.Equal(["日時", "利用者", "操作", "対象", "記録", "項目", "変更前", "変更後"], rows[0]);
        var data = rows.Skip(1).ToList();
        Assert.NotEmpty(data);
        Assert.All(data, r => Assert.Equal("a@example.jp", r[1]));
        Assert.All(data, r => Assert.Equal("追加", r[2]));
        Assert.Contains(data, r => r[5] == "業務名" && r[7] == "=HYPERLINK(\"http://x\")");   // text, not a formula
        Assert.Contains(data, r => r[5] == "コード" && r[7] == code);
        Assert.DoesNotContain(data, r => r[1] == "b@example.jp");
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task A_re_recorded_telework_day_keeps_its_earlier_value_from_the_form_and_from_an_import(Db db)
    {
        using var app = new IntranetApp(db);
        await app.ImportStaffAsync(TeleworkTest.Utf8(TeleworkTest.StaffHeader, TeleworkTest.StaffLine("H90001", "監査 太郎", "企画課")));
        var day = new DateOnly(2025, 6, 2);
        await app.TeleworkSendAsync(new RecordTeleworkDay("H90001", day, TeleworkType.Home, 1, false));
        app.Clock.Now = app.Clock.Now.AddMinutes(1);
        await app.TeleworkSendAsync(new RecordTeleworkDay("H90001", day, TeleworkType.Home, 1, false));          // same values: no entry
        app.Clock.Now = app.Clock.Now.AddMinutes(1);
        await app.TeleworkSendAsync(new RecordTeleworkDay("H90001", day, TeleworkType.Satellite, 0.5m, false));
        app.Clock.Now = app.Clock.Now.AddMinutes(1);
        var import = await app.ImportDaysAsync(TeleworkTest.Utf8(TeleworkTest.DaysHeader, TeleworkTest.DayLine("H90001", "2025-06-02", "モバイル", fraction: "1")));
        Assert.Equal(1, import.Updated);

        var trail = await app.SendAsAsync(new GetAuditTrail("telework", new AuditFilter(EntityType: nameof(TeleworkDay), Sort: "at", Ascending: true)),
            Roles.HumanResources);
        Assert.Equal(["追加", "変更", "変更"], trail.Rows.Select(r => r.ActionLabel));
        Assert.All(trail.Rows, r => Assert.Equal("H90001 監査 太郎 2025/06/02", r.Record));
        var form = trail.Rows[1].Changes;
        Assert.Contains(form, c => c.Label == "勤務形態" && c.Before == "在宅" && c.After == "サテライト");
        Assert.Contains(form, c => c.Label == "日数" && c.Before == "1" && c.After == "0.5");
        var imported = trail.Rows[2].Changes;
        Assert.Contains(imported, c => c.Label == "勤務形態" && c.Before == "サテライト" && c.After == "モバイル");
        Assert.Contains(imported, c => c.Label == "日数" && c.Before == "0.5" && c.After == "1");
        Assert.Equal(TeleworkType.Mobile, (await app.DayAsync("H90001", day))!.Type);
    }

    /// <summary>The first sheet's cells as text (inline or shared strings, numbers as written).</summary>
    internal static List<List<string>> ReadXlsx(byte[] content)
    {
        using var doc = SpreadsheetDocument.Open(new MemoryStream(content), false);
        var sheet = doc.WorkbookPart!.WorksheetParts.First().Worksheet;
        Assert.Empty(sheet.Descendants<CellFormula>());
        return sheet.Descendants<Row>().Select(r => r.Elements<Cell>().Select(c => c.InlineString?.InnerText ?? c.CellValue?.Text ?? "").ToList()).ToList();
    }
}
