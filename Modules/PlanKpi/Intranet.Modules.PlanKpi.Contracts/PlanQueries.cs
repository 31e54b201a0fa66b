using MediatR;

namespace Intranet.Modules.PlanKpi.Contracts;

/// <summary>Lists the projects (個別事業) of every plan, for modules that link their records to a plan project.</summary>
public sealed record ListPlanProjects : IRequest<IReadOnlyList<PlanProjectSummary>>;

/// <summary>A plan project as other modules see it.</summary>
/// <param name="PlanCode">e.g. <c>hadano-ict-2021</c>.</param>
/// <param name="PlanTitle">e.g. 「はだのICT活用推進計画」.</param>
/// <param name="ProjectCode">e.g. <c>2-1-(1)</c>.</param>
/// <param name="ProjectName">e.g. 「RPA(自動化技術)の導入による事務の効率化」.</param>
/// <param name="LeadDepartments">主管課, in the plan's order.</param>
public sealed record PlanProjectSummary(string PlanCode, string PlanTitle, string ProjectCode, string ProjectName,
    IReadOnlyList<string> LeadDepartments);

/// <summary>
/// Which plan indicators are bound to a metric key, with their plans' periods: a feeding module asks
/// this to know which fiscal years to report and where "since the plan start" begins.
/// </summary>
/// <param name="Key">A <see cref="MetricKeys"/> value.</param>
public sealed record ListMetricConsumers(string Key) : IRequest<IReadOnlyList<MetricConsumer>>;

/// <summary>An indicator bound to a metric key.</summary>
/// <param name="PlanCode">e.g. <c>hadano-ict-2021</c>.</param>
/// <param name="IndicatorCode">e.g. <c>2-1-(1)-1</c>.</param>
/// <param name="FirstFiscalYear">The plan's first fiscal year (starting calendar year).</param>
/// <param name="LastFiscalYear">The plan's last fiscal year.</param>
/// <param name="Targets">The indicator's numeric targets by fiscal year (years without a numeric target are absent).</param>
public sealed record MetricConsumer(string PlanCode, string IndicatorCode, int FirstFiscalYear, int LastFiscalYear,
    IReadOnlyDictionary<int, decimal> Targets);
