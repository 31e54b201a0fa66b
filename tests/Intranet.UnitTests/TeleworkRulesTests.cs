using Intranet.Modules.Telework.Domain;
using Intranet.Shared.Time;

namespace Intranet.UnitTests;

/// <summary>
/// The telework rules of issue #5 (<see cref="TeleworkRules"/>, the doc comment is the spec), computed on hand-built
/// rosters: the headcount is the staff employed and eligible on the reference date (April 1 by default, or a
/// configured MM-dd, Jan–Mar falling in the next calendar year); participants are staff of the headcount with a
/// telework day in the fiscal year on a day they were employed and eligible; staff moving between eligible and
/// ineligible workplaces mid-year, leavers, joiners; rates rounded to 0.1 %; groups smaller than the minimum
/// (departments, a month's participants, the manager-trial count) suppressed, the whole-city rate never;
/// eligibility rules matched on each field.
/// </summary>
public class TeleworkRulesTests
{
    private static readonly FiscalYear Fy2025 = new(2025);

    /// <summary>Hadano's rules, as the migration seeds them.</summary>
    private static readonly EligibilityRule[] Hadano =
    [
        new() { Field = EligibilityField.WorkplaceType, Value = "こども園", Reason = "こども園勤務" },
        new() { Field = EligibilityField.WorkplaceType, Value = "幼稚園", Reason = "幼稚園勤務" },
        new() { Field = EligibilityField.WorkplaceType, Value = "消防署", Reason = "消防署勤務" },
    ];

    private static DateOnly D(string iso) => DateOnly.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    private sealed record A(string From, string Department = "総務課", string WorkplaceType = "本庁", bool Manager = false, string Category = "正規");

    private static StaffMember Person(string number, string activeFrom = "2020-04-01", string? activeTo = null, params A[] assignments)
    {
        var s = new StaffMember { EmployeeNumber = number, Name = "職員" + number, ActiveFrom = D(activeFrom), ActiveTo = activeTo is null ? null : D(activeTo) };
        if (assignments.Length == 0) assignments = [new A(activeFrom)];
        foreach (var a in assignments)
            s.Assignments.Add(new StaffAssignment
            {
                StaffId = s.Id, From = D(a.From), Department = a.Department, Workplace = a.WorkplaceType == "本庁" ? "本庁舎" : "南" + a.WorkplaceType,
                WorkplaceType = a.WorkplaceType, IsManager = a.Manager, EmploymentCategory = a.Category,
            });
        return s;
    }

    private static TeleworkDay Day(StaffMember s, string date, decimal fraction = 1, bool trial = false) =>
        new() { StaffId = s.Id, Date = D(date), Type = TeleworkType.Home, DayFraction = fraction, ManagerTrial = trial, RecordedBy = "test" };

    private static TeleworkYear Compute(IReadOnlyList<StaffMember> staff, IReadOnlyList<TeleworkDay> days, string? reference = null, int minimumGroup = 5,
        IReadOnlyList<EligibilityRule>? rules = null, FiscalYear? year = null) =>
        TeleworkRules.Compute(year ?? Fy2025, staff, days, rules ?? Hadano, reference, minimumGroup);

    /// <summary><paramref name="count"/> eligible staff of one department, numbered from <paramref name="first"/>.</summary>
    private static List<StaffMember> Crowd(int count, string department = "総務課", int first = 1) =>
        Enumerable.Range(first, count).Select(i => Person($"C{i:0000}", assignments: new A("2020-04-01", department))).ToList();

    // ---- headcount on the reference date ------------------------------------------------------------

    [Fact]
    public void The_headcount_is_the_staff_employed_and_eligible_on_April_1()
    {
        var main = Person("H1");                                                         // 本庁 since 2020: in
        var kodomoen = Person("H2", assignments: new A("2020-04-01", "保育こども園課", "こども園"));   // ineligible workplace: out
        var fire = Person("H3", assignments: new A("2020-04-01", "消防総務課", "消防署"));          // out
        var joinsOnTheDay = Person("H4", "2025-04-01");                                  // employed on April 1: in
        var joinsNextDay = Person("H5", "2025-04-02");                                   // joins later: out
        var leftBefore = Person("H6", activeTo: "2025-03-31");                           // left at the end of FY2024: out
        var leavesOnTheDay = Person("H7", activeTo: "2025-04-01");                       // last day is April 1: in
        var leavesInSeptember = Person("H8", activeTo: "2025-09-30");                    // employed on April 1: in

        var y = Compute([main, kodomoen, fire, joinsOnTheDay, joinsNextDay, leftBefore, leavesOnTheDay, leavesInSeptember], [], minimumGroup: 1);

        Assert.Equal(new DateOnly(2025, 4, 1), y.ReferenceDate);
        Assert.Equal(4, y.Headcount);
        Assert.False(y.Measured);                        // no telework day at all: not measured, not 0 %
        Assert.Null(y.Participants);
        Assert.Null(y.Rate);
        Assert.Null(y.DaysPerParticipant);
        var dept = Assert.Single(y.Departments);
        Assert.Equal(("総務課", 4), (dept.Department, dept.Headcount));
    }

