using System.Text.Json;
using Intranet.Shared.Persistence;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Quartz;

namespace Intranet.Host.Infrastructure;

/// <summary>
/// <c>/health/ready</c> (issue #11): one entry per database context (<c>database:{schema}</c>: connects, no pending
/// migration) and one for the job scheduler (<c>scheduler</c>: running, clustered, instance id), answered as JSON:
/// <c>{"status":"Healthy","entries":{"database:identity":{"status":"Healthy","description":"…","data":{…}},…}}</c>.
/// 200 when every entry is healthy, 503 otherwise. <c>/health/live</c> runs no check (the process answers).
/// A host that has just started answers 503 for a moment: Quartz starts the scheduler only after the application has
/// started (its default <c>AwaitApplicationStarted</c>), so jobs never run during start-up; a balancer simply asks again.
/// </summary>
public static class ReadinessChecks
{
    /// <summary>Tag of the checks <c>/health/ready</c> runs.</summary>
    public const string ReadyTag = "ready";

    /// <summary>Adds a check per <see cref="ModuleDbContextRegistration"/> already registered in <paramref name="services"/>, and the scheduler's.</summary>
    public static void AddReadinessChecks(this IServiceCollection services)
    {
        var checks = services.AddHealthChecks();
        var registrations = services.Where(d => d.ServiceType == typeof(ModuleDbContextRegistration) && d.ImplementationInstance is not null)
            .Select(d => (ModuleDbContextRegistration)d.ImplementationInstance!).ToList();
        foreach (var registration in registrations)
        {
            checks.Add(new HealthCheckRegistration("database:" + registration.Schema,
                sp => new DatabaseContextCheck(sp.GetRequiredService<IServiceScopeFactory>(), registration),
                failureStatus: HealthStatus.Unhealthy, tags: [ReadyTag], timeout: TimeSpan.FromSeconds(10)));
        }
        checks.AddCheck<SchedulerCheck>("scheduler", tags: [ReadyTag]);
    }

    /// <summary>Writes the report as JSON (status, and per entry status, description, duration in ms and data).</summary>
    public static Task WriteJsonAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = report.Status.ToString(),
            durationMs = Math.Round(report.TotalDuration.TotalMilliseconds, 1),
            entries = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                description = e.Value.Description,
                durationMs = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
                data = e.Value.Data,
            }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, Json));
    }

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}

/// <summary>One database context: it connects and has no pending migration (the reason when not).</summary>
public sealed class DatabaseContextCheck(IServiceScopeFactory scopes, ModuleDbContextRegistration registration) : IHealthCheck
{
    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["context"] = registration.ContextType.Name, ["schema"] = registration.Schema };
        try
        {
            using var scope = scopes.CreateScope();
            var db = (DbContext)scope.ServiceProvider.GetRequiredService(registration.ContextType);
            data["provider"] = db.Database.ProviderName ?? "";
            if (!await db.Database.CanConnectAsync(cancellationToken))
                return HealthCheckResult.Unhealthy("database unreachable", data: data);
            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            if (pending.Count > 0) return HealthCheckResult.Unhealthy("pending migrations: " + string.Join(", ", pending), data: data);
            return HealthCheckResult.Healthy("migrated", data);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy(e.GetType().Name + ": " + e.Message, data: data);
        }
    }
}

/// <summary>The Quartz scheduler: healthy when running; data says whether it is clustered and its instance id.</summary>
public sealed class SchedulerCheck(ISchedulerFactory factory) : IHealthCheck
{
    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var scheduler = await factory.GetScheduler(cancellationToken);
            var meta = await scheduler.GetMetadata(cancellationToken);
            var data = new Dictionary<string, object>
            {
                ["name"] = meta.SchedulerName,
                ["instanceId"] = meta.SchedulerInstanceId,
                ["status"] = meta.Status.ToString(),
                ["running"] = meta.Status == SchedulerStatus.Running,
                ["clustered"] = meta.JobStoreClustered,
                ["persistent"] = meta.JobStorePersistent,
                ["jobsExecuted"] = meta.JobsExecuted,
            };
            return meta.Status == SchedulerStatus.Running
                ? HealthCheckResult.Healthy(meta.JobStoreClustered ? "running, clustered" : "running, in memory", data)
                : HealthCheckResult.Unhealthy("scheduler " + meta.Status, data: data);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy(e.GetType().Name + ": " + e.Message);
        }
    }
}
