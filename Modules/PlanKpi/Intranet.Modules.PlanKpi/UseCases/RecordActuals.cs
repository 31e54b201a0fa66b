using Intranet.Modules.PlanKpi.Contracts;
using Intranet.Modules.PlanKpi.Data;
using Intranet.Modules.PlanKpi.Domain;
using Intranet.Modules.PlanKpi.Entry;
using Intranet.Shared.Messaging;
using Intranet.Shared.Security;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.PlanKpi.UseCases;

/// <summary>One changed row of the entry grid or the Excel sheet.</summary>
/// <param name="IndicatorCode">Indicator code.</param>
/// <param name="Value">The value as typed (「1,500」「92.5%」 are read by <see cref="ActualValueRules.TryParse"/>); empty removes the actual.</param>
/// <param name="Note">Note, ≤ 500 characters.</param>
/// <param name="ExpectedVersion">The actual's version when the row was read (null when there was none).</param>
public sealed record ActualInput(string IndicatorCode, string? Value, string? Note, Guid? ExpectedVersion);

/// <summary>What made a row fail.</summary>
public enum EntryErrorKind
{
    /// <summary>The value or note breaks a rule.</summary>
    Invalid,
    /// <summary>The user may not enter this indicator (not its lead department).</summary>
    Forbidden,
    /// <summary>The indicator is fed by a module.</summary>
    Fed,
    /// <summary>Someone else saved the value since the row was read.</summary>
    Conflict,
    /// <summary>The year's evaluation round has closed: only the plan office corrects, with a reason.</summary>
    Locked,
}

/// <summary>A per-row error of a batch save.</summary>
/// <param name="IndicatorCode">The row's indicator (empty when the sheet row names no known indicator).</param>
/// <param name="Column">Japanese column name: 実績値, 備考 or 指標.</param>
/// <param name="Message">Japanese message naming the indicator and value.</param>
/// <param name="Kind">Why.</param>
/// <param name="SheetRow">The Excel row number (1-based, header = 1) when the row came from a sheet.</param>
public sealed record EntryRowError(string IndicatorCode, string Column, string Message, EntryErrorKind Kind = EntryErrorKind.Invalid, int? SheetRow = null)
{
    /// <summary>「3行目 実績値: …」 for a sheet, 「実績値: …」 otherwise.</summary>
    public string Text => SheetRow is { } r ? $"{r}行目 {Column}: {Message}" : $"{Column}: {Message}";
}

/// <summary>A value that changes (or would change, in a preview).</summary>
/// <param name="IndicatorCode">Indicator code.</param>
/// <param name="IndicatorName">Indicator name.</param>
/// <param name="Unit">Unit.</param>
/// <param name="Before">Value before (null: none).</param>
/// <param name="After">Value after (null: removed).</param>
/// <param name="NoteBefore">Note before.</param>
/// <param name="NoteAfter">Note after.</param>
/// <param name="SheetRow">Excel row number when from a sheet.</param>
public sealed record EntryChange(string IndicatorCode, string IndicatorName, string Unit, decimal? Before, decimal? After,
    string? NoteBefore, string? NoteAfter, int? SheetRow = null);

/// <summary>Outcome of a batch save or a sheet preview.</summary>
/// <param name="Saved">True when the changes were written (never with errors, never for a preview).</param>
/// <param name="Changes">The values that changed (or would change).</param>
/// <param name="Errors">Per-row errors; when any exists nothing was written.</param>
public sealed record EntrySaveResult(bool Saved, IReadOnlyList<EntryChange> Changes, IReadOnlyList<EntryRowError> Errors)
{
    /// <summary>True when no row failed.</summary>
    public bool Ok => Errors.Count == 0;
}

