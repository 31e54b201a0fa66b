using Intranet.Modules.PlanKpi.Domain.Evaluation;
using Intranet.Shared.Messaging;
using Intranet.Shared.Security;
using MediatR;

namespace Intranet.Modules.PlanKpi.UseCases.Evaluation;

// The yearly evaluation round (進行管理, issue #10): what pages, the command line and the demo seeder ask for.
// Handlers: EvaluationHandlers.cs (round and sheets), EvaluationStageHandlers.cs (stage definitions).
// Errors thrown by every handler: NotFoundException (plan, round, project), ForbiddenException (not the user's to see or
// change), RequestValidationException (a rule of EvaluationRules, with Japanese messages naming the field),
// ConcurrencyConflictException (someone saved the same sheet or round since it was read; nothing overwritten).

/// <summary>A stage as pages show it.</summary>
/// <param name="Order">1-based.</param>
/// <param name="Name">e.g. 幹事会.</param>
/// <param name="Evaluator">Who records.</param>
/// <param name="EvaluatorLabel">Japanese, e.g. 「事務局が記録 (秦野市ICT推進会議 幹事会)」.</param>
/// <param name="Role">Role for a role stage.</param>
/// <param name="BodyName">Body for a body stage.</param>
/// <param name="Visibility">What it sees of earlier stages.</param>
/// <param name="RecordsGrade">False for an opinion-only stage.</param>
/// <param name="Deadline">締切 (Japan date), null when none.</param>
/// <param name="Reviewers">Assigned outside reviewers (user names) of a role stage.</param>
/// <param name="ClosedAt">When it closed (UTC), null while open or not reached.</param>
/// <param name="IsCurrent">True for the stage now running (false for every stage once the round is closed).</param>
/// <param name="IsLast">True for the last stage (it records the decision).</param>
public sealed record StageInfo(int Order, string Name, EvaluatorKind Evaluator, string EvaluatorLabel, string? Role, string? BodyName,
    StageVisibility Visibility, bool RecordsGrade, DateOnly? Deadline, IReadOnlyList<string> Reviewers, DateTimeOffset? ClosedAt, bool IsCurrent, bool IsLast)
{
    /// <summary>A stage of <paramref name="round"/> as pages and the report show it.</summary>
    public static StageInfo Of(EvaluationRound round, EvaluationStage s) => new(s.Order, s.Name, s.Evaluator,
        EvaluationRules.EvaluatorLabel(s.Evaluator, s.Role, s.BodyName), s.Role, s.BodyName, s.Visibility, s.RecordsGrade, s.Deadline, s.ReviewerNames,
        s.ClosedAt, !round.IsClosed && s.Order == round.CurrentStage, s.Order == round.Stages.Max(x => x.Order));
}

/// <summary>One round in the list.</summary>
/// <param name="PlanCode">Plan code.</param>
/// <param name="PlanTitle">Plan title.</param>
/// <param name="FiscalYear">Evaluated year (starting calendar year).</param>
/// <param name="CurrentStage">The running stage (the last one when closed).</param>
/// <param name="StageCount">Number of stages.</param>
/// <param name="Sheets">Sheets the user sees.</param>
/// <param name="Submitted">Of those, self-evaluations submitted.</param>
/// <param name="IsClosed">True once the last stage closed (locked).</param>
/// <param name="MyOpenSheets">Sheets waiting for this user at the current stage (to fill, resubmit or review).</param>
public sealed record RoundSummary(string PlanCode, string PlanTitle, int FiscalYear, StageInfo CurrentStage, int StageCount, int Sheets,
    int Submitted, bool IsClosed, int MyOpenSheets);

/// <summary>A plan a round can be opened for.</summary>
/// <param name="PlanCode">Plan code.</param>
/// <param name="PlanTitle">Title.</param>
/// <param name="Years">Plan years without a round yet.</param>
/// <param name="HasStages">Whether the plan has its stages defined (else the preset is installed on opening).</param>
/// <param name="DefaultPreset">The preset used when it has none.</param>
public sealed record OpenableRound(string PlanCode, string PlanTitle, IReadOnlyList<int> Years, bool HasStages, string DefaultPreset);

