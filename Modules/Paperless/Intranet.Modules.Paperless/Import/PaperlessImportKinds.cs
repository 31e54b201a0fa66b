using System.Text.RegularExpressions;
using Intranet.Modules.Paperless.Contracts;
using Intranet.Modules.Paperless.Data;
using Intranet.Modules.Paperless.Domain;
using Intranet.Modules.Paperless.UseCases;
using Intranet.Shared.Import;
using Intranet.Shared.Security;
using Intranet.Shared.Time;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.Paperless.Import;

/// <summary>Import kinds of the module and what they share.</summary>
public static class PaperlessImportKinds
{
    /// <summary>Meeting bodies (<see cref="MeetingBodyImportKind"/>).</summary>
    public const string Bodies = "meeting-bodies";
    /// <summary>Meeting sessions (<see cref="MeetingSessionImportKind"/>).</summary>
    public const string Sessions = "meeting-sessions";
    /// <summary>The feed both kinds report to (<see cref="PaperlessFeed"/>).</summary>
    public const string Feed = "paperless";
    /// <summary>Roles that may import (organizers only their own department's bodies and sessions).</summary>
    public static readonly IReadOnlyList<string> ImportRoles = [Roles.MeetingOrganizer, Roles.PlanOffice, Roles.Administrator];

    /// <summary>The category labels a file may use: 庁議, 課長級以上出席の会議, その他庁内会議, 議会内会議.</summary>
    public static readonly IReadOnlyList<string> Categories = Enum.GetValues<MeetingCategory>().Select(PaperlessRules.Label).ToList();
    /// <summary>The format labels: 対面, WEB, ハイブリッド.</summary>
    public static readonly IReadOnlyList<string> Formats = Enum.GetValues<MeetingFormat>().Select(PaperlessRules.Label).ToList();
    /// <summary>The distribution labels: 紙, 電子のみ, 紙と電子の併用.</summary>
    public static readonly IReadOnlyList<string> Materials = Enum.GetValues<MaterialsDistribution>().Select(PaperlessRules.Label).ToList();
}

/// <summary>
/// <c>meeting-bodies</c>: meeting bodies upserted by <c>code</c>, with the paper baseline (sheets per attendee) valid
/// from <c>baseline_from</c>. Rules: code (英数字・ハイフン) once per file; name, a known category and the organizing
/// department required; usual attendees 0–1,000; sheets per attendee 0–10,000. Organizers import only their own
/// department's bodies (<see cref="PaperlessAccess.CanOrganize"/>) and may not change a body's category (計画事務局 only).
/// </summary>
public sealed partial class MeetingBodyImportKind(PaperlessDbContext db, PaperlessTallies tallies) : IImportKind
{
    /// <summary>First day of a baseline when the file gives none.</summary>
    public static readonly DateOnly DefaultBaselineFrom = new(2000, 4, 1);

    /// <summary>The fields, in the module's own format's column order.</summary>
    public static readonly IReadOnlyList<ImportField> Fields =
    [
        new("code", "コード", ImportFieldType.Text, true, "会議体のコード (英数字とハイフン、例: MTG-001)。同じコードの会議体は更新します。",
            Synonyms: ["コード", "会議コード", "会議体コード"], Example: "MTG-001"),
        new("name", "会議名", ImportFieldType.Text, true, "会議体の名前。開催記録はコードかこの名前で会議体を指します。",
            Synonyms: ["会議名", "会議体", "名称", "件名"], Example: "政策会議"),
        new("category", "区分", ImportFieldType.Choice, true, "庁議、課長級以上出席の会議、その他庁内会議、議会内会議。どの指標に数えるかを決めます。",
            KnownValues: PaperlessImportKinds.Categories, Synonyms: ["区分", "会議区分", "種別"], Example: "庁議"),
        new("department", "会議主管課", ImportFieldType.Text, true, "会議を主管する課。会議の担当者は自課の会議体だけを取り込めます。",
            Synonyms: ["会議主管課", "主管課", "所管課", "担当課"], Example: "総合政策課"),
        new("usual_attendees", "通常の出席者数", ImportFieldType.Integer, false, "通常の出席者数 (0〜1,000人)。",
            Synonyms: ["通常の出席者数", "出席者数", "人数"], Example: "12"),
        new("sheets_per_attendee", "1人あたりの資料枚数", ImportFieldType.Decimal, false,
            "紙で配っていたときの1人あたりの枚数 (0〜10,000枚)。紙の削減量の基準になります。", Synonyms: ["1人あたりの資料枚数", "1人あたりの枚数", "資料枚数"], Example: "40"),
        new("baseline_from", "基準の適用開始日", ImportFieldType.Date, false, "1人あたりの資料枚数を適用する最初の日 (空欄は2000年4月1日)。",
            Synonyms: ["基準の適用開始日", "適用開始日"], Example: "2021-04-01"),
    ];

