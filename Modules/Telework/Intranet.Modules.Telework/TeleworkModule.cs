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
        new("テレワーク取込", "imports/telework-days", TeleworkPolicies.HumanResources, 62),
    ];

    /// <inheritdoc />
    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddModuleDbContext<TeleworkDbContext>(TeleworkDbContext.SchemaName);
        services.AddSingleton(TeleworkFeed.Definition);
        services.AddScoped<TeleworkFeed>();
        services.AddScoped<TeleworkAggregates>();
        services.AddSingleton<TeleworkReadCache>();
        services.AddImportKind<StaffImportKind>();
        services.AddImportKind<TeleworkDayImportKind>();
        services.AddModuleFeed(TeleworkImports.Feed, (sp, ct) => sp.GetRequiredService<TeleworkFeed>().PublishAsync(ct),
            (sp, years, ct) => sp.GetRequiredService<TeleworkFeed>().PublishAsync(years, ct));
        services.AddScoped<IDemoDataSeeder, TeleworkDemoSeeder>();
        services.AddAuthorizationBuilder()
            .AddPolicy(TeleworkPolicies.Read, p => p.RequireRole(Roles.Staff))
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
        // The old upload page's address (bookmarks, the README of earlier versions): the shared import page now.
        endpoints.MapGet("/telework/import", () => Results.Redirect("/imports/telework-days")).RequireAuthorization(TeleworkPolicies.HumanResources);
        // Aggregates only (small groups suppressed): the export anyone may download. Individual records are never exported.
        endpoints.MapGet("/telework/export/summary.{format}", async (string format, TeleworkFeed feed, TimeProvider clock, CancellationToken ct) =>
        {
            var today = clock.TodayInJapan();
            var years = Enumerable.Range(2021, Math.Max(1, FiscalYear.Of(today).StartYear - 2020)).Select(y => new FiscalYear(y));
            var rows = new List<IReadOnlyList<object?>>();
            foreach (var y in await feed.ComputeAsync(years, ct))
            {
                // A value not shown is 「—」 (small group, TeleworkRules.SuppressDepartments) or 「未測定」 (a year without telework days).
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

/// <summary>Nightly safety net (02:20 Japan time): rebuilds the maintained tallies from every row, then reports.</summary>
[DisallowConcurrentExecution]
public sealed class TeleworkRecomputeJob(TeleworkFeed feed, ILogger<TeleworkRecomputeJob> logger) : IJob
{
    /// <summary>Job key.</summary>
    public static readonly JobKey Key = new("telework-recompute", "telework");

    /// <inheritdoc />
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        await feed.RebuildTalliesAsync(cancellationToken);
        var result = await feed.PublishAsync(cancellationToken);
        logger.LogInformation("Telework figures recomputed: {Result}", result?.ToString() ?? "no plan indicator bound");
    }
}

/// <summary>
/// <c>seed-demo</c>: a 1,000-person demo roster (800 eligible; こども園, 幼稚園 and 消防署 staff not), telework days
/// FY2021–FY2024, and an attendance export in Shift_JIS (hours, FY2025) through the saved mapping
/// <c>attendance-sample</c>. Re-running it changes nothing.
/// </summary>
internal sealed class TeleworkDemoSeeder(SampleImports samples) : IDemoDataSeeder
{
    public int Order => 30;

    /// <summary>The sample exports and the preset each is imported through (SampleData/, README).</summary>
    public static readonly (string Kind, string File, string Preset)[] Samples =
    [
        (TeleworkImports.Staff, "hr-roster-export.csv", "hr-roster-export.mapping.json"),
        (TeleworkImports.Days, "kintai-export-sjis.csv", "kintai-export.mapping.json"),
        (TeleworkImports.Days, "attendance-export-sjis.csv", "attendance-export.mapping.json"),
    ];

    public static byte[] Sample(string name) => EmbeddedFiles.Read(typeof(TeleworkDemoSeeder).Assembly, "TeleworkSampleData." + name);

    /// <summary>Installs the presets (a preset already saved under its name is kept as the city edited it) and imports the samples through them, the way a city's own exports come in.</summary>
    public async Task<string> SeedAsync(CancellationToken ct)
    {
        var added = new List<int>();
        foreach (var (kind, file, preset) in Samples)
        {
            var mapping = ImportMapping.FromJson(System.Text.Encoding.UTF8.GetString(Sample(preset)), preset);
            await samples.InstallPresetAsync(mapping, ct);
            var result = await samples.ImportAsync(kind, Sample(file), file, mapping.Name, ct);
            added.Add(result.Added);
        }
        return $"テレワーク管理: 職員 {added[0]}人追加、テレワーク勤務 {added[1] + added[2]}日追加 (人事・勤怠システムの出力を対応付けで取込)。";
    }
}
