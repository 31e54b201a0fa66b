using Intranet.Modules.Paperless.Data;
using Intranet.Modules.Paperless.Domain;
using Intranet.Modules.Paperless.UseCases;
using Intranet.Shared.Auditing;
using Intranet.Shared.Security;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.Paperless.Audit;

/// <summary>
/// The paperless module's audit trail (<c>paperless.AuditEntries</c>) for <c>/paperless/audit</c>: read by 会議主管課 (the data's
/// owners) and administrators. A 会議主管課 user sees, as everywhere in the module, their own department's meetings only: the
/// entries of its meeting bodies, their baselines and sessions (deleted ones too, by the body they belonged to). Plan office
/// and administrators, who manage every body, see everything.
/// </summary>
public sealed class PaperlessAuditSource(PaperlessDbContext db) : IAuditSource
{
    /// <summary>Area <c>paperless</c>.</summary>
    public static readonly AuditArea AreaInfo = new("paperless", "ペーパーレス会議", "/paperless/audit", [Roles.MeetingOrganizer]);

    /// <inheritdoc />
    public AuditArea Area => AreaInfo;

    /// <inheritdoc />
    public DbContext Database => db;

    /// <inheritdoc />
    public AuditVocabulary Vocabulary { get; } = new AuditVocabulary()
        .Entity(nameof(MeetingBody), "会議体",
            new("Code", "コード"), new("Name", "会議体名"), new("Category", "区分", AuditVocabulary.Enum<MeetingCategory>(PaperlessRules.Label)),
            new("OrganizingDepartment", "会議主管課"), new("UsualAttendees", "通常の出席者数"), new("Active", "使用中"))
        .Entity(nameof(PaperBaseline), "紙の基準", new("ValidFrom", "適用開始日"), new("SheetsPerAttendee", "1人1回あたりの枚数"))
        .Entity(nameof(MeetingSession), "会議の開催",
            new("HeldOn", "開催日"), new("Sequence", "回"), new("Format", "形式", AuditVocabulary.Enum<MeetingFormat>(PaperlessRules.Label)),
            new("Materials", "資料", AuditVocabulary.Enum<MaterialsDistribution>(PaperlessRules.Label)), new("Attendees", "出席者数"),
            new("SheetsPrinted", "印刷枚数"), new("TabletsUsed", "タブレット使用"), new("Note", "備考"), new("RecordedBy", "記録者"))
        .Entity(nameof(SessionMapping), "取込の列の対応", new AuditField("Name", "名前"))
        .Entity(nameof(OfficePaperUse), "庁内の用紙使用量", new("FiscalYear", "年度"), new("SheetsUsed", "用紙使用量(枚)"), new("SourceNote", "出典"), new("RecordedBy", "記録者"));

    /// <inheritdoc />
    public async Task<IQueryable<AuditRecord>> ScopeAsync(IQueryable<AuditRecord> entries, ICurrentUser user, CancellationToken ct)
    {
        if (PaperlessAccess.ManagesAll(user)) return entries;
        var department = user.Department ?? "";
        var bodies = await db.Bodies.AsNoTracking().Where(b => b.OrganizingDepartment == department).Select(b => b.Id).ToListAsync(ct);
        var keys = bodies.Select(b => b.ToString())
            .Concat((await db.Sessions.AsNoTracking().Where(s => bodies.Contains(s.BodyId)).Select(s => s.Id).ToListAsync(ct)).Select(i => i.ToString()))
            .Concat((await db.Baselines.AsNoTracking().Where(b => bodies.Contains(b.BodyId)).Select(b => b.Id).ToListAsync(ct)).Select(i => i.ToString()))
            .ToList();
        // Deleted sessions and baselines no longer exist: their entry names the body in its values ("BodyId": ["<id>", null]).
        var mentions = bodies.Select(b => $"\"BodyId\":[\"{b}\"").ToList();
        var scoped = entries.Where(e => keys.Contains(e.EntityKey));
        foreach (var m in mentions) scoped = scoped.Union(entries.Where(e => e.Action == "Deleted" && e.Changes.Contains(m)));
        return scoped;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<(string Type, string Key), string>> DescribeAsync(IReadOnlyCollection<(string Type, string Key)> keys, CancellationToken ct)
    {
        var ids = keys.Select(k => Guid.TryParse(k.Key, out var g) ? g : Guid.Empty).Where(g => g != Guid.Empty).Distinct().ToList();
        var result = new Dictionary<(string Type, string Key), string>();
        if (ids.Count == 0) return result;
        var sessions = await db.Sessions.AsNoTracking().Where(s => ids.Contains(s.Id)).Select(s => new { s.Id, s.BodyId, s.HeldOn, s.Sequence }).ToDictionaryAsync(s => s.Id, ct);
        var baselines = await db.Baselines.AsNoTracking().Where(b => ids.Contains(b.Id)).Select(b => new { b.Id, b.BodyId }).ToDictionaryAsync(b => b.Id, ct);
        var bodyIds = ids.Concat(sessions.Values.Select(s => s.BodyId)).Concat(baselines.Values.Select(b => b.BodyId)).Distinct().ToList();
        var bodies = await db.Bodies.AsNoTracking().Where(b => bodyIds.Contains(b.Id)).Select(b => new { b.Id, b.Code, b.Name }).ToDictionaryAsync(b => b.Id, ct);
        foreach (var (type, key) in keys)
        {
            if (!Guid.TryParse(key, out var id)) continue;
            if (bodies.TryGetValue(id, out var body)) result[(type, key)] = $"{body.Code} {body.Name}";
            else if (sessions.TryGetValue(id, out var s) && bodies.TryGetValue(s.BodyId, out var sb))
                result[(type, key)] = $"{sb.Name} {s.HeldOn:yyyy/MM/dd}" + (s.Sequence > 1 ? $" ({s.Sequence}回目)" : "");
            else if (baselines.TryGetValue(id, out var bl) && bodies.TryGetValue(bl.BodyId, out var bb)) result[(type, key)] = $"{bb.Code} {bb.Name}";
        }
        return result;
    }
}
