using System.Text.RegularExpressions;
using Intranet.Modules.Paperless.Data;
using Intranet.Modules.Paperless.Domain;
using Intranet.Modules.Paperless.UseCases;
using Intranet.Modules.PlanKpi.Contracts;
using Intranet.Shared.Import;
using Intranet.Shared.Modules;
using Intranet.Shared.Security;
using Intranet.Shared.Time;
using MediatR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Intranet.Modules.Paperless.Import;

/// <summary>
/// <c>import meeting-bodies</c> and <c>import meeting-sessions</c>: CSV (UTF-8 or Shift_JIS) in the module's
/// format (README) or, for sessions, through a saved column mapping. Every row is checked first; any bad row
/// rejects the whole file with line and column, and nothing is written. Sessions are upserted by body, date
/// and sequence, so importing the same file again changes nothing. Organizers may import only their own
/// department's bodies and sessions.
/// </summary>
public sealed partial class PaperlessImporter(PaperlessDbContext db, ICurrentUser user, TimeProvider clock, PaperlessFeed feed)
{
    /// <summary>Columns of the bodies file (the first four required).</summary>
    public static readonly string[] BodyColumns = ["code", "name", "category", "department", "usual_attendees", "sheets_per_attendee", "baseline_from"];

    /// <summary>Session fields, and the column of each in the module's own format (the first five required).</summary>
    public static readonly string[] SessionFields = ["body", "held_on", "format", "materials", "attendees", "sequence", "sheets_printed", "tablets", "note"];

    /// <summary>Imports bodies (upsert by code).</summary>
    /// <exception cref="ImportRejectedException">Any bad row; nothing written.</exception>
    public async Task<ImportResult> ImportBodiesAsync(byte[] content, string fileName, bool dryRun, CancellationToken ct)
    {
        var (text, encoding) = CsvFile.Decode(content, fileName);
        var rows = CsvFile.Read(text, fileName, BodyColumns[..4]);
        var existing = await db.Bodies.Include(b => b.Baselines).ToDictionaryAsync(b => b.Code, ct);
        var errors = new List<ImportError>();
        var seen = new HashSet<string>();
        int added = 0, updated = 0, unchanged = 0;
        foreach (var row in rows)
        {
            void Error(string column, string message) => errors.Add(new ImportError(row.Line, column, message));
            var code = row["code"];
            if (!CodePattern().IsMatch(code)) Error("code", "コードは英数字・ハイフンで指定してください (例: MTG-001)。");
            else if (!seen.Add(code)) Error("code", $"コード {code} がファイル内で重複しています。");
            if (row["name"].Length == 0) Error("name", "会議名は必須です。");
            var category = PaperlessRules.ParseCategory(row["category"]);
            if (category is null) Error("category", $"区分「{row["category"]}」は不明です (庁議, 課長級以上出席の会議, その他庁内会議, 議会内会議)。");
            var department = row["department"];
            if (department.Length == 0) Error("department", "会議主管課は必須です。");
            else if (!PaperlessAccess.CanOrganize(user, department)) Error("department", "自課以外の会議体は取り込めません。");
            var attendees = 0;
            if (row["usual_attendees"].Length > 0 && (!int.TryParse(row["usual_attendees"], out attendees) || attendees is < 0 or > 1000))
                Error("usual_attendees", "通常の出席者数は0〜1,000の整数で入力してください。");
            decimal sheets = 0;
            if (row["sheets_per_attendee"].Length > 0 && (!CsvFile.TryParseDecimal(row["sheets_per_attendee"], out sheets) || sheets is < 0 or > 10_000))
                Error("sheets_per_attendee", "1人あたりの枚数は0〜10,000で入力してください。");
            var from = new DateOnly(2000, 4, 1);
            if (row["baseline_from"].Length > 0 && !CsvFile.TryParseDate(row["baseline_from"], out from)) Error("baseline_from", "日付の形式が正しくありません (例: 2021-04-01)。");
            if (errors.Count > 0 || category is null) continue;

            var isNew = !existing.TryGetValue(code, out var body);
            if (body is null)
            {
                body = new MeetingBody { Code = code };
                db.Bodies.Add(body);
                existing[code] = body;
            }
            else if (!PaperlessAccess.CanOrganize(user, body.OrganizingDepartment)) { Error("code", "自課以外の会議体は変更できません。"); continue; }
            else if (body.Category != category && !PaperlessAccess.ManagesAll(user)) { Error("category", "会議の区分は計画事務局だけが変更できます。"); continue; }
            var changed = isNew || body.Name != row["name"] || body.Category != category || body.OrganizingDepartment != department || body.UsualAttendees != attendees;
            (body.Name, body.Category, body.OrganizingDepartment, body.UsualAttendees) = (row["name"], category.Value, department, attendees);
            if (row["sheets_per_attendee"].Length > 0 && PaperlessRules.BaselineOn(body.Baselines, from)?.SheetsPerAttendee != sheets)
            {
                var same = body.Baselines.FirstOrDefault(b => b.ValidFrom == from);
                if (same is not null) same.SheetsPerAttendee = sheets;
                else body.Baselines.Add(new PaperBaseline { BodyId = body.Id, ValidFrom = from, SheetsPerAttendee = sheets });
                changed = true;
            }
            if (isNew) added++; else if (changed) updated++; else unchanged++;
        }
        if (rows.Count == 0) errors.Add(new ImportError(0, "ファイル", "データ行がありません。"));
        if (errors.Count > 0) { db.ChangeTracker.Clear(); throw new ImportRejectedException(fileName, errors); }
        var result = new ImportResult(rows.Count, added, updated, unchanged, encoding, dryRun);
        if (dryRun) { db.ChangeTracker.Clear(); return result; }
        await db.SaveChangesAsync(ct);
        await feed.PublishAsync(ct);
        return result;
    }

