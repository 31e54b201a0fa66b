using System.Globalization;
using System.Text.Json;
using Intranet.Shared.Security;
using Intranet.Shared.Time;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace Intranet.Shared.Auditing;

/// <summary>
/// One module's (or identity's) audit log as the audit pages read it. A module implements it once (in its <c>Audit/</c>
/// folder); the host registers every implementation found in the module assemblies, and the audit use cases
/// (<see cref="GetAuditTrail"/>, <see cref="ExportAuditTrail"/>) read it, so pages never touch a DbContext.
/// </summary>
public interface IAuditSource
{
    /// <summary>Which area this is, who may read it and where its page is.</summary>
    AuditArea Area { get; }

    /// <summary>The DbContext whose <c>AuditEntries</c> table holds the log.</summary>
    DbContext Database { get; }

    /// <summary>Japanese names of the entity types and fields, and how values are shown.</summary>
    AuditVocabulary Vocabulary { get; }

    /// <summary>
    /// The entries <paramref name="user"/> may see (default: all of them). A module that scopes its data by department
    /// narrows the log here the same way (Paperless: a 会議主管課 user sees the entries of their department's meetings).
    /// </summary>
    Task<IQueryable<AuditRecord>> ScopeAsync(IQueryable<AuditRecord> entries, ICurrentUser user, CancellationToken ct) => Task.FromResult(entries);

    /// <summary>
    /// Readable names of the records behind (entity type, key) pairs, e.g. <c>AutomationCase</c>/<c>guid</c> →
    /// 「RPA-001 住民票の写し…」. Keys it does not know are left out (the page then shows a name from the entry itself).
    /// </summary>
    Task<IReadOnlyDictionary<(string Type, string Key), string>> DescribeAsync(IReadOnlyCollection<(string Type, string Key)> keys, CancellationToken ct) =>
        Task.FromResult<IReadOnlyDictionary<(string Type, string Key), string>>(new Dictionary<(string Type, string Key), string>());
}

/// <summary>
/// An audit area: <paramref name="Key"/> as in URLs (<c>rpa</c>, <c>paperless</c>, <c>telework</c>, <c>plans</c>,
/// <c>admin</c>), its Japanese <paramref name="Label"/>, the page <paramref name="PagePath"/> and the roles that own its data
/// (<paramref name="Roles"/>; <see cref="Security.Roles.Administrator"/> always reads every area).
/// </summary>
public sealed record AuditArea(string Key, string Label, string PagePath, IReadOnlyList<string> Roles)
{
    /// <summary>The overview over every area (administrators only).</summary>
    public const string All = "all";

    /// <summary>Whether <paramref name="user"/> may read this area.</summary>
    public bool MayRead(ICurrentUser user) => user.IsSystem || user.IsInRole(Security.Roles.Administrator) || Roles.Any(user.IsInRole);
}

/// <summary>
/// An audit entry as queried: like <see cref="AuditEntry"/> but with the time as sortable UTC text
/// (<c>yyyy-MM-dd HH:mm:ss…</c>), because SQLite can neither compare nor order <see cref="DateTimeOffset"/> columns;
/// every provider selects it the same way (<see cref="AuditQueries.Records"/>), so filters and sorting run in the database.
/// </summary>
public sealed class AuditRecord
{
    /// <summary>The entry's key.</summary>
    public Guid Id { get; set; }
    /// <summary>UTC time as <c>yyyy-MM-dd HH:mm:ss[.fffffff]</c> (+ offset text on SQLite): orders as the time does.</summary>
    public string AtText { get; set; } = "";
    /// <summary>Who saved it.</summary>
    public string UserName { get; set; } = "";
    /// <summary>Entity type name.</summary>
    public string EntityType { get; set; } = "";
    /// <summary>The entity's key.</summary>
    public string EntityKey { get; set; } = "";
    /// <summary><c>Added</c>, <c>Modified</c>, <c>Deleted</c> (identity: <c>Created</c>, <c>Updated</c>, …).</summary>
    public string Action { get; set; } = "";
    /// <summary>JSON object: property → [before, after].</summary>
    public string Changes { get; set; } = "{}";
}

/// <summary>How one field is named and its values shown.</summary>
/// <param name="Name">Property name as stored in the entry's Changes.</param>
/// <param name="Label">Japanese label.</param>
/// <param name="Format">Shows a stored value (e.g. an enum's number as its Japanese name); null: the value as text.</param>
public sealed record AuditField(string Name, string Label, Func<JsonElement, string?>? Format = null);

