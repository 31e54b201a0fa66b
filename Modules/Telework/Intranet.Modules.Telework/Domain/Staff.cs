using Intranet.Shared.Auditing;

namespace Intranet.Modules.Telework.Domain;

/// <summary>職員: one employee, identified by employee number, with their assignments over time.</summary>
public sealed class StaffMember : IAudited, IVersioned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    /// <summary>職員番号 (unique).</summary>
    public string EmployeeNumber { get; set; } = "";
    public string Name { get; set; } = "";
    /// <summary>First day of employment (在職開始日).</summary>
    public DateOnly ActiveFrom { get; set; }
    /// <summary>Last day of employment (退職日), or null while employed.</summary>
    public DateOnly? ActiveTo { get; set; }
    /// <summary>Set when the latest roster import did not contain this person: HR should end-date them.</summary>
    public bool MissingFromLastImport { get; set; }
    /// <inheritdoc />
    public Guid Version { get; set; }
    public List<StaffAssignment> Assignments { get; set; } = [];

    /// <summary>Whether the person is employed on <paramref name="date"/>.</summary>
    public bool IsActiveOn(DateOnly date) => ActiveFrom <= date && (ActiveTo is null || date <= ActiveTo);

    /// <summary>The assignment valid on <paramref name="date"/> (latest with From ≤ date), or null.</summary>
    public StaffAssignment? AssignmentOn(DateOnly date) => Assignments.Where(a => a.From <= date).MaxBy(a => a.From);

    /// <summary>
    /// Ends the employment on <paramref name="lastDay"/> (退職日, the last day employed) and clears the
    /// 「名簿になし」 flag. Rules (issue #5, #8): the last day cannot be before the first day of employment, and
    /// no telework day may be recorded after it (<paramref name="daysAfter"/> = days recorded after
    /// <paramref name="lastDay"/>; the user must delete or correct them first).
    /// </summary>
    /// <returns>The values before the change, for an undo (<see cref="RestoreEmployment"/>).</returns>
    /// <exception cref="Intranet.Shared.Messaging.RequestValidationException">A rule above is broken (field <c>ActiveTo</c>).</exception>
    public (DateOnly? PreviousActiveTo, bool PreviousMissing) EndEmployment(DateOnly lastDay, int daysAfter)
    {
        if (lastDay < ActiveFrom)
            throw new Intranet.Shared.Messaging.RequestValidationException("ActiveTo", $"退職日が在職開始日 ({ActiveFrom:yyyy/MM/dd}) より前です。");
        if (daysAfter > 0)
            throw new Intranet.Shared.Messaging.RequestValidationException("ActiveTo", $"退職日より後のテレワーク勤務日が{daysAfter}日記録されています。日付を確認してください。");
        var previous = (ActiveTo, MissingFromLastImport);
        (ActiveTo, MissingFromLastImport) = (lastDay, false);
        return previous;
    }

    /// <summary>Undo of <see cref="EndEmployment"/>: puts back the last day and the 「名簿になし」 flag as they were.</summary>
    public void RestoreEmployment(DateOnly? previousActiveTo, bool previousMissing) =>
        (ActiveTo, MissingFromLastImport) = (previousActiveTo, previousMissing);
}


/// <summary>Where a staff member works from a date on: department, workplace, grade, employment category.</summary>
public sealed class StaffAssignment : IAudited
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid StaffId { get; set; }
    public DateOnly From { get; set; }
    public string Department { get; set; } = "";
    /// <summary>勤務場所, e.g. 本庁舎, 南こども園.</summary>
    public string Workplace { get; set; } = "";
    /// <summary>勤務場所の種類, e.g. 本庁, 出先機関, こども園, 幼稚園, 消防署.</summary>
    public string WorkplaceType { get; set; } = "";
    /// <summary>管理職 (manager grade).</summary>
    public bool IsManager { get; set; }
    /// <summary>雇用区分, e.g. 正規, 再任用, 会計年度任用.</summary>
    public string EmploymentCategory { get; set; } = "";
}

/// <summary>The attribute an eligibility rule looks at.</summary>
public enum EligibilityField
{
    /// <summary>勤務場所の種類.</summary>
    WorkplaceType,
    /// <summary>雇用区分.</summary>
    EmploymentCategory,
    /// <summary>所属.</summary>
    Department,
}

/// <summary>
/// 対象外の条件: staff whose assignment has <see cref="Value"/> in <see cref="Field"/> are not eligible, for
/// <see cref="Reason"/>. Data HR maintains (Hadano: こども園・幼稚園・消防署 are out of scope), not code.
/// </summary>
public sealed class EligibilityRule : IAudited
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public EligibilityField Field { get; set; }
    public string Value { get; set; } = "";
    public string Reason { get; set; } = "";
}

/// <summary>How a telework day was worked.</summary>
public enum TeleworkType
{
    /// <summary>在宅勤務.</summary>
    Home,
    /// <summary>サテライトオフィス勤務.</summary>
    Satellite,
    /// <summary>モバイルワーク.</summary>
    Mobile,
}

/// <summary>
/// テレワーク勤務: one day (or part day) a staff member worked remotely. One per person and date: the key is
/// (<see cref="StaffId"/>, <see cref="Date"/>), with no id of its own (issue #12: an attendance export brings millions, and a
/// 36-character id with its own index made SQLite's insert of 2,000,000 days 18.3 s instead of 12.6 s). Not audited row by
/// row; imports state who loaded which file when, and a changed day's before → after is audited under "number/date".
/// </summary>
public sealed class TeleworkDay
{
    /// <summary>The person (<see cref="StaffMember.Id"/>); first part of the key.</summary>
    public Guid StaffId { get; set; }
    /// <summary>The day worked; second part of the key.</summary>
    public DateOnly Date { get; set; }
    public TeleworkType Type { get; set; }
    /// <summary>Share of the working day, 0 &lt; fraction ≤ 1 (hours ÷ 7.75 when entered as hours).</summary>
    public decimal DayFraction { get; set; } = 1;
    /// <summary>Part of the manager trial (管理職トライアル).</summary>
    public bool ManagerTrial { get; set; }
    public string RecordedBy { get; set; } = "";
    public DateTimeOffset RecordedAt { get; set; }
}

/// <summary>A setting of the module.</summary>
public sealed class TeleworkSetting : IAudited
{
    public string Key { get; set; } = "";
    public string Value { get; set; } = "";

    /// <summary>Reference date for the headcount as <c>MM-dd</c> within the fiscal year (default <c>04-01</c>).</summary>
    public const string ReferenceDate = "ReferenceDate";
    /// <summary>Smallest group shown in aggregates (default 5 people).</summary>
    public const string MinimumGroupSize = "MinimumGroupSize";
}

/// <summary>
/// How an attendance system's export maps to telework-day fields (field → column header, plus fixed defaults),
/// saved once per source and chosen by name (<c>--mapping NAME</c>). Fields: employee_number, date, type, hours,
/// day_fraction, manager_trial.
/// </summary>
public sealed class DayMapping : IAudited
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public string Name { get; set; } = "";
    /// <summary>JSON object field → header.</summary>
    public string ColumnsJson { get; set; } = "{}";
    /// <summary>JSON object field → fixed value, for fields the source lacks.</summary>
    public string? DefaultsJson { get; set; }
}