/// <summary>The evaluation top page: the rounds the user sees and, for the plan office, what can be opened.</summary>
/// <param name="Rounds">Newest first.</param>
/// <param name="Openable">Empty unless the user runs rounds.</param>
/// <param name="Presets">Stage presets (code, name).</param>
public sealed record EvaluationOverview(IReadOnlyList<RoundSummary> Rounds, IReadOnlyList<OpenableRound> Openable,
    IReadOnlyList<KeyValuePair<string, string>> Presets);

/// <summary>Lists the evaluation rounds the current user sees (<see cref="EvaluationRules.CanSeeRound"/>).</summary>
public sealed record ListEvaluationRounds : IRequest<EvaluationOverview>;

/// <summary>One stage's result on a sheet, as the round and sheet pages show it.</summary>
/// <param name="StageOrder">Stage order (1 = self-evaluation).</param>
/// <param name="Grade">Grade, if recorded.</param>
/// <param name="Comment">Comment (for stage 1: 課題).</param>
/// <param name="Decision">判断 (last stage only).</param>
/// <param name="RecordedBy">Who recorded it.</param>
/// <param name="RecordedAt">When (UTC); for stage 1 the submission.</param>
/// <param name="Version">Concurrency version of the review (null for stage 1 or none yet).</param>
public sealed record StageResult(int StageOrder, Grade? Grade, string? Comment, ProjectDirection? Decision, string? RecordedBy,
    DateTimeOffset? RecordedAt, Guid? Version);

/// <summary>A sheet as a row of the round page.</summary>
/// <param name="ProjectCode">Project code at opening.</param>
/// <param name="ProjectName">Name.</param>
/// <param name="MeasureCode">Measure code at opening.</param>
/// <param name="LeadDepartments">主管課.</param>
/// <param name="Status">Self-evaluation status.</param>
/// <param name="ReturnCount">Times returned.</param>
/// <param name="Suggested">The grade the indicators suggest.</param>
/// <param name="Results">Results of the stages the user may see, by stage order.</param>
/// <param name="SheetVersion">Version of the sheet.</param>
public sealed record SheetRow(string ProjectCode, string ProjectName, string MeasureCode, IReadOnlyList<string> LeadDepartments,
    SheetStatus Status, int ReturnCount, SuggestedGrade Suggested, IReadOnlyList<StageResult> Results, Guid SheetVersion);

/// <summary>A department with unsubmitted sheets at the self-evaluation.</summary>
/// <param name="Department">Department name.</param>
/// <param name="Unsubmitted">Its sheets not yet submitted.</param>
/// <param name="DaysLate">Days past the deadline (≤ 0 when not yet late).</param>
/// <param name="LastReminder">When the last reminder went out (UTC), if any.</param>
public sealed record LateDepartment(string Department, int Unsubmitted, int DaysLate, DateTimeOffset? LastReminder);

/// <summary>A round page.</summary>
public sealed class RoundView
{
    public required string PlanCode { get; init; }
    public required string PlanTitle { get; init; }
    /// <summary>Label of the plan's project level, e.g. 個別事業.</summary>
    public required string ProjectLevelName { get; init; }
    public required int FiscalYear { get; init; }
    public required IReadOnlyList<StageInfo> Stages { get; init; }
    /// <summary>The running stage (the last when closed).</summary>
    public required StageInfo Current { get; init; }
    public required bool IsClosed { get; init; }
    /// <summary>Sheets the user sees, in plan order.</summary>
    public required IReadOnlyList<SheetRow> Sheets { get; init; }
    /// <summary>Departments with unsubmitted sheets (self-evaluation stage, secretariat only; else empty).</summary>
    public required IReadOnlyList<LateDepartment> Late { get; init; }
    /// <summary>What blocks closing the current stage (secretariat only).</summary>
    public required IReadOnlyList<string> CloseBlockers { get; init; }
    /// <summary>The user runs the round (open, return, close, correct).</summary>
    public required bool IsSecretariat { get; init; }
    /// <summary>The user records the current review stage's results.</summary>
    public required bool CanReviewCurrent { get; init; }
    /// <summary>Version of the round (for closing a stage).</summary>
    public required Guid RoundVersion { get; init; }
}

