namespace Intranet.Modules.Telework.Domain;

/// <summary>
/// Maintained tally of one person's telework days in one calendar month (issue #12), kept up to date by every write path
/// (<see cref="UseCases.TeleworkAggregates"/>) in the same transaction as the days, so <c>/telework</c>, the summary export and
/// the plan feed never read the raw days. A row exists exactly when the person has at least one day recorded in the month.
/// Counted = <see cref="TeleworkRules.Classify"/> (employed and eligible on the day).
/// </summary>
public sealed class StaffMonth
{
    /// <summary>The person (<see cref="StaffMember.Id"/>).</summary>
    public Guid StaffId { get; set; }
    /// <summary>First day of the calendar month.</summary>
    public DateOnly Month { get; set; }
    /// <summary>Days recorded in the month (counted or not).</summary>
    public int RecordedDays { get; set; }
    /// <summary>Days that count (employed and eligible that day).</summary>
    public int CountedDays { get; set; }
    /// <summary>Counted day fractions summed, in units of 1/10,000 day (<see cref="TeleworkDay.DayFraction"/> has 4 decimals, so the sum is exact).</summary>
    public long CountedUnits { get; set; }
    /// <summary>Counted 管理職トライアル days of a manager grade (<see cref="TeleworkRules.Classify"/>).</summary>
    public int ManagerTrialDays { get; set; }

    /// <summary>Units per day of <see cref="CountedUnits"/>.</summary>
    public const decimal UnitsPerDay = 10_000m;

    /// <summary>The first day of <paramref name="date"/>'s month.</summary>
    public static DateOnly MonthOf(DateOnly date) => new(date.Year, date.Month, 1);
}

/// <summary>
/// Maintained: a period in which a person is employed and eligible (<see cref="TeleworkRules.EligiblePeriods"/>), with the
/// department of the assignment. The headcount of a reference date is the people with a period containing it; rebuilt for a
/// person when their record or assignments change, for everyone when the eligibility rules change.
/// </summary>
public sealed class EligiblePeriod
{
    /// <summary>The person.</summary>
    public Guid StaffId { get; set; }
    /// <summary>First day (inclusive).</summary>
    public DateOnly From { get; set; }
    /// <summary>Last day (inclusive); <see cref="DateOnly.MaxValue"/> when open.</summary>
    public DateOnly To { get; set; }
    /// <summary>所属 of the assignment.</summary>
    public string Department { get; set; } = "";
}
