using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Intranet.IntegrationTests.Infrastructure;
using Intranet.Modules.Telework.Data;
using Intranet.Modules.Telework.Domain;
using Intranet.Modules.Telework.Import;
using Intranet.Shared.Import;
using Intranet.Shared.Security;
using MediatR;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Intranet.IntegrationTests;

/// <summary>
/// Helpers for the telework module's host tests: the module's sample files, imports and commands run in a service
/// scope of the real host (as the system, like the command line, or as a signed-in user of a role), the plan's
/// 2-3-(1)-1 actual and the module's summary download, and an independent model of the rules of issue #5 computed
/// from the CSV text.
/// </summary>
internal static class TeleworkTest
{
    public const string Plan = "hadano-ict-2021";
    public const string Indicator = "2-3-(1)-1";     // テレワーク勤務を行った職員の割合, telework.participation-rate, 25% in FY2025
    public const string AttendanceMapping = "attendance-sample";
    public static readonly int[] PlanYears = [2021, 2022, 2023, 2024, 2025];

    public const string StaffHeader = "employee_number,name,department,workplace,workplace_type,employment_category,active_from,manager,active_to,effective_from";
    public const string DaysHeader = "employee_number,date,type,hours,day_fraction,manager_trial";

    public static readonly Encoding ShiftJis;