/// <summary>A round page. Errors: <see cref="NotFoundException"/>, <see cref="ForbiddenException"/> (not the user's round).</summary>
public sealed record GetEvaluationRound(string PlanCode, int FiscalYear) : IRequest<RoundView>;

/// <summary>An indicator of the sheet's project for the evaluated year.</summary>
/// <param name="Code">Indicator code.</param>
/// <param name="Name">Name.</param>
/// <param name="Unit">Unit.</param>
/// <param name="TargetValue">Numeric target of the year.</param>
/// <param name="TargetText">Target as printed.</param>
/// <param name="Actual">Actual (fed or typed), null when missing.</param>
/// <param name="IsFed">True when a module feeds it.</param>
/// <param name="Source">Module or person.</param>
/// <param name="AchievementRate">達成率 (%).</param>
/// <param name="Status">KPI status.</param>
/// <param name="ActualVersion">Version of a typed actual (for entering a missing one through <c>RecordActuals</c>).</param>
/// <param name="CanEnter">Whether the user may type its actual here (lead department or plan office, not fed, not locked).</param>
public sealed record SheetIndicator(string Code, string Name, string Unit, decimal? TargetValue, string? TargetText, decimal? Actual,
    bool IsFed, string? Source, decimal? AchievementRate, Domain.KpiStatus Status, Guid? ActualVersion, bool CanEnter);

/// <summary>An entry of a sheet's history.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="StageOrder">At which stage.</param>
/// <param name="User">Who.</param>
/// <param name="At">When (UTC).</param>
/// <param name="Text">Comment or reason.</param>
public sealed record SheetEvent(EvaluationEventKind Kind, int StageOrder, string User, DateTimeOffset At, string? Text);

/// <summary>The self-evaluation fields (what the department types).</summary>
/// <param name="Achievements">取組実績 (≤ 2,000 characters; required to submit).</param>
/// <param name="Grade">The department's grade A–D (required to submit).</param>
/// <param name="Issues">課題 (≤ 2,000 characters).</param>
/// <param name="NextYear">次年度の方向性 (required to submit).</param>
/// <param name="CostThousandYen">事業費 in 千円 (≥ 0, ≤ 1,000,000,000), optional.</param>
/// <param name="StaffEffort">人工 (≥ 0, ≤ 1,000, two decimals), optional.</param>
public sealed record SelfEvaluationInput(string? Achievements, Grade? Grade, string? Issues, ProjectDirection? NextYear,
    decimal? CostThousandYen, decimal? StaffEffort);

/// <summary>One sheet's page.</summary>
public sealed class SheetView
{
    public required string PlanCode { get; init; }
    public required string PlanTitle { get; init; }
    public required int FiscalYear { get; init; }
    public required string ProjectCode { get; init; }
    public required string ProjectName { get; init; }
    public required string MeasureCode { get; init; }
    public required IReadOnlyList<string> LeadDepartments { get; init; }
    public required SheetStatus Status { get; init; }
    /// <summary>The self-evaluation as saved.</summary>
    public required SelfEvaluationInput Self { get; init; }
    public required DateTimeOffset? SubmittedAt { get; init; }
    public required string? SubmittedBy { get; init; }
    /// <summary>The plan office's comment of the last return (while returned).</summary>
    public required string? ReturnComment { get; init; }
    public required int ReturnCount { get; init; }
    public required Guid Version { get; init; }
    public required IReadOnlyList<SheetIndicator> Indicators { get; init; }
    public required SuggestedGrade Suggested { get; init; }
    public required IReadOnlyList<StageInfo> Stages { get; init; }
    /// <summary>Results of the stages the user may see (stage 1 included once submitted).</summary>
    public required IReadOnlyList<StageResult> Results { get; init; }
    public required IReadOnlyList<SheetEvent> History { get; init; }
    public required bool IsClosed { get; init; }
    /// <summary>The user may edit and submit the self-evaluation now.</summary>
    public required bool CanEditSelf { get; init; }
    /// <summary>The user may return the submitted sheet now (secretariat at stage 1).</summary>
    public required bool CanReturn { get; init; }
    /// <summary>The user records the current review stage's result for this sheet.</summary>
    public required bool CanReview { get; init; }
    /// <summary>The round is closed and the user may correct a result with a reason.</summary>
    public required bool CanCorrect { get; init; }
}

