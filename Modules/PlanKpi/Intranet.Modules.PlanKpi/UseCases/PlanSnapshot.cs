using Intranet.Modules.PlanKpi.Contracts;
using Intranet.Modules.PlanKpi.Data;
using Intranet.Modules.PlanKpi.Domain;
using Intranet.Shared.Time;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.PlanKpi.UseCases;

/// <summary>Where an actual came from.</summary>
/// <param name="Value">In the indicator's unit.</param>
/// <param name="IsFed">True when a module reported it through the metric feed.</param>
/// <param name="Source">Module name (「RPA台帳」) or the person who entered it.</param>
/// <param name="At">When it was measured (feed) or entered (person), UTC.</param>
/// <param name="Note">The person's note, if any.</param>
/// <param name="Version">Concurrency version of a typed-in actual (null when fed).</param>
public sealed record ActualInfo(decimal Value, bool IsFed, string Source, DateTimeOffset At, string? Note, Guid? Version);

/// <summary>One fiscal year of an indicator: target, actual and evaluation.</summary>
public sealed record IndicatorYear(FiscalYear FiscalYear, decimal? TargetValue, string? TargetText, ActualInfo? Actual, KpiEvaluation Evaluation);

/// <summary>An indicator with its place in the plan and all its years.</summary>
public sealed class IndicatorRow
{
    public required Indicator Indicator { get; init; }
    /// <summary>The project, or null for a measure-level indicator.</summary>
    public Project? Project { get; init; }
    /// <summary>The project's first placement (or the indicator's measure).</summary>
    public required Measure Measure { get; init; }
    public required Policy Policy { get; init; }
    /// <summary>Code of the first placement (= project code) or empty for measure-level indicators.</summary>
    public string ProjectCode => Project?.Code ?? "";
    public IReadOnlyList<string> LeadDepartments { get; init; } = [];
    /// <summary>Every plan year, in order.</summary>
    public required IReadOnlyList<IndicatorYear> Years { get; init; }
    /// <summary>The metric definition when the indicator is bound and a module registered the key.</summary>
    public MetricDefinition? Feed { get; init; }

    /// <summary>The row of <paramref name="year"/> (null outside the plan period).</summary>
    public IndicatorYear? Year(int year) => Years.FirstOrDefault(y => y.FiscalYear.StartYear == year);
}

/// <summary>
/// A whole plan loaded once, with every indicator evaluated for every plan year on one date. Plans
/// are small (Hadano: 38 projects, 33 indicators, 5 years), so pages and exports read this snapshot
/// instead of issuing a query per row.
/// </summary>
public sealed class PlanSnapshot
{
    public required Plan Plan { get; init; }
    /// <summary>Evaluation date (Japan time).</summary>
    public required DateOnly AsOf { get; init; }
    public required IReadOnlyList<IndicatorRow> Indicators { get; init; }
    /// <summary>Plan years, first to last.</summary>
    public IReadOnlyList<FiscalYear> Years => Enumerable.Range(Plan.FirstFiscalYear, Plan.LastFiscalYear - Plan.FirstFiscalYear + 1)
        .Select(y => new FiscalYear(y)).ToList();

    /// <summary>The plan year that contains <see cref="AsOf"/>, clamped into the plan period.</summary>
    public FiscalYear DefaultYear
    {
        get
        {
            var y = FiscalYear.Of(AsOf).StartYear;
            return new FiscalYear(Math.Clamp(y, Plan.FirstFiscalYear, Plan.LastFiscalYear));
        }
    }

    /// <summary>Every department that leads a project, sorted.</summary>
    public IReadOnlyList<string> LeadDepartments => Plan.Projects.SelectMany(p => p.Departments)
        .Where(d => d.Role == DepartmentRole.Lead).Select(d => d.Department).Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>Policies in order with their measures in order.</summary>
    public IEnumerable<Policy> Policies => Plan.Policies.OrderBy(p => p.SortOrder);

