using System.Reflection;
using System.Text.Json;
using Intranet.Modules.Telework.Contracts;
using Intranet.Modules.Telework.Data;
using Intranet.Modules.Telework.Domain;
using Intranet.Modules.Telework.Import;
using Intranet.Modules.Telework.UseCases;
using Intranet.Shared.Export;
using Intranet.Shared.Import;
using Intranet.Shared.Modules;
using Intranet.Shared.Persistence;
using Intranet.Shared.Security;
using Intranet.Shared.Time;
using Intranet.Shared.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Intranet.Modules.Telework;

/// <summary>
/// テレワーク管理: HR's staff roster with eligibility, telework days, and the participation rate fed to the
/// plan (Hadano 2-3-(1) テレワーク勤務を行った職員の割合). Individual records are for HumanResources only.
/// </summary>
public sealed class TeleworkModule : IModule
{
    /// <inheritdoc />
    public string Name => "Telework";

    /// <inheritdoc />
    public string DisplayName => TeleworkModuleInfo.DisplayName;

    /// <inheritdoc />
    public IReadOnlyList<NavigationItem> Navigation { get; } =
    [
        new("テレワーク", "telework", TeleworkPolicies.Read, 60),
        new("職員名簿", "telework/staff", TeleworkPolicies.HumanResources, 61),
        new("テレワーク取込", "telework/import", TeleworkPolicies.HumanResources, 62),
    ];

    /// <inheritdoc />
    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddModuleDbContext<TeleworkDbContext>(TeleworkDbContext.SchemaName);
        services.AddSingleton(TeleworkFeed.Definition);
        services.AddScoped<TeleworkFeed>();
        services.AddScoped<TeleworkImporter>();
        ModuleFileImporter.Register(services, "staff", "職員名簿 (人事システムの出力)", [],
            (r, ct) => r.Services.GetRequiredService<TeleworkImporter>().ImportStaffAsync(r.Content, r.FileName, r.DryRun, ct));
        ModuleFileImporter.Register(services, "telework-days", "テレワーク勤務日 (勤怠システムの出力、--mapping で列の対応付け)", ["mapping"],
            (r, ct) => r.Services.GetRequiredService<TeleworkImporter>().ImportDaysAsync(r.Content, r.FileName, r.Options.GetValueOrDefault("mapping"), r.DryRun, r.Progress, ct));
        services.AddScoped<IDemoDataSeeder, TeleworkDemoSeeder>();
        services.AddAuthorizationBuilder()
            .AddPolicy(TeleworkPolicies.Read, p => p.RequireRole(Roles.All))
            .AddPolicy(TeleworkPolicies.HumanResources, p => p.RequireRole(Roles.HumanResources));
    }

    /// <inheritdoc />
    public void ConfigureJobs(IQuartzBuilder quartz)
    {
        quartz.AddJob<TeleworkRecomputeJob>(j => j.WithIdentity(TeleworkRecomputeJob.Key));
        quartz.AddTrigger(t => t.ForJob(TeleworkRecomputeJob.Key).WithIdentity("telework-recompute-nightly", "telework")
            .WithCronSchedule("0 20 2 * * ?", c => c.InTimeZone(TimeZoneInfo.TryFindSystemTimeZoneById("Asia/Tokyo", out var tz) ? tz : TimeZoneInfo.Utc)));
    }

    /// <inheritdoc />
    public void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        // Aggregates only (small groups suppressed): the export anyone may download. Individual records are never exported.
        endpoints.MapGet("/telework/export/summary.{format}", async (string format, TeleworkFeed feed, TimeProvider clock, CancellationToken ct) =>
        {
            var today = clock.TodayInJapan();
            var years = Enumerable.Range(2021, Math.Max(1, FiscalYear.Of(today).StartYear - 2020)).Select(y => new FiscalYear(y));
            var rows = new List<IReadOnlyList<object?>>();
            foreach (var y in await feed.ComputeAsync(years, ct))
            {
                // A value not shown is 「—」 (small group, TeleworkRules.SuppressDepartments) or 「未計測」 (a year without telework days).
                object Shown(object? value) => value ?? (y.Measured ? Fmt.Empty : TeleworkRules.NotMeasuredLabel);
                rows.Add([y.Year.StartYear, "全体", y.Headcount, Shown(y.Participants), Shown(y.Rate), Shown(y.DaysPerParticipant), Shown(y.ManagerTrialParticipants)]);
                foreach (var d in y.Departments)
                    rows.Add([y.Year.StartYear, d.Department, d.ShownHeadcount ?? (object)Fmt.Empty, d.Suppressed ? Fmt.Empty : Shown(d.Participants),
                        d.Suppressed ? Fmt.Empty : Shown(d.Rate), null, null]);
            }
            return TableExport.Download(new ExportTable("テレワーク", ["年度", "所属", "対象職員数", "実施者数", "実施率(%)", "1人あたり日数", "管理職トライアル実施者"], rows),
                format, $"telework-summary-{today:yyyyMMdd}");
        }).RequireAuthorization(TeleworkPolicies.Read);
    }
}

/// <summary>Nightly safety net (02:20 Japan time).</summary>
[DisallowConcurrentExecution]
public sealed class TeleworkRecomputeJob(TeleworkFeed feed, ILogger<TeleworkRecomputeJob> logger) : IJob
{
    /// <summary>Job key.</summary>
    public static readonly JobKey Key = new("telework-recompute", "telework");

    /// <inheritdoc />
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var result = await feed.PublishAsync(cancellationToken);
        logger.LogInformation("Telework figures recomputed: {Result}", result?.ToString() ?? "no plan indicator bound");
    }
}

/// <summary>
/// <c>seed-demo</c>: a 1,000-person demo roster (800 eligible; こども園, 幼稚園 and 消防署 staff not), telework days
/// FY2021–FY2024, and an attendance export in Shift_JIS (hours, FY2025) through the saved mapping
/// <c>attendance-sample</c>. Re-running it changes nothing.
/// </summary>
internal sealed class TeleworkDemoSeeder(TeleworkImporter importer, TeleworkDbContext db) : IDemoDataSeeder
{
    public int Order => 30;

    /// <summary>Name of the sample mapping.</summary>
    public const string SampleMapping = "attendance-sample";

    public static byte[] Sample(string name) => EmbeddedFiles.Read(typeof(TeleworkDemoSeeder).Assembly, "TeleworkSampleData." + name);

    public async Task<string> SeedAsync(CancellationToken ct)
    {
        var staff = await importer.ImportStaffAsync(Sample("staff.csv"), "staff.csv", dryRun: false, ct);
        var days = await importer.ImportDaysAsync(Sample("telework-days.csv"), "telework-days.csv", null, dryRun: false, null, ct);
        if (!await db.Mappings.AnyAsync(m => m.Name == SampleMapping, ct))
        {
            db.Mappings.Add(new DayMapping
            {
                Name = SampleMapping,
                ColumnsJson = JsonSerializer.Serialize(new Dictionary<string, string>
                {
                    ["employee_number"] = "職員番号", ["date"] = "勤務日", ["type"] = "勤務形態", ["hours"] = "テレワーク時間",
                }),
            });
            await db.SaveChangesAsync(ct);
        }
        var export = await importer.ImportDaysAsync(Sample("attendance-export-sjis.csv"), "attendance-export-sjis.csv", SampleMapping, dryRun: false, null, ct);
        return $"テレワーク管理: 職員 {staff.Added}人追加、テレワーク勤務 {days.Added + export.Added}日追加 (うち Shift_JIS の勤怠出力 {export.Added}日)。";
    }
}
