using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Intranet.IntegrationTests.Infrastructure;
using Intranet.Modules.Telework.Domain;
using Intranet.Modules.Telework.UseCases;
using Intranet.Shared.Messaging;
using Intranet.Shared.Security;
using static Intranet.IntegrationTests.TeleworkTest;

namespace Intranet.IntegrationTests;

/// <summary>
/// Issue #5 privacy: individual records (the roster, a person's assignments and days, the rules, the imports) are for
/// HumanResources only — by page, by URL, by use case (what the interactive pages run; see TeleworkUseCaseTests), by command or by export. Everyone else sees aggregates,
/// with groups smaller than the minimum (default 5) shown as 「—」.
/// </summary>
public sealed partial class TeleworkPrivacyTests
{
    /// <summary>Every suite role but HumanResources.</summary>
    public static TheoryData<string> NonHrRoles => new(Roles.All.Where(r => r != Roles.HumanResources));

    /// <summary>Pages showing individual records or changing them.</summary>
    private static readonly string[] IndividualPages =
    [
        "/telework/staff", "/telework/staff?missing=true", "/telework/staff?q=H10001", "/telework/staff?sort=name&desc=true",
        "/telework/staff/H10001", "/telework/staff/H10001?saved=true", "/telework/staff/H99999", "/telework/rules", "/telework/rules?saved=true",
        "/telework/import",
    ];

    [GeneratedRegex(@"H1\d{4}")]
    private static partial Regex EmployeeNumber();

    private static void AssertNoIndividual(string text, IReadOnlyList<string> names, string where)
    {
        Assert.True(!EmployeeNumber().IsMatch(text), $"{where} shows an employee number: {EmployeeNumber().Match(text).Value}");
        var shown = names.FirstOrDefault(text.Contains);
        Assert.True(shown is null, $"{where} shows the name {shown}");
    }

    /// <summary>Every text part of an .xlsx (the sheet XML with its inline strings, shared strings if any).</summary>
    private static string XlsxText(byte[] xlsx)
    {
        using var zip = new ZipArchive(new MemoryStream(xlsx));
        var text = new StringBuilder();
        foreach (var entry in zip.Entries.Where(e => e.FullName.EndsWith(".xml", StringComparison.Ordinal)))
        {
            using var reader = new StreamReader(entry.Open(), Encoding.UTF8);
            text.Append(reader.ReadToEnd());
        }
        return text.ToString();
    }

