using FluentValidation;
using Intranet.Modules.Paperless.Data;
using Intranet.Modules.Paperless.Domain;
using Intranet.Shared.Messaging;
using Intranet.Shared.Security;
using Intranet.Shared.Time;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.Paperless.UseCases;

/// <summary>Who may see and change what (issue #4 "Who may do what").</summary>
public static class PaperlessAccess
{
    /// <summary>PlanOffice, Administrator and the command line manage every body and may set categories.</summary>
    public static bool ManagesAll(ICurrentUser user) => user.IsSystem || user.IsInRole(Roles.PlanOffice) || user.IsInRole(Roles.Administrator);

    /// <summary>Organizers manage the bodies of their own department; PlanOffice and Administrator all.</summary>
    public static bool CanOrganize(ICurrentUser user, string department) =>
        ManagesAll(user) || (user.IsInRole(Roles.MeetingOrganizer) && user.Department == department);
}

/// <summary>
/// Creates (no <paramref name="Code"/>) or updates a meeting body, and records its paper baseline valid from
/// <paramref name="BaselineFrom"/>. Organizers act on their own department only and cannot change an existing
/// body's category (the plan office manages categories). Returns the code (<c>MTG-NNN</c> for new bodies).
/// </summary>
[RequiresRole(Roles.MeetingOrganizer, Roles.PlanOffice, Roles.Administrator)]
public sealed record SaveBody(string? Code, string Name, MeetingCategory Category, string OrganizingDepartment, int UsualAttendees,
    decimal SheetsPerAttendee, DateOnly BaselineFrom, bool Active, Guid? ExpectedVersion) : IRequest<string>;

internal sealed class SaveBodyValidator : AbstractValidator<SaveBody>
{
    public SaveBodyValidator()
    {
        RuleFor(x => x.Name).NotEmpty().WithMessage("会議名を入力してください。").MaximumLength(200).WithMessage("会議名は200文字以内で入力してください。");
        RuleFor(x => x.OrganizingDepartment).NotEmpty().WithMessage("会議主管課を入力してください。");
        RuleFor(x => x.UsualAttendees).InclusiveBetween(0, 1000).WithMessage("通常の出席者数は0〜1,000人で入力してください。");
        RuleFor(x => x.SheetsPerAttendee).InclusiveBetween(0, 10_000).WithMessage("1人あたりの枚数は0〜10,000枚で入力してください。");
    }
}

internal sealed class SaveBodyHandler(PaperlessDbContext db, ICurrentUser user, PaperlessFeed feed, PaperlessTallies tallies) : IRequestHandler<SaveBody, string>
{
    public async Task<string> Handle(SaveBody r, CancellationToken ct)
    {
        if (!PaperlessAccess.CanOrganize(user, r.OrganizingDepartment.Trim()))
            throw new ForbiddenException("自課の会議体だけを登録・変更できます。");
        MeetingBody body;
        MeetingCategory? before = null;   // a stored body's category before this save
        if (string.IsNullOrEmpty(r.Code))
        {
            var codes = await db.Bodies.AsNoTracking().Select(b => b.Code).ToListAsync(ct);
            var next = codes.Select(c => c.StartsWith("MTG-") && int.TryParse(c[4..], out var n) ? n : 0).DefaultIfEmpty(0).Max() + 1;
            body = new MeetingBody { Code = $"MTG-{next:000}", Category = r.Category };
            db.Bodies.Add(body);
        }
        else
        {
            body = await db.Bodies.Include(b => b.Baselines).SingleOrDefaultAsync(b => b.Code == r.Code, ct)
                ?? throw new NotFoundException($"会議体 {r.Code} はありません。");
            if (!PaperlessAccess.CanOrganize(user, body.OrganizingDepartment)) throw new ForbiddenException("自課の会議体だけを変更できます。");
            if (r.ExpectedVersion is { } v && v != body.Version)
                throw new ConcurrencyConflictException("他の利用者がこの会議体を先に更新しました。最新の内容を確認してください。");
            if (body.Category != r.Category && !PaperlessAccess.ManagesAll(user))
                throw new RequestValidationException(nameof(SaveBody.Category), "会議の区分は計画事務局だけが変更できます。");
            before = body.Category;
            body.Category = r.Category;
        }
        (body.Name, body.OrganizingDepartment, body.UsualAttendees, body.Active) = (r.Name.Trim(), r.OrganizingDepartment.Trim(), r.UsualAttendees, r.Active);
        var baseline = body.Baselines.FirstOrDefault(b => b.ValidFrom == r.BaselineFrom);
        var current = PaperlessRules.BaselineOn(body.Baselines, r.BaselineFrom);
        var baselineChanged = false;
        if (baseline is not null) (baselineChanged, baseline.SheetsPerAttendee) = (baseline.SheetsPerAttendee != r.SheetsPerAttendee, r.SheetsPerAttendee);
        else if (current?.SheetsPerAttendee != r.SheetsPerAttendee)
        {
            body.Baselines.Add(new PaperBaseline { BodyId = body.Id, ValidFrom = r.BaselineFrom, SheetsPerAttendee = r.SheetsPerAttendee });
            baselineChanged = true;
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConcurrencyConflictException("他の利用者がこの会議体を先に更新しました。最新の内容を確認してください。");
        }
        // A stored body's sessions count under its category with its baselines: moved or re-based, both categories' tallies
        // are recomputed in this transaction (a new body has no session yet).
        if (before is { } old && (old != body.Category || baselineChanged)) await tallies.CategoriesChangedAsync([old, body.Category], ct);
        await tx.CommitAsync(ct);
        await feed.PublishAsync(ct);
        return body.Code;
    }
}

