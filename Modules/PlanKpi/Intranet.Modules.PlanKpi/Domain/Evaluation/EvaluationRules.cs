using Intranet.Shared.Security;

namespace Intranet.Modules.PlanKpi.Domain.Evaluation;

/// <summary>The grade the indicator statuses suggest, and why.</summary>
/// <param name="Grade">The suggested grade, or null when no indicator can be judged by its figures.</param>
/// <param name="Reason">Japanese explanation shown next to the department's grade, e.g. 「数値目標のある指標3件のうち2件が達成、平均達成率92.0%」.</param>
/// <param name="Measured">How many indicators had a numeric target and an actual.</param>
/// <param name="Achieved">How many of those met their target.</param>
public sealed record SuggestedGrade(Grade? Grade, string Reason, int Measured, int Achieved);

/// <summary>
/// The rules of the yearly evaluation round (進行管理, issue #10). Every path that changes a round (pages, command line,
/// demo seeding) goes through the use cases, which call these.
/// </summary>
public static class EvaluationRules
{
    /// <summary>Average achievement rate (each capped at 100%) from which a project that missed a target is still B.</summary>
    public const decimal GradeBThreshold = 80m;

    /// <summary>Average achievement rate (each capped at 100%) from which a project is C rather than D.</summary>
    public const decimal GradeCThreshold = 50m;

    /// <summary>Maximum length of a free-text field of a sheet (取組実績, 課題, comments, reasons).</summary>
    public const int MaxTextLength = 2000;

    /// <summary>Largest 事業費 accepted, in 千円 (1兆円).</summary>
    public const decimal MaxCostThousandYen = 1_000_000_000m;

    /// <summary>Largest staff effort accepted, in 人工.</summary>
    public const decimal MaxStaffEffort = 1_000m;

    /// <summary>Japanese label of a grade with its meaning, e.g. 「A (目標を達成)」 (seed 002).</summary>
    public static string Label(Grade grade) => $"{grade} ({Meaning(grade)})";

    /// <summary>Meaning of a grade as the Chigasaki plan words it (seed 002 第4章).</summary>
    public static string Meaning(Grade grade) => grade switch
    {
        Grade.A => "目標を達成",
        Grade.B => "ある程度達成",
        Grade.C => "あまり達成していない",
        _ => "達成していない",
    };

    /// <summary>Japanese label of a direction or decision: 継続 / 拡充 / 見直し / 完了 / 統合.</summary>
    public static string Label(ProjectDirection direction) => direction switch
    {
        ProjectDirection.Continue => "継続",
        ProjectDirection.Expand => "拡充",
        ProjectDirection.Revise => "見直し",
        ProjectDirection.Complete => "完了",
        _ => "統合",
    };

    /// <summary>Japanese label of a sheet status.</summary>
    public static string Label(SheetStatus status) => status switch
    {
        SheetStatus.NotStarted => "未着手",
        SheetStatus.Draft => "下書き",
        SheetStatus.Submitted => "提出済",
        _ => "差戻し",
    };

    /// <summary>Japanese label of who records a stage, e.g. 「主管課 (自己評価)」「事務局が記録 (秦野市ICT推進会議 本部会)」.</summary>
    public static string EvaluatorLabel(EvaluatorKind kind, string? role, string? bodyName) => kind switch
    {
        EvaluatorKind.LeadDepartment => "主管課 (自己評価)",
        EvaluatorKind.Role => role is not null && Roles.Labels.TryGetValue(role, out var label) ? label : role ?? "",
        _ => $"事務局が記録 ({bodyName})",
    };