    [Fact]
    public void Someone_who_becomes_eligible_after_April_1_is_not_in_the_headcount_and_their_days_do_not_count()
    {
        var anchor = Crowd(4);
        // こども園 on April 1, moves to the city hall on July 1 and teleworks in August: not in the FY2025 headcount.
        var movesIn = Person("M1", assignments: [new A("2020-04-01", "保育こども園課", "こども園"), new A("2025-07-01", "総務課", "本庁")]);
        // Employed since 2020 but their first assignment starts on June 1: no assignment on April 1, so not eligible then.
        var noAssignmentYet = Person("M2", assignments: new A("2025-06-01"));
        // Joins in May.
        var joiner = Person("M3", "2025-05-01");
        var days = new[] { Day(anchor[0], "2025-05-12"), Day(movesIn, "2025-08-01"), Day(noAssignmentYet, "2025-08-01"), Day(joiner, "2025-08-01") };

        var y = Compute([.. anchor, movesIn, noAssignmentYet, joiner], days, minimumGroup: 1);

        Assert.Equal(4, y.Headcount);
        Assert.Equal(1, y.Participants);
        Assert.Equal(25.0m, y.Rate);
        Assert.Equal(1.0m, y.DaysPerParticipant);       // the three others' days are not counted at all
        Assert.Equal(1, y.Months.Single(m => m.Month == 5).Participants);
        Assert.Equal(0, y.Months.Single(m => m.Month == 8).Participants);
        Assert.Equal(0m, y.Months.Single(m => m.Month == 8).Days);
    }

    [Fact]
    public void Days_after_moving_to_an_ineligible_workplace_do_not_count()
    {
        // Both are at the city hall on April 1 and move to こども園 on October 1.
        var onlyAfter = Person("K1", assignments: [new A("2020-04-01"), new A("2025-10-01", "保育こども園課", "こども園")]);
        var before = Person("K2", assignments: [new A("2020-04-01"), new A("2025-10-01", "保育こども園課", "こども園")]);
        var days = new[]
        {
            Day(onlyAfter, "2025-10-01"), Day(onlyAfter, "2025-11-05"),   // on and after the move: not counted
            Day(before, "2025-09-30"), Day(before, "2025-10-02"),         // the day before the move counts
        };

        var y = Compute([onlyAfter, before], days, minimumGroup: 1);

        Assert.Equal(2, y.Headcount);                   // eligible on April 1
        Assert.Equal(1, y.Participants);
        Assert.Equal(50.0m, y.Rate);
        Assert.Equal(1.0m, y.DaysPerParticipant);       // only 2025-09-30
        Assert.Equal(1, y.Months.Single(m => m.Month == 9).Participants);
        Assert.Equal(0, y.Months.Single(m => m.Month == 10).Participants);
        Assert.Equal(0m, y.Months.Single(m => m.Month == 10).Days);
        Assert.Equal(0, y.Months.Single(m => m.Month == 11).Participants);
    }

    [Fact]
    public void Moving_back_to_an_eligible_workplace_counts_again_and_the_department_is_the_one_of_the_reference_date()
    {
        // 総務課 on April 1, こども園 from June, back to 企画課 (city hall) from September.
        var mover = Person("R1", assignments:
        [
            new A("2020-04-01", "総務課"), new A("2025-06-01", "保育こども園課", "こども園"), new A("2025-09-01", "企画課"),
        ]);
        var days = new[] { Day(mover, "2025-07-01"), Day(mover, "2025-09-10", 0.5m) };

        var y = Compute([mover], days, minimumGroup: 1);

        Assert.Equal((1, 1), (y.Headcount, y.Participants));
        Assert.Equal(0.5m, y.DaysPerParticipant);       // July (こども園) does not count, September does
        var dept = Assert.Single(y.Departments);
        Assert.Equal("総務課", dept.Department);         // the department on April 1, not 企画課
        Assert.Equal((1, 1, 100.0m), (dept.Headcount, dept.Participants, dept.Rate));
    }

    [Fact]
    public void A_leaver_counts_for_days_before_leaving_and_not_after()
    {
        var leftInJune = Person("L1", activeTo: "2025-06-30");
        var leftInJuneWithLateDay = Person("L2", activeTo: "2025-06-30");
        var days = new[] { Day(leftInJune, "2025-06-30"), Day(leftInJuneWithLateDay, "2025-07-01") };

        var y = Compute([leftInJune, leftInJuneWithLateDay], days, minimumGroup: 1);

        Assert.Equal(2, y.Headcount);                   // both employed on April 1
        Assert.Equal(1, y.Participants);                // a day after the last day of employment does not count
        Assert.Equal(50.0m, y.Rate);
        Assert.Equal(0, y.Months.Single(m => m.Month == 7).Participants);
    }

