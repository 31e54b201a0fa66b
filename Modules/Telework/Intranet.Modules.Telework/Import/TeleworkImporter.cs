using Intranet.Modules.Telework.Data;
using Intranet.Modules.Telework.Domain;
using Intranet.Modules.Telework.UseCases;
using Intranet.Shared.Import;
using Intranet.Shared.Modules;
using Intranet.Shared.Security;
using Intranet.Shared.Time;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Intranet.Modules.Telework.Import;

/// <summary>
/// <c>import staff</c> (the HR system's roster, upsert by employee number) and <c>import telework-days</c>
/// (attendance exports, natively or through a saved mapping). CSV in UTF-8 or Shift_JIS; every row is checked
/// first and any bad row rejects the whole file with line and column; nothing is written then.
/// </summary>
public sealed class TeleworkImporter(TeleworkDbContext db, ICurrentUser user, TimeProvider clock, TeleworkFeed feed)
{
    /// <summary>Roster columns; the first seven are required.</summary>
    public static readonly string[] StaffColumns =
        ["employee_number", "name", "department", "workplace", "workplace_type", "employment_category", "active_from", "manager", "active_to", "effective_from"];

    /// <summary>Telework-day fields (module format headers); employee_number, date and type are required, plus hours or day_fraction.</summary>
    public static readonly string[] DayFields = ["employee_number", "date", "type", "hours", "day_fraction", "manager_trial"];

    /// <summary>Rows written per batch inside the import's transaction.</summary>
    public const int BatchSize = 5000;

    /// <summary>
    /// Imports the roster. New employee numbers are added; changed department, workplace, grade or category
    /// start a new assignment from <c>effective_from</c> (default: today), so eligibility is known for every
    /// date; staff missing from the file are kept and flagged for HR to end-date.
    /// </summary>
    /// <exception cref="ImportRejectedException">Any bad row; nothing written.</exception>
    public async Task<ImportResult> ImportStaffAsync(byte[] content, string fileName, bool dryRun, CancellationToken ct)
    {
        var (text, encoding) = CsvFile.Decode(content, fileName);
        var rows = CsvFile.Read(text, fileName, StaffColumns[..7]);
        var existing = await db.Staff.Include(s => s.Assignments).ToDictionaryAsync(s => s.EmployeeNumber, ct);
        var errors = new List<ImportError>();
        var seen = new HashSet<string>();
        var today = clock.TodayInJapan();
        int added = 0, updated = 0, unchanged = 0;
        foreach (var row in rows)
        {
            void Error(string column, string message) { if (errors.Count < 1000) errors.Add(new ImportError(row.Line, column, message)); }
            var number = row["employee_number"];
            if (number.Length == 0) Error("employee_number", "職員番号は必須です。");
            else if (!seen.Add(number)) Error("employee_number", $"職員番号 {number} がファイル内で重複しています。");
            foreach (var (column, label) in new[] { ("name", "氏名"), ("department", "所属"), ("workplace", "勤務場所"), ("workplace_type", "勤務場所の種類"), ("employment_category", "雇用区分") })
                if (row[column].Length == 0) Error(column, $"{label}は必須です。");
            if (!CsvFile.TryParseDate(row["active_from"], out var activeFrom)) Error("active_from", "在職開始日の形式が正しくありません (例: 2015-04-01)。");
            DateOnly? activeTo = null;
            if (row["active_to"].Length > 0)
            {
                if (!CsvFile.TryParseDate(row["active_to"], out var t)) Error("active_to", "退職日の形式が正しくありません。");
                else if (t < activeFrom) Error("active_to", "退職日が在職開始日より前です。");
                else activeTo = t;
            }
            var manager = ParseFlag(row["manager"]);
            if (manager is null) Error("manager", "管理職は 1/0 (はい/いいえ) で入力してください。");
            var effective = today;
            if (row["effective_from"].Length > 0 && !CsvFile.TryParseDate(row["effective_from"], out effective)) Error("effective_from", "異動日の形式が正しくありません。");
            if (errors.Count > 0 || manager is null) continue;

            var assignment = new StaffAssignment
            {
                Department = row["department"], Workplace = row["workplace"], WorkplaceType = row["workplace_type"],
                EmploymentCategory = row["employment_category"], IsManager = manager.Value,
            };
            if (!existing.TryGetValue(number, out var staff))
            {
                staff = new StaffMember { EmployeeNumber = number, Name = row["name"], ActiveFrom = activeFrom, ActiveTo = activeTo };
                assignment.StaffId = staff.Id;
                assignment.From = row["effective_from"].Length > 0 ? effective : activeFrom;
                staff.Assignments.Add(assignment);
                db.Staff.Add(staff);
                existing[number] = staff;
                added++;
                continue;
            }
            var changed = staff.Name != row["name"] || staff.ActiveFrom != activeFrom || (activeTo is not null && staff.ActiveTo != activeTo) || staff.MissingFromLastImport;
            (staff.Name, staff.ActiveFrom, staff.MissingFromLastImport) = (row["name"], activeFrom, false);
            if (activeTo is not null) staff.ActiveTo = activeTo;
            var current = staff.Assignments.MaxBy(a => a.From);
            if (current is null || current.Department != assignment.Department || current.Workplace != assignment.Workplace
                || current.WorkplaceType != assignment.WorkplaceType || current.EmploymentCategory != assignment.EmploymentCategory || current.IsManager != assignment.IsManager)
            {
                var same = staff.Assignments.FirstOrDefault(a => a.From == effective);
                if (same is not null) db.Assignments.Remove(same);
                assignment.StaffId = staff.Id;
                assignment.From = effective;
                staff.Assignments.Add(assignment);
                changed = true;
            }
            if (changed) updated++; else unchanged++;
        }
        if (rows.Count == 0) errors.Add(new ImportError(0, "ファイル", "データ行がありません。"));
        if (errors.Count > 0) { db.ChangeTracker.Clear(); throw new ImportRejectedException(fileName, errors); }
        foreach (var missing in existing.Values.Where(s => !seen.Contains(s.EmployeeNumber) && s.ActiveTo is null && !s.MissingFromLastImport))
            missing.MissingFromLastImport = true;
        var result = new ImportResult(rows.Count, added, updated, unchanged, encoding, dryRun);
        if (dryRun) { db.ChangeTracker.Clear(); return result; }
        await db.SaveChangesAsync(ct);
        await feed.PublishAsync(ct);
        return result;
    }

