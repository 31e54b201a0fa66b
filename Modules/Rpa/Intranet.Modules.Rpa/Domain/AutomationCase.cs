using Intranet.Shared.Auditing;

namespace Intranet.Modules.Rpa.Domain;

/// <summary>The RPA tool a robot runs on.</summary>
public enum RpaTool
{
    WinActor,
    UiPath,
    PowerAutomate,
    BizRobo,
    Other,
}

/// <summary>Lifecycle of an automation case (RPA適用業務), see <see cref="CaseLifecycle"/>.</summary>
public enum CaseStatus
{
    /// <summary>候補: an idea, proposed by a department or the RPA team.</summary>
    Idea,
    /// <summary>検討: the RPA team assesses effect and feasibility.</summary>
    Assessment,
    /// <summary>開発: the robot/scenario is being built.</summary>
    Development,
    /// <summary>試行: trial runs.</summary>
    Trial,
    /// <summary>本番稼働: in production; counts as an automated process from this date.</summary>
    Production,
    /// <summary>休止: suspended (e.g. the business process changed).</summary>
    Suspended,
    /// <summary>廃止: retired for good.</summary>
    Retired,
}

/// <summary>
/// RPA適用業務: one business process automated (or to be automated) by a software robot. Identified
/// by <see cref="Code"/> (e.g. <c>RPA-001</c>), which run logs and import files refer to.
/// </summary>
public sealed class AutomationCase : IAudited, IVersioned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    /// <summary>Unique registry code, e.g. <c>RPA-001</c>.</summary>
    public string Code { get; set; } = "";
    public string Title { get; set; } = "";
    /// <summary>The business process it automates, e.g. 「住民税の給与支払報告書の入力」.</summary>
    public string BusinessProcess { get; set; } = "";
    /// <summary>Department that owns the business process.</summary>
    public string OwningDepartment { get; set; } = "";
    public RpaTool Tool { get; set; }
    /// <summary>Robot / scenario name as the RPA tool knows it (run logs may refer to it).</summary>
    public string? RobotName { get; set; }
    public string? ContactPerson { get; set; }
    /// <summary>The plan project the case serves, e.g. plan <c>hadano-ict-2021</c>, project <c>2-1-(1)</c>.</summary>
    public string? PlanCode { get; set; }
    public string? ProjectCode { get; set; }
    public CaseStatus Status { get; set; }
    /// <summary>Date the case first entered production (本番稼働), or null if it never did.</summary>
    public DateOnly? ProductionSince { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    /// <inheritdoc />
    public Guid Version { get; set; }

    public List<StatusTransition> Transitions { get; set; } = [];
    public List<CaseAssessment> Assessments { get; set; } = [];
}

/// <summary>One dated step of a case's lifecycle: who moved it from which status to which, when and why.</summary>
public sealed class StatusTransition : IAudited
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid CaseId { get; set; }
    /// <summary>Null for the first status of a case.</summary>
    public CaseStatus? From { get; set; }
    public CaseStatus To { get; set; }
    /// <summary>The business date of the change (e.g. the go-live date), Japan calendar.</summary>
    public DateOnly On { get; set; }
    public string By { get; set; } = "";
    public string? Reason { get; set; }
    /// <summary>When it was recorded (UTC).</summary>
    public DateTimeOffset RecordedAt { get; set; }
}

/// <summary>
/// The RPA team's assessment of a case, valid from a date until the next assessment: how often it
/// runs and how much human time each item takes by hand and with the robot.
/// </summary>
public sealed class CaseAssessment : IAudited
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid CaseId { get; set; }
    /// <summary>First day these values apply to runs.</summary>
    public DateOnly ValidFrom { get; set; }
    /// <summary>Executions per year (回/年).</summary>
    public int ExecutionsPerYear { get; set; }
    /// <summary>Items processed per execution (件/回).</summary>
    public decimal ItemsPerExecution { get; set; }
    /// <summary>Manual working time per item before automation (分/件).</summary>
    public decimal ManualMinutesPerItem { get; set; }
    /// <summary>Human time per item that remains with the robot: checks, corrections (分/件).</summary>
    public decimal RobotAttendedMinutesPerItem { get; set; }
    public string By { get; set; } = "";
    public DateTimeOffset RecordedAt { get; set; }
}
