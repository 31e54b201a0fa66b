using Intranet.Shared.Time;

namespace Intranet.Modules.Telework.Domain;

/// <summary>
/// One department's figures. <see cref="Suppressed"/>: the department's headcount is hidden (smaller than the minimum, or
/// hidden so the others cannot be subtracted from the city total); then its participants and rate are hidden too.
/// <see cref="Participants"/> and <see cref="Rate"/> are null (「—」) when hidden — headcount suppressed, fewer participants
/// than the minimum (but not 0), hidden so the hidden counts cannot be recovered by subtraction — or when the fiscal year is
/// not measured (<see cref="TeleworkYear.Measured"/>).
/// </summary>
/// <param name="Department">所属 on the reference date.</param>
/// <param name="Headcount">Eligible staff of the department on the reference date (人), always the true count; show <see cref="ShownHeadcount"/>.</param>
/// <param name="Participants">Staff of the department who teleworked (人), null when not shown.</param>
/// <param name="Rate">Participants ÷ headcount × 100 (%, 0.1), null when not shown.</param>
/// <param name="Suppressed">Whether the headcount is hidden.</param>
public sealed record DepartmentFigure(string Department, int Headcount, int? Participants, decimal? Rate, bool Suppressed)
{
    /// <summary>The headcount as shown: null (「—」) when <see cref="Suppressed"/>.</summary>
    public int? ShownHeadcount => Suppressed ? null : Headcount;
}

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
/// <param name="Measured">
/// Whether the year is measured: at least one telework day (of anyone) is recorded in the fiscal year. A year without any
/// telework day has no source data (e.g. only a roster was imported): its participants, rates, days and manager-trial count
/// are null (「未測定」), never 0, and it is not reported to the plan.
/// </param>
/// <param name="Participants">Of those, staff with at least one telework day in the year on a day they were eligible and employed (null when not measured).</param>
/// <param name="Rate">Participants ÷ headcount × 100 (%, 0.1), null when the headcount is 0 or the year is not measured.</param>
/// <param name="DaysPerParticipant">Telework days (day fractions summed) per participant.</param>
/// <param name="ManagerTrialParticipants">Managers with at least one 管理職トライアル day (null when suppressed).</param>
/// <param name="Months">April to March.</param>
/// <param name="Departments">By department of the reference date, sorted by name.</param>
public sealed record TeleworkYear(FiscalYear Year, DateOnly ReferenceDate, bool Measured, int Headcount, int? Participants, decimal? Rate, decimal? DaysPerParticipant,
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
/// <item><b>Not measured</b>: a fiscal year without any telework day recorded has no source data; its participants and
/// rates are null (「未測定」), never 0 %, and the feed does not report it to the plan (issue #9).</item>
/// <item><b>Privacy</b>: any group (a department's headcount, a department's participants, a month's participants, the
/// manager-trial count) with fewer than the minimum group size (default 5) people, but not 0, is shown as 「—」; when the
/// hidden departments (or hidden participant counts) together are still fewer than the minimum, the smallest shown ones are
/// hidden too, so the city total minus the shown departments cannot single anyone out. The whole-city rate is always shown.</item>
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

    /// <summary>
    /// Whether a telework day counts, and counts for the manager trial (issue #5): it counts when the person is employed and
    /// eligible on its date (<see cref="EligibleOn"/>); it counts for the manager trial when it also is a 管理職トライアル day of a
    /// person whose assignment on that date is a manager grade. The row-by-row <see cref="Compute"/> and the maintained
    /// per-person, per-month tallies (<see cref="StaffMonth"/>) both take it from here.
    /// </summary>
    public static (bool Counted, bool ManagerTrial) Classify(StaffMember staff, DateOnly date, bool managerTrial, IReadOnlyList<EligibilityRule> rules)
    {
        var counted = EligibleOn(staff, date, rules);
        return (counted, counted && managerTrial && staff.AssignmentOn(date)?.IsManager == true);
    }

    /// <summary>
    /// The periods in which <paramref name="staff"/> is employed and eligible (<see cref="EligibleOn"/> is true exactly on the
    /// dates of these periods), one per assignment, with the assignment's department; open-ended periods end on
    /// <see cref="DateOnly.MaxValue"/>. The maintained headcount (<see cref="EligiblePeriod"/>) is built from these.
    /// </summary>
    public static IEnumerable<(DateOnly From, DateOnly To, string Department)> EligiblePeriods(StaffMember staff, IReadOnlyList<EligibilityRule> rules)
    {
        var ordered = staff.Assignments.OrderBy(a => a.From).ToList();
        var lastDay = staff.ActiveTo ?? DateOnly.MaxValue;
        for (var i = 0; i < ordered.Count; i++)
        {
            var a = ordered[i];
            var from = a.From > staff.ActiveFrom ? a.From : staff.ActiveFrom;
            var to = i + 1 < ordered.Count ? ordered[i + 1].From.AddDays(-1) : DateOnly.MaxValue;
            if (to > lastDay) to = lastDay;
            if (from <= to && IneligibleReason(a, rules) is null) yield return (from, to, a.Department);
        }
    }

    /// <summary>One month's counts before privacy and rounding: staff of the headcount who teleworked (people) and their counted days (day fractions summed).</summary>
    public sealed record MonthTally(DateOnly Month, int People, decimal Days);

    /// <summary>
    /// A fiscal year's counts before privacy and rounding, however they were obtained (row by row in <see cref="Compute"/>, or
    /// from the maintained tallies): headcount (people), departments of the reference date (headcount, participants), months
    /// April → March (missing months count 0), participants, counted days (day fractions summed) and managers with a
    /// manager-trial day.
    /// </summary>
    public sealed record YearTally(int Headcount, IReadOnlyList<Group> Departments, IReadOnlyList<MonthTally> Months, int Participants, decimal Days, int Managers);

    /// <summary>
    /// Computes a fiscal year's figures from the roster, the telework days and the rules. <paramref name="days"/> may hold
    /// days of other years (ignored). A year without any telework day in <paramref name="days"/> is not measured
    /// (<see cref="TeleworkYear.Measured"/> false; participants and rates null). The row-by-row reference computation: the
    /// maintained figures are tested equal to it.
    /// </summary>
    public static TeleworkYear Compute(FiscalYear year, IReadOnlyList<StaffMember> staff, IReadOnlyList<TeleworkDay> days,
        IReadOnlyList<EligibilityRule> rules, string? referenceMonthDay, int minimumGroup)
    {
        var reference = ReferenceDate(year, referenceMonthDay);
        var measured = IsMeasured(year, days.Select(d => d.Date));
        var headcount = staff.Where(s => EligibleOn(s, reference, rules)).ToDictionary(s => s.Id);
        var counted = days.Where(d => year.Contains(d.Date) && headcount.ContainsKey(d.StaffId))
            .Select(d => (Day: d, Class: Classify(headcount[d.StaffId], d.Date, d.ManagerTrial, rules))).Where(x => x.Class.Counted).ToList();
        var participants = counted.Select(d => d.Day.StaffId).ToHashSet();
        var months = Enumerable.Range(0, 12).Select(i => year.Start.AddMonths(i)).Select(m =>
        {
            var inMonth = counted.Where(d => d.Day.Date.Year == m.Year && d.Day.Date.Month == m.Month).ToList();
            return new MonthTally(m, inMonth.Select(d => d.Day.StaffId).Distinct().Count(), inMonth.Sum(d => d.Day.DayFraction));
        }).ToList();
        var groups = headcount.Values.GroupBy(s => s.AssignmentOn(reference)!.Department)
            .Select(g => new Group(g.Key, g.Count(), g.Count(s => participants.Contains(s.Id)))).ToList();
        var managers = counted.Where(d => d.Class.ManagerTrial).Select(d => d.Day.StaffId).Distinct().Count();
        return Shape(year, reference, measured, new YearTally(headcount.Count, groups, months, participants.Count, counted.Sum(d => d.Day.DayFraction), managers),
            minimumGroup);
    }

    /// <summary>
    /// テレワーク実施率: <paramref name="participants"/> ÷ <paramref name="headcount"/> × 100 (%, rounded to 0.1, half away from
    /// zero); null when the year is not <paramref name="measured"/> (「未測定」, never 0 %) or nobody is counted. The year's rate
    /// of <see cref="Shape"/> and the rate the plan feed reports (<see cref="UseCases.TeleworkFeed"/>).
    /// </summary>
    public static decimal? ParticipationRate(bool measured, int participants, int headcount) =>
        headcount == 0 || !measured ? null : Math.Round(100m * participants / headcount, 1, MidpointRounding.AwayFromZero);

    /// <summary>
    /// The figures of a fiscal year from its counts (<see cref="YearTally"/>): rates (participants ÷ headcount × 100, 0.1 %,
    /// half away from zero), days per participant (0.1 day), 「未測定」 when not <paramref name="measured"/>, and the privacy rule
    /// (<see cref="Suppress"/>, <see cref="SuppressDepartments"/>). Departments sorted by name (ordinal).
    /// </summary>
    public static TeleworkYear Shape(FiscalYear year, DateOnly reference, bool measured, YearTally t, int minimumGroup)
    {
        decimal? Rate(int part, int whole) => ParticipationRate(measured, part, whole);
        var byMonth = t.Months.ToDictionary(m => m.Month);
        var months = Enumerable.Range(0, 12).Select(i => year.Start.AddMonths(i)).Select(m =>
        {
            var tally = byMonth.GetValueOrDefault(m) ?? new MonthTally(m, 0, 0);
            var shown = measured ? Suppress(tally.People, minimumGroup) : null;
            return new MonthFigure(m.Year, m.Month, shown, shown is null ? null : Rate(tally.People, t.Headcount), tally.Days);
        }).ToList();
        // Sorted first so a tie between equally small departments is broken the same way whatever order the counts came in.
        var groups = t.Departments.OrderBy(g => g.Department, StringComparer.Ordinal).ToList();
        var (hiddenHeads, hiddenParticipants) = SuppressDepartments(groups, minimumGroup);
        var departments = groups.Select(g =>
        {
            var shownPart = measured && !hiddenParticipants.Contains(g.Department);
            return new DepartmentFigure(g.Department, g.Headcount, shownPart ? g.Participants : null, shownPart ? Rate(g.Participants, g.Headcount) : null,
                hiddenHeads.Contains(g.Department));
        }).ToList();
        return new TeleworkYear(year, reference, measured, t.Headcount, measured ? t.Participants : null, Rate(t.Participants, t.Headcount),
            t.Participants == 0 ? null : Math.Round(t.Days / t.Participants, 1, MidpointRounding.AwayFromZero),
            measured ? Suppress(t.Managers, minimumGroup) : null, months, departments);
    }

    /// <summary>
    /// Whether <paramref name="year"/> is measured: at least one telework day (of anyone, eligible or not) falls in it.
    /// Without any, the year has no source data and is 「未測定」, never 0 %.
    /// </summary>
    public static bool IsMeasured(FiscalYear year, IEnumerable<DateOnly> teleworkDays) => teleworkDays.Any(year.Contains);

    /// <summary>A department of the reference date: name, eligible headcount, participants (people).</summary>
    public sealed record Group(string Department, int Headcount, int Participants);

    /// <summary>
    /// The departments whose headcount, and those whose participant count, are not shown (the privacy rule of
    /// <see cref="TeleworkRules"/>): the page, the summary export and the use cases all take it from here through
    /// <see cref="Compute"/>.
    /// <list type="number">
    /// <item>Headcount: hidden below <paramref name="minimumGroup"/>; while the hidden departments together have fewer
    /// people than the minimum (the city total minus the shown departments would give them), the smallest shown department
    /// is hidden too.</item>
    /// <item>Participants: hidden for every department whose headcount is hidden, and for 1 … minimum − 1 participants (0 is
    /// shown: it names nobody); while the hidden participants together are 1 … minimum − 1, the shown department with the
    /// fewest participants (but at least one) is hidden too.</item>
    /// </list>
    /// </summary>
    public static (HashSet<string> Headcount, HashSet<string> Participants) SuppressDepartments(IReadOnlyList<Group> groups, int minimumGroup)
    {
        var hidden = groups.Where(g => g.Headcount < minimumGroup).Select(g => g.Department).ToHashSet();
        while (hidden.Count > 0 && groups.Where(g => hidden.Contains(g.Department)).Sum(g => g.Headcount) < minimumGroup && hidden.Count < groups.Count)
            hidden.Add(groups.Where(g => !hidden.Contains(g.Department)).MinBy(g => g.Headcount)!.Department);

        var hiddenPart = groups.Where(g => hidden.Contains(g.Department) || Suppress(g.Participants, minimumGroup) is null).Select(g => g.Department).ToHashSet();
        while (groups.Where(g => hiddenPart.Contains(g.Department)).Sum(g => g.Participants) is var sum && sum > 0 && sum < minimumGroup
               && groups.Where(g => !hiddenPart.Contains(g.Department) && g.Participants > 0).MinBy(g => g.Participants) is { } next)
            hiddenPart.Add(next.Department);
        return (hidden, hiddenPart);
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

    /// <summary>Shown instead of a figure of a fiscal year without any telework day recorded (not 0 %).</summary>
    public const string NotMeasuredLabel = "未測定";

    /// <summary>Standard working hours per day used to turn hours into a day fraction (7.75 時間).</summary>
    public const decimal HoursPerDay = 7.75m;
}
