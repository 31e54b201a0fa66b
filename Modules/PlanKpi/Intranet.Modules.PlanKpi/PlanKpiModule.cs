using Intranet.Modules.PlanKpi.Contracts;
using Intranet.Modules.PlanKpi.Data;
using Intranet.Modules.PlanKpi.Export;
using Intranet.Modules.PlanKpi.Import;
using Intranet.Modules.PlanKpi.UseCases;
using Intranet.Shared.Export;
using Intranet.Shared.Import;
using Intranet.Shared.Modules;
using Intranet.Shared.Persistence;
using Intranet.Shared.Security;
using MediatR;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Intranet.Modules.PlanKpi;

/// <summary>
/// 計画KPI: the plan hierarchy, indicators with yearly targets, actuals (typed in or fed by modules
/// through <see cref="ReportMetrics"/>), the CIO dashboard and the KPI export.
/// </summary>
public sealed class PlanKpiModule : IModule
{
    /// <inheritdoc />
    public string Name => "PlanKpi";

    /// <inheritdoc />
    public string DisplayName => "計画KPI";

    /// <inheritdoc />
    public IReadOnlyList<NavigationItem> Navigation { get; } =
    [
        new("ダッシュボード", "dashboard", PlanKpiPolicies.Read, 10),
        new("計画体系", "plans", PlanKpiPolicies.Read, 20),
        new("指標一覧", "indicators", PlanKpiPolicies.Read, 30),
        new("実績入力", "entry", PlanKpiPolicies.EnterActuals, 40),
        new("評価 (進行管理)", "evaluation", PlanKpiPolicies.Evaluation, 50),
        new("計画の取込", "plans/import", PlanKpiPolicies.ManagePlans, 90),
    ];

    /// <inheritdoc />
    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddModuleDbContext<PlanKpiDbContext>(PlanKpiDbContext.SchemaName);
        services.AddScoped<PlanImporter>();
        // Issue #12: plan snapshots, the plan list and evaluation rounds cached per host, invalidated by the change stamp.
        services.AddSingleton<PlanKpiReadCache>();
        services.AddScoped<PlanKpiPageVersion>();
        services.AddScoped<Pages.Shared.PrerenderedMarkup>();
        services.AddScoped<UseCases.ActualRecorder>();
        services.AddImportKind<Import.PlanActualsImportKind>();
        services.AddScoped<IInitialDataSeeder, BundledPlansSeeder>();
        services.AddScoped<IDemoDataSeeder, DemoActualsSeeder>();
        services.AddScoped<IDemoDataSeeder, UseCases.Evaluation.DemoEvaluationSeeder>();
        services.AddScoped<IDemoDataSeeder, PlanRevisionsDemoSeeder>();
        services.AddAuthorizationBuilder()
            .AddPolicy(PlanKpiPolicies.Read, p => p.RequireRole(Roles.Staff))
            .AddPolicy(PlanKpiPolicies.EnterActuals, p => p.RequireRole(Roles.Administrator, Roles.PlanOffice, Roles.Department))
            .AddPolicy(PlanKpiPolicies.ManagePlans, p => p.RequireRole(Roles.Administrator, Roles.PlanOffice))
            // Every staff role and outside reviewers; which rounds and sheets each sees is decided by the use cases (EvaluationRules).
            .AddPolicy(PlanKpiPolicies.Evaluation, p => p.RequireRole(Roles.All));
    }

    /// <inheritdoc />
    public void ConfigureJobs(IQuartzBuilder quartz)
    {
        quartz.AddJob<EvaluationReminderJob>(j => j.WithIdentity(EvaluationReminderJob.Key));
        quartz.AddTrigger(t => t.ForJob(EvaluationReminderJob.Key).WithIdentity("evaluation-reminders-daily", "plankpi")
            .WithCronSchedule("0 30 8 * * ?", c => c.InTimeZone(TimeZoneInfo.TryFindSystemTimeZoneById("Asia/Tokyo", out var tz) ? tz : TimeZoneInfo.Utc)));
    }

    /// <inheritdoc />
    public void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        // Machine-readable download: the same rows and columns as `export-kpis --format csv`, UTF-8 with BOM. People get
        // the Japanese report below (kpi-report.xlsx / kpi-report.csv), which the dashboard links to.
        endpoints.MapGet("/plans/{code}/kpis.csv", async (string code, IMediator mediator, HttpContext http, CancellationToken ct) =>
        {
            var plan = await mediator.Send(new GetPlanSnapshot(code), ct);
            var fileName = $"kpis-{plan.Plan.Code}-{plan.AsOf:yyyyMMdd}.csv";
            http.Response.ContentType = "text/csv; charset=utf-8";
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
            var buffer = new MemoryStream();
            await using (var writer = new StreamWriter(buffer, KpiExport.ExcelUtf8, leaveOpen: true))
                KpiExport.WriteCsv(writer, KpiExport.Rows(plan));
            buffer.Position = 0;
            await buffer.CopyToAsync(http.Response.Body, ct);
        }).RequireAuthorization(PlanKpiPolicies.Read);

        // The KPI report for people (dashboard): Japanese headers, 令和 years, Japanese status names, numbers as numbers.
        foreach (var format in new[] { "xlsx", "csv" })
        {
            endpoints.MapGet($"/plans/{{code}}/kpi-report.{format}", async (string code, IMediator mediator, CancellationToken ct) =>
            {
                var plan = await mediator.Send(new GetPlanSnapshot(code), ct);
                return TableExport.Download(KpiExport.Report(plan), format, KpiExport.ReportFileName(plan));
            }).RequireAuthorization(PlanKpiPolicies.Read);
        }

        endpoints.MapGet("/plans/{code}/kpis.json", async (string code, IMediator mediator, HttpContext http, CancellationToken ct) =>
        {
            var plan = await mediator.Send(new GetPlanSnapshot(code), ct);
            http.Response.ContentType = "application/json; charset=utf-8";
            var buffer = new MemoryStream();
            KpiExport.WriteJson(buffer, KpiExport.Rows(plan));
            buffer.Position = 0;
            await buffer.CopyToAsync(http.Response.Body, ct);
        }).RequireAuthorization(PlanKpiPolicies.Read);

        Entry.EntryEndpoints.Map(endpoints);
        EvaluationReportEndpoints.Map(endpoints);
    }
}

/// <summary>
/// Every morning at 8:30 (Japan time): reminders of unsubmitted self-evaluations (<see cref="UseCases.Evaluation.SendEvaluationReminders"/>).
/// With several hosts the clustered store fires it on one host; never two runs at once (issue #11).
/// </summary>
[DisallowConcurrentExecution]
public sealed class EvaluationReminderJob(IMediator mediator, ILogger<EvaluationReminderJob> logger) : IJob
{
    /// <summary>Job key.</summary>
    public static readonly JobKey Key = new("evaluation-reminders", "plankpi");

    /// <inheritdoc />
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var run = await mediator.Send(new UseCases.Evaluation.SendEvaluationReminders(), cancellationToken);
        logger.LogInformation("Evaluation reminders: {Sent} sent, {Mailed} mailed", run.Sent, run.Mailed);
    }
}
