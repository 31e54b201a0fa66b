using Intranet.Modules.PlanKpi.Contracts;
using MediatR;

namespace Intranet.IntegrationTests.Infrastructure;

/// <summary>
/// A stand-in for a feeding module (RPA, paperless, telework): it knows only the plan-KPI module's
/// Contracts, registers the metric it offers, and reports figures through <see cref="IMediator"/>.
/// </summary>
public sealed class TestFeeder(IMediator mediator)
{
    public const string SourceModule = "テスト連携モジュール";

    public static readonly MetricDefinition ProcessCount =
        new(MetricKeys.RpaAutomatedProcessCount, "RPA適用業務数(累積)", "業務", Cumulative: true, SourceModule);

    public Task<ReportMetricsResult> ReportAsync(int fiscalYear, decimal value, DateTimeOffset measuredAt) =>
        mediator.Send(new ReportMetrics(SourceModule, [new MetricValue(MetricKeys.RpaAutomatedProcessCount, fiscalYear, value, "業務", measuredAt)]));
}
