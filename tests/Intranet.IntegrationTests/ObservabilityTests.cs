using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using Intranet.IntegrationTests.Infrastructure;
using Intranet.Shared.Diagnostics;
using Intranet.Shared.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Intranet.IntegrationTests;

/// <summary>Issue #11 observability: our import activity and metrics, and the request scope with user and request id.</summary>
public sealed class ObservabilityTests
{
    [Fact]
    public async Task An_import_produces_an_activity_and_metrics_of_our_own()
    {
        var activities = new ConcurrentBag<Activity>();
        using var activityListener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == IntranetTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Add,
        };
        ActivitySource.AddActivityListener(activityListener);
        var measurements = new ConcurrentBag<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using var meterListener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == IntranetTelemetry.Name) listener.EnableMeasurementEvents(instrument);
            },
        };
        meterListener.SetMeasurementEventCallback<long>((i, v, tags, _) => measurements.Add((i.Name, v, Tags(tags))));
        meterListener.SetMeasurementEventCallback<double>((i, v, tags, _) => measurements.Add((i.Name, v, Tags(tags))));
        meterListener.Start();

        using var app = new IntranetApp(Db.Sqlite);
        // The listener hears every test running meanwhile: this test's import is the one under this test's own trace.
        ActivityTraceId trace;
        using (var test = new Activity("observability-test").SetIdFormat(ActivityIdFormat.W3C).Start())
        {
            trace = test.TraceId;
            await app.ImportSampleCasesAsync();
        }

        var import = Assert.Single(activities, a => a.TraceId == trace && a.OperationName == "import rpa-cases" && Equals(a.GetTagItem("intranet.import.dry_run"), false));
        Assert.Equal("succeeded", import.GetTagItem("intranet.import.outcome"));
        Assert.True((int)import.GetTagItem("intranet.import.rows")! > 0);
        Assert.Contains(measurements, m => m.Instrument == "intranet.imports" && (string?)m.Tags["kind"] == "rpa-cases" && (string?)m.Tags["outcome"] == "succeeded");
        Assert.Contains(measurements, m => m.Instrument == "intranet.import.duration" && m.Value > 0);
    }

    [Fact]
    public async Task Every_log_line_of_a_request_carries_the_user_and_the_request_id_and_one_line_logs_the_request()
    {
        var logs = new CapturingLoggerProvider();
        using var app = new IntranetApp(Db.Sqlite, s => s.AddLogging(l =>
        {
            l.AddProvider(logs);
            l.AddFilter<CapturingLoggerProvider>(null, LogLevel.Information);
        }));
        var client = await app.SignedInAsync(Roles.PlanOffice);
        var response = await client.GetAsync("/plans");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var requestId = response.Headers.GetValues("X-Request-Id").Single();

        var line = Assert.Single(logs.Lines, l => l.Category == "Intranet.Requests" && l.Scopes.TryGetValue("RequestId", out var id) && (string?)id == requestId);
        Assert.StartsWith("GET /plans → 200 in ", line.Message);
        Assert.Equal("planoffice", ((string)line.Scopes["User"]!).Split('-')[0]);
        Assert.DoesNotContain("Cookie", line.Message, StringComparison.OrdinalIgnoreCase);
    }

    private static Dictionary<string, object?> Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var result = new Dictionary<string, object?>();
        foreach (var t in tags) result[t.Key] = t.Value;
        return result;
    }

    /// <summary>Keeps every log line with the values of its scopes.</summary>
    private sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();
        public ConcurrentQueue<(string Category, string Message, Dictionary<string, object?> Scopes)> Lines { get; } = new();
        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);
        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;
        public void Dispose() { }

        private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);
            public bool IsEnabled(LogLevel logLevel) => true;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var scopes = new Dictionary<string, object?>();
                owner._scopes.ForEachScope((scope, values) =>
                {
                    if (scope is IEnumerable<KeyValuePair<string, object>> pairs)
                        foreach (var p in pairs) values[p.Key] = p.Value;
                }, scopes);
                owner.Lines.Enqueue((category, formatter(state, exception), scopes));
            }
        }
    }
}
