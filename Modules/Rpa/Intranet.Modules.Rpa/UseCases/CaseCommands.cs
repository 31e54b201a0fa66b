using FluentValidation;
using Intranet.Modules.Rpa.Data;
using Intranet.Modules.Rpa.Domain;
using Intranet.Shared.Messaging;
using Intranet.Shared.Security;
using Intranet.Shared.Time;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.Rpa.UseCases;

/// <summary>Who may see and change what in the registry (issue #3 "Who may do what").</summary>
public static class RpaAccess
{
    /// <summary>RpaTeam and Administrator manage everything; the command line too.</summary>
    public static bool CanManage(ICurrentUser user) => user.IsSystem || user.IsInRole(Roles.RpaTeam) || user.IsInRole(Roles.Administrator);

    /// <summary>
    /// RpaTeam, Administrator, PlanOffice, Cio and Viewer see every case; a Department user only the cases of
    /// their own department.
    /// </summary>
    public static bool CanSee(ICurrentUser user, string owningDepartment) =>
        CanManage(user) || user.IsInRole(Roles.PlanOffice) || user.IsInRole(Roles.Cio) || user.IsInRole(Roles.Viewer)
        || (user.IsInRole(Roles.Department) && user.Department == owningDepartment);

    /// <summary>Whether the user sees all departments (false: only their own).</summary>
    public static bool SeesAll(ICurrentUser user) =>
        CanManage(user) || user.IsInRole(Roles.PlanOffice) || user.IsInRole(Roles.Cio) || user.IsInRole(Roles.Viewer);
}

/// <summary>
/// Registers a new case (RpaTeam) or proposes an idea (Department: always 候補, always for the user's own
/// department). The code is the next free <c>RPA-NNN</c>. <paramref name="ProposedOn"/> is the date the idea
/// arose (起案日, the 候補 step; default today): a case automated years ago can be registered with its real
/// history, since later moves must not be dated before it. Returns the code.
/// </summary>
[RequiresRole(Roles.RpaTeam, Roles.Administrator, Roles.Department)]
public sealed record RegisterCase(string Title, string BusinessProcess, string OwningDepartment, RpaTool Tool, string? RobotName,
    string? ContactPerson, string? PlanCode, string? ProjectCode, DateOnly? ProposedOn = null) : IRequest<string>;

internal sealed class RegisterCaseValidator : AbstractValidator<RegisterCase>
{
    public RegisterCaseValidator()
    {
        RuleFor(x => x.Title).NotEmpty().WithMessage("業務名を入力してください。").MaximumLength(200).WithMessage("業務名は200文字以内で入力してください。");
        RuleFor(x => x.BusinessProcess).NotEmpty().WithMessage("対象業務の内容を入力してください。").MaximumLength(1000).WithMessage("1000文字以内で入力してください。");
        RuleFor(x => x.OwningDepartment).NotEmpty().WithMessage("所管課を入力してください。");
        RuleFor(x => x.ProposedOn).GreaterThanOrEqualTo(new DateOnly(2000, 1, 1)).WithMessage("起案日が古すぎます。");
    }
}

