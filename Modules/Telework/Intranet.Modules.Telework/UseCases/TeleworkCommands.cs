using FluentValidation;
using Intranet.Modules.Telework.Data;
using Intranet.Modules.Telework.Domain;
using Intranet.Shared.Messaging;
using Intranet.Shared.Security;
using Intranet.Shared.Time;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.Telework.UseCases;

/// <summary>
/// Records one telework day (HR); a day already recorded for the person is replaced, never doubled, and the earlier values
/// are kept in the audit trail (<see cref="Audit.TeleworkDayAudit"/>: 変更, before → after; a new day: 追加).
/// </summary>
[RequiresRole(Roles.HumanResources)]
public sealed record RecordTeleworkDay(string EmployeeNumber, DateOnly Date, TeleworkType Type, decimal DayFraction, bool ManagerTrial) : IRequest<Unit>;

internal sealed class RecordTeleworkDayValidator : AbstractValidator<RecordTeleworkDay>
{
    public RecordTeleworkDayValidator() =>
        RuleFor(x => x.DayFraction).GreaterThan(0).LessThanOrEqualTo(1).WithMessage("日数は0より大きく1以下で入力してください (例: 0.5)。");
}

internal sealed class RecordTeleworkDayHandler(TeleworkDbContext db, ICurrentUser user, TimeProvider clock, TeleworkFeed feed, TeleworkAggregates aggregates)
    : IRequestHandler<RecordTeleworkDay, Unit>
{
    public async Task<Unit> Handle(RecordTeleworkDay r, CancellationToken ct)
    {
        var staff = await db.Staff.AsNoTracking().SingleOrDefaultAsync(s => s.EmployeeNumber == r.EmployeeNumber, ct)
            ?? throw new NotFoundException($"職員番号 {r.EmployeeNumber} は名簿にありません。");
        if (!staff.IsActiveOn(r.Date)) throw new RequestValidationException(nameof(RecordTeleworkDay.Date), "在職期間外の日付です。");
        var day = await db.Days.SingleOrDefaultAsync(d => d.StaffId == staff.Id && d.Date == r.Date, ct);
        var before = day is null ? null : Audit.TeleworkDayAudit.Snapshot(day);
        if (day is null)
        {
            day = new TeleworkDay { StaffId = staff.Id, Date = r.Date };
            db.Days.Add(day);
        }
        var now = clock.GetUtcNow();
        (day.Type, day.DayFraction, day.ManagerTrial, day.RecordedBy, day.RecordedAt) = (r.Type, r.DayFraction, r.ManagerTrial, user.Name, now);
        // The earlier values stay in the audit trail (before → after); re-saving the same values records nothing.
        if (Audit.TeleworkDayAudit.Entry(staff.EmployeeNumber, r.Date, before, day, user.Name, now) is { } entry) db.AuditEntries.Add(entry);
        // The day and its month's tally in one transaction (issue #12).
        await aggregates.SaveAndMaintainAsync(a => a.DaysChangedAsync([(staff.Id, r.Date)], ct), ct);
        await feed.PublishAsync([FiscalYear.Of(r.Date).StartYear], ct);   // a day changes its own year's figures only
        return Unit.Value;
    }
}

/// <summary>
/// Ends a staff member's employment (退職日 = <paramref name="ActiveTo"/>, the last day employed), e.g. for staff
/// missing from the latest roster. An explicit action: the page has the user type the date and confirm; nothing
/// is pre-filled. Rules in <see cref="StaffMember.EndEmployment"/> (not before the first day, no telework day
/// after it). Audited (<c>telework.AuditEntries</c>, StaffMember Modified). Returns what an undo needs.
/// </summary>
/// <exception cref="NotFoundException">No such employee number.</exception>
/// <exception cref="ConcurrencyConflictException"><paramref name="ExpectedVersion"/> is stale.</exception>
/// <exception cref="RequestValidationException">A rule is broken (field <c>ActiveTo</c>).</exception>
[RequiresRole(Roles.HumanResources)]
public sealed record EndDateStaff(string EmployeeNumber, DateOnly ActiveTo, Guid ExpectedVersion) : IRequest<EmploymentEnded>;

