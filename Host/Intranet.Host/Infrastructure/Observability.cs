using Intranet.Shared.Diagnostics;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Intranet.Host.Infrastructure;

/// <summary>
/// Logs, request log, traces and metrics (issue #11):
/// <list type="bullet">
/// <item><c>Logging:Json=true</c>: one JSON object per line with scopes, so every line of a request carries
/// <c>User</c> (the signed-in name or <c>anonymous</c>) and <c>RequestId</c> (<c>HttpContext.TraceIdentifier</c>, also sent
/// back as <c>X-Request-Id</c>);</item>
/// <item><c>Logging:Requests</c> (default true outside Development): one line per request — method, path (no query string),
/// status, milliseconds, user; never cookies, authorization headers or bodies;</item>
/// <item>OpenTelemetry traces (ASP.NET Core, Npgsql, <see cref="IntranetTelemetry"/>, Quartz) and metrics (ASP.NET Core,
/// Npgsql, <see cref="IntranetTelemetry"/>, Quartz), exported over OTLP only when <c>OpenTelemetry:Endpoint</c> or the
/// standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (service name <c>OpenTelemetry:ServiceName</c>, default <c>intranet</c>).</item>
/// </list>
/// </summary>
public static class Observability
{
    /// <summary>Registers the JSON console (when asked) and OpenTelemetry.</summary>
    public static void AddObservability(this WebApplicationBuilder builder)
    {
        if (builder.Configuration.GetValue("Logging:Json", false))
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffzzz ";
                o.UseUtcTimestamp = true;
                o.JsonWriterOptions = new System.Text.Json.JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
            });
        }

        var endpoint = builder.Configuration["OpenTelemetry:Endpoint"] is { Length: > 0 } configured ? configured
            : builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(builder.Configuration["OpenTelemetry:ServiceName"] ?? "intranet",
                serviceInstanceId: $"{Environment.MachineName}:{Environment.ProcessId}"))
            .WithTracing(t => t.AddAspNetCoreInstrumentation(o => o.Filter = c => !c.Request.Path.StartsWithSegments("/health"))
                .AddNpgsql().AddSource(IntranetTelemetry.Name, "Quartz"))
            .WithMetrics(m => m.AddAspNetCoreInstrumentation().AddMeter(IntranetTelemetry.Name, "Quartz", "Npgsql"));
        if (!string.IsNullOrWhiteSpace(endpoint))
        {
            otel.UseOtlpExporter(OpenTelemetry.Exporter.OtlpExportProtocol.Grpc, new Uri(endpoint));
        }
    }

    /// <summary>The scope with user and request id, and the one-line request log; after authentication.</summary>
    public static void UseRequestLogging(this WebApplication app)
    {
        var requests = app.Configuration.GetValue("Logging:Requests", !app.Environment.IsDevelopment());
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Intranet.Requests");
        app.Use(async (context, next) =>
        {
            var user = context.User.Identity?.IsAuthenticated == true ? context.User.Identity.Name ?? "?" : "anonymous";
            context.Response.Headers["X-Request-Id"] = context.TraceIdentifier;
            using var scope = logger.BeginScope(new Dictionary<string, object> { ["User"] = user, ["RequestId"] = context.TraceIdentifier });
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                await next();
            }
            finally
            {
                if (requests)
                {
                    logger.LogInformation("{Method} {Path} → {Status} in {Milliseconds} ms ({User})", context.Request.Method, context.Request.Path.Value,
                        context.Response.StatusCode, Math.Round(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds, 1), user);
                }
            }
        });
    }
}