    /// <summary>Loads plan <paramref name="planCode"/>; null when there is none.</summary>
    public static async Task<PlanSnapshot?> LoadAsync(PlanKpiDbContext db, string planCode, DateOnly asOf,
        IEnumerable<MetricDefinition> definitions, CancellationToken ct)
    {
        var plan = await db.WholePlans().AsNoTracking()
            .SingleOrDefaultAsync(p => p.Code == planCode, ct);
        if (plan is null) return null;

        var keys = plan.Indicators.Where(i => i.MetricKey != null).Select(i => i.MetricKey!).Distinct().ToList();
        var fed = keys.Count == 0 ? [] : await db.MetricValues.AsNoTracking().Where(v => keys.Contains(v.Key)).ToListAsync(ct);
        var defs = definitions.GroupBy(d => d.Key).ToDictionary(g => g.Key, g => g.First());

        foreach (var policy in plan.Policies) policy.Measures.Sort((a, b) => a.SortOrder.CompareTo(b.SortOrder));
        plan.Policies.Sort((a, b) => a.SortOrder.CompareTo(b.SortOrder));
        foreach (var m in plan.Policies.SelectMany(p => p.Measures)) m.Placements.Sort((a, b) => a.SortOrder.CompareTo(b.SortOrder));
        foreach (var p in plan.Projects)
        {
            p.Departments.Sort((a, b) => (a.Role, a.SortOrder).CompareTo((b.Role, b.SortOrder)));
            p.AnnualActivities.Sort((a, b) => a.SortOrder.CompareTo(b.SortOrder));
        }

        var measureById = plan.Policies.SelectMany(p => p.Measures).ToDictionary(m => m.Id);
        var policyById = plan.Policies.ToDictionary(p => p.Id);
        var projectById = plan.Projects.ToDictionary(p => p.Id);
        var firstPlacement = plan.Policies.SelectMany(p => p.Measures).SelectMany(m => m.Placements)
            .Where(p => !p.IsCrossListing).GroupBy(p => p.ProjectId).ToDictionary(g => g.Key, g => g.First());

        var rows = new List<IndicatorRow>();
        foreach (var ind in plan.Indicators)
        {
            Project? project = ind.ProjectId is { } pid ? projectById[pid] : null;
            var measure = project is not null && firstPlacement.TryGetValue(project.Id, out var pl) ? measureById[pl.MeasureId]
                : ind.MeasureId is { } mid ? measureById[mid] : null;
            if (measure is null) continue;
            var years = new List<IndicatorYear>();
            decimal? previousTarget = null;
            for (var y = plan.FirstFiscalYear; y <= plan.LastFiscalYear; y++)
            {
                var fy = new FiscalYear(y);
                var target = ind.Targets.FirstOrDefault(t => t.FiscalYear == y);
                ActualInfo? actual;
                if (ind.MetricKey is { } key)
                {
                    var v = fed.FirstOrDefault(f => f.Key == key && f.FiscalYear == y);
                    actual = v is null ? null : new ActualInfo(v.Value, true, v.SourceModule, v.MeasuredAt, null, null);
                }
                else
                {
                    var a = ind.Actuals.FirstOrDefault(x => x.FiscalYear == y);
                    actual = a is null ? null : new ActualInfo(a.Value, false, a.EnteredBy, a.EnteredAt, a.Note, a.Version);
                }
                var eval = KpiRules.Evaluate(ind.Direction, ind.Comparator, fy, target?.Value, actual?.Value, previousTarget, asOf);
                years.Add(new IndicatorYear(fy, target?.Value, target?.Text, actual, eval));
                if (target?.Value is { } tv) previousTarget = tv;
            }
            rows.Add(new IndicatorRow
            {
                Indicator = ind,
                Project = project,
                Measure = measure,
                Policy = policyById[measure.PolicyId],
                LeadDepartments = project?.Departments.Where(d => d.Role == DepartmentRole.Lead).Select(d => d.Department).ToList() ?? [],
                Years = years,
                Feed = ind.MetricKey is { } k && defs.TryGetValue(k, out var def) ? def : null,
            });
        }
        // Plan order: policy, measure, placement, indicator.
        var placementOrder = plan.Policies.SelectMany(p => p.Measures).SelectMany(m => m.Placements)
            .Where(p => !p.IsCrossListing).Select((p, i) => (p.ProjectId, i)).GroupBy(x => x.ProjectId).ToDictionary(g => g.Key, g => g.First().i);
        rows = rows.OrderBy(r => r.Policy.SortOrder).ThenBy(r => r.Measure.SortOrder)
            .ThenBy(r => r.Project is null ? -1 : placementOrder.GetValueOrDefault(r.Project.Id))
            .ThenBy(r => r.Indicator.SortOrder).ToList();
        return new PlanSnapshot { Plan = plan, AsOf = asOf, Indicators = rows };
    }
}