    /// <inheritdoc />
    public ImportKindInfo Info { get; } = new(PaperlessImportKinds.Bodies, "会議体", PaperlessModuleInfo.DisplayName,
        "会議体の一覧。コードで見分け、ある会議体は更新、ない会議体は追加します。会議の担当者は自課の会議体だけを取り込めます。",
        Fields, PaperlessImportKinds.Feed, PaperlessImportKinds.ImportRoles, "/paperless/bodies");

    /// <inheritdoc />
    public async Task<IImportSession> BeginAsync(ImportContext context, CancellationToken cancellationToken)
    {
        var existing = await db.Bodies.AsNoTracking().ToDictionaryAsync(b => b.Code, b => (b.OrganizingDepartment, b.Category), cancellationToken);
        return new Session(db, tallies, context.User, existing);
    }

    private sealed record ParsedBody(string Code, string Name, MeetingCategory Category, string Department, int Attendees, decimal? Sheets, DateOnly From);

    private sealed class Session(PaperlessDbContext db, PaperlessTallies tallies, ICurrentUser user,
        Dictionary<string, (string Department, MeetingCategory Category)> existing) : IImportSession
    {
        private readonly List<ParsedBody> _bodies = [];
        private readonly HashSet<string> _seen = [];

        public DbContext Database => db;

        public void Check(ImportRow row)
        {
            var code = row.Text("code");
            var codeOk = CodePattern().IsMatch(code);
            if (!codeOk) row.Error("code", "コードは英数字・ハイフンで指定してください (例: MTG-001)。");
            else if (!_seen.Add(code)) { row.Error("code", $"コード {code} がファイル内で重複しています。"); codeOk = false; }
            var name = row.Text("name");
            if (name.Length == 0) row.Error("name", "会議名は必須です。");
            var category = row.Choice("category", PaperlessRules.ParseCategory, PaperlessImportKinds.Categories);
            var department = row.Text("department");
            if (department.Length == 0) row.Error("department", "会議主管課は必須です。");
            else if (!PaperlessAccess.CanOrganize(user, department)) row.Error("department", "自課以外の会議体は取り込めません。");
            var attendees = row.Integer("usual_attendees", 0, 1000, required: false) ?? 0;
            var sheets = row.Decimal("sheets_per_attendee", 0, 10_000, required: false);
            var from = row.Date("baseline_from", required: false) ?? DefaultBaselineFrom;
            if (codeOk && existing.TryGetValue(code, out var stored))
            {
                if (!PaperlessAccess.CanOrganize(user, stored.Department)) row.Error("code", "自課以外の会議体は変更できません。");
                else if (category is { } c && c != stored.Category && !PaperlessAccess.ManagesAll(user)) row.Error("category", "会議の区分は計画事務局だけが変更できます。");
            }
            if (category is { } cat && codeOk) _bodies.Add(new ParsedBody(code, name, cat, department, (int)attendees, sheets, from));
        }

        public async Task<ImportCounts> WriteAsync(bool dryRun, Func<int, int, Task>? progress, CancellationToken ct)
        {
            var stored = await db.Bodies.Include(b => b.Baselines).ToDictionaryAsync(b => b.Code, ct);
            int added = 0, updated = 0;
            var fresh = new List<MeetingBody>();   // new bodies, inserted in bulk with their baselines
            var recount = new HashSet<MeetingCategory>();   // categories of stored bodies moved or re-based: their sessions' tallies change
            foreach (var v in _bodies)
            {
                var isNew = !stored.TryGetValue(v.Code, out var body);
                if (body is null)
                {
                    body = new MeetingBody { Code = v.Code };
                    fresh.Add(body);
                    stored[v.Code] = body;
                }
                var changed = isNew || body.Name != v.Name || body.Category != v.Category || body.OrganizingDepartment != v.Department || body.UsualAttendees != v.Attendees;
                if (!isNew && body.Category != v.Category) recount.UnionWith([body.Category, v.Category]);
                (body.Name, body.Category, body.OrganizingDepartment, body.UsualAttendees) = (v.Name, v.Category, v.Department, v.Attendees);
                if (v.Sheets is { } sheets && PaperlessRules.BaselineOn(body.Baselines, v.From)?.SheetsPerAttendee != sheets)
                {
                    var same = body.Baselines.FirstOrDefault(b => b.ValidFrom == v.From);
                    if (same is not null) same.SheetsPerAttendee = sheets;
                    else body.Baselines.Add(new PaperBaseline { BodyId = body.Id, ValidFrom = v.From, SheetsPerAttendee = sheets });
                    if (!isNew) recount.Add(body.Category);
                    changed = true;
                }
                if (isNew) added++; else if (changed) updated++;
            }
            if (!dryRun)
            {
                // The changed bodies as tracked entities, the new ones in bulk with the audit entries a save writes (issue #12:
                // a tracked save of 500 bodies, their baselines and audit rows was most of a 0.8 s import).
                await db.SaveChangesAsync(ct);
                db.ChangeTracker.Clear();
                await db.BulkInsertAuditedAsync(fresh, ct);
                await db.BulkInsertAuditedAsync(fresh.SelectMany(b => b.Baselines), ct);
                await tallies.CategoriesChangedAsync(recount, ct);
            }
            return new ImportCounts(added, updated);
        }
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9-]*$")]
    private static partial Regex CodePattern();
}