    [Theory]
    [MemberData(nameof(NonHrRoles))]
    public async Task A_non_HR_user_never_reaches_an_individual_record(string role)
    {
        using var app = new IntranetApp(Db.Sqlite);
        await app.ImportSampleStaffAsync();
        await app.ImportSampleDaysAsync();
        var names = SampleLines("staff.csv").Skip(1).Select(l => l.Split(',')[1]).Distinct().ToList();
        Assert.Equal(1000, SampleLines("staff.csv").Length - 1);
        // Even a department user (or meeting organizer) of 人事課 is not HR: the role decides.
        var user = await app.SignedInAsync(role, role is Roles.Department or Roles.MeetingOrganizer ? "人事課" : null);
        var before = await app.TeleworkCountsAsync();

        foreach (var url in IndividualPages)
        {
            var response = await user.GetAsync(url);
            Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{role} {url}: {(int)response.StatusCode}");
            Assert.StartsWith("/account/access-denied", response.LocationPath());
        }

        // The aggregates: figures, no person (an outside reviewer sees none of the city's data, not even these).
        var index = await user.GetAsync("/telework?fy=2024");
        if (role == Roles.Reviewer)
        {
            Assert.StartsWith("/account/access-denied", index.LocationPath());
            return;
        }
        Assert.Equal(HttpStatusCode.OK, index.StatusCode);
        var html = await index.Content.ReadAsStringAsync();
        Assert.Contains("テレワーク勤務の状況", html);
        Assert.Contains("data-figure=\"rate\">19.0%", html);
        Assert.Contains("data-figure=\"headcount\">774人", html);
        AssertNoIndividual(html, names, $"/telework for {role}");
        Assert.DoesNotContain("href=\"/telework/staff", html);     // no link in the navigation or the page
        Assert.DoesNotContain("href=\"/telework/import", html);
        Assert.DoesNotContain("telework/staff", html);
        Assert.DoesNotContain("職員名簿", html);

        var csv = await user.SummaryCsvAsync();
        Assert.StartsWith("年度,所属,対象職員数,実施者数,実施率(%),1人あたり日数,管理職トライアル実施者", csv);
        AssertNoIndividual(csv, names, $"summary.csv for {role}");
        var xlsx = await user.GetAsync("/telework/export/summary.xlsx");
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        var xlsxText = XlsxText(await xlsx.Content.ReadAsByteArrayAsync());
        Assert.Contains("全体", xlsxText);
        AssertNoIndividual(xlsxText, names, $"summary.xlsx for {role}");

        // The pages are interactive: what they do runs as use cases, which refuse the role before any handler runs
        // (every individual-record use case: TeleworkUseCaseTests.Only_human_resources_may_run_the_individual_record_use_cases).
        // The commands themselves refuse the role (a page or a module that forgot the policy could not use them).
        var version = (await app.StaffAsync("H10001")).Version;
        await Assert.ThrowsAsync<ForbiddenException>(() => app.TeleworkSendAsync(new RecordTeleworkDay("H10001", new DateOnly(2025, 6, 2), TeleworkType.Home, 1, false), role));
        await Assert.ThrowsAsync<ForbiddenException>(() => app.TeleworkSendAsync(new EndDateStaff("H10001", new DateOnly(2025, 6, 2), version), role));
        await Assert.ThrowsAsync<ForbiddenException>(() => app.TeleworkSendAsync(new SaveEligibilityRule(EligibilityField.Department, "企画課", "不正", null), role));
        await Assert.ThrowsAsync<ForbiddenException>(() => app.TeleworkSendAsync(new SaveTeleworkSettings("10-01", 1), role));

        Assert.Equal(before, await app.TeleworkCountsAsync());
        Assert.Null((await app.StaffAsync("H10001")).ActiveTo);
    }

    [Fact]
    public async Task Human_resources_opens_the_individual_records_and_imports_through_the_page()
    {
        using var app = new IntranetApp(Db.Sqlite);
        await app.ImportSampleStaffAsync();
        await app.ImportSampleDaysAsync();
        var hr = await app.SignedInAsync(Roles.HumanResources, "人事課");

        var list = await hr.GetStringAsync("/telework/staff");
        Assert.Contains("職員名簿 (人事担当のみ)", list);
        Assert.Contains("H10001", list);
        Assert.Contains("木村 太郎", list);
        Assert.Contains("href=\"/imports/telework-days\"", list);
        var person = await hr.GetStringAsync("/telework/staff/H10002");
        Assert.Contains("H10002 渡辺 花子", person);
        Assert.Contains("テレワーク勤務日 (", person);
        Assert.Contains("2022/12/20", person);                         // one of the person's days
        var rules = await hr.GetStringAsync("/telework/rules");
        Assert.Contains("こども園に勤務する職員はテレワークの対象外", rules);
        Assert.Contains("消防署", rules);
        var import = await hr.GetAsync("/telework/import");   // the old upload page's address leads to the shared import page
        Assert.Equal(HttpStatusCode.Redirect, import.StatusCode);
        Assert.Equal("/imports/telework-days", import.LocationPath());
        Assert.Equal(HttpStatusCode.NotFound, (await hr.GetAsync("/telework/staff/H99999")).StatusCode);

        // Uploads run as use cases from the interactive page: TeleworkUseCaseTests.Hr_uploads_days_checked_first_then_imported_in_the_background.
    }

