using Intranet.Modules.PlanKpi.Contracts;
using Intranet.Modules.PlanKpi.Data;
using Intranet.Modules.PlanKpi.Domain;
using Intranet.Shared.Messaging;
using Intranet.Shared.Security;
using Intranet.Shared.Time;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.PlanKpi.UseCases;

/// <summary>Summary of one plan for the plan list.</summary>
public sealed record PlanListItem(string Code, string Title, string Municipality, int FirstFiscalYear, int LastFiscalYear,
    int Projects, int Indicators);

/// <summary>Lists every plan, in import order.</summary>
/// <remarks>The city's staff only (<see cref="Roles.Staff"/>): outside reviewers see evaluation sheets, not plans.</remarks>
[RequiresRole(Roles.Administrator, Roles.Cio, Roles.PlanOffice, Roles.RpaTeam, Roles.HumanResources, Roles.MeetingOrganizer, Roles.Department, Roles.Viewer)]
public sealed record ListPlans : IRequest<IReadOnlyList<PlanListItem>>;

/// <summary>
/// Loads one plan evaluated today (Japan time). The result is cached per host and shared (<see cref="PlanKpiReadCache"/>):
/// read-only; the next request after any write to the plan-KPI schema, on any host, gets a fresh one.
/// </summary>
/// <exception cref="NotFoundException">No plan has that code.</exception>
/// <remarks>The city's staff only (<see cref="Roles.Staff"/>).</remarks>
[RequiresRole(Roles.Administrator, Roles.Cio, Roles.PlanOffice, Roles.RpaTeam, Roles.HumanResources, Roles.MeetingOrganizer, Roles.Department, Roles.Viewer)]
public sealed record GetPlanSnapshot(string PlanCode) : IRequest<PlanSnapshot>;

internal sealed class PlanQueryHandlers(PlanKpiDbContext db, TimeProvider clock, IEnumerable<MetricDefinition> definitions, PlanKpiReadCache cache)
    : IRequestHandler<ListPlans, IReadOnlyList<PlanListItem>>,
      IRequestHandler<GetPlanSnapshot, PlanSnapshot>,
      IRequestHandler<ListPlanProjects, IReadOnlyList<PlanProjectSummary>>,
      IRequestHandler<ListMetricConsumers, IReadOnlyList<MetricConsumer>>
{
    public async Task<IReadOnlyList<MetricConsumer>> Handle(ListMetricConsumers request, CancellationToken ct)
    {
        var bound = await db.Indicators.AsNoTracking().Include(i => i.Targets).Where(i => i.MetricKey == request.Key)
            .Join(db.Plans, i => i.PlanId, p => p.Id, (i, p) => new { Indicator = i, Plan = p })
            .ToListAsync(ct);
        return bound.Select(x => new MetricConsumer(x.Plan.Code, x.Indicator.Code, x.Plan.FirstFiscalYear, x.Plan.LastFiscalYear,
            x.Indicator.Targets.Where(t => t.Value is not null).ToDictionary(t => t.FiscalYear, t => t.Value!.Value))).ToList();
    }

    // Both cached per host (PlanKpiReadCache): reloaded when the schema's change stamp or the date changes.
    public Task<IReadOnlyList<PlanListItem>> Handle(ListPlans request, CancellationToken ct) => PlansAsync(db, cache, clock, ct);

    /// <summary>Every plan in import order, from the per-host cache (<see cref="PlanKpiReadCache"/>).</summary>
    internal static async Task<IReadOnlyList<PlanListItem>> PlansAsync(PlanKpiDbContext db, PlanKpiReadCache cache, TimeProvider clock, CancellationToken ct) =>
        (await cache.GetAsync<IReadOnlyList<PlanListItem>>(db, "plans", clock.TodayInJapan(), async c =>
            await db.Plans.AsNoTracking().OrderBy(p => p.SortOrder)
                .Select(p => new PlanListItem(p.Code, p.Title, p.Municipality, p.FirstFiscalYear, p.LastFiscalYear,
                    p.Projects.Count, p.Indicators.Count))
                .ToListAsync(c), ct))!;

    public async Task<PlanSnapshot> Handle(GetPlanSnapshot request, CancellationToken ct) =>
        await cache.SnapshotAsync(db, request.PlanCode, clock.TodayInJapan(), definitions, ct)
        ?? throw new NotFoundException($"計画 {request.PlanCode} は登録されていません。");

    public async Task<IReadOnlyList<PlanProjectSummary>> Handle(ListPlanProjects request, CancellationToken ct)
    {
        var projects = await db.Projects.AsNoTracking().Include(p => p.Departments)
            .Join(db.Plans, p => p.PlanId, p => p.Id, (project, plan) => new { project, plan })
            .ToListAsync(ct);
        return projects.OrderBy(x => x.plan.SortOrder).ThenBy(x => x.project.SortOrder)
            .Select(x => new PlanProjectSummary(x.plan.Code, x.plan.Title, x.project.Code, x.project.Name,
                x.project.Departments.Where(d => d.Role == DepartmentRole.Lead).OrderBy(d => d.SortOrder).Select(d => d.Department).ToList()))
            .ToList();
    }
}

/// <summary>Who may enter actuals for which project (issue #2: Department only for projects it leads).</summary>
public static class ActualEntryAccess
{
    /// <summary>
    /// True for Administrator and PlanOffice on every project, and for Department users on projects whose
    /// lead departments (主管課) include their own department. Cio and Viewer never. The command line always.
    /// </summary>
    public static bool CanEnter(ICurrentUser user, IReadOnlyList<string> leadDepartments)
    {
        if (user.IsSystem || user.IsInRole(Roles.Administrator) || user.IsInRole(Roles.PlanOffice)) return true;
        return user.IsInRole(Roles.Department) && user.Department is { Length: > 0 } d && leadDepartments.Contains(d);
    }
}
