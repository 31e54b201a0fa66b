using Intranet.Shared.Web;
using Intranet.Modules.Paperless.Domain;
using Intranet.Modules.Paperless.Import;
using Intranet.Modules.PlanKpi.Contracts;
using Intranet.Shared.Import;
using Intranet.Shared.Messaging;
using Intranet.Shared.Security;
using Intranet.Shared.Time;
using MediatR;

namespace Intranet.Modules.Paperless.UseCases;

// ---- /paperless: the aggregates every role sees ----------------------------------------------------------

/// <summary>
/// The figures of <c>/paperless</c> for one category and fiscal year, as typed in the query string (<c>?fy=2022&amp;category=Executive</c>);
/// unreadable or unknown values fall back to the latest year with sessions (else this fiscal year) and 庁議.
/// </summary>
public sealed record GetPaperlessOverview(string? FiscalYear, string? Category) : IRequest<PaperlessOverview>;

/// <summary>
/// <paramref name="YearRate"/>: paperless ÷ held sessions of the category in the year (%, 0.1, <see cref="PaperlessRules.Rate{T}"/>;
/// null without sessions). <paramref name="Target"/>: the bound indicator's numeric target for the year (%), when there is one.
/// <paramref name="Months"/>: April → March. <paramref name="Bodies"/>: bodies still using paper first. <paramref name="Years"/>: every year with sessions.
/// </summary>
public sealed record PaperlessOverview(FiscalYear Year, IReadOnlyList<FiscalYear> Choices, MeetingCategory Category, decimal? YearRate, decimal? Target,
    IReadOnlyList<CategoryMonth> Months, IReadOnlyList<BodyYearRow> Bodies, IReadOnlyList<PaperlessYear> Years);

/// <summary>A body's standing in the year: name, organizing department, sessions, paperless sessions, rate (%), sheets printed and saved (枚).</summary>
public sealed record BodyYearRow(string Name, string Department, int Sessions, int PaperlessSessions, decimal? Rate, int SheetsPrinted, decimal SheetsSaved);

/// <remarks>
/// Issue #12: the cost does not grow with the number of sessions. One SQL aggregate per (category, month) over every session
/// (<see cref="PaperlessAggregates.CategoryMonthsAsync"/>) gives both every year's figures (<see cref="PaperlessFeed.Years"/>) and
/// the selected category's months (<see cref="PaperlessQueries.Months"/>); one per body gives the year's bodies. No session is
/// loaded as an entity, and while nothing is written both come from <see cref="PaperlessReadCache"/> (one primary-key query for
/// the change stamp), so the page's cost does not depend on the number of sessions.
/// </remarks>
internal sealed class GetPaperlessOverviewHandler(Data.PaperlessDbContext db, PaperlessReadCache cache, PaperlessTallies categoryMonths, PaperlessQueries queries, IMediator mediator, TimeProvider clock)
    : IRequestHandler<GetPaperlessOverview, PaperlessOverview>
{
    public async Task<PaperlessOverview> Handle(GetPaperlessOverview r, CancellationToken ct)
    {
        var tallies = await cache.CategoryMonthsAsync(db, categoryMonths, ct);
        var years = PaperlessFeed.Years(tallies);
        var today = FiscalYear.Of(clock.TodayInJapan());
        var choices = years.Select(y => y.Year).Append(today).Distinct().Order().ToList();
        var year = int.TryParse(r.FiscalYear, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var fy)
                   && choices.Contains(new FiscalYear(fy)) ? new FiscalYear(fy) : years.Count > 0 ? years[^1].Year : today;
        var category = Enum.TryParse<MeetingCategory>(r.Category, out var c) && Enum.IsDefined(c) ? c : MeetingCategory.Executive;
        var months = PaperlessQueries.Months(year, tallies.Where(t => t.Category == category).ToList());
        var bodies = (await queries.BodiesInYearAsync(category, year, ct))
            .Select(b => new BodyYearRow(b.Body.Name, b.Body.OrganizingDepartment, b.Sessions, b.PaperlessSessions, b.Rate, b.SheetsPrinted, b.SheetsSaved)).ToList();
        var held = months.Sum(m => m.Sessions);
        var yearRate = held == 0 ? (decimal?)null : Math.Round(100m * months.Sum(m => m.PaperlessSessions) / held, 1, MidpointRounding.AwayFromZero);
        var key = category switch
        {
            MeetingCategory.Executive => MetricKeys.PaperlessExecutiveMeetingRate,
            MeetingCategory.ManagerLevel => MetricKeys.PaperlessManagerMeetingRate,
            MeetingCategory.Assembly => MetricKeys.PaperlessAssemblyMeetingRate,
            _ => null,
        };
        decimal? target = null;
        if (key is not null)
            target = (await mediator.Send(new ListMetricConsumers(key), ct))
                .Select(x => x.Targets.TryGetValue(year.StartYear, out var t) ? t : (decimal?)null).FirstOrDefault(t => t is not null);
        return new PaperlessOverview(year, choices, category, yearRate, target, months, bodies, years);
    }
}

