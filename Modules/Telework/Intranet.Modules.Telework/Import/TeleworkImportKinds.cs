using Intranet.Modules.Telework.Contracts;
using Intranet.Modules.Telework.Data;
using Intranet.Modules.Telework.Domain;
using Intranet.Shared.Import;
using Intranet.Shared.Persistence;
using Intranet.Shared.Security;
using Intranet.Shared.Time;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.Telework.Import;

/// <summary>Names of the module's import kinds and its feed.</summary>
public static class TeleworkImports
{
    /// <summary>The HR system's roster.</summary>
    public const string Staff = "staff";
    /// <summary>Attendance exports: telework days.</summary>
    public const string Days = "telework-days";
    /// <summary>The module's feed (<see cref="UseCases.TeleworkFeed"/>).</summary>
    public const string Feed = "telework";
}

/// <summary>
/// <c>staff</c>: the HR system's roster, upserted by employee number. New numbers are added; a changed department,
/// workplace, manager flag or category starts a new assignment from <c>effective_from</c> (default: today), so
/// eligibility is known for every date; staff missing from the file are kept and flagged for HR to end-date.
/// A roster with 職位 instead of a manager flag maps it with a value translation (課長, 部長 → 1, otherwise 0).
/// </summary>
public sealed class StaffImportKind(TeleworkDbContext db, TimeProvider clock, UseCases.TeleworkAggregates aggregates) : IImportKind
{
    /// <summary>The roster's fields (module format headers).</summary>
    public static readonly IReadOnlyList<ImportField> Fields =
    [
        new("employee_number", "職員番号", ImportFieldType.Text, true, "人事システムの職員番号 (名簿の行の照合に使います)", Synonyms: ["職員番号", "職員コード", "社員番号", "個人番号"], Example: "H10001"),
        new("name", "氏名", ImportFieldType.Text, true, "氏名", Synonyms: ["氏名", "職員氏名", "名前"], Example: "秦野 太郎"),
        new("department", "所属", ImportFieldType.Text, true, "所属課 (例: 情報政策課)", Synonyms: ["所属", "所属名", "課名", "所属課"], Example: "情報政策課"),
        new("workplace", "勤務場所", ImportFieldType.Text, true, "勤務場所 (例: 本庁舎)", Synonyms: ["勤務場所", "勤務地", "勤務先"], Example: "本庁舎"),
        new("workplace_type", "勤務場所区分", ImportFieldType.Text, true, "勤務場所の種類 (こども園・幼稚園・消防署はテレワーク対象外)", Synonyms: ["勤務場所区分", "勤務場所種別", "施設区分"], Example: "本庁"),
        new("employment_category", "雇用区分", ImportFieldType.Text, true, "雇用区分 (例: 正規職員, 会計年度任用職員)", Synonyms: ["雇用区分", "職員区分", "任用区分"], Example: "正規職員"),
        new("active_from", "在職開始日", ImportFieldType.Date, true, "採用日 (例: 2015-04-01, 平成27年4月1日)", Synonyms: ["採用日", "在職開始日", "採用年月日"], Example: "2015-04-01"),
        new("manager", "管理職", ImportFieldType.Flag, false, "管理職なら 1。職位の列なら値の変換で 課長・部長 → 1、その他 → 0", Synonyms: ["管理職", "管理職区分", "職位", "役職"], Example: "0"),
        new("active_to", "退職日", ImportFieldType.Date, false, "退職日 (在職中は空欄)", Synonyms: ["退職日", "退職年月日"], Example: ""),
        new("effective_from", "異動日", ImportFieldType.Date, false, "所属・勤務場所などの変更の発令日 (空欄なら取込日)", Synonyms: ["異動日", "発令日", "発令年月日"], Example: ""),
    ];

    /// <inheritdoc />
    public ImportKindInfo Info { get; } = new(TeleworkImports.Staff, "職員名簿", TeleworkModuleInfo.DisplayName,
        "人事システムが出力する職員名簿。職員番号で照合し、新しい職員は追加、所属などの変更は異動日から反映します。ファイルにない職員は削除せず、退職日の確認待ちにします。",
        Fields, TeleworkImports.Feed, [Roles.HumanResources], "/telework/staff");

    /// <inheritdoc />
    public async Task<IImportSession> BeginAsync(ImportContext context, CancellationToken ct) =>
        new Session(db, aggregates, context, clock.TodayInJapan(), await db.Staff.Include(s => s.Assignments).AsNoTracking().ToDictionaryAsync(s => s.EmployeeNumber, ct));

