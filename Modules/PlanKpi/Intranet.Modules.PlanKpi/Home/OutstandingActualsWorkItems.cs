using Intranet.Modules.PlanKpi.Contracts;
using Intranet.Modules.PlanKpi.Data;
using Intranet.Modules.PlanKpi.UseCases;
using Intranet.Shared.Modules;
using Intranet.Shared.Security;
using Intranet.Shared.Time;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.PlanKpi.Home;

/// <summary>
/// Home-page lines of the plan-KPI module, per plan, for the plan year that contains today (TimeProvider, Japan time;
/// a plan that has ended uses its last year, one not yet started its first, as <see cref="PlanSnapshot.DefaultYear"/>):
/// <list type="bullet">
/// <item>Department: 「未入力の実績値」 = indicators the user's department leads that still owe a value
/// (<see cref="Domain.ActualValueRules.Owes"/>), linking to the department's 実績入力 grid.</item>
/// <item>PlanOffice: 「実績値が未入力の主管課」 = departments still owing at least one value, linking to the department list.</item>
/// </list>
/// Nothing for other roles, or when nothing is owed.
/// </summary>
public sealed class OutstandingActualsWorkItems(PlanKpiDbContext db, TimeProvider clock, IEnumerable<MetricDefinition> definitions) : IWorkItemSource
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<WorkItem>> GetAsync(ICurrentUser user, CancellationToken cancellationToken)
    {
        var department = user.IsInRole(Roles.Department) ? user.Department : null;
        var office = user.IsInRole(Roles.PlanOffice);
        if (user.IsSystem || (department is not { Length: > 0 } && !office)) return [];

        var items = new List<WorkItem>();
        var codes = await db.Plans.AsNoTracking().OrderBy(p => p.SortOrder).Select(p => p.Code).ToListAsync(cancellationToken);
        foreach (var code in codes)
        {
            var snapshot = await PlanSnapshot.LoadAsync(db, code, clock.TodayInJapan(), definitions, cancellationToken);
            if (snapshot is null) continue;
            var year = snapshot.DefaultYear.StartYear;
            var rows = EntryRows.Of(snapshot, year);
            var plan = Uri.EscapeDataString(code);
            if (department is { Length: > 0 })
            {
                var owed = rows.Count(r => r.Owes && r.LeadDepartments.Contains(department));
                if (owed > 0)
                    items.Add(new WorkItem("未入力の実績値", owed, $"/plans/{plan}/entry?fy={year}",
                        $"{snapshot.Plan.Title}・{Intranet.Shared.Web.Fmt.Year(year)}", WorkItemSeverity.Warning, 10));
            }
            if (office)
            {
                var behind = EntryRows.Outstanding(snapshot, rows).Count(d => d.Owed > 0);
                if (behind > 0)
                    items.Add(new WorkItem("実績値が未入力の主管課", behind, $"/plans/{plan}/entry/departments?fy={year}",
                        $"{snapshot.Plan.Title}・{Intranet.Shared.Web.Fmt.Year(year)}", WorkItemSeverity.Warning, 10));
            }
        }
        return items;
    }
}