    [Fact]
    public void Only_days_of_the_fiscal_year_count()
    {
        var staff = Crowd(4);
        var days = new[]
        {
            Day(staff[0], "2025-03-31"),   // FY2024
            Day(staff[1], "2026-04-01"),   // FY2026
            Day(staff[2], "2025-04-01"),   // first day of FY2025
            Day(staff[3], "2026-03-31"),   // last day of FY2025
        };
        var y = Compute(staff, days, minimumGroup: 1);
        Assert.Equal(2, y.Participants);
        Assert.Equal(50.0m, y.Rate);
        Assert.Equal(1, y.Months[0].Participants);
        Assert.Equal(1, y.Months[11].Participants);

        var fy2024 = Compute(staff, days, minimumGroup: 1, year: new FiscalYear(2024));
        Assert.Equal((4, 1, 25.0m), (fy2024.Headcount, fy2024.Participants, fy2024.Rate));
    }

    [Fact]
    public void Several_days_of_one_person_make_one_participant()
    {
        var staff = Crowd(10);
        var days = new[]
        {
            Day(staff[0], "2025-05-12"), Day(staff[0], "2025-05-12"),   // the same day twice (the importer keeps one, see TeleworkTests)
            Day(staff[0], "2025-05-13", 0.5m), Day(staff[0], "2025-11-04"),
            Day(staff[1], "2025-05-12"),
        };
        var y = Compute(staff, days, minimumGroup: 1);
        Assert.Equal(2, y.Participants);
        Assert.Equal(20.0m, y.Rate);
        Assert.Equal(2, y.Months.Single(m => m.Month == 5).Participants);
        Assert.Equal(20.0m, y.Months.Single(m => m.Month == 5).Rate);
        Assert.Equal(1, y.Months.Single(m => m.Month == 11).Participants);
        Assert.Equal(10.0m, y.Months.Single(m => m.Month == 11).Rate);
    }

    // ---- a configured reference date ----------------------------------------------------------------

    [Theory]
    [InlineData(2025, null, "2025-04-01")]
    [InlineData(2025, "04-01", "2025-04-01")]
    [InlineData(2025, "10-01", "2025-10-01")]
    [InlineData(2025, "12-31", "2025-12-31")]
    [InlineData(2025, "01-10", "2026-01-10")]     // January to March fall in the next calendar year
    [InlineData(2025, "03-31", "2026-03-31")]
    [InlineData(2023, "02-29", "2024-02-29")]     // leap year
    [InlineData(2024, "02-29", "2025-02-28")]     // no February 29 in 2025: the last day of February
    [InlineData(2025, "", "2025-04-01")]          // not a MM-dd setting: April 1
    [InlineData(2025, "4-1", "2025-04-01")]
    [InlineData(2025, "13-01", "2025-04-01")]
    [InlineData(2025, "ab-cd", "2025-04-01")]
    public void The_reference_date_of_a_fiscal_year(int fy, string? setting, string expected) =>
        Assert.Equal(D(expected), TeleworkRules.ReferenceDate(new FiscalYear(fy), setting));

    [Fact]
    public void With_reference_date_October_1_the_headcount_is_taken_on_October_1()
    {
        var main = Person("Q1");
        var joinsInJune = Person("Q2", "2025-06-01");                                               // in on October 1
        var leavesInSeptember = Person("Q3", activeTo: "2025-09-30");                               // gone on October 1
        var movesToKodomoenInJuly = Person("Q4", assignments: [new A("2020-04-01"), new A("2025-07-01", "保育こども園課", "こども園")]);
        var movesInFromKodomoenInAugust = Person("Q5", assignments: [new A("2020-04-01", "保育こども園課", "こども園"), new A("2025-08-01", "企画課")]);
        StaffMember[] staff = [main, joinsInJune, leavesInSeptember, movesToKodomoenInJuly, movesInFromKodomoenInAugust];
        var days = new[]
        {
            Day(joinsInJune, "2025-06-15"),                 // before the reference date, while employed and eligible: counts
            Day(leavesInSeptember, "2025-05-01"),           // not in the October headcount
            Day(movesToKodomoenInJuly, "2025-05-01"),       // not in the October headcount
            Day(movesInFromKodomoenInAugust, "2025-07-20"), // in the headcount, but this day was at こども園
            Day(movesInFromKodomoenInAugust, "2025-08-20"), // eligible: counts
        };

        var october = Compute(staff, days, "10-01", minimumGroup: 1);
        Assert.Equal(new DateOnly(2025, 10, 1), october.ReferenceDate);
        Assert.Equal(3, october.Headcount);            // Q1, Q2, Q5
        Assert.Equal(2, october.Participants);         // Q2, Q5
        Assert.Equal(66.7m, october.Rate);
        Assert.Equal(1.0m, october.DaysPerParticipant);
        // Q5 is counted in their department of October 1 (企画課); ordinal order puts 企 (U+4F01) before 総 (U+7DCF).
        Assert.Equal([("企画課", 1), ("総務課", 2)], october.Departments.Select(d => (d.Department, d.Headcount)));

        var april = Compute(staff, days, minimumGroup: 1);
        Assert.Equal(3, april.Headcount);               // Q1, Q3, Q4
        Assert.Equal(2, april.Participants);            // Q3, Q4 (May, before Q4's move)
        Assert.Equal(66.7m, april.Rate);
    }

