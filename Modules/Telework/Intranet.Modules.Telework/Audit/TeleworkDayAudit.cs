using System.Globalization;
using System.Text.Json;
using Intranet.Modules.Telework.Domain;
using Intranet.Shared.Auditing;

namespace Intranet.Modules.Telework.Audit;

/// <summary>
/// Audit entries of telework days. Days are not audited row by row by the DbContext (an attendance export brings hundreds of
/// thousands of new days), but every path that CHANGES or deletes a recorded day — the staff page's form
/// (<c>RecordTeleworkDay</c>), the import (<c>telework-days</c>, upload or command line), deletion — writes one entry here with
/// the earlier and the new values, so a re-recorded day keeps its history (issue #11). A day recorded from the form for the
/// first time is recorded as 追加 too; days added by an import are stated by the import job (who loaded which file when).
/// Entity type <c>TeleworkDay</c>, key <c>職員番号/yyyy-MM-dd</c>.
/// </summary>
public static class TeleworkDayAudit
{
    private static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The values of a day as stored in an entry's Changes (type by name, date as yyyy-MM-dd).</summary>
    private static Dictionary<string, object?> Values(TeleworkDay d) => new()
    {
        ["Type"] = d.Type.ToString(), ["DayFraction"] = d.DayFraction, ["ManagerTrial"] = d.ManagerTrial, ["RecordedBy"] = d.RecordedBy,
        ["RecordedAt"] = d.RecordedAt,
    };

    /// <summary>
    /// An entry for a day of <paramref name="employeeNumber"/>: <paramref name="before"/> null = 追加, <paramref name="after"/>
    /// null = 削除, both = 変更 with only the fields that differ (plus who recorded it). Returns null when nothing changed.
    /// </summary>
    public static AuditEntry? Entry(string employeeNumber, DateOnly date, TeleworkDay? before, TeleworkDay? after, string user, DateTimeOffset at)
    {
        var b = before is null ? null : Values(before);
        var a = after is null ? null : Values(after);
        var changes = new SortedDictionary<string, object?[]>(StringComparer.Ordinal);
        var dateText = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (b is null || a is null)
        {
            changes["EmployeeNumber"] = [b is null ? null : employeeNumber, a is null ? null : employeeNumber];
            changes["Date"] = [b is null ? null : dateText, a is null ? null : dateText];
        }
        foreach (var key in (a ?? b)!.Keys)
        {
            var old = b?.GetValueOrDefault(key);
            var now = a?.GetValueOrDefault(key);
            if (b is not null && a is not null && Equals(old, now)) continue;
            changes[key] = [old, now];
        }
        if (b is not null && a is not null && !changes.Keys.Any(k => k is "Type" or "DayFraction" or "ManagerTrial")) return null;
        return new AuditEntry
        {
            At = at, UserName = user, EntityType = nameof(TeleworkDay), EntityKey = $"{employeeNumber}/{dateText}",
            Action = before is null ? "Added" : after is null ? "Deleted" : "Modified",
            Changes = JsonSerializer.Serialize(changes, Json),
        };
    }

    /// <summary>A copy of a day's values (the "before" of a change made in place).</summary>
    public static TeleworkDay Snapshot(TeleworkDay d) => new()
    {
        StaffId = d.StaffId, Date = d.Date, Type = d.Type, DayFraction = d.DayFraction, ManagerTrial = d.ManagerTrial,
        RecordedBy = d.RecordedBy, RecordedAt = d.RecordedAt,
    };
}
