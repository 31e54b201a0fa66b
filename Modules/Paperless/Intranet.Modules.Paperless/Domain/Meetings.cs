using Intranet.Shared.Auditing;

namespace Intranet.Modules.Paperless.Domain;

/// <summary>Category of a standing meeting (GLOSSARY.md, issue #4). Each has its own paperless rate.</summary>
public enum MeetingCategory
{
    /// <summary>庁議: 政策会議, 部長会議, 部課長会議.</summary>
    Executive,
    /// <summary>課長級以上出席の会議 (庁議を除く).</summary>
    ManagerLevel,
    /// <summary>その他庁内会議.</summary>
    OtherInternal,
    /// <summary>議会内会議 (assembly meetings).</summary>
    Assembly,
}

/// <summary>How a session was held.</summary>
public enum MeetingFormat
{
    /// <summary>対面.</summary>
    InPerson,
    /// <summary>WEB会議.</summary>
    Web,
    /// <summary>ハイブリッド (対面 + WEB).</summary>
    Hybrid,
}

/// <summary>How the materials were distributed.</summary>
public enum MaterialsDistribution
{
    /// <summary>紙.</summary>
    Paper,
    /// <summary>電子のみ.</summary>
    DigitalOnly,
    /// <summary>紙と電子の併用.</summary>
    Mixed,
}

/// <summary>会議体: a standing meeting, e.g. 政策会議, with its organizing department and paper baseline.</summary>
public sealed class MeetingBody : IAudited, IVersioned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    /// <summary>Unique code, e.g. <c>MTG-001</c>; imports refer to it.</summary>
    public string Code { get; set; } = "";
    public string Name { get; set; } = "";
    public MeetingCategory Category { get; set; }
    /// <summary>会議主管課.</summary>
    public string OrganizingDepartment { get; set; } = "";
    /// <summary>Usual number of attendees (人).</summary>
    public int UsualAttendees { get; set; }
    public bool Active { get; set; } = true;
    /// <inheritdoc />
    public Guid Version { get; set; }
    public List<PaperBaseline> Baselines { get; set; } = [];
}

/// <summary>
/// Sheets of paper per attendee per session before going paperless (枚/人/回), valid from a date until the
/// next baseline: sheets saved by a session use the baseline valid on its date.
/// </summary>
public sealed class PaperBaseline : IAudited
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid BodyId { get; set; }
    public DateOnly ValidFrom { get; set; }
    /// <summary>枚/人/回.</summary>
    public decimal SheetsPerAttendee { get; set; }
}

/// <summary>会議の開催: one held meeting of a body.</summary>
public sealed class MeetingSession : IAudited, IVersioned
{
    /// <summary>
    /// Client-generated, time-ordered (UUID version 7): rows written in bulk go to the end of the primary-key index instead
    /// of random places in it (issue #12: 200,000 telework days inserted by SQLite in 2.1 s instead of 3.3 s).
    /// </summary>
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid BodyId { get; set; }
    public DateOnly HeldOn { get; set; }
    /// <summary>1 for the first session of the body that day, 2 for a second one.</summary>
    public int Sequence { get; set; } = 1;
    public MeetingFormat Format { get; set; }
    public MaterialsDistribution Materials { get; set; }
    /// <summary>出席者数 (人).</summary>
    public int Attendees { get; set; }
    /// <summary>Sheets actually printed for the session (枚).</summary>
    public int SheetsPrinted { get; set; }
    /// <summary>Tablets used (assembly meetings).</summary>
    public bool TabletsUsed { get; set; }
    public string? Note { get; set; }
    public string RecordedBy { get; set; } = "";
    public DateTimeOffset RecordedAt { get; set; }
    /// <inheritdoc />
    public Guid Version { get; set; }
}

/// <summary>
/// How another system's session export (e.g. a calendar export) maps to session fields: field name →
/// column header, saved once per source and chosen by name (<c>--mapping NAME</c>).
/// Fields: body, held_on, sequence, format, materials, attendees, sheets_printed, tablets, note.
/// </summary>
public sealed class SessionMapping : IAudited
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public string Name { get; set; } = "";
    /// <summary>JSON object, e.g. <c>{"body":"会議名","held_on":"開催日",…}</c>.</summary>
    public string ColumnsJson { get; set; } = "{}";
    /// <summary>Fixed values for fields the source does not export, e.g. <c>{"materials":"電子のみ"}</c>.</summary>
    public string? DefaultsJson { get; set; }
}


/// <summary>
/// Maintained tally (issue #12) of the sessions of one meeting category in one calendar month, kept up to date by every write
/// path of sessions and bodies (<see cref="UseCases.PaperlessTallies"/>) in the same transaction, so the plan's paperless
/// figures and <c>/paperless</c> read at most 48 rows a year instead of grouping every session. The figures are the domain's
/// rules applied per session (<see cref="PaperlessRules.PaperlessRule"/>, <see cref="PaperlessRules.SheetsPerAttendeeRule"/>,
/// <see cref="PaperlessRules.SheetsSavedRule"/>, inlined into the database's GROUP BY). A row exists exactly when the category
/// has at least one session in the month.
/// </summary>
public sealed class SessionMonthTally
{
    /// <summary>The bodies' category (<see cref="MeetingBody.Category"/>).</summary>
    public MeetingCategory Category { get; set; }
    /// <summary>Calendar year of the month (not the fiscal year).</summary>
    public int Year { get; set; }
    /// <summary>1–12.</summary>
    public int Month { get; set; }
    /// <summary>Sessions held.</summary>
    public int Sessions { get; set; }
    /// <summary>Of which paperless.</summary>
    public int PaperlessSessions { get; set; }
    /// <summary>Of which run with tablets.</summary>
    public int TabletSessions { get; set; }
    /// <summary>Σ sheets saved (枚, exact to the baselines' 4 decimals, not rounded).</summary>
    public decimal SheetsSaved { get; set; }
}