    /// <summary>
    /// The grade the indicator statuses suggest for a project's year (shown beside the department's own grade so a
    /// mismatch is visible; the department's judgement stands). Only indicators with a numeric target and an actual
    /// count ("measured"); text-only targets and missing actuals are left out and named in the reason.
    /// <list type="number">
    /// <item>no measured indicator → no suggestion;</item>
    /// <item>every measured indicator met its target (<see cref="KpiRules.Meets"/>) → A;</item>
    /// <item>else the average achievement rate, each capped at 100% (a missing rate counts 0), ≥ <see cref="GradeBThreshold"/> → B;</item>
    /// <item>≥ <see cref="GradeCThreshold"/> → C;</item>
    /// <item>otherwise → D.</item>
    /// </list>
    /// The thresholds are the suite's reading of the A–D wording of seed 002 (ある程度 / あまり); a plan office that reads
    /// them differently sees the difference on every sheet.
    /// </summary>
    /// <param name="evaluations">The year's evaluation of each indicator of the project (<see cref="KpiRules.Evaluate"/>).</param>
    public static SuggestedGrade Suggest(IReadOnlyList<KpiEvaluation> evaluations)
    {
        var measured = evaluations.Where(e => e.Status is KpiStatus.Achieved or KpiStatus.Behind or KpiStatus.OnTrack).ToList();
        var notMeasured = evaluations.Count(e => e.Status == KpiStatus.NotMeasured);
        var textOnly = evaluations.Count(e => e.Status == KpiStatus.NoNumericTarget);
        var left = (notMeasured > 0 ? $"、実績未入力{notMeasured}件" : "") + (textOnly > 0 ? $"、数値目標なし{textOnly}件" : "");
        if (measured.Count == 0)
            return new SuggestedGrade(null, evaluations.Count == 0
                ? "評価指標がないため、数値からの目安はありません。"
                : $"数値目標と実績がそろった指標がないため、目安はありません ({left.TrimStart('、')})。", 0, 0);
        var achieved = measured.Count(e => e.Status == KpiStatus.Achieved);
        var average = Math.Round(measured.Average(e => e.Status == KpiStatus.Achieved ? 100m : Math.Min(e.AchievementRate ?? 0m, 100m)), 1,
            MidpointRounding.AwayFromZero);
        var grade = achieved == measured.Count ? Grade.A : average >= GradeBThreshold ? Grade.B : average >= GradeCThreshold ? Grade.C : Grade.D;
        return new SuggestedGrade(grade,
            $"数値目標のある指標{measured.Count}件のうち{achieved}件が達成、平均達成率{average:0.0}%{left}", measured.Count, achieved);
    }

    /// <summary>
    /// The deadline of a stage for a round of <paramref name="fiscalYear"/>: the definition's month and day in the following
    /// fiscal year (the round runs after the evaluated year ends: Chigasaki June–October, seed 002), the day clamped to the
    /// month's length.
    /// </summary>
    public static DateOnly Deadline(int fiscalYear, int month, int day)
    {
        var year = month >= 4 ? fiscalYear + 1 : fiscalYear + 2;
        return new DateOnly(year, month, Math.Min(day, DateTime.DaysInMonth(year, month)));
    }

    /// <summary>
    /// Checks a plan's stage definitions (in order): at least two stages, the first is the self-evaluation by the lead
    /// departments and the only one, a role stage names a known role, a body stage names its body, names are unique and
    /// not empty, deadlines are valid dates in order. Returns Japanese messages naming the stage (empty when valid).
    /// </summary>
    public static IReadOnlyList<string> CheckStages(IReadOnlyList<EvaluationStageDefinition> stages)
    {
        var errors = new List<string>();
        if (stages.Count < 2) errors.Add("段階は自己評価を含めて2つ以上必要です。");
        for (var i = 0; i < stages.Count; i++)
        {
            var s = stages[i];
            var at = $"段階{i + 1}";
            if (string.IsNullOrWhiteSpace(s.Name)) errors.Add($"{at}: 名称を入力してください。");
            else if (s.Name.Length > 100) errors.Add($"{at}: 名称は100文字以内で入力してください。");
            if (i == 0 && s.Evaluator != EvaluatorKind.LeadDepartment) errors.Add($"{at} ({s.Name}): 最初の段階は主管課の自己評価です。");
            if (i > 0 && s.Evaluator == EvaluatorKind.LeadDepartment) errors.Add($"{at} ({s.Name}): 主管課の自己評価は最初の段階だけです。");
            if (s.Evaluator == EvaluatorKind.Role && (s.Role is null || !Roles.All.Contains(s.Role)))
                errors.Add($"{at} ({s.Name}): 評価するロールを選んでください。");
            if (s.Evaluator == EvaluatorKind.Body && string.IsNullOrWhiteSpace(s.BodyName))
                errors.Add($"{at} ({s.Name}): 会議体の名称を入力してください。");
            if (s.DeadlineMonth is < 1 or > 12 || s.DeadlineDay is < 1 or > 31)
                errors.Add($"{at} ({s.Name}): 締切の月日が正しくありません ({s.DeadlineMonth}月{s.DeadlineDay}日)。");
            else if (i > 0 && stages[i - 1].DeadlineMonth is >= 1 and <= 12 && stages[i - 1].DeadlineDay is >= 1 and <= 31
                     && Deadline(2000, s.DeadlineMonth, s.DeadlineDay) < Deadline(2000, stages[i - 1].DeadlineMonth, stages[i - 1].DeadlineDay))
                errors.Add($"{at} ({s.Name}): 締切が前の段階 ({stages[i - 1].Name}) より前です。");
        }
        foreach (var dup in stages.GroupBy(s => s.Name.Trim()).Where(g => g.Key.Length > 0 && g.Count() > 1))
            errors.Add($"段階の名称「{dup.Key}」が重複しています。");
        return errors;
    }