    private sealed record Row(string Number, string Name, DateOnly ActiveFrom, DateOnly? ActiveTo, DateOnly? Effective, StaffAssignment Assignment);

    private sealed class Session(TeleworkDbContext db, UseCases.TeleworkAggregates aggregates, ImportContext context, DateOnly today, Dictionary<string, StaffMember> stored)
        : IImportSession
    {
        private readonly Dictionary<string, int> _seen = [];
        private readonly List<Row> _rows = [];

        public Microsoft.EntityFrameworkCore.DbContext Database => db;

        public void Check(ImportRow row)
        {
            var number = row.Text("employee_number", required: true, maxLength: 50);
            if (number.Length > 0 && !_seen.TryAdd(number, row.Line)) row.Error("employee_number", $"職員番号 {number} がファイル内で重複しています ({_seen[number]}行目)。");
            var name = row.Text("name", required: true, maxLength: 100);
            var department = row.Text("department", required: true, maxLength: 100);
            var workplace = row.Text("workplace", required: true, maxLength: 100);
            var workplaceType = row.Text("workplace_type", required: true, maxLength: 100);
            var category = row.Text("employment_category", required: true, maxLength: 100);
            var activeFrom = row.Date("active_from");
            var activeTo = row.Date("active_to", required: false);
            if (activeTo is { } to && activeFrom is { } from && to < from) row.Error("active_to", "退職日が在職開始日より前です。");
            var manager = row.Flag("manager");
            var effective = row.Date("effective_from", required: false);
            if (number.Length == 0 || name.Length == 0 || department.Length == 0 || workplace.Length == 0 || workplaceType.Length == 0 || category.Length == 0
                || activeFrom is null || manager is null || context.Errors.Total > 0) return;
            _rows.Add(new Row(number, name, activeFrom.Value, activeTo, effective, new StaffAssignment
            {
                Department = department, Workplace = workplace, WorkplaceType = workplaceType, EmploymentCategory = category, IsManager = manager.Value,
            }));
        }

        public async Task<ImportCounts> WriteAsync(bool dryRun, Func<int, int, Task>? progress, CancellationToken ct)
        {
            // Fresh tracked copies each attempt (the pipeline retries once after a conflicting write).
            var existing = dryRun ? stored : await db.Staff.Include(s => s.Assignments).ToDictionaryAsync(s => s.EmployeeNumber, ct);
            int added = 0, updated = 0;
            var touched = new List<Guid>();
            var joined = new List<StaffMember>();
            foreach (var r in _rows)
            {
                var assignment = new StaffAssignment
                {
                    Department = r.Assignment.Department, Workplace = r.Assignment.Workplace, WorkplaceType = r.Assignment.WorkplaceType,
                    EmploymentCategory = r.Assignment.EmploymentCategory, IsManager = r.Assignment.IsManager,
                };
                if (!existing.TryGetValue(r.Number, out var staff))
                {
                    staff = new StaffMember { EmployeeNumber = r.Number, Name = r.Name, ActiveFrom = r.ActiveFrom, ActiveTo = r.ActiveTo };
                    assignment.StaffId = staff.Id;
                    assignment.From = r.Effective ?? r.ActiveFrom;
                    staff.Assignments.Add(assignment);
                    joined.Add(staff);
                    touched.Add(staff.Id);
                    added++;
                    continue;
                }
                var changed = staff.Name != r.Name || staff.ActiveFrom != r.ActiveFrom || (r.ActiveTo is not null && staff.ActiveTo != r.ActiveTo) || staff.MissingFromLastImport;
                var current = staff.Assignments.MaxBy(a => a.From);
                var moved = current is null || current.Department != assignment.Department || current.Workplace != assignment.Workplace
                            || current.WorkplaceType != assignment.WorkplaceType || current.EmploymentCategory != assignment.EmploymentCategory || current.IsManager != assignment.IsManager;
                if (!dryRun)
                {
                    (staff.Name, staff.ActiveFrom, staff.MissingFromLastImport) = (r.Name, r.ActiveFrom, false);
                    if (r.ActiveTo is not null) staff.ActiveTo = r.ActiveTo;
                    if (moved)
                    {
                        var effective = r.Effective ?? today;
                        var same = staff.Assignments.FirstOrDefault(a => a.From == effective);
                        if (same is not null) db.Assignments.Remove(same);
                        assignment.StaffId = staff.Id;
                        assignment.From = effective;
                        staff.Assignments.Add(assignment);
                    }
                }
                if (changed || moved) { updated++; touched.Add(staff.Id); }
            }
            if (!dryRun)
            {
                var inFile = _rows.Select(r => r.Number).ToHashSet();
                foreach (var missing in existing.Values.Where(s => !inFile.Contains(s.EmployeeNumber) && s.ActiveTo is null && !s.MissingFromLastImport))
                    missing.MissingFromLastImport = true;
                // The changed people as tracked entities; the new ones (all of them on a first import) in bulk, with the
                // same audit entries a save writes. Then the headcount's periods and the month tallies of every added or
                // changed person, all in the import's transaction.
                await db.SaveChangesAsync(ct);
                db.ChangeTracker.Clear();
                await db.BulkInsertAuditedAsync(joined, ct);
                await db.BulkInsertAuditedAsync(joined.SelectMany(s => s.Assignments), ct);
                await aggregates.StaffChangedAsync(touched, ct);
            }
            return new ImportCounts(added, updated);
        }
    }
}

