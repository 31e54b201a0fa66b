using Intranet.Modules.PlanKpi.Pages.Shared;
using Intranet.Modules.PlanKpi.UseCases;
using Intranet.Shared.Modules;
using Intranet.Shared.Security;
using Intranet.Shared.Web;
using MediatR;

namespace Intranet.Modules.PlanKpi.Home;

/// <summary>
/// The CIO's home page line 「新たに遅れとなった指標」, one per plan that has any: the indicators behind (遅れ) in the
/// plan year containing today and not behind in the year before (rule: <see cref="IndicatorFilter.NewlyBehind"/>;
/// in a plan's first year every indicator behind counts). The link opens the indicator list filtered to exactly
/// them (<c>/indicators?plan=…&amp;fy=…&amp;status=newly_behind</c>). Users without the Cio role get nothing.
/// </summary>
public sealed class CioWorkItems(IMediator mediator) : IWorkItemSource
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<WorkItem>> GetAsync(ICurrentUser user, CancellationToken cancellationToken)
    {
        if (!user.IsInRole(Roles.Cio)) return [];
        var plans = await mediator.Send(new CountNewlyBehind(), cancellationToken);
        return plans.Where(p => p.Codes.Count > 0)
            .Select(p => new WorkItem(
                "新たに遅れとなった指標",
                p.Codes.Count,
                Formats.IndicatorsHref(p.PlanCode, p.FiscalYear, new IndicatorFilter(IndicatorFilter.NewlyBehind)),
                $"{p.PlanTitle}: {Fmt.Year(p.FiscalYear)}に遅れとなり、前年度は遅れでなかった指標",
                WorkItemSeverity.Warning, 10))
            .ToList();
    }
}