    static TeleworkTest()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        ShiftJis = Encoding.GetEncoding(932);
    }

    // ---- sample files --------------------------------------------------------------------------------

    public static string SamplePath(string name) =>
        Path.Combine(RpaTest.RepoRoot(), "Modules", "Telework", "Intranet.Modules.Telework", "SampleData", name);

    public static byte[] Sample(string name) => File.ReadAllBytes(SamplePath(name));

    /// <summary>Lines of a sample (UTF-8, or Shift_JIS for the attendance export) without the trailing empty line.</summary>
    public static string[] SampleLines(string name)
    {
        var bytes = Sample(name);
        var text = name.Contains("sjis") ? ShiftJis.GetString(bytes) : Encoding.UTF8.GetString(bytes);
        return text.TrimStart('\uFEFF').Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
    }

    public static byte[] Utf8(params string[] lines) => Encoding.UTF8.GetBytes(string.Join("\r\n", lines) + "\r\n");

    public static byte[] Sjis(params string[] lines) => ShiftJis.GetBytes(string.Join("\r\n", lines) + "\r\n");

    /// <summary>A roster line in the module's format.</summary>
    public static string StaffLine(string number, string name, string department, string workplace = "本庁舎", string type = "本庁",
        string category = "正規", string activeFrom = "2020-04-01", string manager = "0", string activeTo = "", string effectiveFrom = "") =>
        $"{number},{name},{department},{workplace},{type},{category},{activeFrom},{manager},{activeTo},{effectiveFrom}";

    /// <summary>A telework-day line in the module's format.</summary>
    public static string DayLine(string number, string date, string type = "在宅", string hours = "", string fraction = "1", string trial = "0") =>
        $"{number},{date},{type},{hours},{fraction},{trial}";

    // ---- the host's services -------------------------------------------------------------------------

    /// <summary>
    /// Runs <paramref name="act"/> in a new scope as a signed-in user of <paramref name="role"/> (as a Razor page's request
    /// would), or as the system (the command line) when <paramref name="role"/> is null.
    /// </summary>
    public static async Task<T> TeleworkAsAsync<T>(this IntranetApp app, string? role, Func<IServiceProvider, Task<T>> act, string? department = null)
    {
        using var scope = app.Services.CreateScope();
        if (role is not null)
        {
            var claims = new List<Claim> { new(ClaimTypes.Name, $"{role.ToLowerInvariant()}@example.jp"), new(ClaimTypes.Role, role) };
            if (department is not null) claims.Add(new Claim(IntranetClaimTypes.Department, department));
            scope.ServiceProvider.GetRequiredService<IHttpContextAccessor>().HttpContext = new DefaultHttpContext
            {
                User = new ClaimsPrincipal(new ClaimsIdentity(claims, "test")),
                RequestServices = scope.ServiceProvider,
            };
        }
        return await act(scope.ServiceProvider);
    }

    public static Task<T> TeleworkSendAsync<T>(this IntranetApp app, IRequest<T> request, string? role = Roles.HumanResources) =>
        app.TeleworkAsAsync(role, sp => sp.GetRequiredService<IMediator>().Send(request));

    public static Task<ImportResult> ImportStaffAsync(this IntranetApp app, byte[] content, string fileName = "staff.csv", bool dryRun = false) =>
        app.ImportAsync(TeleworkImports.Staff, content, fileName, null, dryRun);

    public static Task<ImportResult> ImportDaysAsync(this IntranetApp app, byte[] content, string fileName = "days.csv", string? mapping = null,
        bool dryRun = false) =>
        app.ImportAsync(TeleworkImports.Days, content, fileName, mapping, dryRun);

    public static Task<ImportResult> ImportSampleStaffAsync(this IntranetApp app) => app.ImportStaffAsync(Sample("staff.csv"), "staff.csv");

    public static Task<ImportResult> ImportSampleDaysAsync(this IntranetApp app) => app.ImportDaysAsync(Sample("telework-days.csv"), "telework-days.csv");

    public static async Task<T> TeleworkAsync<T>(this IntranetApp app, Func<TeleworkDbContext, Task<T>> read)
    {
        using var scope = app.Services.CreateScope();
        return await read(scope.ServiceProvider.GetRequiredService<TeleworkDbContext>());
    }

    /// <summary>Saves the attendance export's mapping (columns: field → header; defaults: field → fixed value), as <c>TeleworkDemoSeeder</c> does.</summary>
    public static async Task<int> SaveAttendanceMappingAsync(this IntranetApp app, string name = AttendanceMapping,
        Dictionary<string, string>? columns = null, Dictionary<string, string>? defaults = null)
    {
        columns ??= new Dictionary<string, string> { ["employee_number"] = "職員番号", ["date"] = "勤務日", ["type"] = "勤務形態", ["hours"] = "テレワーク時間" };
        var fields = columns.Keys.Union(defaults?.Keys.ToList() ?? []).ToDictionary(f => f, f => new FieldMapping
        {
            Column = columns.GetValueOrDefault(f), Fixed = defaults?.GetValueOrDefault(f),
        });
        await app.SaveMappingAsync(new ImportMapping { Kind = TeleworkImports.Days, Name = name, Fields = fields });
        return 1;
    }

    public record Counts(int Staff, int Assignments, int Days, int Missing, int Mappings, int Rules, int Settings, int Audits);

    /// <summary>Counts of the module's tables; <c>Mappings</c>: saved mappings of the telework import kinds.</summary>
    public static async Task<Counts> TeleworkCountsAsync(this IntranetApp app)
    {
        int mappings;
        using (var scope = app.Services.CreateScope())
            mappings = await scope.ServiceProvider.GetRequiredService<Intranet.Shared.Import.Data.ImportDbContext>().Mappings
                .CountAsync(m => m.Kind == TeleworkImports.Staff || m.Kind == TeleworkImports.Days);
        return await app.TeleworkAsync(async d => new Counts(
        await d.Staff.CountAsync(), await d.Assignments.CountAsync(), await d.Days.CountAsync(), await d.Staff.CountAsync(s => s.MissingFromLastImport),
        mappings, await d.Rules.CountAsync(), await d.Settings.CountAsync(), await d.AuditEntries.CountAsync()));
    }

    public static Task<StaffMember> StaffAsync(this IntranetApp app, string number) =>
        app.TeleworkAsync(d => d.Staff.AsNoTracking().Include(s => s.Assignments).SingleAsync(s => s.EmployeeNumber == number));

    public static Task<TeleworkDay?> DayAsync(this IntranetApp app, string number, DateOnly date) => app.TeleworkAsync(async d =>
    {
        var id = await d.Staff.Where(s => s.EmployeeNumber == number).Select(s => s.Id).SingleAsync();
        return await d.Days.AsNoTracking().SingleOrDefaultAsync(x => x.StaffId == id && x.Date == date);
    });

    // ---- the plan and the module's downloads ---------------------------------------------------------

    /// <summary>The 2-3-(1)-1 row of a fiscal year in the plan's KPI export.</summary>
    public static async Task<Dictionary<string, string>> IndicatorRowAsync(this HttpClient client, int year) =>
        (await client.ExportRowsAsync(Plan)).Row(Indicator, year);

    /// <summary>The 2-3-(1)-1 actual of a fiscal year (null when empty).</summary>
    public static async Task<decimal?> TeleworkActualAsync(this HttpClient client, int year) => ParseNullable((await client.IndicatorRowAsync(year))["actual_value"]);

    /// <summary>The actuals of FY2021–FY2025.</summary>
    public static async Task<decimal?[]> TeleworkActualsAsync(this HttpClient client)
    {
        var rows = await client.ExportRowsAsync(Plan);
        return PlanYears.Select(y => ParseNullable(rows.Row(Indicator, y)["actual_value"])).ToArray();
    }

    public static decimal? ParseNullable(string s) => s.Length == 0 ? null : decimal.Parse(s, CultureInfo.InvariantCulture);

    /// <summary>/telework/export/summary.csv as text (BOM removed).</summary>
    public static async Task<string> SummaryCsvAsync(this HttpClient client)
    {
        var response = await client.GetAsync("/telework/export/summary.csv");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync()).TrimStart('\uFEFF');
    }

    /// <summary>Rows of the summary download: 年度, 所属, 対象職員数, 実施者数, 実施率(%), 1人あたり日数, 管理職トライアル実施者.</summary>
    public static List<Dictionary<string, string>> SummaryRows(string csv)
    {
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        var header = AppData.ParseLine(lines[0]);
        return lines.Skip(1).Select(l => header.Zip(AppData.ParseLine(l)).ToDictionary(p => p.First, p => p.Second)).ToList();
    }

    public static Dictionary<string, string> Summary(this List<Dictionary<string, string>> rows, int year, string department = "全体") =>
        rows.Single(r => r["年度"] == year.ToString(CultureInfo.InvariantCulture) && r["所属"] == department);

    // ---- the expected figures, computed here from the CSV text and the rules of issue #5 -------------

    public sealed record Assignment(DateOnly From, string Department, string WorkplaceType, string Category, bool Manager);

    public sealed class Person
    {
        public required string Number { get; init; }
        public required string Name { get; init; }
        public DateOnly ActiveFrom { get; set; }
        public DateOnly? ActiveTo { get; set; }
        public List<Assignment> Assignments { get; } = [];

        public Assignment? On(DateOnly date) => Assignments.Where(a => a.From <= date).OrderBy(a => a.From).LastOrDefault();
    }

    /// <summary>The roster and telework days as the test reads them from the files, and the rules of issue #5.</summary>
    public sealed class Model
    {
        public Dictionary<string, Person> Staff { get; } = [];
        /// <summary>One entry per person and date (a day recorded twice is one day, the later line winning).</summary>
        public Dictionary<(string Number, DateOnly Date), (string Type, decimal Fraction, bool Trial)> Days { get; } = [];
        /// <summary>Hadano: workplaces of these types are out of scope.</summary>
        public HashSet<string> IneligibleTypes { get; } = ["こども園", "幼稚園", "消防署"];
        public HashSet<string> IneligibleCategories { get; } = [];
        /// <summary>MM-dd within the fiscal year.</summary>
        public (int Month, int Day) Reference { get; set; } = (4, 1);

        public static Model FromSamples(bool withAttendance = false)
        {
            var m = new Model();
            m.AddStaff(SampleLines("staff.csv"));
            m.AddDays(SampleLines("telework-days.csv"));
            if (withAttendance) m.AddAttendance(SampleLines("attendance-export-sjis.csv"));
            return m;
        }

        private static IEnumerable<Dictionary<string, string>> Records(IEnumerable<string> lines)
        {
            var all = lines.ToList();
            var header = AppData.ParseLine(all[0]);
            return all.Skip(1).Select(l => header.Zip(AppData.ParseLine(l)).ToDictionary(p => p.First, p => p.Second));
        }

        private static DateOnly Date(string s) => DateOnly.ParseExact(s.Replace('/', '-'), ["yyyy-MM-dd", "yyyy-M-d"], CultureInfo.InvariantCulture);

        /// <summary>A first roster: every person's first assignment starts on effective_from or, without it, on active_from.</summary>
        public void AddStaff(IEnumerable<string> lines)
        {
            foreach (var f in Records(lines))
            {
                var p = new Person
                {
                    Number = f["employee_number"], Name = f["name"], ActiveFrom = Date(f["active_from"]),
                    ActiveTo = f["active_to"].Length > 0 ? Date(f["active_to"]) : null,
                };
                var from = f["effective_from"].Length > 0 ? Date(f["effective_from"]) : p.ActiveFrom;
                p.Assignments.Add(new Assignment(from, f["department"], f["workplace_type"], f["employment_category"], f["manager"] == "1"));
                Staff[p.Number] = p;
            }
        }

        public void Move(string number, DateOnly from, string department, string workplaceType)
        {
            var p = Staff[number];
            var current = p.Assignments.OrderBy(a => a.From).Last();
            p.Assignments.RemoveAll(a => a.From == from);
            p.Assignments.Add(current with { From = from, Department = department, WorkplaceType = workplaceType });
        }

        public void AddDays(IEnumerable<string> lines)
        {
            foreach (var f in Records(lines))
                Days[(f["employee_number"], Date(f["date"]))] = (f["type"], decimal.Parse(f["day_fraction"], CultureInfo.InvariantCulture), f["manager_trial"] == "1");
        }

        /// <summary>職員番号, 勤務日 (yyyy/MM/dd), 勤務形態, テレワーク時間 (hours ÷ 7.75, at most one day).</summary>
        public void AddAttendance(IEnumerable<string> lines)
        {
            foreach (var f in Records(lines))
                Days[(f["職員番号"], Date(f["勤務日"]))] =
                    (f["勤務形態"], Math.Min(1, Math.Round(decimal.Parse(f["テレワーク時間"], CultureInfo.InvariantCulture) / 7.75m, 4)), false);
        }

        public DateOnly ReferenceDate(int fiscalYear) =>
            new(Reference.Month >= 4 ? fiscalYear : fiscalYear + 1, Reference.Month, Reference.Day);

        public bool EligibleOn(Person p, DateOnly date) =>
            p.ActiveFrom <= date && (p.ActiveTo is null || date <= p.ActiveTo)
            && p.On(date) is { } a && !IneligibleTypes.Contains(a.WorkplaceType) && !IneligibleCategories.Contains(a.Category);

        public List<Person> Headcount(int fiscalYear) => Staff.Values.Where(p => EligibleOn(p, ReferenceDate(fiscalYear))).ToList();

        public HashSet<string> Participants(int fiscalYear)
        {
            var (start, end) = (new DateOnly(fiscalYear, 4, 1), new DateOnly(fiscalYear + 1, 3, 31));
            var counted = Headcount(fiscalYear).ToDictionary(p => p.Number);
            return Days.Keys.Where(k => k.Date >= start && k.Date <= end && counted.TryGetValue(k.Number, out var p) && EligibleOn(p, k.Date))
                .Select(k => k.Number).ToHashSet();
        }

        /// <summary>Participants ÷ headcount × 100, rounded to 0.1 half away from zero; null without a headcount.</summary>
        public decimal? Rate(int fiscalYear)
        {
            var heads = Headcount(fiscalYear).Count;
            return heads == 0 ? null : Math.Round(100m * Participants(fiscalYear).Count / heads, 1, MidpointRounding.AwayFromZero);
        }

        public decimal?[] Rates() => PlanYears.Select(Rate).ToArray();
    }
}
