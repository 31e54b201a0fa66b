using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Intranet.IntegrationTests.Infrastructure;
using Intranet.Modules.Paperless.Data;
using Intranet.Modules.Paperless.Domain;
using Intranet.Modules.Paperless.Import;
using Intranet.Shared.Import;
using Intranet.Shared.Security;
using MediatR;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Intranet.IntegrationTests;

/// <summary>
/// Helpers for the paperless-meetings host tests: the module's sample files, imports and commands run in a
/// service scope of the real host, either as the system (no HTTP request, like the command line) or as a signed-in
/// user of a role and department, and an independent calculation of the figures the plan should show.
/// </summary>
internal static class PaperlessTest
{
    public const string Plan = "hadano-ict-2021";
    public const string ExecutiveRate = "2-2-(1)-1";   // 庁議のペーパーレス化率(WEB会議含む), paperless.executive-meeting-rate
    public const string ManagerRate = "2-2-(1)-2";     // 課長級以上出席の会議(庁議除く)のペーパーレス化率, text target only
    public const string SheetsSaved = "2-2-(2)-1";     // 紙の削減量, 450000 枚 in 2023 and 2024
    public const string TabletRate = "2-2-(7)-1";      // 議場におけるタブレット端末等の活用割合
    public const string AssemblyRate = "2-2-(7)-2";    // 議会内会議参加者資料のペーパーレス化率

    public static readonly string[] Indicators = [ExecutiveRate, ManagerRate, SheetsSaved, TabletRate, AssemblyRate];
    public static readonly int[] PlanYears = [2021, 2022, 2023, 2024, 2025];

    public const string BodiesHeader = "code,name,category,department,usual_attendees,sheets_per_attendee,baseline_from";
    public const string SessionsHeader = "body,held_on,sequence,format,materials,attendees,sheets_printed,tablets,note";
    public const string CalendarMapping = "calendar";

    public static readonly Encoding ShiftJis;