/// <summary>
/// <c>meeting-sessions</c>: meeting sessions (開催記録) upserted by body, date and sequence (回), in the module's own
/// format or through a saved mapping (a calendar export, an organizer's Excel list). Rules: the body exists (by code or
/// name; the code wins) and the user organizes it (<see cref="PaperlessAccess.CanOrganize"/>); the date is not in the
/// future and lies in the plan period (<see cref="PaperlessRules.InPlanPeriod"/>); a known format and distribution;
/// attendees 0–1,000 (required), sequence 1–9 (default 1), sheets printed 0–1,000,000 (default 0), tablets yes/no;
/// one row per body, date and sequence in a file. Importing the same file again changes nothing.
/// </summary>
public sealed class MeetingSessionImportKind(PaperlessDbContext db, PaperlessFeed feed, PaperlessTallies tallies, TimeProvider clock) : IImportKind
{
    /// <summary>The fields, in the module's own format's column order.</summary>
    public static readonly IReadOnlyList<ImportField> Fields =
    [
        new("body", "会議体 (コードまたは会議名)", ImportFieldType.Text, true, "会議体のコード (例: MTG-001) か会議名 (例: 政策会議)。自課の会議体だけを取り込めます。",
            Synonyms: ["会議名", "会議体", "件名", "会議", "コード"], Example: "MTG-001"),
        new("held_on", "開催日", ImportFieldType.Date, true, "開催した日 (2023/04/03、2023-04-03、令和5年4月3日、R5.4.3)。未来の日付と計画期間の外は誤りです。",
            Synonyms: ["開催日", "開始日", "日付", "会議日"], Example: "2023-04-03"),
        new("sequence", "回", ImportFieldType.Integer, false, "同じ日に同じ会議を2回以上開いたときの回 (1〜9、空欄は1)。", Synonyms: ["回", "回数"], Example: "1"),
        new("format", "開催形式", ImportFieldType.Choice, true, "対面、WEB、ハイブリッド (オンライン、WEB会議も WEB と読みます)。ほかの書き方は値の変換で対応付けます。",
            KnownValues: PaperlessImportKinds.Formats, Synonyms: ["開催形式", "会議形式", "形式", "開催方法"], Example: "WEB"),
        new("materials", "資料の配付", ImportFieldType.Choice, true, "紙、電子のみ、紙と電子の併用 (電子、併用とも書けます)。「タブレット」などは値の変換で電子のみに対応付けます。",
            KnownValues: PaperlessImportKinds.Materials, Synonyms: ["資料の配付", "資料配布", "資料配付", "資料"], Example: "電子のみ"),
        new("attendees", "出席者数", ImportFieldType.Integer, true, "出席した人数 (0〜1,000人)。", Synonyms: ["出席者数", "参加人数", "参加者数", "人数"], Example: "12"),
        new("sheets_printed", "印刷枚数", ImportFieldType.Integer, false, "紙で配った資料の枚数の合計 (0〜1,000,000枚、空欄は0)。", Synonyms: ["印刷枚数", "配布枚数", "枚数"], Example: "0"),
        new("tablets", "タブレット使用", ImportFieldType.Flag, false, "議場などでタブレット端末を使ったか (有/無、はい/いいえ、1/0。空欄は無)。",
            Synonyms: ["タブレット使用", "タブレット", "端末使用"], Example: "0"),
        new("note", "備考", ImportFieldType.Text, false, "備考 (任意)。", Synonyms: ["備考", "メモ"], Example: ""),
    ];