    /// <summary>
    /// Imports telework days; a person and date recorded twice (in the file or already stored) is one day, the
    /// latest values winning. A date outside the person's employment is an error.
    /// </summary>
    /// <exception cref="ImportRejectedException">Any bad row, unknown mapping; nothing written.</exception>
    public async Task<ImportResult> ImportDaysAsync(byte[] content, string fileName, string? mappingName, bool dryRun,
        Func<int, int, Task>? progress, CancellationToken ct)
    {
        var map = ColumnMap.Native(DayFields);
        if (mappingName is not null)
        {
            var mapping = await db.Mappings.AsNoTracking().SingleOrDefaultAsync(m => m.Name == mappingName, ct)
                ?? throw new ImportRejectedException(fileName, [new ImportError(0, "mapping", $"列の対応付け「{mappingName}」は登録されていません。")]);
            map = ColumnMap.FromJson(DayFields, mapping.ColumnsJson, mapping.DefaultsJson);
        }
        var (text, encoding) = CsvFile.Decode(content, fileName);
        var rows = CsvFile.Read(text, fileName, map.RequiredHeaders(["employee_number", "date", "type"]));
        string Field(CsvRow row, string field) => map.Value(row, field);

        var staff = await db.Staff.AsNoTracking().ToDictionaryAsync(s => s.EmployeeNumber, ct);
        var errors = new List<ImportError>();
        var parsed = new Dictionary<(Guid, DateOnly), TeleworkDay>();
        var now = clock.GetUtcNow();
        foreach (var row in rows)
        {
            void Error(string field, string message) { if (errors.Count < 1000) errors.Add(new ImportError(row.Line, map.Header(field), message)); }
            var number = Field(row, "employee_number");
            if (!staff.TryGetValue(number, out var person)) Error("employee_number", number.Length == 0 ? "職員番号は必須です。" : $"職員番号 {number} は名簿にありません。");
            if (!CsvFile.TryParseDate(Field(row, "date"), out var date)) { Error("date", "日付の形式が正しくありません (例: 2025-05-12)。"); continue; }
            if (person is not null && !person.IsActiveOn(date)) Error("date", $"{date:yyyy-MM-dd} は職員 {number} の在職期間外です。");
            var type = TeleworkRules.ParseType(Field(row, "type"));
            if (type is null) Error("type", $"種類「{Field(row, "type")}」は不明です (在宅, サテライト, モバイル)。");
            decimal fraction = 1;
            if (Field(row, "day_fraction").Length > 0)
            {
                if (!CsvFile.TryParseDecimal(Field(row, "day_fraction"), out fraction) || fraction <= 0 || fraction > 1) Error("day_fraction", "日数は0より大きく1以下で入力してください (例: 0.5)。");
            }
            else if (Field(row, "hours").Length > 0)
            {
                if (!CsvFile.TryParseDecimal(Field(row, "hours"), out var hours) || hours <= 0 || hours > 24) Error("hours", "時間は0より大きく24以下で入力してください。");
                else fraction = Math.Min(1, Math.Round(hours / TeleworkRules.HoursPerDay, 4));
            }
            else
            {
                Error("hours", "テレワークの時間 (hours) か日数 (day_fraction) のどちらかを入力してください。");
            }
            var trial = ParseFlag(Field(row, "manager_trial"));
            if (trial is null) Error("manager_trial", "管理職トライアルは 1/0 (はい/いいえ) で入力してください。");
            if (person is null || type is null || trial is null) continue;
            parsed[(person.Id, date)] = new TeleworkDay
            {
                StaffId = person.Id, Date = date, Type = type.Value, DayFraction = fraction, ManagerTrial = trial.Value, RecordedBy = user.Name, RecordedAt = now,
            };
        }
        if (rows.Count == 0) errors.Add(new ImportError(0, "ファイル", "データ行がありません。"));
        if (errors.Count > 0) throw new ImportRejectedException(fileName, errors);

        await Writer.WaitAsync(ct);
        try
        {
            try
            {
                return await StoreDaysAsync(parsed, rows.Count, encoding, dryRun, progress, ct);
            }
            catch (DbUpdateException) when (!dryRun)
            {
                // Another process (the CLI, HR entering a day) stored some of the same days meanwhile: the unique index
                // refused them and the transaction rolled back. Read the new state and apply again: a day twice is one day.
                db.ChangeTracker.Clear();
                return await StoreDaysAsync(parsed, rows.Count, encoding, dryRun, progress, ct);
            }
        }
        finally
        {
            Writer.Release();
        }
    }

