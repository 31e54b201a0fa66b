using Intranet.Modules.PlanKpi.Data;
using Intranet.Modules.PlanKpi.Domain;
using Intranet.Modules.PlanKpi.Domain.Evaluation;
using Intranet.Shared.Auditing;
using Intranet.Shared.Security;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.PlanKpi.Audit;

/// <summary>
/// The plan and KPI module's audit trail (<c>plankpi.AuditEntries</c>) for <c>/plans/audit</c>: plans, indicators, targets,
/// actuals, fed values, revisions and the evaluation rounds; read by the plan office (計画事務局, the data's owner) and
/// administrators. Plans, projects and indicators are named by code and name; targets and actuals by their indicator.
/// </summary>
public sealed class PlanKpiAuditSource(PlanKpiDbContext db) : IAuditSource
{
    /// <summary>Area <c>plans</c>.</summary>
    public static readonly AuditArea AreaInfo = new("plans", "計画・KPI", "/plans/audit", [Roles.PlanOffice]);

    /// <inheritdoc />
    public AuditArea Area => AreaInfo;

    /// <inheritdoc />
    public DbContext Database => db;

    /// <inheritdoc />
    public AuditVocabulary Vocabulary { get; } = new AuditVocabulary()
        .Entity(nameof(Plan), "計画", new("Code", "計画コード"), new("Title", "計画名"), new("Municipality", "自治体"),
            new("FirstFiscalYear", "計画期間(開始年度)"), new("LastFiscalYear", "計画期間(終了年度)"), new("Vision", "基本理念"))
        .Entity(nameof(Policy), "基本方針", new("Code", "コード"), new("Title", "名称"))
        .Entity(nameof(Measure), "施策", new("Code", "コード"), new("Title", "名称"))
        .Entity(nameof(Project), "個別事業", new("Code", "事業コード"), new("Name", "事業名"), new("Summary", "概要"), new("Aim", "目指すもの"),
            new("FirstFiscalYear", "開始年度"), new("LastFiscalYear", "終了年度"))
        .Entity(nameof(Indicator), "評価指標", new("Code", "指標コード"), new("Name", "指標名"), new("Unit", "単位"), new("Cumulative", "累積"),
            new("Rationale", "指標の考え方"))
        .Entity(nameof(Target), "目標値", new("FiscalYear", "年度"), new("Value", "目標値"), new("Text", "目標(文章)"))
        .Entity(nameof(Actual), "実績値", new("FiscalYear", "年度"), new("Value", "実績値"), new("Note", "備考"), new("EnteredBy", "入力者"),
            new("EnteredAt", "入力日時"))
        .Entity(nameof(FedMetricValue), "連携された値", new("FiscalYear", "年度"), new("Value", "値"), new("Unit", "単位"), new("MeasuredAt", "測定日時"))
        .Entity(nameof(PlanRevision), "計画改訂")
        .Entity(nameof(PlanRevisionChange), "計画改訂の変更点")
        .Entity(nameof(EvaluationStageDefinition), "評価段階の定義")
        .Entity(nameof(EvaluationRound), "評価ラウンド")
        .Entity(nameof(EvaluationStage), "評価段階")
        .Entity(nameof(EvaluationSheet), "評価シート", new("ProjectCode", "事業コード"), new("ProjectName", "事業名"), new("Achievements", "取組実績"),
            new("Grade", "評価", AuditVocabulary.Enum<Grade>(g => g.ToString())), new("Issues", "課題"), new("CostThousandYen", "事業費(千円)"),
            new("StaffEffort", "人工"), new("SubmittedBy", "提出者"), new("ReturnComment", "差戻しの理由"))
        .Entity(nameof(EvaluationReview), "段階の評価", new("StageOrder", "段階"), new("Grade", "評価", AuditVocabulary.Enum<Grade>(g => g.ToString())),
            new("Comment", "コメント"), new("RecordedBy", "記録者"));

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<(string Type, string Key), string>> DescribeAsync(IReadOnlyCollection<(string Type, string Key)> keys, CancellationToken ct)
    {
        var ids = keys.Select(k => Guid.TryParse(k.Key, out var g) ? g : Guid.Empty).Where(g => g != Guid.Empty).Distinct().ToList();
        var result = new Dictionary<(string Type, string Key), string>();
        if (ids.Count == 0) return result;
        var names = new Dictionary<Guid, string>();
        foreach (var p in await db.Plans.AsNoTracking().Where(p => ids.Contains(p.Id)).Select(p => new { p.Id, p.Code, p.Title }).ToListAsync(ct))
            names[p.Id] = $"{p.Code} {p.Title}";
        foreach (var p in await db.Projects.AsNoTracking().Where(p => ids.Contains(p.Id)).Select(p => new { p.Id, p.Code, p.Name }).ToListAsync(ct))
            names[p.Id] = $"{p.Code} {p.Name}";
        var owners = new Dictionary<Guid, (Guid Indicator, int Year)>();
        foreach (var t in await db.Targets.AsNoTracking().Where(t => ids.Contains(t.Id)).Select(t => new { t.Id, t.IndicatorId, t.FiscalYear }).ToListAsync(ct))
            owners[t.Id] = (t.IndicatorId, t.FiscalYear);
        foreach (var a in await db.Actuals.AsNoTracking().Where(a => ids.Contains(a.Id)).Select(a => new { a.Id, a.IndicatorId, a.FiscalYear }).ToListAsync(ct))
            owners[a.Id] = (a.IndicatorId, a.FiscalYear);
        var indicatorIds = ids.Concat(owners.Values.Select(o => o.Indicator)).Distinct().ToList();
        var indicators = await db.Indicators.AsNoTracking().Where(i => indicatorIds.Contains(i.Id)).Select(i => new { i.Id, i.Code, i.Name })
            .ToDictionaryAsync(i => i.Id, i => $"{i.Code} {i.Name}", ct);
        foreach (var (type, key) in keys)
        {
            if (!Guid.TryParse(key, out var id)) continue;
            if (names.TryGetValue(id, out var n)) result[(type, key)] = n;
            else if (indicators.TryGetValue(id, out var i)) result[(type, key)] = i;
            else if (owners.TryGetValue(id, out var o) && indicators.TryGetValue(o.Indicator, out var oi))
                result[(type, key)] = $"{oi} ({Intranet.Shared.Web.Fmt.Year(o.Year)})";
        }
        return result;
    }
}
