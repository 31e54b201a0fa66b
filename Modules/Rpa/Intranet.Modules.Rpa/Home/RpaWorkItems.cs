using Intranet.Modules.Rpa.Data;
using Intranet.Modules.Rpa.Domain;
using Intranet.Shared.Modules;
using Intranet.Shared.Security;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.Rpa.Home;

/// <summary>
/// What waits for the RPA team on its home page: 「評価が未登録の案件」 (cases not retired that have no assessment, so
/// they cannot be ranked and their runs save nothing; link: the registry filtered to them) and 「失敗した取込」 (imports
/// of the last <see cref="RecentDays"/> days that failed, from the shared import job table; link: the import page listing failed imports). Other roles
/// get nothing.
/// </summary>
public sealed class RpaWorkItems(RpaDbContext db, Intranet.Shared.Import.Data.ImportDbContext imports, TimeProvider clock) : IWorkItemSource
{
    /// <summary>How far back a failed import counts as waiting (days).</summary>
    public const int RecentDays = 30;

    /// <inheritdoc />
    public async Task<IReadOnlyList<WorkItem>> GetAsync(ICurrentUser user, CancellationToken cancellationToken)
    {
        if (!user.IsInRole(Roles.RpaTeam)) return [];
        var items = new List<WorkItem>();
        var unassessed = await db.Cases.AsNoTracking().CountAsync(c => c.Status != CaseStatus.Retired && !c.Assessments.Any(), cancellationToken);
        if (unassessed > 0)
            items.Add(new WorkItem("評価が未登録の案件", unassessed, "/rpa?assessed=no",
                "効果の見積りがないと優先度を計算できず、実行しても削減時間に数えません。", WorkItemSeverity.Warning, 40));
        // SQLite cannot compare date-time offsets in SQL: filter the (few) failed jobs in memory.
        var since = clock.GetUtcNow().AddDays(-RecentDays);
        string[] kinds = [Import.RpaImportKinds.Runs, Import.RpaImportKinds.Cases];
        var failed = (await imports.Jobs.AsNoTracking().Where(j => j.State == Intranet.Shared.Import.Data.ImportJobState.Failed && kinds.Contains(j.Kind))
                .Select(j => j.CreatedAt).ToListAsync(cancellationToken))
            .Count(t => t >= since);
        if (failed > 0)
            items.Add(new WorkItem("失敗した取込", failed, "/rpa/import?failed=true",
                $"直近{RecentDays}日間に取り込めなかったファイルです。誤りを直して取り込み直してください。", WorkItemSeverity.Error, 41));
        return items;
    }
}
