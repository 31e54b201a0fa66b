using Intranet.Modules.Rpa.UseCases;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Intranet.Modules.Rpa.Jobs;

/// <summary>Nightly safety net (02:00 Japan time): recomputes every figure and reports it to the plan again.</summary>
[DisallowConcurrentExecution]
public sealed class RpaRecomputeJob(RpaFeed feed, ILogger<RpaRecomputeJob> logger) : IJob
{
    /// <summary>Job key.</summary>
    public static readonly JobKey Key = new("rpa-recompute", "rpa");

    /// <inheritdoc />
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var result = await feed.PublishAsync(cancellationToken);
        logger.LogInformation("RPA figures recomputed: {Result}", result?.ToString() ?? "no plan indicator bound");
    }
}