/// <summary>
/// <c>telework-days</c>: telework days from attendance exports. A person and date recorded twice (in the file or already
/// stored) is one day, the latest values winning. A date outside the person's employment is an error. The share of a
/// day comes from <c>day_fraction</c> or from <c>hours</c> (7.75 or 7:45) over <see cref="TeleworkRules.HoursPerDay"/>.
/// </summary>
public sealed class TeleworkDayImportKind(TeleworkDbContext db, TimeProvider clock, UseCases.TeleworkAggregates aggregates) : IImportKind
{
    /// <summary>Rows written per batch inside the import's transaction.</summary>
    public const int BatchSize = 5000;

    /// <summary>
    /// Person-months of summed tallies held before they are applied within the import (about 100 bytes each). Settable for
    /// the tests, which apply after every batch to prove that applying in parts gives the same tallies; the figures do not
    /// depend on it, only the memory held.
    /// </summary>
    internal static int TallyPersonMonthsHeld { get; set; } = 50_000;

    /// <summary>The telework-day fields (module format headers); employee_number, date and type are required, plus hours or day_fraction.</summary>
    public static readonly IReadOnlyList<ImportField> Fields =
    [
        new("employee_number", "職員番号", ImportFieldType.Text, true, "職員名簿の職員番号", Synonyms: ["職員番号", "職員コード", "社員番号", "個人番号"], Example: "H10001"),
        new("date", "日付", ImportFieldType.Date, true, "テレワークをした日 (例: 2025-05-12, 令和7年5月12日)", Synonyms: ["日付", "勤務日", "年月日", "出勤日"], Example: "2025-05-12"),
        new("type", "種類", ImportFieldType.Choice, true, "在宅 / サテライト / モバイル。勤怠の「在宅勤務」などは値の変換で対応付けます", ["在宅", "サテライト", "モバイル"],
            ["種類", "勤務区分", "勤務形態", "テレワーク区分"], "在宅"),
        new("hours", "時間", ImportFieldType.Hours, false, "テレワークの時間 (7.75 または 7:45)。日数がなければ必須", Synonyms: ["時間", "在宅勤務時間", "テレワーク時間", "勤務時間"], Example: "7:45"),
        new("day_fraction", "日数", ImportFieldType.Decimal, false, "その日のうちテレワークの割合 (0より大きく1以下、例: 0.5)", Synonyms: ["日数", "勤務日数"], Example: ""),
        new("manager_trial", "管理職トライアル", ImportFieldType.Flag, false, "管理職のテレワークトライアルなら 1", Synonyms: ["管理職トライアル", "トライアル"], Example: "0"),
    ];

    /// <inheritdoc />
    public ImportKindInfo Info { get; } = new(TeleworkImports.Days, "テレワーク実施日", TeleworkModuleInfo.DisplayName,
        "勤怠システムが出力するテレワーク実施日。同じ職員・同じ日は1日として数え、後の値で更新します。",
        Fields, TeleworkImports.Feed, [Roles.HumanResources], "/telework");

    private static readonly string[] TypeNames = ["在宅", "サテライト", "モバイル"];

    /// <inheritdoc />
    public async Task<IImportSession> BeginAsync(ImportContext context, CancellationToken ct) =>
        new Session(db, aggregates, context, clock.GetUtcNow(), await db.Staff.AsNoTracking().ToDictionaryAsync(s => s.EmployeeNumber, ct));