internal sealed class RegisterCaseHandler(RpaDbContext db, ICurrentUser user, TimeProvider clock) : IRequestHandler<RegisterCase, string>
{
    public async Task<string> Handle(RegisterCase r, CancellationToken ct)
    {
        var department = r.OwningDepartment.Trim();
        if (!RpaAccess.CanManage(user))
        {
            if (string.IsNullOrEmpty(user.Department)) throw new ForbiddenException("所属課が登録されていないため、提案できません。");
            department = user.Department;
        }
        var codes = await db.Cases.AsNoTracking().Select(c => c.Code).ToListAsync(ct);
        var next = codes.Select(c => c.StartsWith("RPA-") && int.TryParse(c[4..], out var n) ? n : 0).DefaultIfEmpty(0).Max() + 1;
        var now = clock.GetUtcNow();
        var c = new AutomationCase
        {
            Code = $"RPA-{next:000}", Title = r.Title.Trim(), BusinessProcess = r.BusinessProcess.Trim(), OwningDepartment = department,
            Tool = r.Tool, RobotName = Blank(r.RobotName), ContactPerson = Blank(r.ContactPerson), PlanCode = Blank(r.PlanCode),
            ProjectCode = Blank(r.ProjectCode), Status = CaseStatus.Idea, CreatedAt = now, CreatedBy = user.Name,
        };
        var proposedOn = r.ProposedOn ?? clock.TodayInJapan();
        if (proposedOn > clock.TodayInJapan())
            throw new RequestValidationException(nameof(RegisterCase.ProposedOn), "起案日に未来の日付は指定できません。");
        c.Transitions.Add(new StatusTransition { CaseId = c.Id, To = CaseStatus.Idea, On = proposedOn, By = user.Name, Reason = "登録", RecordedAt = now });
        db.Cases.Add(c);
        await db.SaveChangesAsync(ct);
        return c.Code;
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}

/// <summary>
/// Moves a case through its lifecycle (<see cref="CaseLifecycle"/>) on a business date, with a reason.
/// Entering 本番稼働 for the first time sets <see cref="AutomationCase.ProductionSince"/>; the plan's figures
/// are reported again at once. The rules are <see cref="CaseLifecycle.CheckMove"/>'s. Errors: not allowed move, date
/// before the last move or in the future (<see cref="RequestValidationException"/>, fields <c>To</c> and <c>On</c>), stale <paramref name="ExpectedVersion"/> (<see cref="ConcurrencyConflictException"/>).
/// </summary>
[RequiresRole(Roles.RpaTeam, Roles.Administrator)]
public sealed record MoveCase(string Code, CaseStatus To, DateOnly On, string? Reason, Guid ExpectedVersion) : IRequest<Unit>;

internal sealed class MoveCaseHandler(RpaDbContext db, ICurrentUser user, TimeProvider clock, RpaFeed feed) : IRequestHandler<MoveCase, Unit>
{
    public async Task<Unit> Handle(MoveCase r, CancellationToken ct)
    {
        var c = await db.Cases.Include(x => x.Transitions).SingleOrDefaultAsync(x => x.Code == r.Code, ct)
            ?? throw new NotFoundException($"業務 {r.Code} は台帳にありません。");
        if (c.Version != r.ExpectedVersion)
            throw new ConcurrencyConflictException("他の利用者がこの業務を先に更新しました。最新の状態を確認してから、もう一度操作してください。");
        DateOnly? last = c.Transitions.Count == 0 ? null : c.Transitions.Max(t => t.On);
        var errors = CaseLifecycle.CheckMove(c.Status, r.To, r.On, last, clock.TodayInJapan());
        if (errors.Count > 0) throw new RequestValidationException(errors.Select(e => new FieldError(e.Field, e.Message)).ToList());
        db.Transitions.Add(new StatusTransition
        {
            CaseId = c.Id, From = c.Status, To = r.To, On = r.On, By = user.Name,
            Reason = string.IsNullOrWhiteSpace(r.Reason) ? null : r.Reason.Trim(), RecordedAt = clock.GetUtcNow(),
        });
        c.Status = r.To;
        if (r.To == CaseStatus.Production && c.ProductionSince is null) c.ProductionSince = r.On;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConcurrencyConflictException("他の利用者がこの業務を先に更新しました。最新の状態を確認してから、もう一度操作してください。");
        }
        await feed.PublishAsync(ct);
        return Unit.Value;
    }
}

/// <summary>
/// Records (or corrects, for the same <paramref name="ValidFrom"/>) a case's assessment; runs from that date on
/// are valued with it, and the plan's hours saved are reported again at once.
/// </summary>
[RequiresRole(Roles.RpaTeam, Roles.Administrator)]
public sealed record SaveAssessment(string Code, DateOnly ValidFrom, int ExecutionsPerYear, decimal ItemsPerExecution,
    decimal ManualMinutesPerItem, decimal RobotAttendedMinutesPerItem) : IRequest<Unit>;

internal sealed class SaveAssessmentValidator : AbstractValidator<SaveAssessment>
{
    public SaveAssessmentValidator()
    {
        RuleFor(x => x.ExecutionsPerYear).InclusiveBetween(0, 100_000).WithMessage("年間実行回数は0〜100,000で入力してください。");
        RuleFor(x => x.ItemsPerExecution).InclusiveBetween(0, 1_000_000).WithMessage("1回あたりの件数は0〜1,000,000で入力してください。");
        RuleFor(x => x.ManualMinutesPerItem).InclusiveBetween(0, SavingsRules.MaxMinutesPerItem)
            .WithMessage($"手作業の時間は0〜{SavingsRules.MaxMinutesPerItem}分で入力してください。");
        RuleFor(x => x.RobotAttendedMinutesPerItem).GreaterThanOrEqualTo(0).WithMessage("負の値は入力できません。")
            .LessThanOrEqualTo(x => x.ManualMinutesPerItem).WithMessage("ロボット稼働時の人の作業時間が、手作業の時間を超えています。");
    }
}