    [Fact]
    public void A_reference_date_in_January_takes_the_headcount_in_the_next_calendar_year()
    {
        var main = Person("J1");
        var joinsInDecember = Person("J2", "2025-12-01");
        var leftInDecember = Person("J3", activeTo: "2025-12-31");
        var joinsInFebruary = Person("J4", "2026-02-01");
        var days = new[] { Day(joinsInDecember, "2025-12-10"), Day(leftInDecember, "2025-05-01") };

        var y = Compute([main, joinsInDecember, leftInDecember, joinsInFebruary], days, "01-10", minimumGroup: 1);

        Assert.Equal(new DateOnly(2026, 1, 10), y.ReferenceDate);
        Assert.Equal(2, y.Headcount);                  // J1, J2
        Assert.Equal(1, y.Participants);               // J2
        Assert.Equal(50.0m, y.Rate);
    }

    // ---- rounding -----------------------------------------------------------------------------------

    [Theory]
    [InlineData(20, 5, 25.0)]
    [InlineData(16, 1, 6.3)]       // 6.25: half away from zero, not to even (6.2)
    [InlineData(16, 3, 18.8)]      // 18.75
    [InlineData(8, 1, 12.5)]
    [InlineData(3, 1, 33.3)]
    [InlineData(3, 2, 66.7)]
    [InlineData(7, 7, 100.0)]
    [InlineData(800, 117, 14.6)]   // 14.625
    [InlineData(800, 58, 7.3)]     // 7.25
    public void The_rate_is_rounded_to_a_tenth_of_a_percent_half_away_from_zero(int headcount, int participants, double expected)
    {
        var staff = Crowd(headcount);
        var days = staff.Take(participants).Select(s => Day(s, "2025-06-02")).ToList();
        var y = Compute(staff, days, minimumGroup: 1);
        Assert.Equal((decimal)expected, y.Rate);
        Assert.Equal((decimal)expected, y.Months.Single(m => m.Month == 6).Rate);
        Assert.Equal((decimal)expected, Assert.Single(y.Departments).Rate);
    }

    [Fact]
    public void No_headcount_means_no_rate()
    {
        var kodomoen = Person("N1", assignments: new A("2020-04-01", "保育こども園課", "こども園"));
        var y = Compute([kodomoen], [Day(kodomoen, "2025-05-01")], minimumGroup: 1);
        Assert.Equal((0, 0), (y.Headcount, y.Participants));
        Assert.Null(y.Rate);
        Assert.Null(y.DaysPerParticipant);
        Assert.All(y.Months, m => Assert.Null(m.Rate));
        Assert.Empty(y.Departments);
    }

    [Fact]
    public void Days_per_participant_sum_the_day_fractions()
    {
        var staff = Crowd(10);
        var days = new[]
        {
            Day(staff[0], "2025-05-01"), Day(staff[0], "2025-05-02", 0.5m), Day(staff[0], "2025-06-02", 0.25m),
            Day(staff[1], "2025-05-01"), Day(staff[2], "2025-05-01", 0.5m),
        };
        var y = Compute(staff, days, minimumGroup: 1);
        Assert.Equal(3, y.Participants);
        Assert.Equal(1.1m, y.DaysPerParticipant);       // 3.25 ÷ 3 = 1.083…
        Assert.Equal(3.0m, y.Months.Single(m => m.Month == 5).Days);
        Assert.Equal(0.25m, y.Months.Single(m => m.Month == 6).Days);
    }

    /// <summary>
    /// 1.25 days per participant: the rate of the same figures is rounded half away from zero (四捨五入, as every
    /// figure of the suite), so 1人あたり日数 should read 1.3, not 1.2 (banker's rounding).
    /// </summary>
    [Fact]
    public void Days_per_participant_are_rounded_half_away_from_zero_like_the_rate()
    {
        var staff = Crowd(10);
        var days = new[] { Day(staff[0], "2025-05-01"), Day(staff[0], "2025-05-02", 0.5m), Day(staff[1], "2025-05-01") };
        var y = Compute(staff, days, minimumGroup: 1);
        Assert.Equal(2, y.Participants);
        Assert.Equal(1.3m, y.DaysPerParticipant);       // 2.5 ÷ 2 = 1.25
    }

    // ---- privacy: small groups ----------------------------------------------------------------------

    [Theory]
    [InlineData(0, 5, 0)]
    [InlineData(1, 5, null)]
    [InlineData(4, 5, null)]
    [InlineData(5, 5, 5)]
    [InlineData(123, 5, 123)]
    [InlineData(1, 1, 1)]
    [InlineData(9, 10, null)]
    [InlineData(10, 10, 10)]
    public void A_count_below_the_minimum_group_is_suppressed_but_zero_is_shown(int count, int minimum, int? shown) =>
        Assert.Equal(shown, TeleworkRules.Suppress(count, minimum));