    private sealed class Session(TeleworkDbContext db, UseCases.TeleworkAggregates aggregates, ImportContext context, DateTimeOffset now,
        Dictionary<string, StaffMember> staff) : IBatchedImportSession
    {
        private readonly Dictionary<(Guid, DateOnly), TeleworkDay> _days = [];
        private Dictionary<Guid, string>? _numbers;
        // The first pass notes each person's days (a bit per day, DaySet) and, for a day the file gives more than once, the
        // line of its last row; the second keeps only that row of such a day, so it is written once, with its last values.
        // Per row, the earlier design kept a hash entry (person, day) → line: about 100 MB at 2,000,000 rows (issue #12).
        private DaySet?[]? _seenDays;
        private readonly Dictionary<(int Person, int Day), int> _repeatedLastLine = [];
        private Dictionary<Guid, int>? _index;
        private bool _secondPass;
        // Everyone with a day in the file (first pass), whose month tallies the second pass sums in memory and applies (in parts on a large file).
        private readonly HashSet<Guid> _people = [];
        private UseCases.TeleworkAggregates.MonthTallyChanges? _tallies;
        private bool _talliesBegun;
        // The fiscal years of the days written: the only years whose figures this import changes.
        private readonly HashSet<int> _changedYears = [];
        // Days this import has inserted per date (in its transaction): a batch whose dates hold no others needs no lookup.
        private readonly Dictionary<DateOnly, int> _insertedPerDate = [];

        public Microsoft.EntityFrameworkCore.DbContext Database => db;

        public void Check(ImportRow row)
        {
            var number = row.Text("employee_number");
            if (!staff.TryGetValue(number, out var person)) row.Error("employee_number", number.Length == 0 ? "職員番号は必須です。" : $"職員番号 {number} は名簿にありません。");
            var date = row.Date("date");
            if (person is not null && date is { } d && !person.IsActiveOn(d)) row.Error("date", $"{d:yyyy-MM-dd} は職員 {number} の在職期間外です。");
            var type = row.Choice("type", TeleworkRules.ParseType, TypeNames);
            decimal? fraction = null;
            if (row.Text("day_fraction").Length > 0)
            {
                const string range = "日数は0より大きく1以下で入力してください (例: 0.5)。";
                fraction = row.Decimal("day_fraction", 0, 1, rangeMessage: range);
                if (fraction == 0) { row.Error("day_fraction", range); fraction = null; }
            }
            else if (row.Text("hours").Length > 0)
            {
                const string range = "時間は0より大きく24以下で入力してください (例: 7:45, 7.75)。";
                var hours = row.Hours("hours", 0, 24, rangeMessage: range);
                if (hours == 0) row.Error("hours", range);
                else if (hours is { } h) fraction = Math.Min(1, Math.Round(h / TeleworkRules.HoursPerDay, 4));
            }
            else
            {
                row.Error("hours", "テレワークの時間 (hours) か日数 (day_fraction) のどちらかを入力してください。");
            }
            var trial = row.Flag("manager_trial");
            if (person is null || date is null || type is null || trial is null || fraction is null) return;
            _index ??= staff.Values.Select((s, i) => (s.Id, i)).ToDictionary(x => x.Id, x => x.i);
            var key = (Person: _index[person.Id], Day: date.Value.DayNumber);
            if (!_secondPass)
            {
                if (!((_seenDays ??= new DaySet?[staff.Count])[key.Person] ??= new DaySet()).Add(key.Day)) _repeatedLastLine[key] = row.Line;
                _people.Add(person.Id);
                return;
            }
            if (_repeatedLastLine.TryGetValue(key, out var last) && last != row.Line) return;
            _days[(person.Id, date.Value)] = new TeleworkDay
            {
                StaffId = person.Id, Date = date.Value, Type = type.Value, DayFraction = fraction.Value, ManagerTrial = trial.Value,
                RecordedBy = context.User.Name, RecordedAt = now,
            };
        }

        public int BatchSize => TeleworkDayImportKind.BatchSize;

        public int Pending => _days.Count;

        public void Discard() => _days.Clear();

        /// <inheritdoc />
        public IReadOnlyCollection<int> ChangedFiscalYears => _changedYears;

        public void BeginSecondPass()
        {
            _secondPass = true;
            _days.Clear();
            _changedYears.Clear();
            _insertedPerDate.Clear();
            (_tallies, _talliesBegun) = (null, false);
        }

        public Task<ImportCounts> WriteAsync(bool dryRun, Func<int, int, Task>? progress, CancellationToken ct) => FlushAsync(dryRun, ct);

        /// <summary>
        /// The pending days against what is stored for the same people and dates: new ones bulk-inserted, changed ones
        /// updated with an audit entry (before → after), unchanged ones left. Each day written is summed into the month
        /// tallies in memory (applied when they hold more than <see cref="TallyPersonMonthsHeld"/> person-months, and the rest by <see cref="FinishAsync"/>); the first flush locks everyone in the file first.
        /// </summary>
        public async Task<ImportCounts> FlushAsync(bool dryRun, CancellationToken ct)
        {
            if (_days.Count == 0) return new ImportCounts(0, 0);
            if (!dryRun && !_talliesBegun) (_tallies, _talliesBegun) = (await aggregates.BeginChangesAsync(_people, ct), true);
            var ids = _days.Keys.Select(k => k.Item1).Distinct().ToList();
            var (from, to) = (_days.Keys.Min(k => k.Item2), _days.Keys.Max(k => k.Item2));
            // Read without tracking (a re-import reads as many rows as it has lines); only the days that change are attached.
            // First one count on the date index: when the days stored in the batch's dates are exactly those this import has
            // inserted (none of which the batch holds again: the first pass keeps one row per person and day), the batch
            // needs no lookup of its thousands of people. That is every batch of a first import or of a new month's export,
            // including a batch starting on the date the previous one ended on (issue #12: about 2,000,000 index seeks, 8 s,
            // at 2,000,000 days in date order).
            var insertedInRange = _insertedPerDate.Where(p => p.Key >= from && p.Key <= to).Sum(p => p.Value);
            var stored = await db.Days.CountAsync(d => d.Date >= from && d.Date <= to, ct) != insertedInRange
                ? await db.Days.AsNoTracking().Where(d => ids.Contains(d.StaffId) && d.Date >= from && d.Date <= to).ToDictionaryAsync(d => (d.StaffId, d.Date), ct)
                : [];
            var fresh = new List<TeleworkDay>();
            var updated = 0;
            foreach (var (key, t) in _days)
            {
                if (!stored.TryGetValue(key, out var old))
                {
                    fresh.Add(t);
                    continue;
                }
                if (old.Type == t.Type && old.DayFraction == t.DayFraction && old.ManagerTrial == t.ManagerTrial) continue;
                if (!dryRun)
                {
                    // A re-recorded day keeps its earlier values in the audit trail (before → after).
                    var before = Audit.TeleworkDayAudit.Snapshot(old);
                    db.Days.Attach(old);
                    _changedYears.Add(FiscalYear.Of(old.Date).StartYear);
                    _tallies?.Removed(old.StaffId, old.Date, old.DayFraction, old.ManagerTrial);
                    _tallies?.Added(t.StaffId, t.Date, t.DayFraction, t.ManagerTrial);
                    (old.Type, old.DayFraction, old.ManagerTrial, old.RecordedBy, old.RecordedAt) = (t.Type, t.DayFraction, t.ManagerTrial, t.RecordedBy, t.RecordedAt);
                    if (Audit.TeleworkDayAudit.Entry((_numbers ??= staff.Values.ToDictionary(s => s.Id, s => s.EmployeeNumber))[old.StaffId], old.Date, before, old, context.User.Name, now) is { } entry)
                        db.AuditEntries.Add(entry);
                }
                updated++;
            }
            _days.Clear();
            if (dryRun)
            {
                db.ChangeTracker.Clear();
                return new ImportCounts(fresh.Count, updated);
            }
            await db.SaveChangesAsync(ct);   // the updates and their audit entries
            db.ChangeTracker.Clear();
            await db.BulkInsertAsync(fresh, ct);
            foreach (var d in fresh)
            {
                _changedYears.Add(FiscalYear.Of(d.Date).StartYear);
                _insertedPerDate[d.Date] = _insertedPerDate.GetValueOrDefault(d.Date) + 1;
                _tallies?.Added(d.StaffId, d.Date, d.DayFraction, d.ManagerTrial);
            }
            // Applying the sums is additive, so applying them in parts equals applying them once: a file of millions of days
            // holds at most this many person-months in memory (issue #12: 465,000 at 2,000,000 days, about 50 MB). The month
            // the batch ended in stays summed (a file in date order goes on adding to it), unless it alone is too many.
            if (_tallies is not null && _tallies.Pending > TallyPersonMonthsHeld)
            {
                await aggregates.ApplyAsync(_tallies, ct, keep: _tallies.CurrentMonth);
                if (_tallies.Pending > TallyPersonMonthsHeld) await aggregates.ApplyAsync(_tallies, ct);
            }
            return new ImportCounts(fresh.Count, updated);
        }

        /// <summary>The month tallies of the days written since the last application, applied in the import's transaction (the touched keys only).</summary>
        public async Task FinishAsync(bool dryRun, CancellationToken ct)
        {
            if (!dryRun && _tallies is not null) await aggregates.ApplyAsync(_tallies, ct);
        }
    }
}