/// <summary>The Japanese names of an area's entity types and fields.</summary>
public sealed class AuditVocabulary
{
    private readonly Dictionary<string, (string Label, Dictionary<string, AuditField> Fields)> _entities = new(StringComparer.Ordinal);

    /// <summary>Adds an entity type with its label and the fields users may read (others are shown to administrators only).</summary>
    public AuditVocabulary Entity(string type, string label, params AuditField[] fields)
    {
        _entities[type] = (label, fields.ToDictionary(f => f.Name, StringComparer.Ordinal));
        return this;
    }

    /// <summary>Every entity type with a label, in the order added.</summary>
    public IReadOnlyList<(string Type, string Label)> EntityTypes => _entities.Select(e => (e.Key, e.Value.Label)).ToList();

    /// <summary>The Japanese label of <paramref name="type"/>, or the type name itself.</summary>
    public string EntityLabel(string type) => _entities.TryGetValue(type, out var e) ? e.Label : type;

    /// <summary>The field's definition, or null when it has no Japanese label.</summary>
    public AuditField? Field(string type, string name) => _entities.TryGetValue(type, out var e) && e.Fields.TryGetValue(name, out var f) ? f : null;

    /// <summary>A formatter for enum fields stored as numbers: the Japanese label of each value.</summary>
    public static Func<JsonElement, string?> Enum<T>(Func<T, string> label) where T : struct, System.Enum =>
        v => v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) ? label((T)(object)n)
            : v.ValueKind == JsonValueKind.String && System.Enum.TryParse<T>(v.GetString(), out var e) ? label(e) : null;
}

/// <summary>
/// Filters of an audit page (all optional): JST dates <paramref name="From"/>–<paramref name="To"/> inclusive, the exact
/// <paramref name="User"/>, the <paramref name="EntityType"/>, and <paramref name="Search"/> matched in the record key and
/// the stored values (case-sensitive substring). <paramref name="Sort"/>: <c>at</c> (default), <c>user</c>, <c>type</c>,
/// <c>action</c>; newest first unless <paramref name="Ascending"/>. <paramref name="Skip"/> ≥ 0, <paramref name="Take"/> 1–200.
/// </summary>
public sealed record AuditFilter(DateOnly? From = null, DateOnly? To = null, string? User = null, string? EntityType = null, string? Search = null,
    string? Sort = null, bool Ascending = false, int Skip = 0, int Take = 50)
{
    /// <summary>Sort keys accepted by <see cref="Sort"/>.</summary>
    public static readonly string[] SortKeys = ["at", "user", "type", "action"];
}

/// <summary>One changed field: its label (Japanese, or the property name in the administrator's view) and values as text.</summary>
public sealed record AuditChange(string Field, string Label, string? Before, string? After);

/// <summary>One row of an audit page.</summary>
/// <param name="At">When (UTC; shown in JST).</param>
/// <param name="User">Who (e-mail or system actor).</param>
/// <param name="Action">Stored action name.</param>
/// <param name="ActionLabel">追加 / 変更 / 削除 ….</param>
/// <param name="EntityType">Stored entity type.</param>
/// <param name="EntityLabel">Its Japanese name.</param>
/// <param name="Record">A readable name of the record (code, name) or its key.</param>
/// <param name="Key">The stored key (administrator's view).</param>
/// <param name="Changes">Changed fields, before → after.</param>
/// <param name="Area">Area label (the overview shows it).</param>
public sealed record AuditRow(DateTimeOffset At, string User, string Action, string ActionLabel, string EntityType, string EntityLabel,
    string Record, string Key, IReadOnlyList<AuditChange> Changes, string Area);

/// <summary>A page of audit rows, the total matching the filter, and the choices of the filter lists.</summary>
public sealed record AuditTrailPage(AuditArea Area, IReadOnlyList<AuditRow> Rows, int Total, IReadOnlyList<(string Type, string Label)> EntityTypes,
    IReadOnlyList<string> Users, bool AdministratorView);

/// <summary>The shared query over an <see cref="IAuditSource"/>: selection, filters, sorting and paging in the database.</summary>
public static class AuditQueries
{
    /// <summary>Japanese label of a stored action.</summary>
    public static string ActionLabel(string action) => action switch
    {
        "Added" or "Created" => "追加",
        "Modified" or "Updated" => "変更",
        "Deleted" => "削除",
        "Disabled" => "無効化",
        "Enabled" => "有効化",
        "PasswordReset" => "パスワード再設定",
        _ => action,
    };