/// <summary>
/// 「すべて保存」 of the 実績入力 page: stores every changed row of one plan and fiscal year in ONE transaction.
/// Every row is checked (lead department, not fed, note length, <see cref="ActualValueRules"/>, the version it was read
/// at); when any row fails, nothing is written and <see cref="EntrySaveResult.Errors"/> lists each row's errors.
/// A row whose value and note equal what is stored is skipped. An empty value removes the actual (kept in history).
/// Errors thrown: <see cref="NotFoundException"/> (plan), <see cref="RequestValidationException"/> (year outside the plan).
/// </summary>
/// <param name="PlanCode">Plan code.</param>
/// <param name="FiscalYear">Starting calendar year.</param>
/// <param name="Rows">The changed rows (at most 2,000).</param>
[RequiresRole(Roles.Administrator, Roles.PlanOffice, Roles.Department)]
public sealed record RecordActuals(string PlanCode, int FiscalYear, IReadOnlyList<ActualInput> Rows) : IRequest<EntrySaveResult>;

/// <summary>
/// Uploads a filled Excel entry sheet (<see cref="EntrySheetXlsx"/>) for one plan and fiscal year: the same checks as
/// <see cref="RecordActuals"/>, all or nothing, errors by sheet row and column (「3行目 実績値: …」). With
/// <paramref name="Save"/> false it only previews what would change. The content is at most
/// <see cref="EntrySheetXlsx.MaxBytes"/>. Errors thrown: <see cref="NotFoundException"/>, <see cref="RequestValidationException"/>
/// (not an entry sheet, another year or plan, too large).
/// </summary>
/// <param name="PlanCode">Plan code.</param>
/// <param name="FiscalYear">The year of the page; the sheet must be of the same year.</param>
/// <param name="Content">The .xlsx bytes.</param>
/// <param name="Save">False: preview only; true: write when every row is valid.</param>
[RequiresRole(Roles.Administrator, Roles.PlanOffice, Roles.Department)]
public sealed record ImportEntrySheet(string PlanCode, int FiscalYear, byte[] Content, bool Save) : IRequest<EntrySaveResult>;

internal sealed class RecordActualsHandlers(ActualRecorder recorder)
    : IRequestHandler<RecordActuals, EntrySaveResult>, IRequestHandler<ImportEntrySheet, EntrySaveResult>
{
    public Task<EntrySaveResult> Handle(RecordActuals request, CancellationToken ct)
    {
        if (request.Rows.Count > 2000)
            throw new RequestValidationException(nameof(RecordActuals.Rows), "一度に保存できるのは2,000行までです。");
        return RunAsync(request.PlanCode, request.FiscalYear, request.Rows.Select(r => (r, (int?)null)).ToList(), save: true, ct);
    }

    public async Task<EntrySaveResult> Handle(ImportEntrySheet request, CancellationToken ct)
    {
        if (request.Content.Length > EntrySheetXlsx.MaxBytes)
            throw new RequestValidationException(nameof(ImportEntrySheet.Content), $"ファイルが大きすぎます ({EntrySheetXlsx.MaxBytes / 1024 / 1024}MBまで)。");
        var sheet = EntrySheetXlsx.Read(request.Content);
        if (sheet.PlanCode != request.PlanCode || sheet.FiscalYear != request.FiscalYear)
            throw new RequestValidationException(nameof(ImportEntrySheet.Content),
                $"このファイルは {Intranet.Shared.Web.Fmt.Year(sheet.FiscalYear)} の別の計画または年度の入力シートです。{Intranet.Shared.Web.Fmt.Year(request.FiscalYear)} のシートをダウンロードして入力してください。");
        var errors = sheet.Errors.ToList();
        var result = await RunAsync(request.PlanCode, request.FiscalYear,
            sheet.Rows.Select(r => (new ActualInput(r.IndicatorCode, r.Value, r.Note, r.Version), (int?)r.SheetRow)).ToList(),
            save: request.Save && errors.Count == 0, ct, onlyChanged: true);
        if (errors.Count == 0) return result;
        return new EntrySaveResult(false, result.Changes, errors.Concat(result.Errors).OrderBy(e => e.SheetRow).ToList());
    }

    private Task<EntrySaveResult> RunAsync(string planCode, int fiscalYear, IReadOnlyList<(ActualInput Input, int? SheetRow)> rows,
        bool save, CancellationToken ct, bool onlyChanged = false) =>
        recorder.RecordAsync(planCode, fiscalYear, rows, save, ct, onlyChanged);
}