    [Fact]
    public async Task Anonymous_visitors_are_sent_to_the_login_page()
    {
        using var app = new IntranetApp(Db.Sqlite);
        var anonymous = app.NewClient();
        foreach (var url in new[] { "/telework", "/telework/staff", "/telework/staff/H10001", "/telework/import", "/telework/export/summary.csv" })
        {
            var response = await anonymous.GetAsync(url);
            Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{url}: {(int)response.StatusCode}");
            Assert.StartsWith("/account/login", response.LocationPath());
        }
    }

    /// <summary>
    /// SmallRoster plus FY2025 days: 人事課 (3 people, below the minimum of 5) J001 and J002; 企画課 P001–P003 (P001 a manager,
    /// in the 管理職トライアル); 総務課 S001–S004. Whole city: 9 of 24.
    /// </summary>
    private static async Task<IntranetApp> SmallDepartmentAppAsync()
    {
        var app = new IntranetApp(Db.Sqlite);
        await app.ImportStaffAsync(Utf8(TeleworkTests.SmallRoster()));
        await app.ImportDaysAsync(Utf8(DaysHeader,
            DayLine("J001", "2025-05-12"), DayLine("J002", "2025-05-13"),
            DayLine("P001", "2025-05-12", trial: "1"), DayLine("P002", "2025-05-12"), DayLine("P003", "2025-05-12"),
            DayLine("S001", "2025-05-14"), DayLine("S002", "2025-05-14"), DayLine("S003", "2025-05-14"), DayLine("S004", "2025-05-15")));
        return app;
    }

    [Fact]
    public async Task Small_groups_are_suppressed_on_the_page_and_in_the_summary_export()
    {
        using var app = await SmallDepartmentAppAsync();
        var viewer = await app.SignedInAsync("Viewer");
        var names = TeleworkTests.SmallRoster().Skip(1).Select(l => l.Split(',')[1]).ToList();

        var csv = await viewer.SummaryCsvAsync();
        AssertNoIndividual(csv, names, "summary.csv");
        Assert.DoesNotMatch(@"[PSJKLN]\d{3}", csv);
        var rows = SummaryRows(csv);
        var city = rows.Summary(2025);
        Assert.Equal(("24", "9", "37.5", "—"), (city["対象職員数"], city["実施者数"], city["実施率(%)"], city["管理職トライアル実施者"]));
        Assert.Equal(1m, decimal.Parse(city["1人あたり日数"], System.Globalization.CultureInfo.InvariantCulture));
        var hrDept = rows.Summary(2025, "人事課");
        Assert.Equal(("—", "—", "—"), (hrDept["対象職員数"], hrDept["実施者数"], hrDept["実施率(%)"]));
        var planning = rows.Summary(2025, "企画課");   // hidden too (secondary suppression), so 人事課 cannot be derived
        Assert.Equal(("—", "—", "—"), (planning["対象職員数"], planning["実施者数"], planning["実施率(%)"]));
        var general = rows.Summary(2025, "総務課");
        // S001–S010 and L001: 11 shown; its 4 participants are a small group (issue #9), so they and the rate are 「—」.
        Assert.Equal(("11", "—", "—"), (general["対象職員数"], general["実施者数"], general["実施率(%)"]));
        Assert.DoesNotContain(rows, r => r["所属"] == "保育こども園課");

        var html = await viewer.GetStringAsync("/telework?fy=2025");
        AssertNoIndividual(html, names, "/telework");
        Assert.Contains("data-figure=\"rate\">37.5%", html);
        Assert.Contains("data-figure=\"headcount\">24人", html);
        Assert.Contains("data-figure=\"participants\">9人", html);
        Assert.Contains("<tr><td>人事課</td><td class=\"num\">—</td><td class=\"num\">—</td><td class=\"num\">—</td></tr>", html);
        Assert.Contains("<tr><td>企画課</td><td class=\"num\">—</td><td class=\"num\">—</td><td class=\"num\">—</td></tr>", html);   // secondary suppression
        Assert.Contains("管理職トライアル<div class=\"count\">—</div>", html);   // one manager
        // Months: May 9 people (shown), the others none (0).
        Assert.Contains("<th scope=\"row\">実施者</th><td class=\"num\">0</td><td class=\"num\">9</td><td class=\"num\">0</td>", html);

        Assert.Contains("<tr><td>総務課</td><td class=\"num\">11</td><td class=\"num\">—</td><td class=\"num\">—</td></tr>", html);

        // A minimum group of 3 (HR's setting) shows 人事課's headcount; its 2 participants stay hidden, and so do 企画課's 3
        // (the smallest shown count), else 9 − 3 − 4 would give 人事課's two. 総務課's 4 are shown.
        await app.TeleworkSendAsync(new SaveTeleworkSettings("04-01", 3));
        var three = SummaryRows(await viewer.SummaryCsvAsync());
        Assert.Equal(("3", "—", "—"), (three.Summary(2025, "人事課")["対象職員数"], three.Summary(2025, "人事課")["実施者数"], three.Summary(2025, "人事課")["実施率(%)"]));
        Assert.Equal(("10", "—", "—"), (three.Summary(2025, "企画課")["対象職員数"], three.Summary(2025, "企画課")["実施者数"], three.Summary(2025, "企画課")["実施率(%)"]));
        Assert.Equal(("11", "4", "36.4"), (three.Summary(2025, "総務課")["対象職員数"], three.Summary(2025, "総務課")["実施者数"], three.Summary(2025, "総務課")["実施率(%)"]));
    }