    /// <summary>Imports sessions (upsert by body, date, sequence), natively or through mapping <paramref name="mappingName"/>.</summary>
    /// <exception cref="ImportRejectedException">Any bad row, unknown mapping; nothing written.</exception>
    public async Task<ImportResult> ImportSessionsAsync(byte[] content, string fileName, string? mappingName, bool dryRun, CancellationToken ct)
    {
        var map = ColumnMap.Native(SessionFields);
        if (mappingName is not null)
        {
            var mapping = await db.Mappings.AsNoTracking().SingleOrDefaultAsync(m => m.Name == mappingName, ct)
                ?? throw new ImportRejectedException(fileName, [new ImportError(0, "mapping", $"列の対応付け「{mappingName}」は登録されていません。")]);
            map = ColumnMap.FromJson(SessionFields, mapping.ColumnsJson, mapping.DefaultsJson);
        }
        var (text, encoding) = CsvFile.Decode(content, fileName);
        var rows = CsvFile.Read(text, fileName, map.RequiredHeaders(SessionFields[..5]));
        string Field(CsvRow row, string field) => map.Value(row, field);

        var bodies = await db.Bodies.AsNoTracking().ToListAsync(ct);
        var byName = new Dictionary<string, MeetingBody>(StringComparer.OrdinalIgnoreCase);
        foreach (var b in bodies) byName.TryAdd(b.Name, b);
        foreach (var b in bodies) byName[b.Code] = b;
        var period = await feed.PlanPeriodAsync(ct);
        var today = clock.TodayInJapan();
        var errors = new List<ImportError>();
        var parsed = new List<(int Line, MeetingSession Values)>();
        var keys = new Dictionary<(Guid, DateOnly, int), int>();
        foreach (var row in rows)
        {
            void Error(string field, string message) { if (errors.Count < 1000) errors.Add(new ImportError(row.Line, map.Header(field), message)); }
            var bodyText = Field(row, "body");
            if (!byName.TryGetValue(bodyText, out var body)) Error("body", bodyText.Length == 0 ? "会議体は必須です。" : $"会議体「{bodyText}」はありません。");
            else if (!PaperlessAccess.CanOrganize(user, body.OrganizingDepartment)) Error("body", "自課以外の会議は取り込めません。");
            if (!CsvFile.TryParseDate(Field(row, "held_on"), out var heldOn)) Error("held_on", "開催日の形式が正しくありません (例: 2022-04-12)。");
            else if (heldOn > today) Error("held_on", "開催日に未来の日付は指定できません。");
            else if (!PaperlessRules.InPlanPeriod(heldOn, period)) Error("held_on", $"開催日は計画期間 ({period!.Label}) の外です。");
            var format = PaperlessRules.ParseFormat(Field(row, "format"));
            if (format is null) Error("format", $"開催形式「{Field(row, "format")}」は不明です (対面, WEB, ハイブリッド)。");
            var materials = PaperlessRules.ParseMaterials(Field(row, "materials"));
            if (materials is null) Error("materials", $"資料の配付「{Field(row, "materials")}」は不明です (紙, 電子のみ, 併用)。");
            int Number(string field, int max, int fallback)
            {
                var t = Field(row, field);
                if (t.Length == 0) return fallback;
                if (!CsvFile.TryParseDecimal(t, out var v) || v != Math.Floor(v) || v < 0 || v > max) { Error(field, $"0〜{max:N0}の整数で入力してください。"); return fallback; }
                return (int)v;
            }
            var attendees = Number("attendees", 1000, 0);
            if (Field(row, "attendees").Length == 0) Error("attendees", "出席者数は必須です。");
            var sequence = Number("sequence", 9, 1);
            if (sequence == 0) Error("sequence", "回は1以上です。");
            var sheets = Number("sheets_printed", 1_000_000, 0);
            var tabletsText = Field(row, "tablets").ToLowerInvariant();
            bool? tablets = tabletsText switch { "" or "0" or "false" or "no" or "いいえ" or "無" or "なし" => false, "1" or "true" or "yes" or "はい" or "有" or "あり" => true, _ => null };
            if (tablets is null) Error("tablets", "タブレット使用は 有/無 (1/0) で入力してください。");
            if (body is null || format is null || materials is null || tablets is null || heldOn == default) continue;
            if (keys.TryGetValue((body.Id, heldOn, sequence), out var firstLine))
            {
                Error("held_on", $"{firstLine}行目と同じ会議・開催日・回です。同じ日に2回開いたときは sequence を 2 にしてください。");
                continue;
            }
            keys[(body.Id, heldOn, sequence)] = row.Line;
            parsed.Add((row.Line, new MeetingSession
            {
                BodyId = body.Id, HeldOn = heldOn, Sequence = sequence, Format = format.Value, Materials = materials.Value, Attendees = attendees,
                SheetsPrinted = sheets, TabletsUsed = tablets.Value, Note = Field(row, "note") is { Length: > 0 } n ? n : null,
                RecordedBy = user.Name, RecordedAt = clock.GetUtcNow(),
            }));
        }
        if (rows.Count == 0) errors.Add(new ImportError(0, "ファイル", "データ行がありません。"));
        if (errors.Count > 0) throw new ImportRejectedException(fileName, errors);

        await Writer.WaitAsync(ct);
        try
        {
            try
            {
                return await StoreSessionsAsync(parsed.Select(p => p.Values).ToList(), rows.Count, encoding, dryRun, ct);
            }
            catch (DbUpdateException) when (!dryRun)
            {
                // Another process stored some of the same sessions meanwhile: read the new state and apply again.
                db.ChangeTracker.Clear();
                return await StoreSessionsAsync(parsed.Select(p => p.Values).ToList(), rows.Count, encoding, dryRun, ct);
            }
        }
        finally
        {
            Writer.Release();
        }
    }