/// <summary>
/// The one implementation of the actual-entry rules (<see cref="RecordActuals"/>), used by the entry grid, the Excel entry
/// sheet and the <c>plan-actuals</c> file import.
/// </summary>
public sealed class ActualRecorder(PlanKpiDbContext db, ICurrentUser user, TimeProvider clock, IMediator mediator,
    IEnumerable<MetricDefinition> definitions)
{
    /// <summary>
    /// Checks (and when <paramref name="save"/>, stores in one SaveChanges) the rows of one plan and fiscal year; see
    /// <see cref="RecordActuals"/> for the rules. <paramref name="onlyChanged"/>: rows equal to what is stored are skipped
    /// without checks (sheets and files list every indicator). A row's <c>SheetRow</c> is its line in a sheet or file.
    /// Once the year's evaluation round has closed (<see cref="Domain.Evaluation.EvaluationLocks"/>) every row is refused unless
    /// <paramref name="correction"/> is set, which only <c>CorrectLockedActual</c> does (plan office, with a reason).
    /// </summary>
    /// <exception cref="NotFoundException">Unknown plan.</exception>
    /// <exception cref="RequestValidationException">The year is outside the plan.</exception>
    public async Task<EntrySaveResult> RecordAsync(string planCode, int fiscalYear, IReadOnlyList<(ActualInput Input, int? SheetRow)> rows,
        bool save, CancellationToken ct, bool onlyChanged = false, bool correction = false)
    {
        var plan = await db.Plans.AsNoTracking().SingleOrDefaultAsync(p => p.Code == planCode, ct)
            ?? throw new NotFoundException($"計画 {planCode} は登録されていません。");
        if (fiscalYear < plan.FirstFiscalYear || fiscalYear > plan.LastFiscalYear)
            throw new RequestValidationException(nameof(RecordActuals.FiscalYear),
                $"年度 {fiscalYear} は計画期間 ({plan.FirstFiscalYear}〜{plan.LastFiscalYear}) の外です。");
        var locked = !correction && await Domain.Evaluation.EvaluationLocks.IsLockedAsync(db, plan.Id, fiscalYear, ct);

        var codes = rows.Select(r => r.Input.IndicatorCode).Distinct().ToList();
        var indicators = await db.Indicators.Include(i => i.Targets).Include(i => i.Actuals.Where(a => a.FiscalYear == fiscalYear))
            .Where(i => i.PlanId == plan.Id && codes.Contains(i.Code)).ToDictionaryAsync(i => i.Code, ct);
        var projectIds = indicators.Values.Where(i => i.ProjectId != null).Select(i => i.ProjectId!.Value).Distinct().ToList();
        var leads = (await db.ProjectDepartments.AsNoTracking().Where(d => projectIds.Contains(d.ProjectId) && d.Role == DepartmentRole.Lead)
                .ToListAsync(ct))
            .GroupBy(d => d.ProjectId).ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.OrderBy(d => d.SortOrder).Select(d => d.Department).ToList());
        var modules = definitions.GroupBy(d => d.Key).ToDictionary(g => g.Key, g => g.First().SourceModule);

        var errors = new List<EntryRowError>();
        var changes = new List<(Indicator Indicator, Actual? Actual, decimal? Value, string? Note, EntryChange Change)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (input, sheetRow) in rows)
        {
            void Fail(string column, string message, EntryErrorKind kind = EntryErrorKind.Invalid) =>
                errors.Add(new EntryRowError(input.IndicatorCode, column, message, kind, sheetRow));

            if (!indicators.TryGetValue(input.IndicatorCode, out var indicator))
            {
                Fail("指標", $"指標 {input.IndicatorCode} はこの計画にありません。");
                continue;
            }
            if (!seen.Add(indicator.Code))
            {
                Fail("指標", $"{indicator.Name}: 同じ指標が2回あります。");
                continue;
            }
            var lead = indicator.ProjectId is { } pid && leads.TryGetValue(pid, out var l) ? l : [];
            var actual = indicator.Actuals.SingleOrDefault();
            var noteText = string.IsNullOrWhiteSpace(input.Note) ? null : input.Note.Trim();
            if (!ActualValueRules.TryParse(input.Value, indicator.Unit, out var value, out var parseError))
            {
                Fail("実績値", $"{indicator.Name}: {parseError}");
                continue;
            }
            // A sheet row that equals what is stored is not a change (the sheet lists every indicator).
            var unchanged = value == actual?.Value && (value is null || noteText == actual?.Note);
            if (unchanged && (onlyChanged || value is null)) continue;

            if (!ActualEntryAccess.CanEnter(user, lead))
            {
                Fail("実績値", $"{indicator.Name}: この指標の実績値を入力できるのは、主管課 ({(lead.Count == 0 ? "計画事務局" : string.Join("、", lead))}) と計画事務局だけです。",
                    EntryErrorKind.Forbidden);
                continue;
            }
            if (locked)
            {
                Fail("実績値", $"{indicator.Name}: {Intranet.Shared.Web.Fmt.Year(fiscalYear)}の評価は確定しているため、実績値は変更できません。修正は計画事務局が理由を付けて行います。",
                    EntryErrorKind.Locked);
                continue;
            }
            if (indicator.MetricKey is { } key)
            {
                Fail("実績値", $"{indicator.Name}: 実績値は{modules.GetValueOrDefault(key, "連携元のモジュール")}から自動で反映されるため、手入力できません。",
                    EntryErrorKind.Fed);
                continue;
            }
            if (noteText is { Length: > ActualValueRules.MaxNoteLength })
                Fail("備考", $"{indicator.Name}: 備考は{ActualValueRules.MaxNoteLength}文字以内で入力してください ({noteText.Length}文字)。");
            if (value is null && noteText is not null && actual is null)
                Fail("実績値", $"{indicator.Name}: 備考だけは保存できません。実績値を入力してください。");
            if (value is { } v && ActualValueRules.Check(indicator, v) is { } rule)
                Fail("実績値", rule);
            if (actual?.Version != input.ExpectedVersion)
            {
                Fail("実績値", $"{indicator.Name}: 他の利用者が先に更新しました (現在の値: {(actual is null ? "未入力" : Intranet.Shared.Web.Fmt.WithUnit(actual.Value, indicator.Unit))})。最新の値を確認してから、もう一度入力してください。",
                    EntryErrorKind.Conflict);
                continue;
            }
            if (unchanged) continue;
            changes.Add((indicator, actual, value, value is null ? null : noteText,
                new EntryChange(indicator.Code, indicator.Name, indicator.Unit, actual?.Value, value, actual?.Note, value is null ? null : noteText, sheetRow)));
        }

        var list = changes.Select(c => c.Change).ToList();
        if (errors.Count > 0 || !save) return new EntrySaveResult(false, list, errors);
        if (changes.Count == 0) return new EntrySaveResult(true, list, errors);

        var now = clock.GetUtcNow();
        foreach (var (indicator, existing, value, note, _) in changes)
        {
            if (value is not { } v)
            {
                db.Actuals.Remove(existing!);
                continue;
            }
            var actual = existing;
            if (actual is null)
            {
                actual = new Actual { IndicatorId = indicator.Id, FiscalYear = fiscalYear };
                db.Actuals.Add(actual);
            }
            actual.Value = v;
            actual.Note = note;
            actual.EnteredBy = user.Name;
            actual.EnteredAt = now;
        }
        try
        {
            // One SaveChanges = one transaction: every row or none.
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e)
        {
            var failed = e.Entries.Select(x => x.Entity).OfType<Actual>().Select(a => a.IndicatorId).ToHashSet();
            var conflicts = changes.Where(c => failed.Count == 0 || failed.Contains(c.Indicator.Id))
                .Select(c => new EntryRowError(c.Indicator.Code, "実績値",
                    $"{c.Indicator.Name}: 他の利用者が同時に更新しました。最新の値を確認してから、もう一度入力してください。",
                    EntryErrorKind.Conflict, c.Change.SheetRow)).ToList();
            db.ChangeTracker.Clear();
            return new EntrySaveResult(false, list, conflicts);
        }
        foreach (var c in changes)
            await mediator.Publish(new IndicatorActualChanged(plan.Code, c.Indicator.Code, fiscalYear, c.Value, user.Name), ct);
        return new EntrySaveResult(true, list, []);
    }
}