    /// <inheritdoc />
    public ImportKindInfo Info { get; } = new(PaperlessImportKinds.Sessions, "会議の開催記録", PaperlessModuleInfo.DisplayName,
        "会議の開催記録 (カレンダーの出力や担当者の一覧表)。会議体・開催日・回で見分け、同じ記録は上書きして二重には数えません。会議の担当者は自課の会議だけを取り込めます。",
        Fields, PaperlessImportKinds.Feed, PaperlessImportKinds.ImportRoles, "/paperless/bodies");

    /// <inheritdoc />
    public async Task<IImportSession> BeginAsync(ImportContext context, CancellationToken cancellationToken)
    {
        var bodies = await db.Bodies.AsNoTracking().Select(b => new { b.Id, b.Code, b.Name, b.OrganizingDepartment }).ToListAsync(cancellationToken);
        var byName = new Dictionary<string, (Guid Id, string Department)>(StringComparer.OrdinalIgnoreCase);
        foreach (var b in bodies) byName.TryAdd(ImportValues.Normalize(b.Name), (b.Id, b.OrganizingDepartment));
        foreach (var b in bodies) byName[ImportValues.Normalize(b.Code)] = (b.Id, b.OrganizingDepartment);
        var period = await feed.PlanPeriodAsync(cancellationToken);
        return new Session(db, tallies, context.User, byName, period, clock.TodayInJapan(), clock.GetUtcNow());
    }

    private sealed record ParsedSession(Guid BodyId, DateOnly HeldOn, int Sequence, MeetingFormat Format, MaterialsDistribution Materials, int Attendees,
        int SheetsPrinted, bool TabletsUsed, string? Note);

