using Intranet.Shared.Web;
using Intranet.Modules.Telework.Data;
using Intranet.Modules.Telework.Domain;
using Intranet.Modules.Telework.Import;
using Intranet.Shared.Import;
using Intranet.Shared.Messaging;
using Intranet.Shared.Security;
using Intranet.Shared.Time;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.Telework.UseCases;

// ---- /telework: the aggregates every role sees -----------------------------------------------------------

/// <summary>
/// The figures of <c>/telework</c> for one fiscal year. <paramref name="FiscalYear"/> is the query-string value as
/// typed (<c>?fy=2024</c>); anything unreadable or outside FY2021..this fiscal year falls back to the latest year
/// up to FY2025 (the plan's last year). Aggregates only, small groups suppressed (<see cref="TeleworkRules"/>).
/// </summary>
public sealed record GetTeleworkOverview(string? FiscalYear) : IRequest<TeleworkOverview>;

/// <summary>The chosen year, the years offered (FY2021 → this fiscal year), its figures and the minimum group size (people).</summary>
public sealed record TeleworkOverview(FiscalYear Year, IReadOnlyList<FiscalYear> Choices, TeleworkYear Figures, int MinimumGroup);

internal sealed class GetTeleworkOverviewHandler(TeleworkFeed feed, TimeProvider clock) : IRequestHandler<GetTeleworkOverview, TeleworkOverview>
{
    public async Task<TeleworkOverview> Handle(GetTeleworkOverview r, CancellationToken ct)
    {
        var current = FiscalYear.Of(clock.TodayInJapan());
        var choices = Enumerable.Range(2021, Math.Max(1, current.StartYear - 2020)).Select(y => new FiscalYear(y)).ToList();
        var year = int.TryParse(r.FiscalYear, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var fy)
                   && choices.Contains(new FiscalYear(fy)) ? new FiscalYear(fy) : choices.Last(y => y.StartYear <= 2025 || y == choices[0]);
        var min = (await feed.SettingsAsync(ct)).MinimumGroup;
        return new TeleworkOverview(year, choices, (await feed.ComputeAsync([year], ct))[0], min);
    }
}

// ---- the roster (HumanResources only) --------------------------------------------------------------------

/// <summary>
/// The roster as of today (HR only): every staff member with today's assignment (else the latest), eligibility and
/// the 「名簿になし」 flag; <paramref name="MissingOnly"/> keeps the staff missing from the last roster import.
/// Sorting, filtering and paging are the grid's (1,000–3,000 people fit in memory).
/// </summary>
[RequiresRole(Roles.HumanResources)]
public sealed record ListStaff(bool MissingOnly) : IRequest<StaffRoster>;

/// <summary>Rows of <see cref="ListStaff"/> and how many staff are missing from the last roster (all, not only the rows).</summary>
public sealed record StaffRoster(IReadOnlyList<StaffRow> Rows, int MissingCount);

/// <summary>
/// One staff member: 職員番号, 氏名, today's 所属/勤務場所/種類, 対象 (<paramref name="IneligibleReason"/> null when eligible),
/// 在職 (first and last day) and whether the last roster import lacked them.
/// </summary>
public sealed record StaffRow(string EmployeeNumber, string Name, string Department, string Workplace, string WorkplaceType,
    string? IneligibleReason, DateOnly ActiveFrom, DateOnly? ActiveTo, bool MissingFromLastImport)
{
    /// <summary>「対象」 or 「対象外: reason」.</summary>
    public string Eligibility => IneligibleReason is null ? "対象" : "対象外: " + IneligibleReason;
}

internal sealed class ListStaffHandler(TeleworkDbContext db, TimeProvider clock) : IRequestHandler<ListStaff, StaffRoster>
{
    public async Task<StaffRoster> Handle(ListStaff r, CancellationToken ct)
    {
        var today = clock.TodayInJapan();
        var rules = await db.Rules.AsNoTracking().ToListAsync(ct);
        var staff = await db.Staff.AsNoTracking().Include(s => s.Assignments).ToListAsync(ct);
        var rows = staff.Where(s => !r.MissingOnly || s.MissingFromLastImport).Select(s =>
        {
            var a = s.AssignmentOn(today) ?? s.Assignments.MaxBy(x => x.From);
            return new StaffRow(s.EmployeeNumber, s.Name, a?.Department ?? "", a?.Workplace ?? "", a?.WorkplaceType ?? "",
                TeleworkRules.IneligibleReason(a, rules), s.ActiveFrom, s.ActiveTo, s.MissingFromLastImport);
        }).OrderBy(x => x.EmployeeNumber, StringComparer.Ordinal).ToList();
        return new StaffRoster(rows, staff.Count(s => s.MissingFromLastImport));
    }
}