    [Fact]
    public void A_department_smaller_than_the_minimum_is_suppressed()
    {
        var staff = new List<StaffMember>();
        staff.AddRange(Crowd(4, "人事課", 1));        // 4 people: suppressed
        staff.AddRange(Crowd(5, "企画課", 100));      // exactly 5: shown
        staff.AddRange(Crowd(12, "総務課", 200));
        var days = new[] { Day(staff[0], "2025-05-01"), Day(staff[4], "2025-05-01"), Day(staff[9], "2025-05-01"), Day(staff[10], "2025-05-01") };

        var y = Compute(staff, days);

        Assert.Equal((21, 4), (y.Headcount, y.Participants));
        Assert.Equal(19.0m, y.Rate);                    // the whole city is always shown
        Assert.Equal(["人事課", "企画課", "総務課"], y.Departments.Select(d => d.Department));   // ordinal: 人 U+4EBA, 企 U+4F01, 総 U+7DCF
        var hr = y.Departments.Single(d => d.Department == "人事課");
        Assert.True(hr.Suppressed);
        Assert.Null(hr.Participants);
        Assert.Null(hr.Rate);
        // Secondary suppression: 人事課 alone (4) is under the minimum, so the smallest shown department is hidden
        // too; otherwise the city total minus the shown departments would give 人事課's figures.
        var planning = y.Departments.Single(d => d.Department == "企画課");
        Assert.True(planning.Suppressed);
        Assert.Equal((5, (int?)null, (decimal?)null), (planning.Headcount, planning.Participants, planning.Rate));
        var general = y.Departments.Single(d => d.Department == "総務課");
        Assert.False(general.Suppressed);
        Assert.Equal((12, (int?)null, (decimal?)null), (general.Headcount, general.Participants, general.Rate));   // 2 participants: a small group

        // With a minimum group of 4, 人事課's headcount is shown; its one participant is not (nor anyone's: 1, 1 and 2 people).
        var four = Compute(staff, days, minimumGroup: 4).Departments.Single(d => d.Department == "人事課");
        Assert.Equal((false, 4, (int?)null, (decimal?)null), (four.Suppressed, four.Headcount, four.Participants, four.Rate));
        // With a minimum of 1 everything is shown.
        var one = Compute(staff, days, minimumGroup: 1).Departments.Single(d => d.Department == "人事課");
        Assert.Equal((false, 4, (int?)1, (decimal?)25.0m), (one.Suppressed, one.Headcount, one.Participants, one.Rate));
    }

    // ---- issue #9: a year without source data is not measured --------------------------------------------

    [Fact]
    public void A_fiscal_year_without_any_telework_day_is_not_measured_and_has_no_rate()
    {
        var staff = Crowd(20);
        var days = new[] { Day(staff[0], "2024-06-03"), Day(staff[1], "2026-04-01") };   // FY2024 and FY2026, nothing in FY2025

        var y = Compute(staff, days);

        Assert.False(y.Measured);
        Assert.Equal(20, y.Headcount);                   // the roster is known
        Assert.Null(y.Participants);
        Assert.Null(y.Rate);                             // not 0.0 %
        Assert.Null(y.DaysPerParticipant);
        Assert.Null(y.ManagerTrialParticipants);
        Assert.All(y.Months, m => Assert.Equal(((int?)null, (decimal?)null), (m.Participants, m.Rate)));
        var dept = Assert.Single(y.Departments);
        Assert.Equal(((int?)20, (int?)null, (decimal?)null), (dept.ShownHeadcount, dept.Participants, dept.Rate));
        Assert.False(TeleworkRules.IsMeasured(Fy2025, days.Select(d => d.Date)));
        Assert.True(TeleworkRules.IsMeasured(new FiscalYear(2024), days.Select(d => d.Date)));
    }

    [Fact]
    public void A_year_whose_only_days_do_not_count_is_measured_and_its_rate_is_zero()
    {
        var staff = Crowd(20);
        var kodomoen = Person("K1", assignments: new A("2020-04-01", "保育こども園課", "こども園"));
        // Telework is recorded in FY2025, but only by someone out of scope: the year has data, and 0 of 20 teleworked.
        var y = Compute([.. staff, kodomoen], [Day(kodomoen, "2025-05-01")]);

        Assert.True(y.Measured);
        Assert.Equal((20, (int?)0, (decimal?)0.0m), (y.Headcount, y.Participants, y.Rate));
        Assert.Equal(((int?)0, (decimal?)0.0m), (y.Departments.Single().Participants, y.Departments.Single().Rate));
    }

    [Fact]
    public void A_department_with_one_to_four_participants_shows_a_dash_and_zero_is_shown()
    {
        var staff = new List<StaffMember>();
        staff.AddRange(Crowd(10, "人事課", 1));       // 1 participant: hidden
        staff.AddRange(Crowd(10, "企画課", 100));     // 0 participants: shown (names nobody)
        staff.AddRange(Crowd(10, "総務課", 200));     // 6 participants: shown … unless needed to protect 人事課
        staff.AddRange(Crowd(10, "財政課", 300));     // 5 participants
        var days = new List<TeleworkDay> { Day(staff[0], "2025-05-01") };
        days.AddRange(staff.Skip(20).Take(6).Select(s => Day(s, "2025-05-02")));
        days.AddRange(staff.Skip(30).Take(5).Select(s => Day(s, "2025-05-03")));

        var y = Compute(staff, days);

        Assert.Equal(((int?)12, (decimal?)30.0m), (y.Participants, y.Rate));   // the whole city is always shown
        var byName = y.Departments.ToDictionary(d => d.Department);
        Assert.All(byName.Values, d => Assert.False(d.Suppressed));        // every headcount (10) is shown
        Assert.Equal(((int?)null, (decimal?)null), (byName["人事課"].Participants, byName["人事課"].Rate));
        Assert.Equal(((int?)0, (decimal?)0.0m), (byName["企画課"].Participants, byName["企画課"].Rate));
        // Secondary: 12 − 0 − 6 − 5 would give 人事課's one participant, so the smallest shown non-zero count (財政課, 5) is hidden too.
        Assert.Equal(((int?)null, (decimal?)null), (byName["財政課"].Participants, byName["財政課"].Rate));
        Assert.Equal(((int?)6, (decimal?)60.0m), (byName["総務課"].Participants, byName["総務課"].Rate));
        var shownSum = y.Departments.Sum(d => d.Participants ?? 0);
        Assert.True(y.Participants - shownSum >= 5, "the hidden participants together are at least the minimum group");
    }

