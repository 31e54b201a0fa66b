using Intranet.Modules.Paperless.Contracts;
using Intranet.Modules.Paperless.Data;
using Intranet.Modules.Paperless.Import;
using Intranet.Modules.Paperless.UseCases;
using Intranet.Modules.PlanKpi.Contracts;
using Intranet.Shared.Import;
using Intranet.Shared.Modules;
using Intranet.Shared.Persistence;
using Intranet.Shared.Security;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Intranet.Modules.Paperless;

/// <summary>
/// ペーパーレス会議: meeting bodies and their sessions; computes paperless rates, assembly tablet use and sheets
/// saved, and feeds them to the plan (Hadano 2-2-(1), 2-2-(2), 2-2-(7)).
/// </summary>
public sealed class PaperlessModule : IModule
{
    /// <inheritdoc />
    public string Name => "Paperless";

    /// <inheritdoc />
    public string DisplayName => PaperlessModuleInfo.DisplayName;

    /// <inheritdoc />
    public IReadOnlyList<NavigationItem> Navigation { get; } =
    [
        new("ペーパーレス会議", "paperless", PaperlessPolicies.Read, 50),
        new("会議の記録", "paperless/bodies", PaperlessPolicies.Organize, 51),
    ];

    /// <inheritdoc />
    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddModuleDbContext<PaperlessDbContext>(PaperlessDbContext.SchemaName);
        foreach (var d in PaperlessFeed.Definitions) services.AddSingleton(d);
        services.AddScoped<PaperlessFeed>();
        services.AddScoped<PaperlessTallies>();
        services.AddScoped<PaperlessQueries>();
        services.AddSingleton<PaperlessReadCache>();
        services.AddImportKind<MeetingBodyImportKind>();
        services.AddImportKind<MeetingSessionImportKind>();
        services.AddImportKind<PaperUseImportKind>();
        services.AddModuleFeed(PaperlessImportKinds.Feed, (sp, ct) => sp.GetRequiredService<PaperlessFeed>().PublishAsync(ct));
        services.AddScoped<IDemoDataSeeder, PaperlessDemoSeeder>();
        services.AddAuthorizationBuilder()
            .AddPolicy(PaperlessPolicies.Read, p => p.RequireRole(Roles.Staff))
            .AddPolicy(PaperlessPolicies.Organize, p => p.RequireRole(Roles.MeetingOrganizer, Roles.PlanOffice, Roles.Administrator));
    }

    /// <inheritdoc />
    public void MapEndpoints(IEndpointRouteBuilder endpoints) => PaperlessExports.Map(endpoints);

    /// <inheritdoc />
    public void ConfigureJobs(IQuartzBuilder quartz)
    {
        quartz.AddJob<PaperlessRecomputeJob>(j => j.WithIdentity(PaperlessRecomputeJob.Key));
        quartz.AddTrigger(t => t.ForJob(PaperlessRecomputeJob.Key).WithIdentity("paperless-recompute-nightly", "paperless")
            .WithCronSchedule("0 10 2 * * ?", c => c.InTimeZone(TimeZoneInfo.TryFindSystemTimeZoneById("Asia/Tokyo", out var tz) ? tz : TimeZoneInfo.Utc)));
    }
}

/// <summary>Nightly safety net (02:10 Japan time): recomputes every paperless figure from the rows (cached aggregates invalidated on every host) and reports it again.</summary>
[DisallowConcurrentExecution]
public sealed class PaperlessRecomputeJob(PaperlessFeed feed, ILogger<PaperlessRecomputeJob> logger) : IJob
{
    /// <summary>Job key.</summary>
    public static readonly JobKey Key = new("paperless-recompute", "paperless");

    /// <inheritdoc />
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var result = await feed.RecomputeAndPublishAsync(cancellationToken);
        logger.LogInformation("Paperless figures recomputed: {Result}", result?.ToString() ?? "no plan indicator bound");
    }
}
