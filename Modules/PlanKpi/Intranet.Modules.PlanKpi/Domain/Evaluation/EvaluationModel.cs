using Intranet.Shared.Auditing;

namespace Intranet.Modules.PlanKpi.Domain.Evaluation;

/// <summary>
/// 評価 (grade) of a project for one fiscal year, as the previous Chigasaki plan graded every project
/// (seed <c>002_…txt</c> 第4章): A 目標を達成 / B ある程度達成 / C あまり達成していない / D 達成していない.
/// </summary>
public enum Grade
{
    /// <summary>A: 目標を達成.</summary>
    A,
    /// <summary>B: ある程度達成.</summary>
    B,
    /// <summary>C: あまり達成していない.</summary>
    C,
    /// <summary>D: 達成していない.</summary>
    D,
}

/// <summary>
/// 次年度の方向性 of a project (the department's proposal in its self-evaluation) and the final 判断 of the last stage:
/// 継続 / 拡充 / 見直し / 完了 / 統合 (issue #10; Chigasaki decided 継続 or 完了, seed 002).
/// </summary>
public enum ProjectDirection
{
    /// <summary>継続.</summary>
    Continue,
    /// <summary>拡充.</summary>
    Expand,
    /// <summary>見直し.</summary>
    Revise,
    /// <summary>完了.</summary>
    Complete,
    /// <summary>統合.</summary>
    Merge,
}

/// <summary>Who records a stage's results.</summary>
public enum EvaluatorKind
{
    /// <summary>自己評価: the project's lead departments (主管課) fill in the sheet; always the first stage.</summary>
    LeadDepartment,
    /// <summary>Users holding <see cref="EvaluationStageDefinition.Role"/> record the results themselves (e.g. 学識経験者).</summary>
    Role,
    /// <summary>A named body (幹事会, 本部会 …) meets; the secretariat (計画事務局) records its results.</summary>
    Body,
}

/// <summary>What a review stage sees of the earlier stages.</summary>
public enum StageVisibility
{
    /// <summary>Every earlier stage's grades and comments (the default).</summary>
    AllEarlierStages,
    /// <summary>Only the self-evaluation (an independent second look, e.g. outside experts).</summary>
    SelfEvaluationOnly,
}

/// <summary>Where a sheet's self-evaluation stands.</summary>
public enum SheetStatus
{
    /// <summary>未着手: nothing saved yet.</summary>
    NotStarted,
    /// <summary>下書き: saved, not submitted.</summary>
    Draft,
    /// <summary>提出済: submitted to the plan office.</summary>
    Submitted,
    /// <summary>差戻し: returned by the plan office with a comment; the department resubmits.</summary>
    Returned,
}

/// <summary>
/// One stage of a plan's yearly evaluation round (進行管理), defined by the plan office (stages are data per plan).
/// The first stage is always the self-evaluation by the lead departments; the last records the decision per project.
/// Presets: <see cref="StagePresets"/>.
/// </summary>
public sealed class EvaluationStageDefinition : IAudited
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid PlanId { get; set; }
    /// <summary>1-based order in the round.</summary>
    public int Order { get; set; }
    /// <summary>e.g. 自己評価, 幹事会, 本部会.</summary>
    public string Name { get; set; } = "";
    public EvaluatorKind Evaluator { get; set; }
    /// <summary>The role whose holders record the results, for <see cref="EvaluatorKind.Role"/>.</summary>
    public string? Role { get; set; }
    /// <summary>The body's name for <see cref="EvaluatorKind.Body"/>, e.g. 秦野市ICT推進会議 本部会.</summary>
    public string? BodyName { get; set; }
    public StageVisibility Visibility { get; set; }
    /// <summary>Whether the stage grades A–D (false for a stage that only gives an opinion, e.g. 情報化推進委員会).</summary>
    public bool RecordsGrade { get; set; } = true;
    /// <summary>Deadline month (1–12) in the fiscal year after the evaluated one (the round runs then).</summary>
    public int DeadlineMonth { get; set; }
    /// <summary>Deadline day (1–31, clamped to the month's length).</summary>
    public int DeadlineDay { get; set; }
}

/// <summary>
/// 評価 round of one plan for one fiscal year: opened by the plan office, run stage by stage, locked when the last stage
/// closes. Unique per plan and fiscal year.
/// </summary>
public sealed class EvaluationRound : IAudited, IVersioned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid PlanId { get; set; }
    /// <summary>The evaluated fiscal year (starting calendar year).</summary>
    public int FiscalYear { get; set; }
    /// <summary>Order of the stage now running; equals the last stage's order once closed.</summary>
    public int CurrentStage { get; set; } = 1;
    public DateTimeOffset OpenedAt { get; set; }
    public string OpenedBy { get; set; } = "";
    /// <summary>Set when the last stage closed: the year's actuals and grades are locked from then on.</summary>
    public DateTimeOffset? ClosedAt { get; set; }
    /// <inheritdoc />
    public Guid Version { get; set; }

    public List<EvaluationStage> Stages { get; set; } = [];
    public List<EvaluationSheet> Sheets { get; set; } = [];

    /// <summary>True once the last stage has closed.</summary>
    public bool IsClosed => ClosedAt is not null;
}

