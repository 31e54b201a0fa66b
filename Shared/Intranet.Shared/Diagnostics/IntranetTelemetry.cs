using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Intranet.Shared.Diagnostics;

/// <summary>
/// The suite's own traces and metrics (issue #11), exported by the host through OpenTelemetry when an OTLP endpoint is
/// configured. Activity source and meter are both named <see cref="Name"/>:
/// <list type="bullet">
/// <item>activity <c>import {kind}</c> per import run (tags <c>intranet.import.kind</c>, <c>intranet.import.dry_run</c>,
/// <c>intranet.import.outcome</c> = succeeded | rejected | failed, <c>intranet.import.rows</c>);</item>
/// <item>counter <c>intranet.imports</c> (runs, by kind, dry_run and outcome) and histogram <c>intranet.import.duration</c> (seconds);</item>
/// <item>counter <c>intranet.import.jobs.interrupted</c> (jobs failed because their host's lease expired).</item>
/// </list>
/// Scheduled jobs are traced by Quartz's own source and meter (<c>Quartz</c>), database calls by Npgsql's.
/// </summary>
public static class IntranetTelemetry
{
    /// <summary>Name of the activity source and meter.</summary>
    public const string Name = "Intranet";

    /// <summary>The activity source.</summary>
    public static readonly ActivitySource Source = new(Name);

    /// <summary>The meter.</summary>
    public static readonly Meter Meter = new(Name);

    /// <summary>Import runs (unit: runs).</summary>
    public static readonly Counter<long> Imports = Meter.CreateCounter<long>("intranet.imports", "{run}", "Import runs by kind, dry run and outcome");

    /// <summary>Import durations (unit: seconds).</summary>
    public static readonly Histogram<double> ImportDuration = Meter.CreateHistogram<double>("intranet.import.duration", "s", "Duration of an import run");

    /// <summary>Import jobs failed as interrupted (unit: jobs).</summary>
    public static readonly Counter<long> InterruptedJobs = Meter.CreateCounter<long>("intranet.import.jobs.interrupted", "{job}", "Import jobs whose host's lease expired");
}