    private sealed class Session(PaperlessDbContext db, PaperlessTallies tallies, ICurrentUser user, Dictionary<string, (Guid Id, string Department)> byName,
        PlanPeriod? period, DateOnly today, DateTimeOffset now) : IImportSession
    {
        private readonly List<ParsedSession> _sessions = [];
        private readonly Dictionary<(Guid, DateOnly, int), int> _keys = [];

        public DbContext Database => db;

        public void Check(ImportRow row)
        {
            var bodyText = row.Text("body");
            (Guid Id, string Department)? body = null;
            if (bodyText.Length == 0) row.Error("body", "会議体は必須です。");
            else if (!byName.TryGetValue(bodyText, out var found)) row.Error("body", $"会議体「{ImportValues.Shorten(bodyText)}」はありません (コードか会議名で指定してください)。");
            else if (!PaperlessAccess.CanOrganize(user, found.Department)) row.Error("body", "自課以外の会議は取り込めません。");
            else body = found;
            var heldOn = row.Date("held_on");
            if (heldOn is { } d)
            {
                if (d > today) { row.Error("held_on", "開催日に未来の日付は指定できません。"); heldOn = null; }
                else if (!PaperlessRules.InPlanPeriod(d, period)) { row.Error("held_on", $"開催日は計画期間 ({period!.Label}) の外です。"); heldOn = null; }
            }
            var format = row.Choice("format", PaperlessRules.ParseFormat, PaperlessImportKinds.Formats);
            var materials = row.Choice("materials", PaperlessRules.ParseMaterials, PaperlessImportKinds.Materials);
            var attendees = row.Integer("attendees", 0, 1000);
            var sequence = row.Integer("sequence", 1, 9, required: false) ?? 1;
            var sheets = row.Integer("sheets_printed", 0, 1_000_000, required: false) ?? 0;
            var tablets = row.Flag("tablets");
            var note = row.Text("note");
            if (body is null || heldOn is null || format is null || materials is null || attendees is null || tablets is null) return;
            var key = (body.Value.Id, heldOn.Value, (int)sequence);
            if (_keys.TryGetValue(key, out var firstLine))
            {
                row.Error("held_on", $"{firstLine}行目と同じ会議・開催日・回です。同じ日に2回開いたときは回を 2 にしてください。");
                return;
            }
            _keys[key] = row.Line;
            _sessions.Add(new ParsedSession(body.Value.Id, heldOn.Value, (int)sequence, format.Value, materials.Value, (int)attendees.Value, (int)sheets,
                tablets.Value, note.Length > 0 ? note : null));
        }

        public async Task<ImportCounts> WriteAsync(bool dryRun, Func<int, int, Task>? progress, CancellationToken ct)
        {
            var ids = _sessions.Select(p => p.BodyId).Distinct().ToList();
            var stored = await db.Sessions.Where(s => ids.Contains(s.BodyId)).ToDictionaryAsync(s => (s.BodyId, s.HeldOn, s.Sequence), ct);
            var fresh = new List<MeetingSession>();
            var updated = 0;
            var months = new HashSet<(Guid, int, int)>();   // body-months of the new and corrected sessions
            foreach (var v in _sessions)
            {
                if (!stored.TryGetValue((v.BodyId, v.HeldOn, v.Sequence), out var s))
                {
                    months.Add((v.BodyId, v.HeldOn.Year, v.HeldOn.Month));
                    // A fresh entity on every call: a retried write must not re-attach the failed attempt's.
                    fresh.Add(new MeetingSession
                    {
                        BodyId = v.BodyId, HeldOn = v.HeldOn, Sequence = v.Sequence, Format = v.Format, Materials = v.Materials, Attendees = v.Attendees,
                        SheetsPrinted = v.SheetsPrinted, TabletsUsed = v.TabletsUsed, Note = v.Note, RecordedBy = user.Name, RecordedAt = now,
                    });
                    continue;
                }
                if (s.Format == v.Format && s.Materials == v.Materials && s.Attendees == v.Attendees && s.SheetsPrinted == v.SheetsPrinted
                    && s.TabletsUsed == v.TabletsUsed && s.Note == v.Note) continue;
                (s.Format, s.Materials, s.Attendees, s.SheetsPrinted, s.TabletsUsed, s.Note, s.RecordedBy, s.RecordedAt) =
                    (v.Format, v.Materials, v.Attendees, v.SheetsPrinted, v.TabletsUsed, v.Note, user.Name, now);
                months.Add((v.BodyId, v.HeldOn.Year, v.HeldOn.Month));
                updated++;
            }
            if (!dryRun)
            {
                // The corrected sessions as tracked entities, the new ones in bulk with the audit entries a save writes
                // (issue #12: a tracked save with an audit row per session wrote about 100 sessions/s). Then the tallies of their
                // category-months (PaperlessTallies), all in the import's transaction.
                await db.SaveChangesAsync(ct);
                db.ChangeTracker.Clear();
                await db.BulkInsertAuditedAsync(fresh, ct);
                // The bodies' categories read again now that the writes hold the change stamp (on a server, to the commit): a
                // category move committed since the file was checked is seen, and none can come in between.
                var bodyIds = months.Select(m => m.Item1).Distinct().ToList();
                var categories = await db.Bodies.AsNoTracking().Where(b => bodyIds.Contains(b.Id)).ToDictionaryAsync(b => b.Id, b => b.Category, ct);
                await tallies.MonthsChangedAsync(months.Select(m => (categories[m.Item1], m.Item2, m.Item3)), ct);
            }
            return new ImportCounts(fresh.Count, updated);
        }
    }
}
