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

    /// <summary>A key no real module offers, so the test stays valid whatever modules the host lists.</summary>
    public const string Key = "test.widget-count";

    public static readonly MetricDefinition WidgetCount = new(Key, "テスト件数(累積)", "件", Cumulative: true, SourceModule);

    /// <summary>A small plan whose one indicator is bound to <see cref="Key"/>: targets 4 (FY2021) and 6 (FY2022).</summary>
    public const string PlanJson = """
        { "formatVersion": 1, "code": "feed-test", "title": "連携テスト計画", "municipality": "テスト市",
          "period": { "firstFiscalYear": 2021, "lastFiscalYear": 2022 },
          "levelNames": { "policy": "基本方針", "measure": "施策", "project": "事業" },
          "policies": [ { "code": "1", "title": "方針", "measures": [ { "code": "1-1", "title": "施策", "projects": [
            { "code": "1-1-(1)", "name": "連携される事業", "leadDepartments": ["情報システム課"],
              "indicators": [ { "code": "1-1-(1)-1", "name": "テスト件数(累積)", "unit": "件", "direction": "higher", "comparator": "exact",
                "cumulative": true, "metricKey": "test.widget-count",
                "targets": [ { "fiscalYear": 2021, "value": 4 }, { "fiscalYear": 2022, "value": 6 } ] } ] } ] } ] } ] }
        """;

    public Task<ReportMetricsResult> ReportAsync(int fiscalYear, decimal value, DateTimeOffset measuredAt) =>
        mediator.Send(new ReportMetrics(SourceModule, [new MetricValue(Key, fiscalYear, value, "件", measuredAt)]));
}
