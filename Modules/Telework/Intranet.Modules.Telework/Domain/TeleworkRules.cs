using Intranet.Shared.Time;

namespace Intranet.Modules.Telework.Domain;

/// <summary>One department's figures; <see cref="Suppressed"/> when the group is smaller than the minimum.</summary>
public sealed record DepartmentFigure(string Department, int Headcount, int? Participants, decimal? Rate, bool Suppressed);

/// <summary>One month's figures: staff of the headcount who teleworked that month, and their share.</summary>
public sealed record MonthFigure(int Year, int Month, int? Participants, decimal? Rate, decimal Days)
{
    /// <summary>「4月」.</summary>
    public string Label => $"{Month}月";
    /// <summary>Rate for charts (0 when suppressed or none).</summary>
    public double RateValue => (double)(Rate ?? 0);
}

/// <summary>A fiscal year's telework figures (issue #5 "Participation rate").</summary>
/// <param name="Year">The fiscal year.</param>
/// <param name="ReferenceDate">The headcount's reference date.</param>
/// <param name="Headcount">Eligible staff active on the reference date (人).</param>
/// <param name="Participants">Of those, staff with at least one telework day in the year on a day they were eligible and employed.</param>
/// <param name="Rate">Participants ÷ headcount × 100 (%, 0.1), null when the headcount is 0.</param>
/// <param name="DaysPerParticipant">Telework days (day fractions summed) per participant.</param>
/// <param name="ManagerTrialParticipants">Managers with at least one 管理職トライアル day (null when suppressed).</param>
/// <param name="Months">April to March.</param>
/// <param name="Departments">By department of the reference date, sorted by name.</param>
public sealed record TeleworkYear(FiscalYear Year, DateOnly ReferenceDate, int Headcount, int Participants, decimal? Rate, decimal? DaysPerParticipant,
    int? ManagerTrialParticipants, IReadOnlyList<MonthFigure> Months, IReadOnlyList<DepartmentFigure> Departments);

/// <summary>
/// The telework rules, in one place (issue #5, Hadano 2-3-(1) テレワーク勤務を行った職員の割合):
/// <list type="bullet">
/// <item><b>Eligible</b>: a staff member whose assignment on a date matches no <see cref="EligibilityRule"/>
/// (Hadano: workplaces of type こども園, 幼稚園, 消防署 are out of scope).</item>
/// <item><b>Headcount</b> of a fiscal year: staff employed on the reference date (default April 1, setting
/// 「基準日」) and eligible on that date. Staff who join or become eligible later are not in it.</item>
/// <item><b>Participants</b>: staff in the headcount with at least one telework day in the fiscal year on a day
/// they were employed and eligible (a day worked after moving to an ineligible workplace does not count).</item>
/// <item><b>Participation rate</b> = participants ÷ headcount × 100, rounded to 0.1 %.</item>
/// <item><b>Privacy</b>: any group (a department, a month's participants, the manager-trial count) with fewer
/// than the minimum group size (default 5) people is shown as 「—」; when the hidden departments together are still
/// fewer than the minimum, the smallest shown departments are hidden too, so the city total minus the shown
/// departments cannot single anyone out. The whole-city rate is always shown.</item>
/// </list>
/// </summary>
public static class TeleworkRules
{
    /// <summary>Why <paramref name="assignment"/> is not eligible, or null when it is.</summary>
    public static string? IneligibleReason(StaffAssignment? assignment, IEnumerable<EligibilityRule> rules)
    {
        if (assignment is null) return "所属情報がありません";
        foreach (var r in rules)
        {
            var value = r.Field switch
            {
                EligibilityField.WorkplaceType => assignment.WorkplaceType,
                EligibilityField.EmploymentCategory => assignment.EmploymentCategory,
                _ => assignment.Department,
            };
            if (string.Equals(value.Trim(), r.Value.Trim(), StringComparison.Ordinal)) return r.Reason;
        }
        return null;
    }

    /// <summary>Whether the person is employed and eligible on <paramref name="date"/>.</summary>
    public static bool EligibleOn(StaffMember staff, DateOnly date, IReadOnlyList<EligibilityRule> rules) =>
        staff.IsActiveOn(date) && IneligibleReason(staff.AssignmentOn(date), rules) is null;

    /// <summary>The reference date of <paramref name="year"/> for a <c>MM-dd</c> setting (April 1 by default; a date in Jan–Mar falls in the next calendar year).</summary>
    public static DateOnly ReferenceDate(FiscalYear year, string? monthDay)
    {
        if (monthDay is { Length: 5 } && int.TryParse(monthDay[..2], out var m) && int.TryParse(monthDay[3..], out var d) && m is >= 1 and <= 12)
        {
            var calendarYear = m >= FiscalYear.FirstMonth ? year.StartYear : year.StartYear + 1;
            return new DateOnly(calendarYear, m, Math.Min(d, DateTime.DaysInMonth(calendarYear, m)));
        }
        return year.Start;
    }

