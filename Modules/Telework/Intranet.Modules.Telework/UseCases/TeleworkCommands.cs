using FluentValidation;
using Intranet.Modules.Telework.Data;
using Intranet.Modules.Telework.Domain;
using Intranet.Shared.Messaging;
using Intranet.Shared.Security;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.Telework.UseCases;

/// <summary>Records one telework day (HR); a day already recorded for the person is replaced, never doubled.</summary>
[RequiresRole(Roles.HumanResources)]
public sealed record RecordTeleworkDay(string EmployeeNumber, DateOnly Date, TeleworkType Type, decimal DayFraction, bool ManagerTrial) : IRequest<Unit>;

internal sealed class RecordTeleworkDayValidator : AbstractValidator<RecordTeleworkDay>
{
    public RecordTeleworkDayValidator() =>
        RuleFor(x => x.DayFraction).GreaterThan(0).LessThanOrEqualTo(1).WithMessage("日数は0より大きく1以下で入力してください (例: 0.5)。");
}

internal sealed class RecordTeleworkDayHandler(TeleworkDbContext db, ICurrentUser user, TimeProvider clock, TeleworkFeed feed) : IRequestHandler<RecordTeleworkDay, Unit>
{
    public async Task<Unit> Handle(RecordTeleworkDay r, CancellationToken ct)
    {
        var staff = await db.Staff.AsNoTracking().SingleOrDefaultAsync(s => s.EmployeeNumber == r.EmployeeNumber, ct)
            ?? throw new NotFoundException($"職員番号 {r.EmployeeNumber} は名簿にありません。");
        if (!staff.IsActiveOn(r.Date)) throw new RequestValidationException(nameof(RecordTeleworkDay.Date), "在職期間外の日付です。");
        var day = await db.Days.SingleOrDefaultAsync(d => d.StaffId == staff.Id && d.Date == r.Date, ct);
        if (day is null)
        {
            day = new TeleworkDay { StaffId = staff.Id, Date = r.Date };
            db.Days.Add(day);
        }
        (day.Type, day.DayFraction, day.ManagerTrial, day.RecordedBy, day.RecordedAt) = (r.Type, r.DayFraction, r.ManagerTrial, user.Name, clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        await feed.PublishAsync(ct);
        return Unit.Value;
    }
}

/// <summary>Sets a staff member's last day of employment (退職日), e.g. for staff missing from the latest roster.</summary>
[RequiresRole(Roles.HumanResources)]
public sealed record EndDateStaff(string EmployeeNumber, DateOnly ActiveTo, Guid ExpectedVersion) : IRequest<Unit>;

internal sealed class EndDateStaffHandler(TeleworkDbContext db, TeleworkFeed feed) : IRequestHandler<EndDateStaff, Unit>
{
    public async Task<Unit> Handle(EndDateStaff r, CancellationToken ct)
    {
        var staff = await db.Staff.SingleOrDefaultAsync(s => s.EmployeeNumber == r.EmployeeNumber, ct)
            ?? throw new NotFoundException($"職員番号 {r.EmployeeNumber} は名簿にありません。");
        if (staff.Version != r.ExpectedVersion) throw new ConcurrencyConflictException("他の利用者がこの職員の情報を先に更新しました。");
        if (r.ActiveTo < staff.ActiveFrom) throw new RequestValidationException(nameof(EndDateStaff.ActiveTo), "退職日が在職開始日より前です。");
        var after = await db.Days.CountAsync(d => d.StaffId == staff.Id && d.Date > r.ActiveTo, ct);
        if (after > 0)
            throw new RequestValidationException(nameof(EndDateStaff.ActiveTo), $"退職日より後のテレワーク勤務日が{after}日記録されています。日付を確認してください。");
        (staff.ActiveTo, staff.MissingFromLastImport) = (r.ActiveTo, false);
        await db.SaveChangesAsync(ct);
        await feed.PublishAsync(ct);
        return Unit.Value;
    }
}

/// <summary>Adds an eligibility rule (対象外の条件), or removes one (<paramref name="Remove"/>).</summary>
[RequiresRole(Roles.HumanResources)]
public sealed record SaveEligibilityRule(EligibilityField Field, string Value, string Reason, Guid? Remove) : IRequest<Unit>;

internal sealed class SaveEligibilityRuleHandler(TeleworkDbContext db, TeleworkFeed feed) : IRequestHandler<SaveEligibilityRule, Unit>
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
        await db.SaveChangesAsync(ct);
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
