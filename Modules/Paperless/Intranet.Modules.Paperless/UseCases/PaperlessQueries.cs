using Intranet.Modules.Paperless.Data;
using Intranet.Modules.Paperless.Domain;
using Intranet.Shared.Messaging;
using Intranet.Shared.Security;
using Intranet.Shared.Time;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.Paperless.UseCases;

/// <summary>A body's standing in a fiscal year: sessions held, paperless sessions, rate and sheets saved.</summary>
public sealed record BodyYear(MeetingBody Body, int Sessions, int PaperlessSessions, decimal? Rate, decimal SheetsSaved, int SheetsPrinted);

/// <summary>One month of a category: sessions, paperless sessions and the rate (%).</summary>
public sealed record CategoryMonth(int Year, int Month, int Sessions, int PaperlessSessions, decimal? Rate)
{
    /// <summary>「4月」.</summary>
    public string Label => $"{Month}月";
    /// <summary>Rate for charts (0 when none).</summary>
    public double RateValue => (double)(Rate ?? 0);
}

/// <summary>Read side for the module's pages; individual sessions only for the users who organize them.</summary>
public sealed class PaperlessQueries(PaperlessDbContext db, PaperlessReadCache cache, PaperlessTallies tallies, ICurrentUser user)
{
    /// <summary>Every body with its baselines, sorted by category then code.</summary>
    public async Task<List<MeetingBody>> BodiesAsync(CancellationToken ct) =>
        (await db.Bodies.AsNoTracking().Include(b => b.Baselines).ToListAsync(ct))
        .OrderBy(b => b.Category).ThenBy(b => b.Code, StringComparer.Ordinal).ToList();

    /// <summary>Bodies the user organizes (own department; all for PlanOffice/Administrator).</summary>
    public async Task<List<MeetingBody>> MyBodiesAsync(CancellationToken ct) =>
        (await BodiesAsync(ct)).Where(b => PaperlessAccess.CanOrganize(user, b.OrganizingDepartment)).ToList();

    /// <summary>A body and its sessions, newest first.</summary>
    /// <exception cref="NotFoundException">No such body.</exception>
    /// <exception cref="ForbiddenException">The user does not organize it (individual sessions are the organizer's).</exception>
    public async Task<(MeetingBody Body, List<MeetingSession> Sessions)> BodyAsync(string code, CancellationToken ct)
    {
        var body = await db.Bodies.AsNoTracking().Include(b => b.Baselines).SingleOrDefaultAsync(b => b.Code == code, ct)
            ?? throw new NotFoundException($"会議体 {code} はありません。");
        if (!PaperlessAccess.CanOrganize(user, body.OrganizingDepartment)) throw new ForbiddenException("この会議体の開催記録は会議主管課と計画事務局だけが見られます。");
        body.Baselines.Sort((a, b) => a.ValidFrom.CompareTo(b.ValidFrom));
        var sessions = (await db.Sessions.AsNoTracking().Where(s => s.BodyId == body.Id).ToListAsync(ct))
            .OrderByDescending(s => s.HeldOn).ThenByDescending(s => s.Sequence).ToList();
        return (body, sessions);
    }

    /// <summary>
    /// Per body of a category in a fiscal year (every body of the category, also those without sessions), those still using
    /// paper first (lowest rate, most sheets printed; ties in category-then-code order). The counts are one SQL aggregate
    /// (<see cref="PaperlessAggregates.BodiesAsync"/>, cached per change stamp by <see cref="PaperlessReadCache"/>); equal to <see cref="BodiesInYearRowByRowAsync"/>.
    /// </summary>
    public async Task<List<BodyYear>> BodiesInYearAsync(MeetingCategory category, FiscalYear year, CancellationToken ct)
    {
        var bodies = (await BodiesAsync(ct)).Where(b => b.Category == category).ToList();
        var tallies = (await cache.BodiesAsync(db, category, year, ct)).ToDictionary(t => t.BodyId);
        return bodies.Select(b => tallies.TryGetValue(b.Id, out var t)
                ? new BodyYear(b, t.Sessions, t.PaperlessSessions, PaperlessRules.Rate(t.PaperlessSessions, t.Sessions), t.SheetsSaved, t.SheetsPrinted)
                : new BodyYear(b, 0, 0, null, 0m, 0))
            .OrderBy(x => x.Rate ?? 101).ThenByDescending(x => x.SheetsPrinted).ToList();
    }