// ---- the organizer's bodies ---------------------------------------------------------------------------

/// <summary>The bodies the user organizes (own department; all for PlanOffice/Administrator), with this fiscal year's session count.</summary>
[RequiresRole(Roles.MeetingOrganizer, Roles.PlanOffice, Roles.Administrator)]
public sealed record ListMyBodies : IRequest<MyBodies>;

/// <summary>The rows, whether the user manages every body (and types the department of a new one), and the user's department.</summary>
public sealed record MyBodies(IReadOnlyList<BodyRow> Bodies, bool ManagesAll, string? Department, FiscalYear CurrentYear);

/// <summary>
/// A body: code, name, category (and its label), organizing department, usual attendees (人), baseline valid today
/// (枚/人/回, null when none), sessions held this fiscal year, the latest session's date.
/// </summary>
public sealed record BodyRow(string Code, string Name, bool Active, MeetingCategory Category, string CategoryLabel, string Department, int UsualAttendees,
    decimal? SheetsPerAttendee, int SessionsThisYear, DateOnly? LastHeldOn);

internal sealed class ListMyBodiesHandler(PaperlessQueries queries, Data.PaperlessDbContext db, PaperlessReadCache cache, ICurrentUser user, TimeProvider clock) : IRequestHandler<ListMyBodies, MyBodies>
{
    public async Task<MyBodies> Handle(ListMyBodies r, CancellationToken ct)
    {
        var today = clock.TodayInJapan();
        var year = FiscalYear.Of(today);
        var bodies = await queries.MyBodiesAsync(ct);
        // Issue #12: counted by the database (this year's sessions per body, each body's latest date), not every session's date loaded.
        var counts = await cache.SessionCountsAsync(db, year, ct);
        var rows = bodies.Select(b =>
        {
            var (inYear, last) = counts.GetValueOrDefault(b.Id);
            return new BodyRow(b.Code, b.Name, b.Active, b.Category, PaperlessRules.Label(b.Category), b.OrganizingDepartment, b.UsualAttendees,
                PaperlessRules.BaselineOn(b.Baselines, today)?.SheetsPerAttendee, inYear, last);
        }).ToList();
        return new MyBodies(rows, PaperlessAccess.ManagesAll(user), user.Department, year);
    }
}

/// <summary>
/// A body's page for one fiscal year (<paramref name="FiscalYear"/> as typed, <c>?fy=2022</c>; default and fallback: this
/// fiscal year): its sessions of the year, the latest session overall (the new-session form starts as its copy), the
/// date the form starts with (<see cref="PaperlessRules.DefaultSessionDate"/>) and the plan period.
/// </summary>
/// <exception cref="NotFoundException">No such body.</exception>
/// <exception cref="ForbiddenException">The user does not organize it.</exception>
[RequiresRole(Roles.MeetingOrganizer, Roles.PlanOffice, Roles.Administrator)]
public sealed record GetBodySessions(string Code, string? FiscalYear) : IRequest<BodySessions>;