/// <summary>One sheet. Errors: <see cref="NotFoundException"/>, <see cref="ForbiddenException"/>.</summary>
public sealed record GetEvaluationSheet(string PlanCode, int FiscalYear, string ProjectCode) : IRequest<SheetView>;

/// <summary>
/// Opens the round of a plan for a fiscal year: copies the plan's stage definitions (installing <paramref name="PresetCode"/>,
/// or the plan's default preset, when it has none) with concrete deadlines, and creates one sheet per project active in
/// the year, addressed to its lead departments. Plan office / administrator. Errors: the year is outside the plan or
/// already has a round (<see cref="RequestValidationException"/>).
/// </summary>
/// <param name="PlanCode">Plan code.</param>
/// <param name="FiscalYear">Evaluated year.</param>
/// <param name="PresetCode">Preset to install when the plan has no stages (null: the plan's default).</param>
/// <param name="Reviewers">Outside reviewers (user names) assigned to the round's reviewer stages, or empty.</param>
[RequiresRole(Roles.Administrator, Roles.PlanOffice)]
public sealed record OpenEvaluationRound(string PlanCode, int FiscalYear, string? PresetCode = null, IReadOnlyList<string>? Reviewers = null)
    : IRequest<RoundView>;

/// <summary>
/// Saves the self-evaluation of a sheet as a draft, or submits it (<paramref name="Submit"/>): stage 1 open, the user one
/// of the lead departments or the plan office, the sheet not submitted. Submitting requires 取組実績, the grade and
/// 次年度の方向性. Returns the saved sheet.
/// </summary>
[RequiresRole(Roles.Administrator, Roles.PlanOffice, Roles.Department)]
public sealed record SaveSelfEvaluation(string PlanCode, int FiscalYear, string ProjectCode, SelfEvaluationInput Input, bool Submit, Guid ExpectedVersion)
    : IRequest<SheetView>;

/// <summary>Returns a submitted sheet to its department with a comment (required): plan office at stage 1.</summary>
[RequiresRole(Roles.Administrator, Roles.PlanOffice)]
public sealed record ReturnEvaluationSheet(string PlanCode, int FiscalYear, string ProjectCode, string Comment, Guid ExpectedVersion)
    : IRequest<SheetView>;

/// <summary>One project's result of a review stage.</summary>
/// <param name="ProjectCode">Project code.</param>
/// <param name="Grade">Grade (null while undecided; required to close a grading stage).</param>
/// <param name="Comment">Comment (≤ 2,000 characters).</param>
/// <param name="Decision">判断, only at the last stage.</param>
/// <param name="ExpectedVersion">The review's version when read (null when there was none).</param>
public sealed record ReviewInput(string ProjectCode, Grade? Grade, string? Comment, ProjectDirection? Decision, Guid? ExpectedVersion);

/// <summary>
/// Records the results of the current review stage for one or many projects (the sheet page, or the secretariat's grid for
/// a body): all or nothing. The stage must be the current one and open; the user records it
/// (<see cref="EvaluationRules.CanReview"/>); only self-evaluated sheets are reviewed; a decision only at the last stage.
/// Returns how many results changed.
/// </summary>
[RequiresRole(Roles.Administrator, Roles.PlanOffice, Roles.Reviewer, Roles.Cio)]
public sealed record RecordEvaluationReviews(string PlanCode, int FiscalYear, int StageOrder, IReadOnlyList<ReviewInput> Rows) : IRequest<int>;

