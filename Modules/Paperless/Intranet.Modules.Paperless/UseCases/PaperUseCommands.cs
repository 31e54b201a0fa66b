using Intranet.Modules.Paperless.Data;
using Intranet.Modules.Paperless.Domain;
using Intranet.Shared.Messaging;
using Intranet.Shared.Security;
using Intranet.Shared.Time;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.Paperless.UseCases;

// ---- 2-2-(2)-1 紙の削減量: office-wide paper use per fiscal year (issue #9) ---------------------------------------

/// <summary>
/// The 「庁内の用紙使用量」 section of <c>/paperless</c> (every reader): 紙の削減量 per fiscal year against FY2019
/// (<see cref="PaperlessFeed.PaperUseAsync"/>), whether the user may record paper use (<see cref="PaperlessAccess.ManagesAll"/>),
/// and the fiscal years that may be recorded (FY2019 to the last ended year, newest first).
/// </summary>
public sealed record GetPaperReduction : IRequest<PaperReduction>;

/// <summary>
/// <paramref name="Years"/>: oldest first, FY2019 always included. <paramref name="BaselineYear"/>: FY2019.
/// <paramref name="Target"/>: the 2-2-(2)-1 targets per fiscal year (枚), from the bound plans.
/// </summary>
public sealed record PaperReduction(IReadOnlyList<PaperUseYear> Years, FiscalYear BaselineYear, bool CanRecord, IReadOnlyList<FiscalYear> RecordableYears,
    IReadOnlyDictionary<int, decimal> Target);

internal sealed class GetPaperReductionHandler(PaperlessFeed feed, IMediator mediator, ICurrentUser user, TimeProvider clock) : IRequestHandler<GetPaperReduction, PaperReduction>
{
    public async Task<PaperReduction> Handle(GetPaperReduction r, CancellationToken ct)
    {
        var lastEnded = FiscalYear.Of(clock.TodayInJapan()).StartYear - 1;
        var recordable = Enumerable.Range(PaperlessRules.PaperUseBaselineYear, Math.Max(0, lastEnded - PaperlessRules.PaperUseBaselineYear + 1))
            .Reverse().Select(y => new FiscalYear(y)).ToList();
        var targets = (await mediator.Send(new Modules.PlanKpi.Contracts.ListMetricConsumers(Modules.PlanKpi.Contracts.MetricKeys.PaperlessSheetsSaved), ct))
            .SelectMany(c => c.Targets).GroupBy(t => t.Key).ToDictionary(g => g.Key, g => g.First().Value);
        return new PaperReduction(await feed.PaperUseAsync(ct), new FiscalYear(PaperlessRules.PaperUseBaselineYear), PaperlessAccess.ManagesAll(user),
            recordable, targets);
    }
}

/// <summary>
/// Records (or corrects) the office-wide paper use of a fiscal year (枚, whole sheets), with where the figure comes from,
/// and reports 紙の削減量 to the plan at once. The plan office and administrators only (like a body's category,
/// <see cref="PaperlessAccess.ManagesAll"/>). Rules: <see cref="PaperlessRules.CheckPaperUse"/> (an ended fiscal year from
/// 2000, 0 … 1,000,000,000 sheets, a note of at most 200 characters). Audited.
/// </summary>
/// <param name="FiscalYear">Starting calendar year (2019 = 令和元年度, the baseline).</param>
/// <param name="SheetsUsed">Sheets used office-wide in the year (枚).</param>
/// <param name="SourceNote">Where the figure comes from, e.g. 「用紙購入実績」; optional.</param>
/// <param name="ExpectedVersion">The version read when correcting a recorded year; null for a year not recorded yet.</param>
/// <exception cref="RequestValidationException">A rule of <see cref="PaperlessRules.CheckPaperUse"/>, by field.</exception>
/// <exception cref="ForbiddenException">Not the plan office or an administrator.</exception>
/// <exception cref="ConcurrencyConflictException">Someone recorded or changed the year meanwhile.</exception>
[RequiresRole(Roles.PlanOffice, Roles.Administrator)]
public sealed record RecordOfficePaperUse(int FiscalYear, long SheetsUsed, string? SourceNote, Guid? ExpectedVersion) : IRequest<Unit>;