/// <summary>A stage of one round: a copy of the plan's <see cref="EvaluationStageDefinition"/> with a concrete deadline.</summary>
public sealed class EvaluationStage : IAudited
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid RoundId { get; set; }
    public int Order { get; set; }
    public string Name { get; set; } = "";
    public EvaluatorKind Evaluator { get; set; }
    public string? Role { get; set; }
    public string? BodyName { get; set; }
    public StageVisibility Visibility { get; set; }
    public bool RecordsGrade { get; set; } = true;
    /// <summary>締切 (Japan date).</summary>
    public DateOnly? Deadline { get; set; }
    /// <summary>For a <see cref="EvaluatorKind.Role"/> stage of outside reviewers: the user names (e-mail) assigned,
    /// one per line. Empty = every holder of the role.</summary>
    public string? Reviewers { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    public string? ClosedBy { get; set; }

    /// <summary>The assigned reviewers' user names.</summary>
    public IReadOnlyList<string> ReviewerNames => (Reviewers ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>
/// 評価シート: one project's evaluation in one round. Holds the lead department's self-evaluation (first stage); the
/// later stages' results are <see cref="EvaluationReview"/>s. Project data is copied when the round opens, so the sheet
/// keeps the version of the plan it was evaluated against.
/// </summary>
public sealed class EvaluationSheet : IAudited, IVersioned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid RoundId { get; set; }
    public Guid ProjectId { get; set; }
    /// <summary>Project code at opening, e.g. <c>2-1-(1)</c>.</summary>
    public string ProjectCode { get; set; } = "";
    public string ProjectName { get; set; } = "";
    /// <summary>Code of the measure the project was placed under at opening.</summary>
    public string MeasureCode { get; set; } = "";
    /// <summary>主管課 at opening, one per line.</summary>
    public string LeadDepartments { get; set; } = "";
    public int SortOrder { get; set; }

    public SheetStatus Status { get; set; }
    /// <summary>取組実績: what was done in the year.</summary>
    public string? Achievements { get; set; }
    /// <summary>The department's grade (its own judgement).</summary>
    public Grade? Grade { get; set; }
    /// <summary>課題.</summary>
    public string? Issues { get; set; }
    /// <summary>次年度の方向性.</summary>
    public ProjectDirection? NextYear { get; set; }
    /// <summary>事業費 of the year in 千円 (thousand yen), as the 政策シート of seed 000.</summary>
    public decimal? CostThousandYen { get; set; }
    /// <summary>Staff effort in 人工 (person-years), as seed 000.</summary>
    public decimal? StaffEffort { get; set; }
    public DateTimeOffset? SubmittedAt { get; set; }
    public string? SubmittedBy { get; set; }
    /// <summary>The plan office's comment when the sheet was last returned (cleared on resubmission).</summary>
    public string? ReturnComment { get; set; }
    /// <summary>How many times the sheet was returned.</summary>
    public int ReturnCount { get; set; }
    /// <inheritdoc />
    public Guid Version { get; set; }

    public List<EvaluationReview> Reviews { get; set; } = [];
    public List<EvaluationEvent> Events { get; set; } = [];

    /// <summary>The lead departments' names.</summary>
    public IReadOnlyList<string> LeadDepartmentNames => LeadDepartments.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>A later stage's result for one sheet: grade, comment and (last stage) decision. Never changed by another stage.</summary>
public sealed class EvaluationReview : IAudited, IVersioned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid SheetId { get; set; }
    /// <summary>The stage's order (≥ 2).</summary>
    public int StageOrder { get; set; }
    public Grade? Grade { get; set; }
    public string? Comment { get; set; }
    /// <summary>判断: set only at the last stage.</summary>
    public ProjectDirection? Decision { get; set; }
    public string RecordedBy { get; set; } = "";
    public DateTimeOffset RecordedAt { get; set; }
    /// <inheritdoc />
    public Guid Version { get; set; }
}

/// <summary>What happened to a sheet, for its history.</summary>
public enum EvaluationEventKind
{
    /// <summary>下書き保存.</summary>
    Saved,
    /// <summary>提出.</summary>
    Submitted,
    /// <summary>差戻し (with the plan office's comment).</summary>
    Returned,
    /// <summary>A later stage's result recorded.</summary>
    Reviewed,
    /// <summary>修正 after locking, by the plan office with a reason.</summary>
    Corrected,
}

/// <summary>An entry of a sheet's history (who, when, what, comment or reason).</summary>
public sealed class EvaluationEvent
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid SheetId { get; set; }
    public EvaluationEventKind Kind { get; set; }
    public int StageOrder { get; set; }
    public string User { get; set; } = "";
    public DateTimeOffset At { get; set; }
    /// <summary>Return comment, correction reason and what changed, or null.</summary>
    public string? Text { get; set; }
}

/// <summary>A reminder sent to a department about unsubmitted sheets, kept so each is sent once (across hosts too).</summary>
public sealed class EvaluationReminder
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid RoundId { get; set; }
    public int StageOrder { get; set; }
    public string Department { get; set; } = "";
    /// <summary>Days relative to the deadline: negative before it (−7, −1), positive after it (1, 7).</summary>
    public int DaysFromDeadline { get; set; }
    public DateTimeOffset SentAt { get; set; }
    /// <summary>The Japanese message shown and mailed.</summary>
    public string Message { get; set; } = "";
    /// <summary>How many addresses the mail went to (0 when no SMTP server is configured).</summary>
    public int Mailed { get; set; }
}