    /// <summary>
    /// <see cref="BodiesInYearAsync"/> computed row by row (the year's sessions loaded as entities): the reference the
    /// aggregate is tested against. Pages never call it.
    /// </summary>
    public async Task<List<BodyYear>> BodiesInYearRowByRowAsync(MeetingCategory category, FiscalYear year, CancellationToken ct)
    {
        var bodies = (await BodiesAsync(ct)).Where(b => b.Category == category).ToList();
        var ids = bodies.Select(b => b.Id).ToList();
        var (from, to) = (year.Start, year.End);
        var sessions = await db.Sessions.AsNoTracking().Where(s => ids.Contains(s.BodyId) && s.HeldOn >= from && s.HeldOn <= to).ToListAsync(ct);
        return bodies.Select(b =>
        {
            var own = sessions.Where(s => s.BodyId == b.Id).ToList();
            return new BodyYear(b, own.Count, own.Count(s => PaperlessRules.IsPaperless(s.Format, s.Materials)),
                PaperlessRules.Rate(own, s => PaperlessRules.IsPaperless(s.Format, s.Materials)),
                own.Sum(s => PaperlessRules.SheetsSaved(b.Baselines, s.HeldOn, s.Attendees, s.SheetsPrinted)),
                own.Sum(s => s.SheetsPrinted));
        }).OrderBy(x => x.Rate ?? 101).ThenByDescending(x => x.SheetsPrinted).ToList();
    }

    /// <summary>
    /// The category's sessions, paperless sessions and rate per month of the fiscal year (April first, 12 rows); months
    /// without sessions have no rate. From the every-year SQL aggregate (<see cref="PaperlessAggregates.CategoryMonthsAsync"/>, cached per change stamp by <see cref="PaperlessReadCache"/>); equal to
    /// <see cref="MonthsRowByRowAsync"/>.
    /// </summary>
    public async Task<List<CategoryMonth>> MonthsAsync(MeetingCategory category, FiscalYear year, CancellationToken ct) =>
        Months(year, (await cache.CategoryMonthsAsync(db, tallies, ct)).Where(t => t.Category == category).ToList());

    /// <summary>The 12 months of <paramref name="year"/> (April first) from per-month tallies of one category; months without a tally have 0 sessions and no rate.</summary>
    public static List<CategoryMonth> Months(FiscalYear year, IReadOnlyCollection<CategoryMonthTally> tallies) =>
        Enumerable.Range(0, 12).Select(i => year.Start.AddMonths(i)).Select(m =>
        {
            var own = tallies.Where(t => t.Year == m.Year && t.Month == m.Month).ToList();
            var (held, paperless) = (own.Sum(t => t.Sessions), own.Sum(t => t.PaperlessSessions));
            return new CategoryMonth(m.Year, m.Month, held, paperless, PaperlessRules.Rate(paperless, held));
        }).ToList();

    /// <summary>
    /// <see cref="MonthsAsync"/> computed row by row (the year's sessions loaded as entities): the reference the aggregate is
    /// tested against. Pages never call it.
    /// </summary>
    public async Task<List<CategoryMonth>> MonthsRowByRowAsync(MeetingCategory category, FiscalYear year, CancellationToken ct)
    {
        var ids = (await BodiesAsync(ct)).Where(b => b.Category == category).Select(b => b.Id).ToList();
        var (from, to) = (year.Start, year.End);
        var sessions = await db.Sessions.AsNoTracking().Where(s => ids.Contains(s.BodyId) && s.HeldOn >= from && s.HeldOn <= to).ToListAsync(ct);
        return Enumerable.Range(0, 12).Select(i => year.Start.AddMonths(i)).Select(m =>
        {
            var own = sessions.Where(s => s.HeldOn.Year == m.Year && s.HeldOn.Month == m.Month).ToList();
            return new CategoryMonth(m.Year, m.Month, own.Count, own.Count(s => PaperlessRules.IsPaperless(s.Format, s.Materials)),
                PaperlessRules.Rate(own, s => PaperlessRules.IsPaperless(s.Format, s.Materials)));
        }).ToList();
    }
}
