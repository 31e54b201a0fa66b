using Intranet.Modules.Rpa.UseCases;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Intranet.Modules.Rpa.Jobs;

/// <summary>
/// Nightly safety net (02:00 Japan time): rebuilds the maintained tallies from every run (<see cref="RpaTallies.RebuildAsync"/>),
/// recomputes every figure and reports it to the plan again.
/// </summary>
[DisallowConcurrentExecution]
public sealed class RpaRecomputeJob(RpaFeed feed, RpaTallies tallies, ILogger<RpaRecomputeJob> logger) : IJob
{
    /// <summary>Job key.</summary>
    public static readonly JobKey Key = new("rpa-recompute", "rpa");

    /// <inheritdoc />
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        await tallies.RebuildAsync(cancellationToken);
        var result = await feed.PublishAsync(cancellationToken);
        logger.LogInformation("RPA figures recomputed: {Result}", result?.ToString() ?? "no plan indicator bound");
    }
}
