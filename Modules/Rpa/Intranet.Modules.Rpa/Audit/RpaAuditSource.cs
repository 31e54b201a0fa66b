using Intranet.Modules.Rpa.Data;
using Intranet.Modules.Rpa.Domain;
using Intranet.Shared.Auditing;
using Intranet.Shared.Security;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.Rpa.Audit;

/// <summary>
/// The RPA registry's audit trail (<c>rpa.AuditEntries</c>) for <c>/rpa/audit</c>: read by the RPA team (the data's owner)
/// and administrators. Cases are named by code and title; status changes and assessments by their case.
/// </summary>
public sealed class RpaAuditSource(RpaDbContext db) : IAuditSource
{
    /// <summary>Area <c>rpa</c>.</summary>
    public static readonly AuditArea AreaInfo = new("rpa", "RPA台帳", "/rpa/audit", [Roles.RpaTeam]);

    /// <inheritdoc />
    public AuditArea Area => AreaInfo;

    /// <inheritdoc />
    public DbContext Database => db;

    /// <inheritdoc />
    public AuditVocabulary Vocabulary { get; } = new AuditVocabulary()
        .Entity(nameof(AutomationCase), "RPA適用業務",
            new("Code", "コード"), new("Title", "業務名"), new("BusinessProcess", "対象業務"), new("OwningDepartment", "所管課"),
            new("Tool", "ツール", AuditVocabulary.Enum<RpaTool>(RpaTools.Label)), new("RobotName", "ロボット名"), new("ContactPerson", "担当者"),
            new("PlanCode", "計画"), new("ProjectCode", "事業"), new("Status", "状態", AuditVocabulary.Enum<CaseStatus>(CaseLifecycle.Label)),
            new("ProductionSince", "本番稼働日"), new("CreatedBy", "登録者"))
        .Entity(nameof(StatusTransition), "状態の変更",
            new("From", "変更前の状態", AuditVocabulary.Enum<CaseStatus>(CaseLifecycle.Label)), new("To", "変更後の状態", AuditVocabulary.Enum<CaseStatus>(CaseLifecycle.Label)),
            new("On", "日付"), new("By", "変更者"), new("Reason", "理由"))
        .Entity(nameof(CaseAssessment), "削減見込み",
            new("ValidFrom", "適用開始日"), new("ExecutionsPerYear", "実行回数(回/年)"), new("ItemsPerExecution", "処理件数(件/回)"),
            new("ManualMinutesPerItem", "手作業の時間(分/件)"), new("RobotAttendedMinutesPerItem", "ロボット稼働中の作業時間(分/件)"), new("By", "登録者"))
        .Entity(nameof(RunColumnMapping), "実行ログの列の対応", new AuditField("Name", "名前"))
        .Entity(nameof(RpaSetting), "設定", new("Key", "項目"), new("Value", "値"));

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<(string Type, string Key), string>> DescribeAsync(IReadOnlyCollection<(string Type, string Key)> keys, CancellationToken ct)
    {
        var ids = keys.Select(k => Guid.TryParse(k.Key, out var g) ? g : Guid.Empty).Where(g => g != Guid.Empty).Distinct().ToList();
        var result = new Dictionary<(string Type, string Key), string>();
        if (ids.Count == 0) return result;
        var caseOf = new Dictionary<Guid, Guid>();
        foreach (var t in await db.Transitions.AsNoTracking().Where(t => ids.Contains(t.Id)).Select(t => new { t.Id, t.CaseId }).ToListAsync(ct)) caseOf[t.Id] = t.CaseId;
        foreach (var a in await db.Assessments.AsNoTracking().Where(a => ids.Contains(a.Id)).Select(a => new { a.Id, a.CaseId }).ToListAsync(ct)) caseOf[a.Id] = a.CaseId;
        var caseIds = ids.Concat(caseOf.Values).Distinct().ToList();
        var cases = await db.Cases.AsNoTracking().Where(c => caseIds.Contains(c.Id)).Select(c => new { c.Id, c.Code, c.Title }).ToDictionaryAsync(c => c.Id, ct);
        foreach (var (type, key) in keys)
        {
            if (!Guid.TryParse(key, out var id)) continue;
            var caseId = type == nameof(AutomationCase) ? id : caseOf.GetValueOrDefault(id);
            if (cases.TryGetValue(caseId, out var c)) result[(type, key)] = $"{c.Code} {c.Title}";
        }
        return result;
    }
}