internal sealed class RecordOfficePaperUseHandler(PaperlessDbContext db, ICurrentUser user, TimeProvider clock, PaperlessFeed feed)
    : IRequestHandler<RecordOfficePaperUse, Unit>
{
    public async Task<Unit> Handle(RecordOfficePaperUse r, CancellationToken ct)
    {
        if (!PaperlessAccess.ManagesAll(user)) throw new ForbiddenException("庁内の用紙使用量は計画事務局だけが記録できます。");
        var note = string.IsNullOrWhiteSpace(r.SourceNote) ? null : r.SourceNote.Trim();
        var errors = PaperlessRules.CheckPaperUse(r.FiscalYear, r.SheetsUsed, note, clock.TodayInJapan());
        if (errors.Count > 0) throw new RequestValidationException(errors.Select(e => new FieldError(e.Field, e.Message)).ToList());
        var row = await db.PaperUse.SingleOrDefaultAsync(p => p.FiscalYear == r.FiscalYear, ct);
        const string conflict = "他の利用者がこの年度の使用量を先に記録・変更しました。最新の内容を確認してください。";
        if (row is null)
        {
            if (r.ExpectedVersion is not null) throw new ConcurrencyConflictException(conflict);
            row = new OfficePaperUse { FiscalYear = r.FiscalYear };
            db.PaperUse.Add(row);
        }
        else if (r.ExpectedVersion != row.Version)
        {
            throw new ConcurrencyConflictException(conflict);
        }
        (row.SheetsUsed, row.SourceNote, row.RecordedBy, row.RecordedAt) = (r.SheetsUsed, note, user.Name, clock.GetUtcNow());
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            throw new ConcurrencyConflictException(conflict);
        }
        await feed.PublishAsync(ct);
        return Unit.Value;
    }
}

/// <summary>
/// Deletes a fiscal year's recorded paper use (a wrong entry); its 紙の削減量 — or, for FY2019, every year's — is then not
/// measured and withdrawn from the plan. The plan office and administrators only. Audited (Deleted, every value).
/// </summary>
/// <exception cref="NotFoundException">The year has no recorded use.</exception>
/// <exception cref="ForbiddenException">Not the plan office or an administrator.</exception>
/// <exception cref="ConcurrencyConflictException"><paramref name="ExpectedVersion"/> is not the stored version.</exception>
[RequiresRole(Roles.PlanOffice, Roles.Administrator)]
public sealed record DeleteOfficePaperUse(int FiscalYear, Guid ExpectedVersion) : IRequest<Unit>;

internal sealed class DeleteOfficePaperUseHandler(PaperlessDbContext db, ICurrentUser user, PaperlessFeed feed) : IRequestHandler<DeleteOfficePaperUse, Unit>
{
    public async Task<Unit> Handle(DeleteOfficePaperUse r, CancellationToken ct)
    {
        if (!PaperlessAccess.ManagesAll(user)) throw new ForbiddenException("庁内の用紙使用量は計画事務局だけが削除できます。");
        var row = await db.PaperUse.SingleOrDefaultAsync(p => p.FiscalYear == r.FiscalYear, ct)
            ?? throw new NotFoundException($"{new FiscalYear(r.FiscalYear).Label} の用紙使用量は記録されていません。");
        if (row.Version != r.ExpectedVersion)
            throw new ConcurrencyConflictException("他の利用者がこの年度の使用量を先に変更しました。最新の内容を確認してください。");
        db.PaperUse.Remove(row);
        await db.SaveChangesAsync(ct);
        await feed.PublishAsync(ct);
        return Unit.Value;
    }
}