    /// <summary>Shown value of a count: null (「—」) when 0 &lt; count &lt; <paramref name="minimumGroup"/>.</summary>
    public static int? Suppress(int count, int minimumGroup) => count > 0 && count < minimumGroup ? null : count;

    /// <summary>Computes a fiscal year's figures from the roster, the telework days and the rules.</summary>
    public static TeleworkYear Compute(FiscalYear year, IReadOnlyList<StaffMember> staff, IReadOnlyList<TeleworkDay> days,
        IReadOnlyList<EligibilityRule> rules, string? referenceMonthDay, int minimumGroup)
    {
        var reference = ReferenceDate(year, referenceMonthDay);
        var headcount = staff.Where(s => EligibleOn(s, reference, rules)).ToDictionary(s => s.Id);
        var counted = days.Where(d => year.Contains(d.Date) && headcount.TryGetValue(d.StaffId, out var s) && EligibleOn(s, d.Date, rules)).ToList();
        var participants = counted.Select(d => d.StaffId).ToHashSet();
        decimal? Rate(int part, int whole) => whole == 0 ? null : Math.Round(100m * part / whole, 1, MidpointRounding.AwayFromZero);

        var months = Enumerable.Range(0, 12).Select(i => year.Start.AddMonths(i)).Select(m =>
        {
            var inMonth = counted.Where(d => d.Date.Year == m.Year && d.Date.Month == m.Month).ToList();
            var people = inMonth.Select(d => d.StaffId).Distinct().Count();
            var shown = Suppress(people, minimumGroup);
            return new MonthFigure(m.Year, m.Month, shown, shown is null ? null : Rate(people, headcount.Count), inMonth.Sum(d => d.DayFraction));
        }).ToList();

        var groups = headcount.Values.GroupBy(s => s.AssignmentOn(reference)!.Department)
            .Select(g => (Department: g.Key, Heads: g.Count(), Part: g.Count(s => participants.Contains(s.Id)))).ToList();
        // Primary suppression: groups under the minimum. Secondary: while the suppressed groups together are fewer
        // than the minimum (one could subtract the shown departments from the city total), also hide the smallest shown group.
        var hidden = groups.Where(g => g.Heads < minimumGroup).Select(g => g.Department).ToHashSet();
        while (hidden.Count > 0 && groups.Where(g => hidden.Contains(g.Department)).Sum(g => g.Heads) < minimumGroup && hidden.Count < groups.Count)
            hidden.Add(groups.Where(g => !hidden.Contains(g.Department)).MinBy(g => g.Heads).Department);
        var departments = groups.OrderBy(g => g.Department, StringComparer.Ordinal).Select(g =>
        {
            var suppressed = hidden.Contains(g.Department);
            return new DepartmentFigure(g.Department, g.Heads, suppressed ? null : g.Part, suppressed ? null : Rate(g.Part, g.Heads), suppressed);
        }).ToList();

        var managers = counted.Where(d => d.ManagerTrial && headcount[d.StaffId].AssignmentOn(d.Date)?.IsManager == true).Select(d => d.StaffId).Distinct().Count();
        return new TeleworkYear(year, reference, headcount.Count, participants.Count, Rate(participants.Count, headcount.Count),
            participants.Count == 0 ? null : Math.Round(counted.Sum(d => d.DayFraction) / participants.Count, 1, MidpointRounding.AwayFromZero),
            Suppress(managers, minimumGroup), months, departments);
    }

    /// <summary>Japanese label of a telework type.</summary>
    public static string Label(TeleworkType t) => t switch { TeleworkType.Home => "在宅", TeleworkType.Satellite => "サテライト", _ => "モバイル" };

    /// <summary>Reads a type: Home/在宅/在宅勤務, Satellite/サテライト, Mobile/モバイル.</summary>
    public static TeleworkType? ParseType(string? text) => text?.Trim() switch
    {
        "Home" or "home" or "在宅" or "在宅勤務" => TeleworkType.Home,
        "Satellite" or "satellite" or "サテライト" or "サテライトオフィス" => TeleworkType.Satellite,
        "Mobile" or "mobile" or "モバイル" or "モバイルワーク" => TeleworkType.Mobile,
        _ => null,
    };

    /// <summary>Standard working hours per day used to turn hours into a day fraction (7.75 時間).</summary>
    public const decimal HoursPerDay = 7.75m;
}