    /// <summary>
    /// Whether <paramref name="user"/> may fill in the self-evaluation of a sheet led by <paramref name="leadDepartments"/>:
    /// a user of one of those departments holding 主管課, or the plan office / an administrator (entering on a department's
    /// behalf, as for actuals), or the system.
    /// </summary>
    public static bool CanSelfEvaluate(ICurrentUser user, IReadOnlyList<string> leadDepartments) =>
        user.IsSystem || user.IsInRole(Roles.PlanOffice) || user.IsInRole(Roles.Administrator)
        || (user.IsInRole(Roles.Department) && user.Department is { } d && leadDepartments.Contains(d));

    /// <summary>
    /// Whether <paramref name="user"/> records the results of a review <paramref name="stage"/> (order ≥ 2): for a body,
    /// the secretariat (plan office); for a role, its holders (and, when the stage lists reviewers, only those); the plan
    /// office may also record a role stage's results on a reviewer's behalf. The system may always.
    /// </summary>
    public static bool CanReview(ICurrentUser user, EvaluationStage stage) => user.IsSystem || stage.Evaluator switch
    {
        EvaluatorKind.Body => user.IsInRole(Roles.PlanOffice),
        EvaluatorKind.Role => user.IsInRole(Roles.PlanOffice)
            || (stage.Role is { } role && user.IsInRole(role) && (stage.ReviewerNames.Count == 0 || stage.ReviewerNames.Contains(user.Name, StringComparer.OrdinalIgnoreCase))),
        _ => false,
    };

    /// <summary>
    /// Whether <paramref name="user"/> may see a round at all: the city's staff roles that read plans (administrator, CIO,
    /// plan office, viewer, and departments for their own sheets), and an outside reviewer only when one of the round's
    /// stages names them (or names their role without a list).
    /// </summary>
    public static bool CanSeeRound(ICurrentUser user, IReadOnlyList<EvaluationStage> stages) =>
        user.IsSystem || Roles.Staff.Any(user.IsInRole) || (user.IsInRole(Roles.Reviewer) && IsAssignedReviewer(user, stages));

    /// <summary>Whether an outside reviewer is named by a stage of the round.</summary>
    public static bool IsAssignedReviewer(ICurrentUser user, IReadOnlyList<EvaluationStage> stages) =>
        stages.Any(s => s.Evaluator == EvaluatorKind.Role && s.Role == Roles.Reviewer
                        && (s.ReviewerNames.Count == 0 || s.ReviewerNames.Contains(user.Name, StringComparer.OrdinalIgnoreCase)));

    /// <summary>Whether <paramref name="user"/> sees every sheet of a round they may see (else only their department's).</summary>
    public static bool SeesAllSheets(ICurrentUser user) =>
        user.IsSystem || user.IsInRole(Roles.Administrator) || user.IsInRole(Roles.PlanOffice) || user.IsInRole(Roles.Cio)
        || user.IsInRole(Roles.Viewer) || user.IsInRole(Roles.Reviewer);

    /// <summary>Whether <paramref name="user"/> runs the round (opens it, returns sheets, closes stages, corrects after locking).</summary>
    public static bool IsSecretariat(ICurrentUser user) => user.IsSystem || user.IsInRole(Roles.PlanOffice) || user.IsInRole(Roles.Administrator);