    /// <summary>
    /// The audit table of <paramref name="db"/> as <see cref="AuditRecord"/>s, with the time as UTC text so that the
    /// date filter and the sort run in the database on every provider.
    /// </summary>
    public static IQueryable<AuditRecord> Records(DbContext db)
    {
        var entity = db.Model.FindEntityType(typeof(AuditEntry)) ?? throw new InvalidOperationException($"{db.GetType().Name} has no audit table.");
        var sql = db.GetService<ISqlGenerationHelper>();
        var table = sql.DelimitIdentifier(entity.GetTableName()!, entity.GetSchema());
        var provider = db.Database.ProviderName ?? "";
        var at = sql.DelimitIdentifier("At");
        var atText = provider.Contains("Sqlite", StringComparison.Ordinal) ? at
            : provider.Contains("Npgsql", StringComparison.Ordinal) ? $"to_char({at} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') COLLATE \"C\""
            : $"CONVERT(varchar(27), CAST(SWITCHOFFSET({at}, '+00:00') AS datetime2), 121)";
        string Col(string name) => sql.DelimitIdentifier(name);
        // Only identifiers from the model (delimited by the provider) are put into the SQL; no user input.
#pragma warning disable EF1003
        return db.Database.SqlQueryRaw<AuditRecord>(
            $"SELECT {Col("Id")} AS {Col("Id")}, {atText} AS {Col("AtText")}, {Col("UserName")} AS {Col("UserName")}, " +
            $"{Col("EntityType")} AS {Col("EntityType")}, {Col("EntityKey")} AS {Col("EntityKey")}, {Col("Action")} AS {Col("Action")}, " +
            $"{Col("Changes")} AS {Col("Changes")} FROM {table}");
#pragma warning restore EF1003
    }