/// <summary>
/// Result of <see cref="EndDateStaff"/>: the values before (for <see cref="UndoEndEmployment"/>) and the staff
/// member's version after the change.
/// </summary>
public sealed record EmploymentEnded(string EmployeeNumber, DateOnly ActiveTo, DateOnly? PreviousActiveTo, bool PreviousMissing, Guid Version);

internal sealed class EndDateStaffHandler(TeleworkDbContext db, TeleworkFeed feed, TeleworkAggregates aggregates) : IRequestHandler<EndDateStaff, EmploymentEnded>
{
    public async Task<EmploymentEnded> Handle(EndDateStaff r, CancellationToken ct)
    {
        var staff = await db.Staff.SingleOrDefaultAsync(s => s.EmployeeNumber == r.EmployeeNumber, ct)
            ?? throw new NotFoundException($"職員番号 {r.EmployeeNumber} は名簿にありません。");
        if (staff.Version != r.ExpectedVersion) throw new ConcurrencyConflictException("他の利用者がこの職員の情報を先に更新しました。画面を開き直してください。");
        var after = await db.Days.CountAsync(d => d.StaffId == staff.Id && d.Date > r.ActiveTo, ct);
        var (previous, missing) = staff.EndEmployment(r.ActiveTo, after);
        await aggregates.SaveAndMaintainAsync(a => a.StaffChangedAsync([staff.Id], ct), ct);
        await feed.PublishAsync(ct);
        return new EmploymentEnded(staff.EmployeeNumber, r.ActiveTo, previous, missing, staff.Version);
    }
}

/// <summary>
/// 「元に戻す」 after <see cref="EndDateStaff"/>: restores the previous last day (usually none) and the 「名簿になし」
/// flag from <paramref name="Ended"/>. Refused when the staff member changed since (someone else, an import).
/// Audited like any change of the staff member; the plan's figures are recomputed.
/// </summary>
/// <exception cref="NotFoundException">No such employee number.</exception>
/// <exception cref="ConcurrencyConflictException">The staff member changed after the end was saved.</exception>
[RequiresRole(Roles.HumanResources)]
public sealed record UndoEndEmployment(EmploymentEnded Ended) : IRequest<Guid>;

internal sealed class UndoEndEmploymentHandler(TeleworkDbContext db, TeleworkFeed feed, TeleworkAggregates aggregates) : IRequestHandler<UndoEndEmployment, Guid>
{
    public async Task<Guid> Handle(UndoEndEmployment r, CancellationToken ct)
    {
        var staff = await db.Staff.SingleOrDefaultAsync(s => s.EmployeeNumber == r.Ended.EmployeeNumber, ct)
            ?? throw new NotFoundException($"職員番号 {r.Ended.EmployeeNumber} は名簿にありません。");
        if (staff.Version != r.Ended.Version || staff.ActiveTo != r.Ended.ActiveTo)
            throw new ConcurrencyConflictException("退職日の保存のあとにこの職員の情報が変更されたため、元に戻せません。画面を開き直してください。");
        staff.RestoreEmployment(r.Ended.PreviousActiveTo, r.Ended.PreviousMissing);
        await aggregates.SaveAndMaintainAsync(a => a.StaffChangedAsync([staff.Id], ct), ct);
        await feed.PublishAsync(ct);
        return staff.Version;
    }
}

/// <summary>
/// Deletes one wrongly entered telework day of a staff member. Telework days are not audited row by row (imports
/// bring hundreds of thousands), so the deletion writes its own entry in <c>telework.AuditEntries</c>: who, when,
/// and every value of the deleted day (EntityType <c>TeleworkDay</c>, Action <c>Deleted</c>, key
/// <c>employee number/date</c>). The plan's figures are recomputed.
/// </summary>
/// <exception cref="NotFoundException">No such employee number, or no day recorded on <paramref name="Date"/>.</exception>
[RequiresRole(Roles.HumanResources)]
public sealed record DeleteTeleworkDay(string EmployeeNumber, DateOnly Date) : IRequest<Unit>;

