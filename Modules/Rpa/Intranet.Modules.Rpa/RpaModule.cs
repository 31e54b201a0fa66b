using Intranet.Modules.PlanKpi.Contracts;
using Intranet.Modules.Rpa.Contracts;
using Intranet.Modules.Rpa.Data;
using Intranet.Modules.Rpa.Export;
using Intranet.Modules.Rpa.Import;
using Intranet.Modules.Rpa.Jobs;
using Intranet.Modules.Rpa.UseCases;
using Intranet.Shared.Import;
using Intranet.Shared.Modules;
using Intranet.Shared.Persistence;
using Intranet.Shared.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Quartz;

namespace Intranet.Modules.Rpa;

/// <summary>
/// RPA台帳: automation cases from idea to retirement, their run logs and the hours saved; feeds the plan's
/// RPA indicators (<see cref="MetricKeys.RpaAutomatedProcessCount"/>, <see cref="MetricKeys.RpaHoursSaved"/>).
/// </summary>
public sealed class RpaModule : IModule
{
    /// <inheritdoc />
    public string Name => "Rpa";

    /// <inheritdoc />
    public string DisplayName => RpaModuleInfo.DisplayName;

    /// <inheritdoc />
    public IReadOnlyList<NavigationItem> Navigation { get; } =
    [
        new("RPA台帳", "rpa", RpaPolicies.Read, 40),
        new("RPA 推進状況", "rpa/pipeline", RpaPolicies.Read, 41),
        new("RPA 取込", "rpa/import", RpaPolicies.Manage, 42),
        new("RPA 設定", "rpa/settings", RpaPolicies.Manage, 43),
    ];

    /// <inheritdoc />
    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddModuleDbContext<RpaDbContext>(RpaDbContext.SchemaName);
        foreach (var definition in RpaFeed.Definitions) services.AddSingleton(definition);
        services.AddScoped<RpaFeed>();
        services.AddScoped<RpaTallies>();
        services.AddSingleton<RpaReadCache>();
        services.AddScoped<RpaQueries>();
        services.AddImportKind<CaseImportKind>();
        services.AddImportKind<RunImportKind>();
        services.AddModuleFeed(RpaImportKinds.Feed, (sp, ct) => sp.GetRequiredService<RpaFeed>().PublishAsync(ct));
        services.AddScoped<IDemoDataSeeder, RpaDemoSeeder>();
        services.AddAuthorizationBuilder()
            .AddPolicy(RpaPolicies.Read, p => p.RequireRole(Roles.RpaTeam, Roles.Administrator, Roles.PlanOffice, Roles.Cio, Roles.Viewer, Roles.Department))
            .AddPolicy(RpaPolicies.Propose, p => p.RequireRole(Roles.RpaTeam, Roles.Administrator, Roles.Department))
            .AddPolicy(RpaPolicies.Manage, p => p.RequireRole(Roles.RpaTeam, Roles.Administrator));
    }

    /// <inheritdoc />
    public void ConfigureJobs(IQuartzBuilder quartz)
    {
        quartz.AddJob<RpaRecomputeJob>(j => j.WithIdentity(RpaRecomputeJob.Key));
        quartz.AddTrigger(t => t.ForJob(RpaRecomputeJob.Key).WithIdentity("rpa-recompute-nightly", "rpa")
            .WithCronSchedule("0 0 2 * * ?", c => c.InTimeZone(TokyoTime())));
    }

    private static TimeZoneInfo TokyoTime() =>
        TimeZoneInfo.TryFindSystemTimeZoneById("Asia/Tokyo", out var tz) ? tz : TimeZoneInfo.CreateCustomTimeZone("JST", TimeSpan.FromHours(9), "JST", "JST");

    /// <inheritdoc />
    public void MapEndpoints(IEndpointRouteBuilder endpoints) => RpaExports.Map(endpoints);
}