    private static readonly SemaphoreSlim Writer = new(1, 1);

    private async Task<ImportResult> StoreDaysAsync(Dictionary<(Guid, DateOnly), TeleworkDay> parsed, int rowCount, string encoding, bool dryRun,
        Func<int, int, Task>? progress, CancellationToken ct)
    {
        var ids = parsed.Keys.Select(k => k.Item1).Distinct().ToList();
        var (from, to) = (parsed.Keys.Min(k => k.Item2), parsed.Keys.Max(k => k.Item2));
        var stored = await db.Days.Where(d => ids.Contains(d.StaffId) && d.Date >= from && d.Date <= to).ToDictionaryAsync(d => (d.StaffId, d.Date), ct);
        var fresh = new List<TeleworkDay>();
        int updated = 0, unchanged = 0;
        foreach (var (key, template) in parsed)
        {
            var day = new TeleworkDay
            {
                StaffId = template.StaffId, Date = template.Date, Type = template.Type, DayFraction = template.DayFraction,
                ManagerTrial = template.ManagerTrial, RecordedBy = template.RecordedBy, RecordedAt = template.RecordedAt,
            };
            if (!stored.TryGetValue(key, out var old)) { fresh.Add(day); continue; }
            if (old.Type == day.Type && old.DayFraction == day.DayFraction && old.ManagerTrial == day.ManagerTrial) { unchanged++; continue; }
            (old.Type, old.DayFraction, old.ManagerTrial, old.RecordedBy, old.RecordedAt) = (day.Type, day.DayFraction, day.ManagerTrial, day.RecordedBy, day.RecordedAt);
            updated++;
        }
        var result = new ImportResult(rowCount, fresh.Count, updated, rowCount - fresh.Count - updated, encoding, dryRun);
        if (dryRun) { db.ChangeTracker.Clear(); return result; }
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            for (var i = 0; i < fresh.Count; i += BatchSize)
            {
                db.Days.AddRange(fresh.Skip(i).Take(BatchSize));
                await db.SaveChangesAsync(ct);
                db.ChangeTracker.Clear();
                if (progress is not null) await progress(Math.Min(i + BatchSize, fresh.Count), fresh.Count);
            }
            await tx.CommitAsync(ct);
        }
        await feed.PublishAsync(ct);
        return result;
    }

    private static bool? ParseFlag(string text) => text.Trim() switch
    {
        "" or "0" or "false" or "FALSE" or "いいえ" or "無" or "なし" or "×" => false,
        "1" or "true" or "TRUE" or "はい" or "有" or "あり" or "○" => true,
        _ => null,
    };
}