internal sealed class DeleteTeleworkDayHandler(TeleworkDbContext db, ICurrentUser user, TimeProvider clock, TeleworkFeed feed, TeleworkAggregates aggregates)
    : IRequestHandler<DeleteTeleworkDay, Unit>
{
    public async Task<Unit> Handle(DeleteTeleworkDay r, CancellationToken ct)
    {
        var staff = await db.Staff.AsNoTracking().SingleOrDefaultAsync(s => s.EmployeeNumber == r.EmployeeNumber, ct)
            ?? throw new NotFoundException($"職員番号 {r.EmployeeNumber} は名簿にありません。");
        var day = await db.Days.SingleOrDefaultAsync(d => d.StaffId == staff.Id && d.Date == r.Date, ct)
            ?? throw new NotFoundException($"{r.Date:yyyy/MM/dd} のテレワーク勤務日は記録されていません。");
        db.Days.Remove(day);
        db.AuditEntries.Add(Audit.TeleworkDayAudit.Entry(staff.EmployeeNumber, day.Date, day, null, user.Name, clock.GetUtcNow())!);
        await aggregates.SaveAndMaintainAsync(a => a.DaysChangedAsync([(staff.Id, r.Date)], ct), ct);
        await feed.PublishAsync([FiscalYear.Of(r.Date).StartYear], ct);   // a day changes its own year's figures only
        return Unit.Value;
    }
}

/// <summary>Adds an eligibility rule (対象外の条件), or removes one (<paramref name="Remove"/>).</summary>
[RequiresRole(Roles.HumanResources)]
public sealed record SaveEligibilityRule(EligibilityField Field, string Value, string Reason, Guid? Remove) : IRequest<Unit>;

internal sealed class SaveEligibilityRuleHandler(TeleworkDbContext db, TeleworkFeed feed, TeleworkAggregates aggregates) : IRequestHandler<SaveEligibilityRule, Unit>
{
    public async Task<Unit> Handle(SaveEligibilityRule r, CancellationToken ct)
    {
        if (r.Remove is { } id)
        {
            var rule = await db.Rules.SingleOrDefaultAsync(x => x.Id == id, ct) ?? throw new NotFoundException("条件が見つかりません。");
            db.Rules.Remove(rule);
        }
        else
        {
            if (string.IsNullOrWhiteSpace(r.Value)) throw new RequestValidationException(nameof(SaveEligibilityRule.Value), "値を入力してください。");
            if (string.IsNullOrWhiteSpace(r.Reason)) throw new RequestValidationException(nameof(SaveEligibilityRule.Reason), "理由を入力してください。");
            db.Rules.Add(new EligibilityRule { Field = r.Field, Value = r.Value.Trim(), Reason = r.Reason.Trim() });
        }
        // Eligibility changes every tally: rebuilt with the rule, in its transaction (issue #12: ≤ 10 s at 2M days).
        await aggregates.SaveAndMaintainAsync(async a => { if (await a.IsBuiltAsync(ct)) await a.RebuildAsync(ct); }, ct);
        await feed.PublishAsync(ct);
        return Unit.Value;
    }
}

/// <summary>Sets the headcount reference date (<c>MM-dd</c>) and the minimum group size shown in aggregates.</summary>
[RequiresRole(Roles.HumanResources)]
public sealed record SaveTeleworkSettings(string ReferenceMonthDay, int MinimumGroupSize) : IRequest<Unit>;

internal sealed class SaveTeleworkSettingsValidator : AbstractValidator<SaveTeleworkSettings>
{
    public SaveTeleworkSettingsValidator()
    {
        RuleFor(x => x.ReferenceMonthDay).Matches(@"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$").WithMessage("基準日は 04-01 のように入力してください。");
        RuleFor(x => x.MinimumGroupSize).InclusiveBetween(1, 100).WithMessage("最小人数は1〜100で入力してください。");
    }
}

internal sealed class SaveTeleworkSettingsHandler(TeleworkDbContext db, TeleworkFeed feed) : IRequestHandler<SaveTeleworkSettings, Unit>
{
    public async Task<Unit> Handle(SaveTeleworkSettings r, CancellationToken ct)
    {
        foreach (var (key, value) in new[] { (TeleworkSetting.ReferenceDate, r.ReferenceMonthDay), (TeleworkSetting.MinimumGroupSize, r.MinimumGroupSize.ToString(System.Globalization.CultureInfo.InvariantCulture)) })
        {
            var s = await db.Settings.SingleOrDefaultAsync(x => x.Key == key, ct);
            if (s is null) db.Settings.Add(new TeleworkSetting { Key = key, Value = value });
            else s.Value = value;
        }
        await db.SaveChangesAsync(ct);
        await feed.PublishAsync(ct);
        return Unit.Value;
    }
}