/// <summary>
/// Records one held session (or corrects it: same body, date and sequence). The plan's paperless figures are
/// reported again at once. Errors: body not organized by the user (<see cref="ForbiddenException"/>), future
/// date or bad counts (<see cref="RequestValidationException"/>), stale <paramref name="ExpectedVersion"/>
/// (<see cref="ConcurrencyConflictException"/>). A date outside the plan period (<see cref="PaperlessFeed.PlanPeriodAsync"/>)
/// counts for no indicator: it is refused (field <c>HeldOn</c>) unless <paramref name="OutsidePlanConfirmed"/> says the
/// user confirmed it (the form asks first; imports refuse such dates outright).
/// </summary>
[RequiresRole(Roles.MeetingOrganizer, Roles.PlanOffice, Roles.Administrator)]
public sealed record RecordSession(string BodyCode, DateOnly HeldOn, int Sequence, MeetingFormat Format, MaterialsDistribution Materials,
    int Attendees, int SheetsPrinted, bool TabletsUsed, string? Note, Guid? ExpectedVersion, bool OutsidePlanConfirmed = false) : IRequest<Unit>;

internal sealed class RecordSessionValidator : AbstractValidator<RecordSession>
{
    public RecordSessionValidator()
    {
        RuleFor(x => x.Sequence).InclusiveBetween(1, 9).WithMessage("同じ日の回数は1〜9で入力してください。");
        RuleFor(x => x.Attendees).InclusiveBetween(0, 1000).WithMessage("出席者数は0〜1,000人で入力してください。");
        RuleFor(x => x.SheetsPrinted).InclusiveBetween(0, 1_000_000).WithMessage("印刷枚数は0〜1,000,000枚で入力してください。");
        RuleFor(x => x.Note).MaximumLength(500).WithMessage("備考は500文字以内で入力してください。");
    }
}

internal sealed class RecordSessionHandler(PaperlessDbContext db, ICurrentUser user, TimeProvider clock, PaperlessFeed feed, PaperlessTallies tallies)
    : IRequestHandler<RecordSession, Unit>
{
    public async Task<Unit> Handle(RecordSession r, CancellationToken ct)
    {
        var body = await db.Bodies.AsNoTracking().SingleOrDefaultAsync(b => b.Code == r.BodyCode, ct)
            ?? throw new NotFoundException($"会議体 {r.BodyCode} はありません。");
        if (!PaperlessAccess.CanOrganize(user, body.OrganizingDepartment)) throw new ForbiddenException("自課の会議だけを記録できます。");
        if (r.HeldOn > clock.TodayInJapan()) throw new RequestValidationException(nameof(RecordSession.HeldOn), "開催日に未来の日付は指定できません。");
        if (!r.OutsidePlanConfirmed && await feed.PlanPeriodAsync(ct) is { } period && !PaperlessRules.InPlanPeriod(r.HeldOn, period))
            throw new RequestValidationException(nameof(RecordSession.HeldOn),
                $"開催日 {r.HeldOn:yyyy/MM/dd} は計画期間 ({period.Label}) の外で、計画の指標には数えられません。日付を確認してください。");
        var session = await db.Sessions.SingleOrDefaultAsync(s => s.BodyId == body.Id && s.HeldOn == r.HeldOn && s.Sequence == r.Sequence, ct);
        if (session is null)
        {
            if (r.ExpectedVersion is not null)
                throw new ConcurrencyConflictException("この開催記録は他の利用者が削除または変更しました。最新の内容を確認してください。");
            session = new MeetingSession { BodyId = body.Id, HeldOn = r.HeldOn, Sequence = r.Sequence };
            db.Sessions.Add(session);
        }
        else if (r.ExpectedVersion != session.Version)
        {
            throw new ConcurrencyConflictException("同じ日の開催記録を他の利用者が先に登録・更新しました。最新の内容を確認してください。");
        }
        (session.Format, session.Materials, session.Attendees, session.SheetsPrinted, session.TabletsUsed) =
            (r.Format, r.Materials, r.Attendees, r.SheetsPrinted, r.TabletsUsed);
        (session.Note, session.RecordedBy, session.RecordedAt) = (string.IsNullOrWhiteSpace(r.Note) ? null : r.Note.Trim(), user.Name, clock.GetUtcNow());
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            throw new ConcurrencyConflictException("同じ日の開催記録を他の利用者が先に登録・更新しました。最新の内容を確認してください。");
        }
        // The month's tally, in this transaction. The body's category is read again after the save, which holds the change stamp
        // (on a server, to the commit): a category move committed since the first read is seen, and none can come in between.
        var category = await db.Bodies.AsNoTracking().Where(b => b.Id == body.Id).Select(b => b.Category).SingleAsync(ct);
        await tallies.MonthsChangedAsync([(category, r.HeldOn.Year, r.HeldOn.Month)], ct);
        await tx.CommitAsync(ct);
        await feed.PublishAsync(ct);
        return Unit.Value;
    }
}