    /// <summary>
    /// Which stages' results a viewer sees: the city's staff (<paramref name="viewerStage"/> null) see every stage; an outside
    /// reviewer sees the stages up to their own (later ones are not theirs to see), and a reviewer of a
    /// <see cref="StageVisibility.SelfEvaluationOnly"/> stage sees only stage 1 and their own.
    /// </summary>
    /// <param name="viewerStage">The stage the user reviews in (<see cref="ViewerStage"/>), or null.</param>
    /// <param name="stageOrder">The stage whose result is shown.</param>
    public static bool SeesStage(EvaluationStage? viewerStage, int stageOrder) =>
        viewerStage is null
        || (stageOrder <= viewerStage.Order
            && (viewerStage.Visibility == StageVisibility.AllEarlierStages || stageOrder == 1 || stageOrder == viewerStage.Order));

    /// <summary>
    /// The stage an outside reviewer reviews in (the first stage of <paramref name="stages"/> that names them), which limits
    /// what they see (<see cref="SeesStage"/>); null for the city's staff.
    /// </summary>
    public static EvaluationStage? ViewerStage(ICurrentUser user, IReadOnlyList<EvaluationStage> stages) =>
        user.IsInRole(Roles.Reviewer) && !Roles.Staff.Any(user.IsInRole)
            ? stages.Where(s => IsAssignedReviewer(user, [s])).OrderBy(s => s.Order).FirstOrDefault()
            : null;

    /// <summary>Whether <paramref name="user"/> sees a sheet of a round they see: every sheet (<see cref="SeesAllSheets"/>) or their department's.</summary>
    public static bool SeesSheet(ICurrentUser user, EvaluationSheet sheet) =>
        SeesAllSheets(user) || (user.Department is { } d && sheet.LeadDepartmentNames.Contains(d));

    /// <summary>Whether a sheet's self-evaluation is shown to others: once submitted, or once the round has moved past stage 1.</summary>
    public static bool SelfEvaluationShown(EvaluationRound round, EvaluationSheet sheet) =>
        sheet.Status == SheetStatus.Submitted || round.CurrentStage > 1 || round.IsClosed;

    /// <summary>
    /// What blocks closing the current stage of a round, as Japanese messages (empty = it may close): at the
    /// self-evaluation every sheet is submitted; at a grading stage every sheet has a grade; at the last stage every sheet
    /// has a decision.
    /// </summary>
    public static IReadOnlyList<string> CheckClose(EvaluationRound round)
    {
        var stage = round.Stages.Single(s => s.Order == round.CurrentStage);
        var last = round.Stages.Max(s => s.Order) == stage.Order;
        var missing = new List<string>();
        foreach (var sheet in round.Sheets.OrderBy(s => s.SortOrder))
        {
            if (stage.Order == 1)
            {
                if (sheet.Status != SheetStatus.Submitted) missing.Add($"{sheet.ProjectCode} {sheet.ProjectName}: 未提出 ({Label(sheet.Status)})");
                continue;
            }
            var review = sheet.Reviews.FirstOrDefault(r => r.StageOrder == stage.Order);
            if (stage.RecordsGrade && review?.Grade is null) missing.Add($"{sheet.ProjectCode} {sheet.ProjectName}: 評価が未記録");
            if (last && review?.Decision is null) missing.Add($"{sheet.ProjectCode} {sheet.ProjectName}: 判断が未記録");
        }
        return missing;
    }

    /// <summary>Days relative to a deadline on which reminders go out: 7 and 1 days before, 1 and 7 days after.</summary>
    public static readonly IReadOnlyList<int> ReminderDays = [-7, -1, 1, 7];

    /// <summary>
    /// Which reminder is due on <paramref name="today"/> for a stage with <paramref name="deadline"/>: the latest of
    /// <see cref="ReminderDays"/> that has been reached (so a job that missed a day still sends it once), or null before the
    /// first. Reminders already sent are skipped by the caller.
    /// </summary>
    public static int? DueReminder(DateOnly deadline, DateOnly today)
    {
        var offset = today.DayNumber - deadline.DayNumber;
        int? due = null;
        foreach (var d in ReminderDays) if (offset >= d) due = d;
        return due;
    }
}
