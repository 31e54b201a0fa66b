using Intranet.Modules.Telework.Data;
using Intranet.Shared.Modules;
using Intranet.Shared.Security;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.Telework.Home;

/// <summary>
/// HR's home page: 「前回の名簿に含まれなかった職員」 — staff the latest roster import did not contain and who have no
/// last day yet (<see cref="Domain.StaffMember.MissingFromLastImport"/>), linking to the roster filtered to them
/// (<c>/telework/staff?missing=true</c>), where HR ends their employment or leaves them. Nothing for other roles.
/// </summary>
public sealed class MissingStaffWorkItems(TeleworkDbContext db) : IWorkItemSource
{
    /// <summary>The link of the item: the roster filtered to the flagged staff.</summary>
    public const string Href = "/telework/staff?missing=true";

    /// <inheritdoc />
    public async Task<IReadOnlyList<WorkItem>> GetAsync(ICurrentUser user, CancellationToken cancellationToken)
    {
        if (user.IsSystem || !user.IsInRole(Roles.HumanResources)) return [];
        var count = await db.Staff.CountAsync(s => s.MissingFromLastImport, cancellationToken);
        return count == 0 ? [] :
        [
            new WorkItem("前回の名簿に含まれなかった職員", count, Href,
                "最新の職員名簿の取込に含まれていなかった職員です。退職・転出であれば退職日を入力してください。", WorkItemSeverity.Warning, 10),
        ];
    }
}