/// <summary>One staff member's page (HR only): history of assignments with eligibility, telework days newest first.</summary>
/// <exception cref="NotFoundException">No such employee number.</exception>
[RequiresRole(Roles.HumanResources)]
public sealed record GetStaffMember(string EmployeeNumber) : IRequest<StaffDetail>;

/// <summary>
/// A staff member: number, name, first/last day, the 「名簿になし」 flag, the version to send with
/// <see cref="EndDateStaff"/>, assignments (oldest first) and telework days (newest first).
/// </summary>
public sealed record StaffDetail(string EmployeeNumber, string Name, DateOnly ActiveFrom, DateOnly? ActiveTo, bool MissingFromLastImport, Guid Version,
    IReadOnlyList<AssignmentRow> Assignments, IReadOnlyList<DayRow> Days);

/// <summary>An assignment: from, 所属, 勤務場所, 種類, 管理職, 雇用区分, 対象 (null reason = eligible).</summary>
public sealed record AssignmentRow(DateOnly From, string Department, string Workplace, string WorkplaceType, bool IsManager, string EmploymentCategory, string? IneligibleReason);

/// <summary>A telework day: date, type (Japanese label), day fraction (0–1), manager trial, who recorded it in words (<see cref="Fmt.Actor"/>).</summary>
public sealed record DayRow(DateOnly Date, string Type, decimal DayFraction, bool ManagerTrial, string RecordedBy, DateTimeOffset RecordedAt);

internal sealed class GetStaffMemberHandler(TeleworkDbContext db) : IRequestHandler<GetStaffMember, StaffDetail>
{
    public async Task<StaffDetail> Handle(GetStaffMember r, CancellationToken ct)
    {
        var staff = await db.Staff.AsNoTracking().Include(s => s.Assignments).SingleOrDefaultAsync(s => s.EmployeeNumber == r.EmployeeNumber, ct)
            ?? throw new NotFoundException($"職員番号 {r.EmployeeNumber} は名簿にありません。");
        var rules = await db.Rules.AsNoTracking().ToListAsync(ct);
        var days = (await db.Days.AsNoTracking().Where(d => d.StaffId == staff.Id).ToListAsync(ct)).OrderByDescending(d => d.Date)
            .Select(d => new DayRow(d.Date, TeleworkRules.Label(d.Type), d.DayFraction, d.ManagerTrial, Fmt.Actor(d.RecordedBy), d.RecordedAt)).ToList();
        var assignments = staff.Assignments.OrderBy(a => a.From)
            .Select(a => new AssignmentRow(a.From, a.Department, a.Workplace, a.WorkplaceType, a.IsManager, a.EmploymentCategory, TeleworkRules.IneligibleReason(a, rules))).ToList();
        return new StaffDetail(staff.EmployeeNumber, staff.Name, staff.ActiveFrom, staff.ActiveTo, staff.MissingFromLastImport, staff.Version, assignments, days);
    }
}

/// <summary>The eligibility rules and the aggregate settings (HR only), for <c>/telework/rules</c>.</summary>
[RequiresRole(Roles.HumanResources)]
public sealed record GetTeleworkRules : IRequest<TeleworkRulesView>;

/// <summary>Rules sorted by field then value; reference date as <c>MM-dd</c> (default 04-01); minimum group size (people, default 5).</summary>
public sealed record TeleworkRulesView(IReadOnlyList<EligibilityRule> Rules, string ReferenceMonthDay, int MinimumGroupSize);

internal sealed class GetTeleworkRulesHandler(TeleworkDbContext db, TeleworkFeed feed) : IRequestHandler<GetTeleworkRules, TeleworkRulesView>
{
    public async Task<TeleworkRulesView> Handle(GetTeleworkRules r, CancellationToken ct)
    {
        var rules = (await db.Rules.AsNoTracking().ToListAsync(ct)).OrderBy(x => x.Field).ThenBy(x => x.Value, StringComparer.Ordinal).ToList();
        var (min, reference) = await feed.SettingsAsync(ct);
        return new TeleworkRulesView(rules, reference ?? "04-01", min);
    }
}

