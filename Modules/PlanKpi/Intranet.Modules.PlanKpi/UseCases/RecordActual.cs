using FluentValidation;
using Intranet.Modules.PlanKpi.Contracts;
using Intranet.Modules.PlanKpi.Data;
using Intranet.Modules.PlanKpi.Domain;
using Intranet.Shared.Messaging;
using Intranet.Shared.Security;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.PlanKpi.UseCases;

/// <summary>
/// Enters, corrects or (with <see cref="Value"/> null) removes the actual of an indicator for one fiscal year.
/// Errors: <see cref="NotFoundException"/> (plan or indicator), <see cref="ForbiddenException"/> (not the
/// lead department, or a read-only role), <see cref="RequestValidationException"/> (year outside the plan,
/// indicator fed by a module, a value breaking <see cref="ActualValueRules"/>), <see cref="ConcurrencyConflictException"/> (someone saved since
/// <see cref="ExpectedVersion"/> was read).
/// </summary>
/// <param name="PlanCode">Plan code.</param>
/// <param name="IndicatorCode">Indicator code.</param>
/// <param name="FiscalYear">Starting calendar year.</param>
/// <param name="Value">In the indicator's unit; null removes the actual.</param>
/// <param name="Note">Free text, ≤ 500 characters.</param>
/// <param name="ExpectedVersion">The version the form was built from (null when there was no actual yet).</param>
[RequiresRole(Roles.Administrator, Roles.PlanOffice, Roles.Department)]
public sealed record RecordActual(string PlanCode, string IndicatorCode, int FiscalYear, decimal? Value, string? Note, Guid? ExpectedVersion)
    : IRequest<Unit>;

internal sealed class RecordActualValidator : AbstractValidator<RecordActual>
{
    public RecordActualValidator()
    {
        RuleFor(x => x.Value).GreaterThanOrEqualTo(-1_000_000_000_000m).LessThanOrEqualTo(1_000_000_000_000m)
            .WithMessage("実績値が大きすぎます。");
        RuleFor(x => x.Note).MaximumLength(500).WithMessage("備考は500文字以内で入力してください。");
    }
}

internal sealed class RecordActualHandler(PlanKpiDbContext db, ICurrentUser user, TimeProvider clock, IMediator mediator)
    : IRequestHandler<RecordActual, Unit>
{
    public async Task<Unit> Handle(RecordActual request, CancellationToken ct)
    {
        var plan = await db.Plans.AsNoTracking().SingleOrDefaultAsync(p => p.Code == request.PlanCode, ct)
            ?? throw new NotFoundException($"計画 {request.PlanCode} は登録されていません。");
        var indicator = await db.Indicators.Include(i => i.Actuals).Include(i => i.Targets)
            .SingleOrDefaultAsync(i => i.PlanId == plan.Id && i.Code == request.IndicatorCode, ct)
            ?? throw new NotFoundException($"指標 {request.IndicatorCode} は計画 {plan.Code} にありません。");

        var leads = indicator.ProjectId is { } pid
            ? await db.ProjectDepartments.Where(d => d.ProjectId == pid && d.Role == DepartmentRole.Lead).Select(d => d.Department).ToListAsync(ct)
            : [];
        if (!ActualEntryAccess.CanEnter(user, leads))
            throw new ForbiddenException("この指標の実績値を入力できるのは、主管課と計画事務局だけです。");
        if (indicator.MetricKey is not null)
            throw new RequestValidationException(nameof(RecordActual.Value), "この指標の実績値は連携元のモジュールから自動で反映されるため、手入力できません。");
        if (request.FiscalYear < plan.FirstFiscalYear || request.FiscalYear > plan.LastFiscalYear)
            throw new RequestValidationException(nameof(RecordActual.FiscalYear),
                $"年度 {request.FiscalYear} は計画期間 ({plan.FirstFiscalYear}〜{plan.LastFiscalYear}) の外です。");

        if (await Domain.Evaluation.EvaluationLocks.IsLockedAsync(db, plan.Id, request.FiscalYear, ct))
            throw new RequestValidationException(nameof(RecordActual.Value),
                $"{Intranet.Shared.Web.Fmt.Year(request.FiscalYear)}の評価は確定しているため、実績値は変更できません。修正は計画事務局が理由を付けて行います。");

        if (request.Value is { } checkedValue && ActualValueRules.Check(indicator, checkedValue) is { } rule)
            throw new RequestValidationException(nameof(RecordActual.Value), rule);

        var actual = indicator.Actuals.SingleOrDefault(a => a.FiscalYear == request.FiscalYear);
        if (actual?.Version != request.ExpectedVersion)
            throw new ConcurrencyConflictException("他の利用者がこの実績値を先に更新しました。最新の値を確認してから、もう一度入力してください。");

        if (request.Value is not { } value)
        {
            if (actual is null) return Unit.Value;
            db.Actuals.Remove(actual);
        }
        else
        {
            if (actual is null)
            {
                actual = new Actual { IndicatorId = indicator.Id, FiscalYear = request.FiscalYear };
                db.Actuals.Add(actual);
            }
            actual.Value = value;
            actual.Note = string.IsNullOrWhiteSpace(request.Note) ? null : request.Note.Trim();
            actual.EnteredBy = user.Name;
            actual.EnteredAt = clock.GetUtcNow();
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConcurrencyConflictException("他の利用者がこの実績値を先に更新しました。最新の値を確認してから、もう一度入力してください。");
        }
        catch (DbUpdateException) when (request.ExpectedVersion is null)
        {
            // Two first entries for the same year raced; the unique index kept the first one.
            throw new ConcurrencyConflictException("他の利用者が同じ年度の実績値を先に登録しました。最新の値を確認してください。");
        }
        await mediator.Publish(new IndicatorActualChanged(plan.Code, indicator.Code, request.FiscalYear, request.Value, user.Name), ct);
        return Unit.Value;
    }
}