/// <summary>
/// <paramref name="Choices"/>: from the plan's first year (or the first session's year) to this fiscal year.
/// <paramref name="Sessions"/>: the year's sessions, newest first. <paramref name="Last"/>: the latest session of any year.
/// <paramref name="PlanPeriod"/>: null when no plan indicator is bound.
/// </summary>
public sealed record BodySessions(BodyInfo Body, FiscalYear Year, IReadOnlyList<FiscalYear> Choices, IReadOnlyList<SessionRow> Sessions, SessionRow? Last,
    DateOnly DefaultDate, PlanPeriod? PlanPeriod, IReadOnlyList<BaselineRow> Baselines);

/// <summary>Code, name, category, its label, organizing department and usual attendees (人).</summary>
public sealed record BodyInfo(string Code, string Name, MeetingCategory Category, string CategoryLabel, string Department, int UsualAttendees);

/// <summary>A paper baseline: valid from, sheets per attendee per session (枚).</summary>
public sealed record BaselineRow(DateOnly ValidFrom, decimal SheetsPerAttendee);

/// <summary>
/// A session: date and sequence, format and materials (values and labels), attendees (人), sheets printed and saved (枚),
/// paperless (<see cref="PaperlessRules.IsPaperless"/>), tablets, note, who recorded it in words, version (for corrections).
/// </summary>
public sealed record SessionRow(DateOnly HeldOn, int Sequence, MeetingFormat Format, MaterialsDistribution Materials, int Attendees, int SheetsPrinted,
    decimal SheetsSaved, bool Paperless, bool TabletsUsed, string? Note, string RecordedBy, Guid Version)
{
    /// <summary>「対面」「WEB」「ハイブリッド」.</summary>
    public string FormatLabel => PaperlessRules.Label(Format);
    /// <summary>「紙」「電子のみ」「紙と電子の併用」.</summary>
    public string MaterialsLabel => PaperlessRules.Label(Materials);
    /// <summary>Key of the row in <c>?edit=</c>: <c>2022-05-02-1</c>.</summary>
    public string Key => $"{HeldOn:yyyy-MM-dd}-{Sequence}";
}

internal sealed class GetBodySessionsHandler(PaperlessQueries queries, PaperlessFeed feed, TimeProvider clock) : IRequestHandler<GetBodySessions, BodySessions>
{
    public async Task<BodySessions> Handle(GetBodySessions r, CancellationToken ct)
    {
        var (body, sessions) = await queries.BodyAsync(r.Code, ct);
        var today = clock.TodayInJapan();
        var current = FiscalYear.Of(today);
        var period = await feed.PlanPeriodAsync(ct);
        var first = new[] { period?.First.StartYear, sessions.Count == 0 ? null : FiscalYear.Of(sessions.Min(s => s.HeldOn)).StartYear, current.StartYear }
            .OfType<int>().Min();
        var choices = Enumerable.Range(first, current.StartYear - first + 1).Select(y => new FiscalYear(y)).ToList();
        var year = int.TryParse(r.FiscalYear, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var fy)
                   && choices.Contains(new FiscalYear(fy)) ? new FiscalYear(fy) : current;
        SessionRow Row(MeetingSession s) => new(s.HeldOn, s.Sequence, s.Format, s.Materials, s.Attendees, s.SheetsPrinted,
            PaperlessRules.SheetsSaved(body.Baselines, s.HeldOn, s.Attendees, s.SheetsPrinted),
            PaperlessRules.IsPaperless(s.Format, s.Materials), s.TabletsUsed, s.Note, Fmt.Actor(s.RecordedBy), s.Version);
        var inYear = sessions.Where(s => year.Contains(s.HeldOn)).ToList();
        return new BodySessions(
            new BodyInfo(body.Code, body.Name, body.Category, PaperlessRules.Label(body.Category), body.OrganizingDepartment, body.UsualAttendees),
            year, choices, inYear.Select(Row).ToList(), sessions.Count == 0 ? null : Row(sessions[0]),
            PaperlessRules.DefaultSessionDate(year, today, inYear.Select(s => s.HeldOn)), period,
            body.Baselines.Select(b => new BaselineRow(b.ValidFrom, b.SheetsPerAttendee)).ToList());
    }
}