    private static readonly SemaphoreSlim Writer = new(1, 1);

    private async Task<ImportResult> StoreSessionsAsync(List<MeetingSession> parsed, int rowCount, string encoding, bool dryRun, CancellationToken ct)
    {
        var ids = parsed.Select(p => p.BodyId).Distinct().ToList();
        var stored = await db.Sessions.Where(s => ids.Contains(s.BodyId)).ToDictionaryAsync(s => (s.BodyId, s.HeldOn, s.Sequence), ct);
        int added = 0, updated = 0, unchanged = 0;
        foreach (var template in parsed)
        {
            // A fresh copy each attempt: a retried import must not re-attach entities of the failed one.
            var v = new MeetingSession
            {
                BodyId = template.BodyId, HeldOn = template.HeldOn, Sequence = template.Sequence, Format = template.Format, Materials = template.Materials,
                Attendees = template.Attendees, SheetsPrinted = template.SheetsPrinted, TabletsUsed = template.TabletsUsed, Note = template.Note,
                RecordedBy = template.RecordedBy, RecordedAt = template.RecordedAt,
            };
            if (!stored.TryGetValue((v.BodyId, v.HeldOn, v.Sequence), out var s)) { db.Sessions.Add(v); added++; continue; }
            if (s.Format == v.Format && s.Materials == v.Materials && s.Attendees == v.Attendees && s.SheetsPrinted == v.SheetsPrinted
                && s.TabletsUsed == v.TabletsUsed && s.Note == v.Note) { unchanged++; continue; }
            (s.Format, s.Materials, s.Attendees, s.SheetsPrinted, s.TabletsUsed, s.Note, s.RecordedBy, s.RecordedAt) =
                (v.Format, v.Materials, v.Attendees, v.SheetsPrinted, v.TabletsUsed, v.Note, v.RecordedBy, v.RecordedAt);
            updated++;
        }
        var result = new ImportResult(rowCount, added, updated, unchanged, encoding, dryRun);
        if (dryRun) { db.ChangeTracker.Clear(); return result; }
        await db.SaveChangesAsync(ct);
        await feed.PublishAsync(ct);
        return result;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9-]*$")]
    private static partial Regex CodePattern();
}
