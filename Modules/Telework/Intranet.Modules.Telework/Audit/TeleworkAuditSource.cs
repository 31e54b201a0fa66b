using Intranet.Modules.Telework.Data;
using Intranet.Modules.Telework.Domain;
using Intranet.Shared.Auditing;
using Intranet.Shared.Security;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.Telework.Audit;

/// <summary>
/// The telework module's audit trail (<c>telework.AuditEntries</c>) for <c>/telework/audit</c>: personal data, read by HR (人事担当,
/// the data's owner) and administrators only. Staff are named by employee number and name; telework days carry
/// 「職員番号/日付」 as their key, and a re-recorded day shows its earlier values (<see cref="TeleworkDayAudit"/>).
/// </summary>
public sealed class TeleworkAuditSource(TeleworkDbContext db) : IAuditSource
{
    /// <summary>Area <c>telework</c>.</summary>
    public static readonly AuditArea AreaInfo = new("telework", "テレワーク", "/telework/audit", [Roles.HumanResources]);

    /// <inheritdoc />
    public AuditArea Area => AreaInfo;

    /// <inheritdoc />
    public DbContext Database => db;

    /// <inheritdoc />
    public AuditVocabulary Vocabulary { get; } = new AuditVocabulary()
        .Entity(nameof(StaffMember), "職員",
            new("EmployeeNumber", "職員番号"), new("Name", "氏名"), new("ActiveFrom", "在職開始日"), new("ActiveTo", "退職日"),
            new("MissingFromLastImport", "最新の名簿になし"))
        .Entity(nameof(StaffAssignment), "職員の所属",
            new("From", "適用開始日"), new("Department", "所属"), new("Workplace", "勤務場所"), new("WorkplaceType", "勤務場所の種類"),
            new("IsManager", "管理職"), new("EmploymentCategory", "雇用区分"))
        .Entity(nameof(TeleworkDay), "テレワーク勤務日",
            new("EmployeeNumber", "職員番号"), new("Date", "日付"), new("Type", "勤務形態", AuditVocabulary.Enum<TeleworkType>(TeleworkRules.Label)), new("DayFraction", "日数"),
            new("ManagerTrial", "管理職トライアル"), new("RecordedBy", "記録者"), new("RecordedAt", "記録日時"))
        .Entity(nameof(EligibilityRule), "対象外の条件", new("Field", "項目"), new("Value", "値"), new("Reason", "理由"))
        .Entity(nameof(TeleworkSetting), "設定", new("Key", "項目"), new("Value", "値"))
        .Entity(nameof(DayMapping), "取込の列の対応", new AuditField("Name", "名前"));

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<(string Type, string Key), string>> DescribeAsync(IReadOnlyCollection<(string Type, string Key)> keys, CancellationToken ct)
    {
        var ids = keys.Select(k => Guid.TryParse(k.Key, out var g) ? g : Guid.Empty).Where(g => g != Guid.Empty).Distinct().ToList();
        var result = new Dictionary<(string Type, string Key), string>();
        var numbers = keys.Where(k => k.Type == nameof(TeleworkDay)).Select(k => k.Key.Split('/')[0]).Distinct().ToList();
        var assignments = await db.Assignments.AsNoTracking().Where(a => ids.Contains(a.Id)).Select(a => new { a.Id, a.StaffId }).ToDictionaryAsync(a => a.Id, ct);
        var staffIds = ids.Concat(assignments.Values.Select(a => a.StaffId)).Distinct().ToList();
        var staff = await db.Staff.AsNoTracking().Where(s => staffIds.Contains(s.Id) || numbers.Contains(s.EmployeeNumber))
            .Select(s => new { s.Id, s.EmployeeNumber, s.Name }).ToListAsync(ct);
        var byId = staff.ToDictionary(s => s.Id);
        var byNumber = staff.ToDictionary(s => s.EmployeeNumber);
        foreach (var (type, key) in keys)
        {
            if (type == nameof(TeleworkDay))
            {
                var parts = key.Split('/');
                var who = byNumber.TryGetValue(parts[0], out var p) ? $"{p.EmployeeNumber} {p.Name}" : parts[0];
                result[(type, key)] = parts.Length > 1 && DateOnly.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out var d)
                    ? $"{who} {d:yyyy/MM/dd}" : who;
                continue;
            }
            if (!Guid.TryParse(key, out var id)) continue;
            var staffId = type == nameof(StaffAssignment) && assignments.TryGetValue(id, out var a) ? a.StaffId : id;
            if (byId.TryGetValue(staffId, out var s)) result[(type, key)] = $"{s.EmployeeNumber} {s.Name}";
        }
        return result;
    }
}