/// <summary>
/// Closes the current stage (plan office) once <see cref="EvaluationRules.CheckClose"/> finds nothing missing; the next
/// stage starts. Closing the last stage closes the round and locks the year's actuals and grades.
/// </summary>
[RequiresRole(Roles.Administrator, Roles.PlanOffice)]
public sealed record CloseEvaluationStage(string PlanCode, int FiscalYear, int StageOrder, Guid ExpectedVersion) : IRequest<RoundView>;

/// <summary>
/// Corrects a result of a closed round (plan office, with a reason): stage 1's grade or a later stage's grade, comment or
/// decision. The sheet's history keeps who, when, before → after and the reason.
/// </summary>
[RequiresRole(Roles.Administrator, Roles.PlanOffice)]
public sealed record CorrectEvaluation(string PlanCode, int FiscalYear, string ProjectCode, int StageOrder, Grade? Grade, string? Comment,
    ProjectDirection? Decision, string Reason) : IRequest<SheetView>;

/// <summary>
/// Corrects a typed-in actual of a locked year (plan office, with a reason): the value is stored as on the entry page and
/// the sheet's history records the correction. Errors as <c>RecordActuals</c>.
/// </summary>
[RequiresRole(Roles.Administrator, Roles.PlanOffice)]
public sealed record CorrectLockedActual(string PlanCode, int FiscalYear, string IndicatorCode, string Value, string Reason) : IRequest<SheetView>;

/// <summary>A plan's stage definitions as the editor shows them.</summary>
/// <param name="PlanCode">Plan code.</param>
/// <param name="PlanTitle">Title.</param>
/// <param name="Stages">In order (empty when none defined yet).</param>
/// <param name="Presets">Available presets (code, name).</param>
/// <param name="CanEdit">Plan office / administrator.</param>
public sealed record StageDefinitions(string PlanCode, string PlanTitle, IReadOnlyList<StageDefinitionInput> Stages,
    IReadOnlyList<KeyValuePair<string, string>> Presets, bool CanEdit);

/// <summary>One stage as the editor sends it.</summary>
/// <param name="Name">名称.</param>
/// <param name="Evaluator">Who records.</param>
/// <param name="Role">Role for a role stage.</param>
/// <param name="BodyName">Body for a body stage.</param>
/// <param name="Visibility">What it sees.</param>
/// <param name="RecordsGrade">Whether it grades.</param>
/// <param name="DeadlineMonth">締切 month (in the year after the evaluated one).</param>
/// <param name="DeadlineDay">締切 day.</param>
public sealed record StageDefinitionInput(string Name, EvaluatorKind Evaluator, string? Role, string? BodyName, StageVisibility Visibility,
    bool RecordsGrade, int DeadlineMonth, int DeadlineDay);

/// <summary>A plan's stage definitions (<see cref="EvaluationRules.CheckStages"/>).</summary>
public sealed record GetStageDefinitions(string PlanCode) : IRequest<StageDefinitions>;

/// <summary>
/// Replaces a plan's stage definitions (rounds already opened keep their own copy): plan office / administrator. Errors:
/// <see cref="RequestValidationException"/> with every message of <see cref="EvaluationRules.CheckStages"/>.
/// </summary>
[RequiresRole(Roles.Administrator, Roles.PlanOffice)]
public sealed record SaveStageDefinitions(string PlanCode, IReadOnlyList<StageDefinitionInput> Stages) : IRequest<StageDefinitions>;

/// <summary>Outcome of a reminder run.</summary>
/// <param name="Sent">Reminders written (one per department and due day).</param>
/// <param name="Mailed">Mails handed to the SMTP server.</param>
public sealed record ReminderRun(int Sent, int Mailed);

/// <summary>
/// Sends the reminders due today (<see cref="EvaluationRules.DueReminder"/>) to departments with unsubmitted sheets at
/// the self-evaluation of every open round, each once: recorded in the suite (home page) and mailed when SMTP is
/// configured. Run daily by a scheduled job; the system only.
/// </summary>
[RequiresRole(Roles.Administrator)]
public sealed record SendEvaluationReminders : IRequest<ReminderRun>;