    /// <summary>UTC text of the start of a JST day, comparable with <see cref="AuditRecord.AtText"/>.</summary>
    public static string StartOfDay(DateOnly day) =>
        new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), FiscalYear.JapanOffset).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>Applies the filter (not paging) of <paramref name="f"/>.</summary>
    public static IQueryable<AuditRecord> Filter(IQueryable<AuditRecord> q, AuditFilter f)
    {
        if (f.From is { } from)
        {
            var start = StartOfDay(from);
            q = q.Where(e => string.Compare(e.AtText, start) >= 0);
        }
        if (f.To is { } to)
        {
            var end = StartOfDay(to.AddDays(1));
            q = q.Where(e => string.Compare(e.AtText, end) < 0);
        }
        if (!string.IsNullOrWhiteSpace(f.User)) { var u = f.User.Trim(); q = q.Where(e => e.UserName == u); }
        if (!string.IsNullOrWhiteSpace(f.EntityType)) { var t = f.EntityType.Trim(); q = q.Where(e => e.EntityType == t); }
        if (!string.IsNullOrWhiteSpace(f.Search))
        {
            var s = f.Search.Trim();
            q = q.Where(e => e.EntityKey.Contains(s) || e.Changes.Contains(s));
        }
        return q;
    }

    /// <summary>Orders by <see cref="AuditFilter.Sort"/> (then by time, newest first, and id for a stable order).</summary>
    public static IQueryable<AuditRecord> Order(IQueryable<AuditRecord> q, AuditFilter f)
    {
        var asc = f.Ascending;
        IOrderedQueryable<AuditRecord> o = f.Sort switch
        {
            "user" => asc ? q.OrderBy(e => e.UserName) : q.OrderByDescending(e => e.UserName),
            "type" => asc ? q.OrderBy(e => e.EntityType) : q.OrderByDescending(e => e.EntityType),
            "action" => asc ? q.OrderBy(e => e.Action) : q.OrderByDescending(e => e.Action),
            _ => asc ? q.OrderBy(e => e.AtText) : q.OrderByDescending(e => e.AtText),
        };
        return (f.Sort is "user" or "type" or "action" ? o.ThenByDescending(e => e.AtText) : o).ThenBy(e => e.Id);
    }

    /// <summary>The time of a record (<see cref="AuditRecord.AtText"/> read back as UTC).</summary>
    public static DateTimeOffset ParseAt(string text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? at.ToUniversalTime() : DateTimeOffset.MinValue;

    /// <summary>
    /// Rows of <paramref name="records"/> for the page: actions and entity types in Japanese, the changes parsed from JSON
    /// (fields with a Japanese label only, unless <paramref name="administratorView"/>: then every field, unlabelled ones
    /// by property name), and a readable name of each record.
    /// </summary>
    public static async Task<IReadOnlyList<AuditRow>> RowsAsync(IAuditSource source, IReadOnlyList<AuditRecord> records, bool administratorView, CancellationToken ct)
    {
        var parsed = records.Select(r => (Record: r, Changes: ParseChanges(r.Changes))).ToList();
        var names = await source.DescribeAsync(records.Select(r => (r.EntityType, r.EntityKey)).Distinct().ToList(), ct);
        var vocabulary = source.Vocabulary;
        return parsed.Select(p =>
        {
            var r = p.Record;
            var changes = new List<AuditChange>();
            foreach (var (field, (before, after)) in p.Changes)
            {
                var def = vocabulary.Field(r.EntityType, field);
                if (def is null && !administratorView) continue;
                changes.Add(new AuditChange(field, def?.Label ?? field, Show(before, def), Show(after, def)));
            }
            var record = names.TryGetValue((r.EntityType, r.EntityKey), out var name) ? name : NameFromChanges(p.Changes) ?? r.EntityKey;
            return new AuditRow(ParseAt(r.AtText), r.UserName, r.Action, ActionLabel(r.Action), r.EntityType, vocabulary.EntityLabel(r.EntityType),
                record, r.EntityKey, changes, source.Area.Label);
        }).ToList();
    }

    private static readonly string[] NameFields = ["Code", "EmployeeNumber", "Name", "Title", "Key", "Email"];

    private static string? NameFromChanges(IReadOnlyList<(string Field, (JsonElement? Before, JsonElement? After) Values)> changes)
    {
        var parts = new List<string>();
        foreach (var name in NameFields)
        {
            var hit = changes.FirstOrDefault(c => c.Field == name);
            if (hit.Field is null) continue;
            var text = Show(hit.Values.After, null) ?? Show(hit.Values.Before, null);
            if (!string.IsNullOrEmpty(text)) parts.Add(text);
            if (parts.Count == 2) break;
        }
        return parts.Count == 0 ? null : string.Join(" ", parts);
    }

    /// <summary>The stored Changes JSON as (field, before, after); malformed JSON gives no changes.</summary>
    public static IReadOnlyList<(string Field, (JsonElement? Before, JsonElement? After) Values)> ParseChanges(string json)
    {
        var list = new List<(string, (JsonElement?, JsonElement?))>();
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return list;
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (p.Value.ValueKind == JsonValueKind.Array && p.Value.GetArrayLength() == 2)
                    list.Add((p.Name, (Value(p.Value[0]), Value(p.Value[1]))));
                else
                    list.Add((p.Name, (null, Value(p.Value))));
            }
        }
        catch (JsonException) { }
        return list;
    }

    private static JsonElement? Value(JsonElement e) => e.ValueKind == JsonValueKind.Null ? null : e.Clone();

    /// <summary>A stored value as people read it: dates and times in JST, true/false as はい/いいえ, lists joined with 「、」.</summary>
    public static string? Show(JsonElement? value, AuditField? field)
    {
        if (value is not { } v) return null;
        if (field?.Format is { } format && format(v) is { } formatted) return formatted;
        switch (v.ValueKind)
        {
            case JsonValueKind.True: return "はい";
            case JsonValueKind.False: return "いいえ";
            case JsonValueKind.Number:
                // As typed: 1 and 0.5, not the database's scale (1.0000).
                return v.TryGetDecimal(out var number) ? number.ToString("0.############################", CultureInfo.InvariantCulture) : v.GetRawText();
            case JsonValueKind.Array: return string.Join("、", v.EnumerateArray().Select(x => Show(x, null)));
            case JsonValueKind.String:
                var s = v.GetString() ?? "";
                if (s.Length > 19 && s[10] == 'T' && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t))
                    return t.ToOffset(FiscalYear.JapanOffset).ToString("yyyy/MM/dd HH:mm", CultureInfo.InvariantCulture);
                if (s.Length == 10 && DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
                    return d.ToString("yyyy/MM/dd", CultureInfo.InvariantCulture);
                return s;
            default: return v.GetRawText();
        }
    }
}