    [Theory]
    [InlineData(new[] { 1, 6, 5 }, 5, new[] { true, false, true })]     // 1 hidden, then 5 (smallest non-zero) joins: 6 hidden
    [InlineData(new[] { 5, 6, 7 }, 5, new[] { false, false, false })]   // nothing small
    [InlineData(new[] { 2, 3, 9 }, 5, new[] { true, true, false })]     // 2 + 3 = 5: enough together
    [InlineData(new[] { 0, 0, 9 }, 5, new[] { false, false, false })]   // zeros name nobody
    [InlineData(new[] { 4, 0, 0 }, 5, new[] { true, false, false })]    // nothing else to hide: the city total is shown anyway
    public void Participant_counts_are_suppressed_below_the_minimum_with_secondary_suppression(int[] participants, int minimum, bool[] hidden)
    {
        var groups = participants.Select((p, i) => new TeleworkRules.Group($"課{i}", 20, p)).ToList();
        var (heads, parts) = TeleworkRules.SuppressDepartments(groups, minimum);
        Assert.Empty(heads);
        Assert.Equal(hidden, groups.Select(g => parts.Contains(g.Department)));
    }

    [Fact]
    public void Departments_are_sorted_by_name()
    {
        var staff = new List<StaffMember>();
        staff.AddRange(Crowd(5, "福祉総務課", 1));
        staff.AddRange(Crowd(5, "企画課", 10));
        staff.AddRange(Crowd(5, "人事課", 20));
        var y = Compute(staff, []);
        Assert.Equal(["人事課", "企画課", "福祉総務課"], y.Departments.Select(d => d.Department));   // ordinal: 人 U+4EBA, 企 U+4F01, 福 U+798F
    }

    [Fact]
    public void A_month_with_one_to_four_participants_is_suppressed_and_a_month_without_any_shows_zero()
    {
        var staff = Crowd(20);
        var days = new List<TeleworkDay>();
        days.AddRange(staff.Take(3).Select(s => Day(s, "2025-04-15")));           // April: 3 people → 「—」
        days.AddRange(staff.Take(5).Select(s => Day(s, "2025-06-16")));           // June: 5 people → shown
        days.Add(Day(staff[0], "2025-06-17", 0.5m));
        days.AddRange(staff.Skip(10).Take(4).Select(s => Day(s, "2026-01-07")));  // January: 4 people → 「—」

        var y = Compute(staff, days);

        Assert.Equal(12, y.Months.Count);
        Assert.Equal(["4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月", "1月", "2月", "3月"], y.Months.Select(m => m.Label));
        Assert.Equal((2025, 4), (y.Months[0].Year, y.Months[0].Month));
        Assert.Equal((2026, 3), (y.Months[11].Year, y.Months[11].Month));

        var april = y.Months[0];
        Assert.Null(april.Participants);
        Assert.Null(april.Rate);
        Assert.Equal(0, april.RateValue);
        var may = y.Months[1];
        Assert.Equal(0, may.Participants);
        Assert.Equal(0.0m, may.Rate);
        var june = y.Months[2];
        Assert.Equal(5, june.Participants);
        Assert.Equal(25.0m, june.Rate);
        Assert.Equal(5.5m, june.Days);
        var january = y.Months[9];
        Assert.Equal((2026, 1), (january.Year, january.Month));
        Assert.Null(january.Participants);
        Assert.Null(january.Rate);

        Assert.Equal(9, y.Participants);               // staff 0–4 and 10–13
        Assert.Equal(45.0m, y.Rate);
    }