    static PaperlessTest()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        ShiftJis = Encoding.GetEncoding(932);
    }

    // ---- sample files --------------------------------------------------------------------------------

    public static string SamplePath(string name) =>
        Path.Combine(RpaTest.RepoRoot(), "Modules", "Paperless", "Intranet.Modules.Paperless", "SampleData", name);

    public static byte[] Sample(string name) => File.ReadAllBytes(SamplePath(name));

    /// <summary>Lines of a sample (UTF-8, or Shift_JIS for the calendar export) without the trailing empty line.</summary>
    public static string[] SampleLines(string name)
    {
        var bytes = Sample(name);
        var text = name.Contains("sjis") ? ShiftJis.GetString(bytes) : Encoding.UTF8.GetString(bytes);
        return text.TrimStart('\uFEFF').Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
    }

    public static byte[] Utf8(params string[] lines) => Encoding.UTF8.GetBytes(string.Join("\r\n", lines) + "\r\n");

    public static byte[] Sjis(params string[] lines) => ShiftJis.GetBytes(string.Join("\r\n", lines) + "\r\n");

    // ---- the host's services -------------------------------------------------------------------------

    /// <summary>
    /// Runs <paramref name="act"/> in a new scope as a signed-in user (name <paramref name="name"/>, one role, optional
    /// department), the way a Razor page's request would; as the system when <paramref name="role"/> is null.
    /// </summary>
    public static async Task<T> AsAsync<T>(this IntranetApp app, string? role, string? department, Func<IServiceProvider, Task<T>> act,
        string? name = null)
    {
        using var scope = app.Services.CreateScope();
        if (role is not null)
        {
            var claims = new List<Claim> { new(ClaimTypes.Name, name ?? $"{role.ToLowerInvariant()}@example.jp"), new(ClaimTypes.Role, role) };
            if (department is not null) claims.Add(new Claim(IntranetClaimTypes.Department, department));
            scope.ServiceProvider.GetRequiredService<IHttpContextAccessor>().HttpContext = new DefaultHttpContext
            {
                User = new ClaimsPrincipal(new ClaimsIdentity(claims, "test")),
                RequestServices = scope.ServiceProvider,
            };
        }
        return await act(scope.ServiceProvider);
    }

    public static Task<T> SendAsAsync<T>(this IntranetApp app, IRequest<T> request, string? role = null, string? department = null, string? name = null) =>
        app.AsAsync(role, department, sp => sp.GetRequiredService<IMediator>().Send(request), name);

    /// <summary>
    /// Runs a file through the shared <see cref="ImportPipeline"/> as <paramref name="kind"/>, as the system or as a signed-in
    /// user (<paramref name="role"/>, <paramref name="department"/>), with the saved mapping <paramref name="mapping"/> (null:
    /// the module's own format).
    /// </summary>
    public static Task<ImportResult> ImportPaperlessAsync(this IntranetApp app, string kind, byte[] content, string fileName, string? mapping = null,
        bool dryRun = false, string? role = null, string? department = null) =>
        app.AsAsync(role, department, async sp =>
        {
            var pipeline = sp.GetRequiredService<ImportPipeline>();
            var k = pipeline.Find(kind) ?? throw new InvalidOperationException(kind + " is not registered");
            var m = await pipeline.MappingAsync(k.Info, mapping, fileName, CancellationToken.None);
            return await pipeline.RunAsync(k, content, fileName, m, dryRun, null, CancellationToken.None);
        });

    public static Task<ImportResult> ImportBodiesAsync(this IntranetApp app, byte[] content, string fileName = "bodies.csv", bool dryRun = false,
        string? role = null, string? department = null) =>
        app.ImportPaperlessAsync(PaperlessImportKinds.Bodies, content, fileName, null, dryRun, role, department);

    public static Task<ImportResult> ImportSessionsAsync(this IntranetApp app, byte[] content, string fileName = "sessions.csv", string? mapping = null,
        bool dryRun = false, string? role = null, string? department = null) =>
        app.ImportPaperlessAsync(PaperlessImportKinds.Sessions, content, fileName, mapping, dryRun, role, department);

    /// <summary>A mapping preset shipped next to the samples (<c>SampleData/NAME.mapping.json</c>), read from the repository.</summary>
    public static ImportMapping Preset(string name) => ImportMapping.FromJson(File.ReadAllText(SamplePath(name + ".mapping.json")), name);

    public static Task<ImportResult> ImportSampleBodiesAsync(this IntranetApp app) => app.ImportBodiesAsync(Sample("meeting-bodies.csv"), "meeting-bodies.csv");

    public static Task<ImportResult> ImportSampleSessionsAsync(this IntranetApp app) => app.ImportSessionsAsync(Sample("meeting-sessions.csv"), "meeting-sessions.csv");

    public static async Task<T> PaperlessAsync<T>(this IntranetApp app, Func<PaperlessDbContext, Task<T>> read)
    {
        using var scope = app.Services.CreateScope();
        return await read(scope.ServiceProvider.GetRequiredService<PaperlessDbContext>());
    }

    /// <summary>Saves the calendar export's preset (<c>calendar.mapping.json</c>, as <see cref="PaperlessDemoSeeder"/> does) under <paramref name="name"/>.</summary>
    public static async Task SaveCalendarMappingAsync(this IntranetApp app, string name = CalendarMapping)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ImportPipeline>().SaveMappingAsync(Preset("calendar") with { Name = name }, CancellationToken.None);
    }

    /// <summary>Record counts; <c>Mappings</c>: session mappings saved in the shared pipeline's table.</summary>
    public record Counts(int Bodies, int Baselines, int Sessions, int Mappings, int Audits);

    public static async Task<Counts> PaperlessCountsAsync(this IntranetApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var d = scope.ServiceProvider.GetRequiredService<PaperlessDbContext>();
        var mappings = await scope.ServiceProvider.GetRequiredService<Intranet.Shared.Import.Data.ImportDbContext>().Mappings.CountAsync(m => m.Kind == PaperlessImportKinds.Sessions);
        return new Counts(await d.Bodies.CountAsync(), await d.Baselines.CountAsync(), await d.Sessions.CountAsync(), mappings, await d.AuditEntries.CountAsync());
    }

    public static Task<Guid> SessionVersionAsync(this IntranetApp app, string bodyCode, DateOnly heldOn, int sequence = 1) => app.PaperlessAsync(async d =>
    {
        var body = await d.Bodies.SingleAsync(b => b.Code == bodyCode);
        return await d.Sessions.Where(s => s.BodyId == body.Id && s.HeldOn == heldOn && s.Sequence == sequence).Select(s => s.Version).SingleAsync();
    });

    /// <summary>The five paperless indicators of every plan year in the KPI export: (actual, achievement rate, status) as strings.</summary>
    public static async Task<Dictionary<(string Indicator, int Year), (string Actual, string Achievement, string Status)>> PaperlessRowsAsync(this HttpClient client)
    {
        var rows = await client.ExportRowsAsync(Plan);
        var result = new Dictionary<(string, int), (string, string, string)>();
        foreach (var i in Indicators)
        foreach (var y in PlanYears)
        {
            var r = rows.Row(i, y);
            result[(i, y)] = (r["actual_value"], r["achievement_rate"], r["status"]);
        }
        return result;
    }

    public static async Task<decimal?> ActualAsync(this HttpClient client, string indicator, int year) =>
        ParseNullable((await client.ExportRowsAsync(Plan)).Row(indicator, year)["actual_value"]);

    public static decimal? ParseNullable(string s) => s.Length == 0 ? null : decimal.Parse(s, CultureInfo.InvariantCulture);

    /// <summary>As the export writes a decimal: invariant, no trailing zeros, empty for none.</summary>
    public static string Format(decimal? v) => v is { } d ? (d / 1.000000000000000000000000000000000m).ToString(CultureInfo.InvariantCulture) : "";

    /// <summary>
    /// The meetings' sheets saved of a fiscal year (「うち会議のペーパーレス化による削減」 of <c>/paperless</c>, 枚) as the plan export
    /// writes numbers ("3610"; "" without sessions), read through the page's use case as a viewer.
    /// </summary>
    public static async Task<string> MeetingSheetsAsync(this IntranetApp app, int year)
    {
        var view = await app.SendAsAsync(new Intranet.Modules.Paperless.UseCases.GetPaperReduction(), Intranet.Shared.Security.Roles.Viewer);
        return Format(view.Years.FirstOrDefault(y => y.Year.StartYear == year)?.MeetingSheetsSaved);
    }

    // ---- the expected figures, computed here from the CSV text and the rules of issue #4 -------------

    public sealed record BodyRow(string Code, string Name, string Category, string Department);
    public sealed record SessionRow(string Body, DateOnly HeldOn, int Sequence, string Format, string Materials, int Attendees, int Printed, bool Tablets);

    /// <summary>The module as the test sees it, built from CSV text: bodies with baselines, and sessions keyed by body, date and sequence.</summary>
    public sealed class Model
    {
        public Dictionary<string, BodyRow> Bodies { get; } = [];
        public Dictionary<string, List<(DateOnly From, decimal Sheets)>> Baselines { get; } = [];
        public Dictionary<(string Body, DateOnly HeldOn, int Sequence), SessionRow> Sessions { get; } = [];

        public static Model FromSamples(bool withCalendar = false, bool withOrganizerList = false)
        {
            var m = new Model();
            m.AddBodies(SampleLines("meeting-bodies.csv"));
            m.AddSessions(SampleLines("meeting-sessions.csv"));
            if (withCalendar) m.AddCalendar(SampleLines("calendar-export-sjis.csv"));
            if (withOrganizerList) m.AddOrganizerList(PaperlessSampleWorkbook.Rows);
            return m;
        }

        /// <summary>
        /// The organizer's Excel list as the preset organizer-list reads it: 会議名 (the body's name), 開催日 in 和暦 (令和N年 = 2018 + N),
        /// 開催形式 対面 / オンライン → WEB / 対面・オンライン → ハイブリッド, 資料配布 タブレット → 電子のみ / 紙 / 紙・タブレット → 紙と電子の併用;
        /// no tablets in the assembly's sense, first session of the day.
        /// </summary>
        public void AddOrganizerList(IEnumerable<PaperlessSampleWorkbook.Row> rows)
        {
            foreach (var r in rows)
            {
                var m = System.Text.RegularExpressions.Regex.Match(r.HeldOn, @"^令和(\d+)年(\d+)月(\d+)日$");
                var date = new DateOnly(2018 + int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture),
                    int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture));
                var format = r.Format switch { "オンライン" => "WEB", "対面・オンライン" => "ハイブリッド", var f => f };
                var materials = r.Materials switch { "タブレット" => "電子のみ", "紙・タブレット" => "紙と電子の併用", var x => x };
                Add(new SessionRow(Bodies.Values.Single(b => b.Name == r.Body).Code, date, 1, format, materials, r.Attendees, r.SheetsPrinted, false));
            }
        }

        private static IEnumerable<Dictionary<string, string>> Records(IEnumerable<string> lines)
        {
            var all = lines.ToList();
            var header = AppData.ParseLine(all[0]);
            return all.Skip(1).Select(l => header.Zip(AppData.ParseLine(l)).ToDictionary(p => p.First, p => p.Second));
        }

        public void AddBodies(IEnumerable<string> lines)
        {
            foreach (var f in Records(lines))
            {
                Bodies[f["code"]] = new BodyRow(f["code"], f["name"], f["category"], f["department"]);
                if (!Baselines.TryGetValue(f["code"], out var list)) Baselines[f["code"]] = list = [];
                var from = DateOnly.ParseExact(f["baseline_from"], "yyyy-MM-dd", CultureInfo.InvariantCulture);
                list.RemoveAll(b => b.From == from);
                list.Add((from, decimal.Parse(f["sheets_per_attendee"], CultureInfo.InvariantCulture)));
            }
        }

        public void Add(SessionRow s) => Sessions[(s.Body, s.HeldOn, s.Sequence)] = s;

        public void AddSessions(IEnumerable<string> lines)
        {
            foreach (var f in Records(lines))
                Add(new SessionRow(f["body"], DateOnly.ParseExact(f["held_on"], "yyyy-MM-dd", CultureInfo.InvariantCulture), int.Parse(f["sequence"], CultureInfo.InvariantCulture),
                    f["format"], f["materials"], int.Parse(f["attendees"], CultureInfo.InvariantCulture), int.Parse(f["sheets_printed"], CultureInfo.InvariantCulture), f["tablets"] == "1"));
        }

        /// <summary>件名 (the body's name), 開始日 (yyyy/M/d), 会議形式, 参加人数, 印刷枚数; materials 電子のみ by default, no tablets, first session of the day.</summary>
        public void AddCalendar(IEnumerable<string> lines)
        {
            foreach (var f in Records(lines))
            {
                var body = Bodies.Values.Single(b => b.Name == f["件名"]).Code;
                Add(new SessionRow(body, DateOnly.ParseExact(f["開始日"], "yyyy/M/d", CultureInfo.InvariantCulture), 1, f["会議形式"], "電子のみ",
                    int.Parse(f["参加人数"], CultureInfo.InvariantCulture), int.Parse(f["印刷枚数"], CultureInfo.InvariantCulture), false));
            }
        }

        /// <summary>Issue #4: paperless when no paper was handed out; WEB meetings always (WEB会議含む).</summary>
        public static bool IsPaperless(SessionRow s) => s.Format == "WEB" || s.Materials == "電子のみ";

        private IEnumerable<SessionRow> In(int fiscalYear) =>
            Sessions.Values.Where(s => s.HeldOn >= new DateOnly(fiscalYear, 4, 1) && s.HeldOn <= new DateOnly(fiscalYear + 1, 3, 31));

        private static decimal? Percent(int part, int whole) =>
            whole == 0 ? null : Math.Round(100m * part / whole, 1, MidpointRounding.AwayFromZero);

        public decimal? Rate(string category, int fiscalYear)
        {
            var held = In(fiscalYear).Where(s => Bodies[s.Body].Category == category).ToList();
            return Percent(held.Count(IsPaperless), held.Count);
        }

        public decimal? Tablets(int fiscalYear)
        {
            var held = In(fiscalYear).Where(s => Bodies[s.Body].Category == "議会内会議").ToList();
            return Percent(held.Count(s => s.Tablets), held.Count);
        }

        /// <summary>Σ max(0, baseline valid on the date × attendees − printed), whole sheets; null for a year without any session.</summary>
        public decimal? Sheets(int fiscalYear)
        {
            var held = In(fiscalYear).ToList();
            if (held.Count == 0) return null;
            var total = 0m;
            foreach (var s in held)
            {
                var baseline = Baselines.GetValueOrDefault(s.Body)?.Where(b => b.From <= s.HeldOn).OrderBy(b => b.From).Select(b => (decimal?)b.Sheets).LastOrDefault();
                if (baseline is { } b) total += Math.Max(0, b * s.Attendees - s.Printed);
            }
            return Math.Round(total, 0, MidpointRounding.AwayFromZero);
        }

        /// <summary>Office-wide paper use recorded per fiscal year (枚); empty unless a test records some.</summary>
        public Dictionary<int, long> PaperUse { get; } = [];

        /// <summary>seed-demo's paper use (its figures, typed here): FY2019 9,850,000; FY2021 9,670,000; FY2022 9,490,000; FY2023 9,380,000 sheets.</summary>
        public Model WithDemoPaperUse()
        {
            (PaperUse[2019], PaperUse[2021], PaperUse[2022], PaperUse[2023]) = (9_850_000, 9_670_000, 9_490_000, 9_380_000);
            return this;
        }

        /// <summary>
        /// 2-2-(2)-1 紙の削減量 (issue #9): FY2019's office-wide use − the year's, never negative; null unless both are recorded.
        /// The meetings' <see cref="Sheets"/> are only its breakdown.
        /// </summary>
        public decimal? PaperReduction(int fiscalYear) =>
            fiscalYear != 2019 && PaperUse.TryGetValue(2019, out var b) && PaperUse.TryGetValue(fiscalYear, out var y) ? Math.Max(0, b - y) : null;

        public decimal? Expected(string indicator, int fiscalYear) => indicator switch
        {
            ExecutiveRate => Rate("庁議", fiscalYear),
            ManagerRate => Rate("課長級以上出席の会議", fiscalYear),
            AssemblyRate => Rate("議会内会議", fiscalYear),
            TabletRate => Tablets(fiscalYear),
            SheetsSaved => PaperReduction(fiscalYear),
            _ => throw new ArgumentOutOfRangeException(nameof(indicator)),
        };
    }
}
