using Intranet.Modules.PlanKpi.Data;
using Intranet.Modules.PlanKpi.Domain.Evaluation;
using Intranet.Modules.PlanKpi.Pages.Evaluation;
using Intranet.Shared.Modules;
using Intranet.Shared.Security;
using Intranet.Shared.Time;
using Intranet.Shared.Web;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.PlanKpi.Home;

/// <summary>
/// Home-page lines of the evaluation round (issue #10), per open round:
/// <list type="bullet">
/// <item>Department: 「提出する評価シート」 = sheets its department leads, not submitted, at the self-evaluation (returned ones
/// as 「再提出する評価シート」), with the deadline, linking to the round filtered to the department.</item>
/// <item>Reviewer (and CIO when a role stage names the CIO): 「評価する評価シート」 = submitted sheets without this stage's
/// result, when <see cref="EvaluationRules.CanReview"/> says the user records the running role stage.</item>
/// <item>PlanOffice: 「終了できる評価段階」 when nothing blocks closing (<see cref="EvaluationRules.CheckClose"/>), and
/// 「自己評価が遅れている主管課」 = departments with unsubmitted sheets after the self-evaluation deadline.</item>
/// </list>
/// </summary>
public sealed class EvaluationWorkItems(PlanKpiDbContext db, TimeProvider clock) : IWorkItemSource
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<WorkItem>> GetAsync(ICurrentUser user, CancellationToken cancellationToken)
    {
        if (user.IsSystem) return [];
        var department = user.IsInRole(Roles.Department) ? user.Department : null;
        var office = user.IsInRole(Roles.PlanOffice);
        var reviewer = user.IsInRole(Roles.Reviewer) || user.IsInRole(Roles.Cio);
        if (department is not { Length: > 0 } && !office && !reviewer) return [];

        var rounds = await db.EvaluationRoundsWithSheets().AsNoTracking().Where(r => r.ClosedAt == null)
            .ToListAsync(cancellationToken);
        if (rounds.Count == 0) return [];
        var plans = await db.Plans.AsNoTracking().ToDictionaryAsync(p => p.Id, p => (p.Code, p.Title), cancellationToken);
        var today = clock.TodayInJapan();
        var items = new List<WorkItem>();
        foreach (var round in rounds.OrderBy(r => r.FiscalYear))
        {
            if (!plans.TryGetValue(round.PlanId, out var plan)) continue;
            var stage = round.Stages.SingleOrDefault(s => s.Order == round.CurrentStage);
            if (stage is null) continue;
            var href = Intranet.Modules.PlanKpi.UseCases.Evaluation.EvaluationLinks.Round(plan.Code, round.FiscalYear);
            var context = $"{plan.Title}・{Fmt.Year(round.FiscalYear)}「{stage.Name}」" + (stage.Deadline is { } d ? $" 締切 {Fmt.Date(d)}" : "");
            var late = stage.Deadline is { } deadline && today > deadline;

            if (stage.Order == 1 && department is { Length: > 0 })
            {
                var mine = round.Sheets.Where(s => s.LeadDepartmentNames.Contains(department) && s.Status != SheetStatus.Submitted).ToList();
                var returned = mine.Count(s => s.Status == SheetStatus.Returned);
                var toFill = mine.Count - returned;
                var deptHref = $"{href}?dept={Uri.EscapeDataString(department)}";
                if (returned > 0)
                    items.Add(new WorkItem("再提出する評価シート", returned, $"{href}?status={SheetStatus.Returned}&dept={Uri.EscapeDataString(department)}",
                        context, WorkItemSeverity.Warning, 5));
                if (toFill > 0)
                    items.Add(new WorkItem("提出する評価シート", toFill, deptHref, context, late ? WorkItemSeverity.Warning : WorkItemSeverity.Info, 6));
            }

            if (stage.Order > 1 && reviewer && stage.Evaluator == EvaluatorKind.Role && EvaluationRules.CanReview(user, stage))
            {
                var open = round.Sheets.Count(s => s.Status == SheetStatus.Submitted
                    && (s.Reviews.FirstOrDefault(r => r.StageOrder == stage.Order) is not { } review || (stage.RecordsGrade && review.Grade is null)));
                if (open > 0) items.Add(new WorkItem("評価する評価シート", open, href, context, late ? WorkItemSeverity.Warning : WorkItemSeverity.Info, 6));
            }

            if (office)
            {
                if (EvaluationRules.CheckClose(round).Count == 0)
                    items.Add(new WorkItem("終了できる評価段階", 1, href, context, WorkItemSeverity.Info, 7));
                if (stage.Order == 1 && late)
                {
                    var behind = round.Sheets.Where(s => s.Status != SheetStatus.Submitted).SelectMany(s => s.LeadDepartmentNames).Distinct().Count();
                    if (behind > 0) items.Add(new WorkItem("自己評価が遅れている主管課", behind, href, context, WorkItemSeverity.Warning, 7));
                }
            }
        }
        return items;
    }
}