    [Fact]
    public void The_manager_trial_count_counts_managers_on_the_day_and_is_suppressed_below_the_minimum()
    {
        List<StaffMember> Managers(int n, int first) =>
            Enumerable.Range(first, n).Select(i => Person($"G{i:000}", assignments: new A("2020-04-01", Manager: true))).ToList();

        var managers = Managers(5, 1);
        var clerk = Person("X1");
        // Promoted on October 1: a trial day before the promotion is not a manager's.
        var promoted = Person("X2", assignments: [new A("2020-04-01"), new A("2025-10-01", Manager: true)]);
        StaffMember[] staff = [.. managers, clerk, promoted];

        List<TeleworkDay> Days(int trialManagers) =>
        [
            .. managers.Take(trialManagers).Select(m => Day(m, "2025-07-01", trial: true)),
            .. managers.Skip(trialManagers).Select(m => Day(m, "2025-07-01")),   // teleworked, but not in the trial
            Day(clerk, "2025-07-01", trial: true),                               // flagged, but not a manager
            Day(promoted, "2025-09-30", trial: true),
        ];

        Assert.Equal(0, Compute(staff, Days(0)).ManagerTrialParticipants);
        Assert.Null(Compute(staff, Days(1)).ManagerTrialParticipants);
        Assert.Null(Compute(staff, Days(4)).ManagerTrialParticipants);
        Assert.Equal(5, Compute(staff, Days(5)).ManagerTrialParticipants);
        Assert.Equal(4, Compute(staff, Days(4), minimumGroup: 1).ManagerTrialParticipants);

        // After the promotion the same person's trial day counts.
        var later = Days(4);
        later.Add(Day(promoted, "2025-10-02", trial: true));
        Assert.Equal(5, Compute(staff, later).ManagerTrialParticipants);
        // Two trial days of one manager are one manager.
        later.Add(Day(managers[0], "2025-07-02", trial: true));
        Assert.Equal(5, Compute(staff, later).ManagerTrialParticipants);
    }

    [Fact]
    public void A_manager_trial_day_at_an_ineligible_workplace_does_not_count()
    {
        var managers = Enumerable.Range(1, 5).Select(i => Person($"F{i}", assignments:
            [new A("2020-04-01", Manager: true), new A("2025-10-01", "消防総務課", "消防署", Manager: true)])).ToList();
        var days = managers.Select(m => Day(m, "2025-10-15", trial: true)).ToList();
        var y = Compute(managers, days);
        Assert.Equal(5, y.Headcount);
        Assert.Equal(0, y.Participants);
        Assert.Equal(0, y.ManagerTrialParticipants);
    }

    [Fact]
    public void The_whole_city_rate_is_shown_even_with_one_participant()
    {
        var staff = Crowd(20);
        var y = Compute(staff, [Day(staff[3], "2025-08-08")]);
        Assert.Equal(1, y.Participants);
        Assert.Equal(5.0m, y.Rate);
        Assert.Null(y.Months.Single(m => m.Month == 8).Participants);
    }

    // ---- eligibility rules --------------------------------------------------------------------------

    private static StaffAssignment Assignment(string department = "総務課", string workplaceType = "本庁", string category = "正規", string workplace = "本庁舎") =>
        new() { From = new DateOnly(2020, 4, 1), Department = department, Workplace = workplace, WorkplaceType = workplaceType, EmploymentCategory = category };

    [Fact]
    public void A_rule_matches_on_the_workplace_type()
    {
        Assert.Equal("こども園勤務", TeleworkRules.IneligibleReason(Assignment("保育こども園課", "こども園", workplace: "南こども園"), Hadano));
        Assert.Equal("幼稚園勤務", TeleworkRules.IneligibleReason(Assignment("保育こども園課", "幼稚園", workplace: "北幼稚園"), Hadano));
        Assert.Equal("消防署勤務", TeleworkRules.IneligibleReason(Assignment("消防総務課", "消防署", workplace: "中消防署"), Hadano));
        Assert.Null(TeleworkRules.IneligibleReason(Assignment("上下水道総務課", "出先機関", workplace: "上下水道局庁舎"), Hadano));
        // The rule looks at the type, not the workplace's name nor a type that merely contains the value.
        Assert.Null(TeleworkRules.IneligibleReason(Assignment("保育こども園課", "本庁", workplace: "こども園"), Hadano));
        Assert.Null(TeleworkRules.IneligibleReason(Assignment("保育こども園課", "こども園分室"), Hadano));
    }

    [Fact]
    public void A_rule_matches_on_the_employment_category()
    {
        EligibilityRule[] rules = [new() { Field = EligibilityField.EmploymentCategory, Value = "会計年度任用", Reason = "会計年度任用職員は対象外" }];
        Assert.Equal("会計年度任用職員は対象外", TeleworkRules.IneligibleReason(Assignment(category: "会計年度任用"), rules));
        Assert.Null(TeleworkRules.IneligibleReason(Assignment(category: "正規"), rules));
        Assert.Null(TeleworkRules.IneligibleReason(Assignment(department: "会計年度任用"), rules));   // another field
    }

    [Fact]
    public void A_rule_matches_on_the_department()
    {
        EligibilityRule[] rules = [new() { Field = EligibilityField.Department, Value = "消防総務課", Reason = "消防職員" }];
        Assert.Equal("消防職員", TeleworkRules.IneligibleReason(Assignment(department: "消防総務課"), rules));
        Assert.Null(TeleworkRules.IneligibleReason(Assignment(department: "総務課"), rules));
        Assert.Null(TeleworkRules.IneligibleReason(Assignment(workplaceType: "消防総務課"), rules));   // another field
    }