internal sealed class SaveAssessmentHandler(RpaDbContext db, ICurrentUser user, TimeProvider clock, RpaFeed feed, RpaTallies tallies) : IRequestHandler<SaveAssessment, Unit>
{
    public async Task<Unit> Handle(SaveAssessment r, CancellationToken ct)
    {
        var c = await db.Cases.Include(x => x.Assessments).SingleOrDefaultAsync(x => x.Code == r.Code, ct)
            ?? throw new NotFoundException($"業務 {r.Code} は台帳にありません。");
        var a = c.Assessments.FirstOrDefault(x => x.ValidFrom == r.ValidFrom);
        if (a is null)
        {
            a = new CaseAssessment { CaseId = c.Id, ValidFrom = r.ValidFrom };
            db.Assessments.Add(a);
        }
        (a.ExecutionsPerYear, a.ItemsPerExecution, a.ManualMinutesPerItem, a.RobotAttendedMinutesPerItem, a.By, a.RecordedAt) =
            (r.ExecutionsPerYear, r.ItemsPerExecution, r.ManualMinutesPerItem, r.RobotAttendedMinutesPerItem, user.Name, clock.GetUtcNow());
        // The assessment decides the minutes of the case's runs from its date on: the case's tallies are recomputed.
        await tallies.SaveAndMaintainAsync([c.Id], ct);
        await feed.PublishAsync(ct);
        return Unit.Value;
    }
}

/// <summary>
/// A month's runs entered by hand (for tools without a log export): executions and items processed in
/// the month. Entering the same month again replaces it. All counted as successful.
/// </summary>
[RequiresRole(Roles.RpaTeam, Roles.Administrator)]
public sealed record RecordMonthlyRuns(string Code, int Year, int Month, int Executions, int ItemsProcessed) : IRequest<Unit>;

internal sealed class RecordMonthlyRunsValidator : AbstractValidator<RecordMonthlyRuns>
{
    public RecordMonthlyRunsValidator()
    {
        RuleFor(x => x.Month).InclusiveBetween(1, 12).WithMessage("月は1〜12で入力してください。");
        RuleFor(x => x.Year).InclusiveBetween(2000, 2100).WithMessage("年が不正です。");
        RuleFor(x => x.Executions).InclusiveBetween(0, 100_000).WithMessage("実行回数は0〜100,000で入力してください。");
        RuleFor(x => x.ItemsProcessed).InclusiveBetween(0, 10_000_000).WithMessage("処理件数は0〜10,000,000で入力してください。");
    }
}

internal sealed class RecordMonthlyRunsHandler(RpaDbContext db, TimeProvider clock, RpaFeed feed, RpaTallies tallies) : IRequestHandler<RecordMonthlyRuns, Unit>
{
    public async Task<Unit> Handle(RecordMonthlyRuns r, CancellationToken ct)
    {
        var c = await db.Cases.AsNoTracking().SingleOrDefaultAsync(x => x.Code == r.Code, ct)
            ?? throw new NotFoundException($"業務 {r.Code} は台帳にありません。");
        var date = new DateOnly(r.Year, r.Month, 1);
        if (await feed.PeriodAsync(ct) is { } period && (date < period.Start.Start || date > period.End.End))
            throw new RequestValidationException(nameof(RecordMonthlyRuns.Month), $"{r.Year}年{r.Month}月は計画期間 ({period}) の外です。");
        var key = $"month:{r.Year:0000}-{r.Month:00}";
        var run = await db.Runs.SingleOrDefaultAsync(x => x.CaseId == c.Id && x.RunKey == key, ct);
        if (run is null)
        {
            run = new Run { CaseId = c.Id, RunKey = key, RunDate = date, Outcome = RunOutcome.Succeeded, Source = "manual" };
            db.Runs.Add(run);
        }
        (run.Executions, run.ItemsProcessed, run.RecordedAt) = (r.Executions, r.ItemsProcessed, clock.GetUtcNow());
        await tallies.SaveAndMaintainAsync([c.Id], ct);
        await feed.PublishAsync(ct);
        return Unit.Value;
    }
}

/// <summary>Sets the hourly cost (円/時間) used for overtime cost avoided.</summary>
[RequiresRole(Roles.RpaTeam, Roles.Administrator)]
public sealed record SetHourlyCost(decimal Yen) : IRequest<Unit>;

internal sealed class SetHourlyCostValidator : AbstractValidator<SetHourlyCost>
{
    public SetHourlyCostValidator() =>
        RuleFor(x => x.Yen).InclusiveBetween(0, 100_000).WithMessage("時間単価は0〜100,000円で入力してください。");
}

internal sealed class SetHourlyCostHandler(RpaDbContext db, ICurrentUser user, TimeProvider clock) : IRequestHandler<SetHourlyCost, Unit>
{
    public async Task<Unit> Handle(SetHourlyCost r, CancellationToken ct)
    {
        var s = await db.Settings.SingleOrDefaultAsync(x => x.Key == RpaSetting.HourlyCostYen, ct);
        if (s is null)
        {
            s = new RpaSetting { Key = RpaSetting.HourlyCostYen };
            db.Settings.Add(s);
        }
        (s.Value, s.UpdatedBy, s.UpdatedAt) = (r.Yen.ToString(System.Globalization.CultureInfo.InvariantCulture), user.Name, clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        return Unit.Value;
    }
}
