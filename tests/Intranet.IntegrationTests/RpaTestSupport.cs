using System.Globalization;
using System.Text;
using Intranet.IntegrationTests.Infrastructure;
using Intranet.Modules.Rpa.Data;
using Intranet.Modules.Rpa.Import;
using MediatR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Intranet.Shared.Import;

namespace Intranet.IntegrationTests;

/// <summary>
/// Helpers for the RPA registry's host tests: the module's sample files, imports and commands run in a
/// service scope of the real host (no HTTP request, so as the system user, like the command line), and
/// an independent calculation of the figures the plan should show.
/// </summary>
internal static class RpaTest
{
    public const string Plan = "hadano-ict-2021";
    public const string ProcessCount = "2-1-(1)-1";   // 適用業務数(累積), rpa.automated-process-count
    public const string HoursSaved = "2-1-(1)-2";     // 削減時間(累積), rpa.hours-saved

    public static readonly Encoding ShiftJis;

    static RpaTest()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        ShiftJis = Encoding.GetEncoding(932);
    }

    // ---- sample files --------------------------------------------------------------------------------

    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Intranet.sln"))) return dir.FullName;
        throw new InvalidOperationException("repository root (Intranet.sln) not found above " + AppContext.BaseDirectory);
    }

    public static string SamplePath(string name) => Path.Combine(RepoRoot(), "Modules", "Rpa", "Intranet.Modules.Rpa", "SampleData", name);

    public static byte[] Sample(string name) => File.ReadAllBytes(SamplePath(name));

    public static string SampleText(string name) => Encoding.UTF8.GetString(Sample(name));

    /// <summary>Lines of a UTF-8 sample without the trailing empty line.</summary>
    public static string[] SampleLines(string name) => SampleText(name).TrimStart('\uFEFF').Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Select(l => l.TrimEnd('\r')).ToArray();

    public static byte[] Utf8(params string[] lines) => Encoding.UTF8.GetBytes(string.Join("\r\n", lines) + "\r\n");

    public const string RunsHeader = "case,run_id,started_at,ended_at,outcome,items";
    public const string CasesHeader = "code,title,business_process,department,tool,robot,contact,plan_code,project_code,status,status_date,assessment_from,executions_per_year,items_per_execution,manual_minutes_per_item,robot_minutes_per_item";

    // ---- the host's services -------------------------------------------------------------------------

    /// <summary>
    /// Runs <paramref name="content"/> through the shared <see cref="ImportPipeline"/> as <paramref name="kind"/> in a scope of
    /// the host (as the system user, like the command line), with the saved mapping <paramref name="mapping"/> (null: the
    /// module's own format).
    /// </summary>
    public static async Task<ImportResult> ImportAsync(this IntranetApp app, string kind, byte[] content, string fileName, string? mapping = null,
        bool dryRun = false)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var pipeline = scope.ServiceProvider.GetRequiredService<ImportPipeline>();
        var k = pipeline.Find(kind) ?? throw new InvalidOperationException(kind + " is not registered");
        var m = await pipeline.MappingAsync(k.Info, mapping, fileName, CancellationToken.None);
        return await pipeline.RunAsync(k, content, fileName, m, dryRun, null, CancellationToken.None);
    }

    /// <summary>Saves <paramref name="mapping"/> through the pipeline (as the system user).</summary>
    public static async Task SaveMappingAsync(this IntranetApp app, ImportMapping mapping)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ImportPipeline>().SaveMappingAsync(mapping, CancellationToken.None);
    }

    /// <summary>A mapping preset shipped next to the samples (<c>SampleData/NAME.mapping.json</c>), read from the repository.</summary>
    public static ImportMapping Preset(string name) => ImportMapping.FromJson(File.ReadAllText(SamplePath(name + ".mapping.json")), name);

    public static Task<ImportResult> ImportCasesAsync(this IntranetApp app, byte[] content, string fileName = "cases.csv", bool dryRun = false) =>
        app.ImportAsync(RpaImportKinds.Cases, content, fileName, null, dryRun);

    public static Task<ImportResult> ImportRunsAsync(this IntranetApp app, byte[] content, string fileName = "runs.csv", string? mapping = null,
        bool dryRun = false) =>
        app.ImportAsync(RpaImportKinds.Runs, content, fileName, mapping, dryRun);

    public static Task<ImportResult> ImportSampleCasesAsync(this IntranetApp app) => app.ImportCasesAsync(Sample("rpa-cases.csv"), "rpa-cases.csv");

    public static Task<ImportResult> ImportSampleRunsAsync(this IntranetApp app) => app.ImportRunsAsync(Sample("rpa-runs.csv"), "rpa-runs.csv");

    public static async Task<T> SendAsync<T>(this IntranetApp app, IRequest<T> request)
    {
        using var scope = app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(request);
    }

    public static async Task<T> RpaAsync<T>(this IntranetApp app, Func<RpaDbContext, Task<T>> read)
    {
        using var scope = app.Services.CreateScope();
        return await read(scope.ServiceProvider.GetRequiredService<RpaDbContext>());
    }

    /// <summary>Record counts; <c>Mappings</c>: the run-log mappings saved in the shared pipeline's table.</summary>
    public record Counts(int Cases, int Runs, int Assessments, int Transitions, int Mappings);

    public static async Task<Counts> CountsAsync(this IntranetApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var d = scope.ServiceProvider.GetRequiredService<RpaDbContext>();
        var mappings = await scope.ServiceProvider.GetRequiredService<Intranet.Shared.Import.Data.ImportDbContext>().Mappings.CountAsync(m => m.Kind == RpaImportKinds.Runs);
        return new Counts(await d.Cases.CountAsync(), await d.Runs.CountAsync(), await d.Assessments.CountAsync(), await d.Transitions.CountAsync(), mappings);
    }

    /// <summary>Actual values of the two RPA indicators in the plan's KPI export (null when empty).</summary>
    public static async Task<(decimal? Processes, decimal? Hours)> ActualsAsync(this HttpClient planOffice, int fiscalYear)
    {
        var rows = await planOffice.ExportRowsAsync(Plan);
        return (Parse(rows.Row(ProcessCount, fiscalYear)["actual_value"]), Parse(rows.Row(HoursSaved, fiscalYear)["actual_value"]));
    }

    private static decimal? Parse(string s) => s.Length == 0 ? null : decimal.Parse(s, CultureInfo.InvariantCulture);

    // ---- the expected figures, computed here from the CSV text and the rules of issue #3 -----------

    public sealed record CaseRow(string Code, string Robot, string Department, string Status, DateOnly? StatusDate);
    public sealed record Baseline(DateOnly From, decimal Manual, decimal Robot);
    public sealed record RunRow(string Case, DateOnly Date, bool Success, int Items);

    /// <summary>The registry as the test sees it: cases (from the cases CSV), baselines per case, runs.</summary>
    public sealed class Model
    {
        public List<CaseRow> Cases { get; } = [];
        public Dictionary<string, List<Baseline>> Baselines { get; } = [];
        public List<RunRow> Runs { get; } = [];

        public static Model FromSamples(bool withWinActor = false, bool withUiPath = false)
        {
            var m = new Model();
            m.AddCases(SampleLines("rpa-cases.csv"));
            m.AddNativeRuns(SampleLines("rpa-runs.csv"));
            if (withWinActor) m.AddWinActorRuns(ShiftJis.GetString(Sample("winactor-log-sjis.csv")));
            if (withUiPath) m.AddUiPathRuns(SampleLines("uipath-jobs.csv"));
            return m;
        }

        /// <summary>
        /// A UiPath Orchestrator jobs export: "Key","Process","Robot","Hostname","State","Source","Start Time","End Time","Transactions";
        /// every process is RPA-003's (the preset translates its process name); only 「Successful」 saves time.
        /// </summary>
        public void AddUiPathRuns(IEnumerable<string> lines)
        {
            foreach (var line in lines.Skip(1))
            {
                var f = AppData.ParseLine(line);
                var start = DateTimeOffset.Parse(f[6], CultureInfo.InvariantCulture).ToOffset(TimeSpan.FromHours(9));
                Runs.Add(new RunRow("RPA-003", DateOnly.FromDateTime(start.DateTime), f[4] == "Successful", int.Parse(f[8], CultureInfo.InvariantCulture)));
            }
        }

        public void AddCases(IEnumerable<string> lines)
        {
            var all = lines.ToList();
            var h = AppData.ParseLine(all[0]);
            foreach (var line in all.Skip(1))
            {
                var f = h.Zip(AppData.ParseLine(line)).ToDictionary(p => p.First, p => p.Second);
                DateOnly? statusDate = f["status_date"].Length > 0 ? DateOnly.Parse(f["status_date"], CultureInfo.InvariantCulture) : null;
                Cases.Add(new CaseRow(f["code"], f["robot"], f["department"], f["status"], statusDate));
                if (f["manual_minutes_per_item"].Length > 0)
                    SetBaseline(f["code"], new Baseline(DateOnly.Parse(f["assessment_from"], CultureInfo.InvariantCulture),
                        decimal.Parse(f["manual_minutes_per_item"], CultureInfo.InvariantCulture), decimal.Parse(f["robot_minutes_per_item"], CultureInfo.InvariantCulture)));
            }
        }

        public void SetBaseline(string code, Baseline b)
        {
            if (!Baselines.TryGetValue(code, out var list)) Baselines[code] = list = [];
            list.RemoveAll(x => x.From == b.From);
            list.Add(b);
        }

        public void AddNativeRuns(IEnumerable<string> lines)
        {
            foreach (var line in lines.Skip(1))
            {
                var f = line.Split(',');
                Runs.Add(new RunRow(f[0], DateOnly.FromDateTime(DateTime.ParseExact(f[2], "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)),
                    f[4] == "success", int.Parse(f[5], CultureInfo.InvariantCulture)));
            }
        }

        public void AddWinActorRuns(string text)
        {
            var robots = Cases.Where(c => c.Robot.Length > 0).ToDictionary(c => c.Robot, c => c.Code);
            foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1))
            {
                var f = line.TrimEnd('\r').Split(',');   // シナリオ名,実行ID,開始日時,終了日時,実行結果,処理件数
                Runs.Add(new RunRow(robots[f[0]], DateOnly.FromDateTime(DateTime.ParseExact(f[2], "yyyy/MM/dd HH:mm:ss", CultureInfo.InvariantCulture)),
                    f[4] == "正常終了", int.Parse(f[5], CultureInfo.InvariantCulture)));
            }
        }

        /// <summary>Cases whose go-live (本番稼働 status date) lies between 2021-04-01 and March 31 closing <paramref name="fiscalYear"/>.</summary>
        public int Processes(int fiscalYear) => Cases.Count(c => c.Status == "本番稼働" && c.StatusDate is { } d
                                                                 && d >= new DateOnly(2021, 4, 1) && d <= new DateOnly(fiscalYear + 1, 3, 31));

        /// <summary>
        /// Hours saved by successful runs from 2021-04-01 to the end of <paramref name="fiscalYear"/>, rounded to 0.1; null (not
        /// measured, issue #9) when no run at all is dated in the fiscal year.
        /// </summary>
        public decimal? Hours(int fiscalYear)
        {
            if (!Runs.Any(r => r.Date >= new DateOnly(fiscalYear, 4, 1) && r.Date <= new DateOnly(fiscalYear + 1, 3, 31))) return null;
            var total = 0m;
            foreach (var r in Runs)
            {
                if (!r.Success || r.Date < new DateOnly(2021, 4, 1) || r.Date > new DateOnly(fiscalYear + 1, 3, 31)) continue;
                var b = Baselines.GetValueOrDefault(r.Case)?.Where(x => x.From <= r.Date).OrderBy(x => x.From).LastOrDefault();
                if (b is null) continue;
                total += r.Items * Math.Max(0, b.Manual - b.Robot) / 60m;
            }
            return Math.Round(total, 1, MidpointRounding.AwayFromZero);
        }
    }
}