    [Fact]
    public void Rule_values_are_compared_trimmed_and_the_first_matching_rule_gives_the_reason()
    {
        EligibilityRule[] rules =
        [
            new() { Field = EligibilityField.Department, Value = " 総務課 ", Reason = "所属による" },
            new() { Field = EligibilityField.WorkplaceType, Value = "本庁", Reason = "勤務場所による" },
        ];
        Assert.Equal("所属による", TeleworkRules.IneligibleReason(Assignment(department: "総務課"), rules));
        Assert.Equal("所属による", TeleworkRules.IneligibleReason(Assignment(department: "総務課 "), rules));
        Assert.Equal("勤務場所による", TeleworkRules.IneligibleReason(Assignment(department: "企画課"), rules));
        Assert.Null(TeleworkRules.IneligibleReason(Assignment(department: "企画課", workplaceType: "出先機関"), rules));
        Assert.Null(TeleworkRules.IneligibleReason(Assignment(department: "企画課"), []));
    }

    [Fact]
    public void Without_an_assignment_nobody_is_eligible()
    {
        Assert.Equal("所属情報がありません", TeleworkRules.IneligibleReason(null, Hadano));
        Assert.Equal("所属情報がありません", TeleworkRules.IneligibleReason(null, []));
        var late = Person("Z1", assignments: new A("2025-06-01"));
        Assert.Null(late.AssignmentOn(new DateOnly(2025, 5, 31)));
        Assert.False(TeleworkRules.EligibleOn(late, new DateOnly(2025, 5, 31), Hadano));
        Assert.True(TeleworkRules.EligibleOn(late, new DateOnly(2025, 6, 1), Hadano));
    }

    [Fact]
    public void Rules_are_data_a_new_rule_changes_the_headcount()
    {
        var staff = new List<StaffMember>();
        staff.AddRange(Enumerable.Range(1, 6).Select(i => Person($"P{i}", assignments: new A("2020-04-01", Category: "正規"))));
        staff.AddRange(Enumerable.Range(7, 4).Select(i => Person($"P{i}", assignments: new A("2020-04-01", Category: "会計年度任用"))));
        var days = new[] { Day(staff[0], "2025-05-01"), Day(staff[7], "2025-05-01") };

        var hadano = Compute(staff, days, minimumGroup: 1);
        Assert.Equal((10, 2, 20.0m), (hadano.Headcount, hadano.Participants, hadano.Rate));

        EligibilityRule[] stricter = [.. Hadano, new() { Field = EligibilityField.EmploymentCategory, Value = "会計年度任用", Reason = "対象外" }];
        var y = Compute(staff, days, minimumGroup: 1, rules: stricter);
        Assert.Equal((6, 1, 16.7m), (y.Headcount, y.Participants, y.Rate));

        // Without any rule, こども園 staff are eligible too.
        var kodomoen = Person("P11", assignments: new A("2020-04-01", "保育こども園課", "こども園"));
        var none = Compute([.. staff, kodomoen], [.. days, Day(kodomoen, "2025-05-01")], minimumGroup: 1, rules: []);
        Assert.Equal((11, 3, 27.3m), (none.Headcount, none.Participants, none.Rate));
    }

    // ---- reading import values ----------------------------------------------------------------------

    [Theory]
    [InlineData("在宅", TeleworkType.Home)]
    [InlineData("在宅勤務", TeleworkType.Home)]
    [InlineData(" Home ", TeleworkType.Home)]
    [InlineData("サテライト", TeleworkType.Satellite)]
    [InlineData("サテライトオフィス", TeleworkType.Satellite)]
    [InlineData("モバイル", TeleworkType.Mobile)]
    [InlineData("mobile", TeleworkType.Mobile)]
    [InlineData("出張", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void Telework_types_are_read_from_code_names_and_japanese_labels(string? text, TeleworkType? expected) =>
        Assert.Equal(expected, TeleworkRules.ParseType(text));

    [Fact]
    public void Staff_are_employed_from_the_first_to_the_last_day_included()
    {
        var s = Person("E1", "2020-04-01", "2025-06-30");
        Assert.False(s.IsActiveOn(new DateOnly(2020, 3, 31)));
        Assert.True(s.IsActiveOn(new DateOnly(2020, 4, 1)));
        Assert.True(s.IsActiveOn(new DateOnly(2025, 6, 30)));
        Assert.False(s.IsActiveOn(new DateOnly(2025, 7, 1)));
        Assert.True(Person("E2").IsActiveOn(new DateOnly(2099, 1, 1)));
    }

    [Theory]
    [InlineData(true, 1, 3, "33.3")]
    [InlineData(true, 2, 3, "66.7")]
    [InlineData(true, 1, 16, "6.3")]    // 6.25: half away from zero, not to even
    [InlineData(true, 0, 40, "0.0")]    // measured, nobody teleworked: 0 %
    [InlineData(true, 0, 0, null)]      // nobody counted
    [InlineData(false, 0, 40, null)]    // 未測定, never 0 %
    public void The_participation_rate_is_rounded_to_a_tenth_and_null_when_not_measured(bool measured, int participants, int headcount, string? expected) =>
        Assert.Equal(expected is null ? null : decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture),
            TeleworkRules.ParticipationRate(measured, participants, headcount));
}