    [Fact]
    public async Task A_month_with_fewer_participants_than_the_minimum_is_shown_as_a_dash()
    {
        using var app = await SmallDepartmentAppAsync();
        await app.ImportDaysAsync(Utf8(DaysHeader, DayLine("P005", "2025-07-01"), DayLine("P006", "2025-07-02")));
        var viewer = await app.SignedInAsync("Viewer");
        var html = await viewer.GetStringAsync("/telework?fy=2025");
        // April 0, May 9, June 0, July 2 → 「—」.
        Assert.Contains("<th scope=\"row\">実施者</th><td class=\"num\">0</td><td class=\"num\">9</td><td class=\"num\">0</td><td class=\"num\">—</td>", html);
        Assert.Contains("<th scope=\"row\">割合</th><td class=\"num\">0.0%</td><td class=\"num\">37.5%</td><td class=\"num\">0.0%</td><td class=\"num\">—</td>", html);
        Assert.Contains("data-figure=\"participants\">11人", html);
    }

    /// <summary>
    /// Issue #5: small groups are shown as 「—」 "so no person can be singled out". With a single suppressed department, the
    /// export's whole-city row minus the departments it does show gives that department's headcount and participants
    /// exactly (here 人事課: 3 staff, 2 of whom teleworked) — the suppression hides nothing.
    /// </summary>
    [Fact]
    public async Task A_suppressed_department_cannot_be_recovered_by_subtraction_from_the_summary()
    {
        using var app = await SmallDepartmentAppAsync();
        var viewer = await app.SignedInAsync("Viewer");
        var rows = SummaryRows(await viewer.SummaryCsvAsync()).Where(r => r["年度"] == "2025").ToList();
        var city = rows.Single(r => r["所属"] == "全体");
        var shown = rows.Where(r => r["所属"] != "全体" && r["対象職員数"] != "—").ToList();
        Assert.Equal(["人事課", "企画課"], rows.Where(r => r["所属"] != "全体" && r["対象職員数"] == "—").Select(r => r["所属"]));
        var recovered = (int.Parse(city["対象職員数"]) - shown.Sum(r => int.Parse(r["対象職員数"])),
            int.Parse(city["実施者数"]) - shown.Where(r => r["実施者数"] != "—").Sum(r => int.Parse(r["実施者数"])));
        Assert.True(recovered != (3, 2), $"人事課 (suppressed) recovered from the export by subtraction: {recovered.Item1} staff, {recovered.Item2} participants");
    }
}
