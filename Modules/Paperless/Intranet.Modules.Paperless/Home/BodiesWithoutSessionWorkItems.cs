using Intranet.Modules.Paperless.Data;
using Intranet.Modules.Paperless.UseCases;
using Intranet.Shared.Modules;
using Intranet.Shared.Security;
using Intranet.Shared.Time;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.Paperless.Home;

/// <summary>
/// A meeting organizer's home page: 「今年度の開催が未記録の会議体」 — active bodies of their own department with no
/// session recorded in this fiscal year (Japan time), linking to <c>/paperless/bodies</c>. Nothing for other roles
/// (PlanOffice and Administrator see the aggregates elsewhere).
/// </summary>
public sealed class BodiesWithoutSessionWorkItems(PaperlessDbContext db, TimeProvider clock) : IWorkItemSource
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<WorkItem>> GetAsync(ICurrentUser user, CancellationToken cancellationToken)
    {
        if (user.IsSystem || !user.IsInRole(Roles.MeetingOrganizer) || user.Department is not { Length: > 0 } department) return [];
        var year = FiscalYear.Of(clock.TodayInJapan());
        var (from, to) = (year.Start, year.End);
        var count = await db.Bodies.CountAsync(b => b.Active && b.OrganizingDepartment == department
                                                    && !db.Sessions.Any(s => s.BodyId == b.Id && s.HeldOn >= from && s.HeldOn <= to), cancellationToken);
        return count == 0 ? [] :
        [
            new WorkItem("今年度の開催が未記録の会議体", count, "/paperless/bodies",
                $"{year.Label}に開催の記録がない、{department}の会議体です。開催していれば記録してください。", WorkItemSeverity.Info, 20),
        ];
    }
}
