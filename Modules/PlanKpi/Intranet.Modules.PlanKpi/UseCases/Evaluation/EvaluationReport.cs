using Intranet.Modules.PlanKpi.Contracts;
using Intranet.Modules.PlanKpi.Data;
using Intranet.Modules.PlanKpi.Domain;
using Intranet.Modules.PlanKpi.Domain.Evaluation;
using Intranet.Shared.Messaging;
using Intranet.Shared.Security;
using Intranet.Shared.Time;
using Intranet.Shared.Web;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.PlanKpi.UseCases.Evaluation;

// The outputs of the yearly evaluation round (issue #10, "Outputs"): the 評価報告書 of a plan year (print page, xlsx, PDF,
// export-evaluation), the grade distribution of the CIO dashboard and a project's grades across the plan years.
// Who reads what follows the round itself (EvaluationRules.CanSeeRound, SeesAllSheets, SeesStage).

/// <summary>An indicator of a reported project in the evaluated year.</summary>
/// <param name="Code">Indicator code, e.g. <c>1-2-(1)-1</c>.</param>
/// <param name="Name">Name.</param>
/// <param name="Unit">Unit (人, %, 件 …).</param>
/// <param name="TargetValue">Numeric target of the year, null when the plan gives none.</param>
/// <param name="TargetText">The target as the plan prints it (「検討を踏まえ設定」), if any.</param>
/// <param name="Actual">実績値 (fed or typed), null when missing.</param>
/// <param name="AchievementRate">達成率 in percent (<see cref="KpiRules.Evaluate"/>), null when it cannot be computed.</param>
/// <param name="Status">Status in the year (達成, 順調, 遅れ, 未測定, 数値目標なし).</param>
public sealed record ReportIndicator(string Code, string Name, string Unit, decimal? TargetValue, string? TargetText, decimal? Actual,
    decimal? AchievementRate, KpiStatus Status);

/// <summary>One stage's record of a reported project. Stage 1 is the self-evaluation (its text is in <see cref="ReportProject"/>).</summary>
/// <param name="Order">Stage order (1 = 自己評価).</param>
/// <param name="Name">Stage name, e.g. 幹事会.</param>
/// <param name="Grade">Grade A–D, null when the stage recorded none (yet, or an opinion-only stage).</param>
/// <param name="Comment">Comment of a review stage (for stage 1: null; see <see cref="ReportProject.Issues"/>).</param>
/// <param name="Decision">判断, at the last stage only.</param>
/// <param name="RecordedBy">Who recorded it (user name), null when nothing is recorded.</param>
/// <param name="RecordedAt">When (UTC); for stage 1 the (last) submission.</param>
public sealed record ReportStage(int Order, string Name, Grade? Grade, string? Comment, ProjectDirection? Decision, string? RecordedBy,
    DateTimeOffset? RecordedAt);

/// <summary>One project of the report (a sheet of the round), in plan order.</summary>
public sealed class ReportProject
{
    /// <summary>Policy (基本方針) code of the measure the project was placed under, e.g. <c>1</c> (empty when the plan no longer has it).</summary>
    public required string PolicyCode { get; init; }
    public required string PolicyTitle { get; init; }
    /// <summary>Measure code at opening, e.g. <c>1-2</c>.</summary>
    public required string MeasureCode { get; init; }
    public required string MeasureTitle { get; init; }
    public required string ProjectCode { get; init; }
    public required string ProjectName { get; init; }
    /// <summary>主管課 at opening.</summary>
    public required IReadOnlyList<string> LeadDepartments { get; init; }
    /// <summary>Self-evaluation status.</summary>
    public required SheetStatus Status { get; init; }
    /// <summary>Times the sheet was returned.</summary>
    public required int ReturnCount { get; init; }
    /// <summary>取組実績 (null until submitted).</summary>
    public required string? Achievements { get; init; }
    /// <summary>課題.</summary>
    public required string? Issues { get; init; }
    /// <summary>次年度の方向性 proposed by the department.</summary>
    public required ProjectDirection? NextYear { get; init; }
    /// <summary>事業費 in 千円.</summary>
    public required decimal? CostThousandYen { get; init; }
    /// <summary>人工 (person-years).</summary>
    public required decimal? StaffEffort { get; init; }
    /// <summary>The project's indicators in the year, in plan order.</summary>
    public required IReadOnlyList<ReportIndicator> Indicators { get; init; }
    /// <summary>Every stage of the round, in order (records the reader may not see, or not recorded yet, are empty).</summary>
    public required IReadOnlyList<ReportStage> Stages { get; init; }
    /// <summary>Final grade: the grade of the last stage that recorded one; null when none has.</summary>
    public required Grade? FinalGrade { get; init; }
    /// <summary>Order of the stage <see cref="FinalGrade"/> comes from (0 when none).</summary>
    public required int FinalGradeStage { get; init; }
    /// <summary>判断 of the last stage, null until recorded.</summary>
    public required ProjectDirection? Decision { get; init; }
}

/// <summary>Grades A–D of one policy or measure (final grades, <see cref="ReportProject.FinalGrade"/>).</summary>
/// <param name="PolicyCode">Policy code.</param>
/// <param name="MeasureCode">Measure code, null on a policy row.</param>
/// <param name="Title">Policy or measure title.</param>
/// <param name="Counts">Projects per grade, A to D, zeros included.</param>
/// <param name="Ungraded">Projects without a grade yet.</param>
public sealed record GradeGroup(string PolicyCode, string? MeasureCode, string Title, IReadOnlyDictionary<Grade, int> Counts, int Ungraded)
{
    /// <summary>「1-2」 or 「1」.</summary>
    public string Code => MeasureCode ?? PolicyCode;
    /// <summary>「1-2 行政情報の発信」: the chart's category label.</summary>
    public string Label => $"{Code} {Title}";
    /// <summary>Projects in the group.</summary>
    public int Total => Counts.Values.Sum() + Ungraded;
}

/// <summary>The 評価報告書 of a plan year. See <see cref="GetEvaluationReport"/>.</summary>
public sealed class EvaluationReport
{
    public required string PlanCode { get; init; }
    public required string PlanTitle { get; init; }
    public required string Municipality { get; init; }
    /// <summary>The plan's level names (基本方針, 施策 / 事業推進計画, 個別事業).</summary>
    public required string PolicyLevelName { get; init; }
    public required string MeasureLevelName { get; init; }
    public required string ProjectLevelName { get; init; }
    /// <summary>Evaluated fiscal year (starting calendar year).</summary>
    public required int FiscalYear { get; init; }
    /// <summary>The round's stages, in order.</summary>
    public required IReadOnlyList<StageInfo> Stages { get; init; }
    /// <summary>True once the last stage closed (the report is final).</summary>
    public required bool IsClosed { get; init; }
    /// <summary>When the round closed (UTC).</summary>
    public required DateTimeOffset? ClosedAt { get; init; }
    /// <summary>The stage running (the last once closed).</summary>
    public required StageInfo Current { get; init; }
    /// <summary>False when the reader sees only their department's projects (the report is partial).</summary>
    public required bool AllProjects { get; init; }
    /// <summary>When the report was produced (UTC): the 出力日 of the xlsx and PDF.</summary>
    public required DateTimeOffset GeneratedAt { get; init; }
    /// <summary>The projects the reader sees, in plan order (policy, measure, placement).</summary>
    public required IReadOnlyList<ReportProject> Projects { get; init; }
    /// <summary>Final grades per policy, in plan order (only policies with projects in the report).</summary>
    public required IReadOnlyList<GradeGroup> ByPolicy { get; init; }
    /// <summary>Final grades per measure, in plan order (only measures with projects in the report).</summary>
    public required IReadOnlyList<GradeGroup> ByMeasure { get; init; }

    /// <summary>The last stage (it records the decision).</summary>
    public StageInfo LastStage => Stages[^1];
}

/// <summary>
/// The 評価報告書 of <paramref name="PlanCode"/> for <paramref name="FiscalYear"/>: per project in plan order its indicators
/// (target, actual, 達成率, status) in the year, the self-evaluation (grade, 取組実績, 課題, 次年度の方向性, 事業費 in 千円, 人工),
/// the grade and comment of every later stage, the decision; plus the final grades per policy and measure. Readers as
/// for the round (<see cref="EvaluationRules.CanSeeRound"/>): every sheet for those who see all, a department its own;
/// an outside reviewer of a stage that sees only the self-evaluation sees that and their own stage. A self-evaluation
/// shows once submitted. Errors: <see cref="NotFoundException"/> (plan or round), <see cref="ForbiddenException"/>.
/// </summary>
public sealed record GetEvaluationReport(string PlanCode, int FiscalYear) : IRequest<EvaluationReport>;

/// <summary>One plan year of a project's evaluation history.</summary>
/// <param name="FiscalYear">Evaluated year.</param>
/// <param name="IsClosed">Whether the round has closed.</param>
/// <param name="CurrentStageName">The stage running (the last once closed).</param>
/// <param name="Stages">Every stage with the project's grade (empty when not recorded yet or not visible).</param>
/// <param name="FinalGrade">Grade of the last stage that recorded one.</param>
/// <param name="Decision">判断 of the last stage.</param>
/// <param name="SheetHref">Link to the sheet page: <c>/evaluation/{plan}/{fy}/sheets/{project}</c>.</param>
public sealed record ProjectEvaluationYear(int FiscalYear, bool IsClosed, string CurrentStageName, IReadOnlyList<ReportStage> Stages,
    Grade? FinalGrade, ProjectDirection? Decision, string SheetHref);

/// <summary>
/// A project's grades across the plan years: each round of the plan that has a sheet for the project and that the user
/// may see (rounds and sheets the user may not see are left out, not refused), oldest first. Errors:
/// <see cref="NotFoundException"/> (plan or project).
/// </summary>
public sealed record GetProjectEvaluations(string PlanCode, string ProjectCode) : IRequest<IReadOnlyList<ProjectEvaluationYear>>;

/// <summary>The grade distribution of a plan's latest round for the CIO dashboard.</summary>
/// <param name="FiscalYear">Evaluated year of the round shown.</param>
/// <param name="IsClosed">True for a closed round; false for an open one whose grades are partial (labelled on the page).</param>
/// <param name="CurrentStageName">Stage running in an open round.</param>
/// <param name="AllProjects">False when the user sees only their department's projects.</param>
/// <param name="ByPolicy">Per policy.</param>
/// <param name="ByMeasure">Per measure.</param>
/// <param name="ReportHref">Link to the report page.</param>
public sealed record DashboardGrades(int FiscalYear, bool IsClosed, string CurrentStageName, bool AllProjects, IReadOnlyList<GradeGroup> ByPolicy,
    IReadOnlyList<GradeGroup> ByMeasure, string ReportHref);

/// <summary>
/// The grade distribution of <paramref name="PlanCode"/> for the dashboard: the latest closed round, or, when a newer
/// round is open and has recorded a grade beyond the self-evaluation (or there is no closed round), that open round with
/// its partial grades. Null when the plan has no round the user may see, or none of its sheets.
/// </summary>
/// <param name="PlanCode">Plan code.</param>
/// <param name="Snapshot">The plan evaluated today when the caller has it already (the dashboard), so it is not loaded twice.</param>
public sealed record GetDashboardGrades(string PlanCode, PlanSnapshot? Snapshot = null) : IRequest<DashboardGrades?>;

/// <summary>Addresses of the evaluation round's pages and outputs (issue #10): one place for every link to them.</summary>
public static class EvaluationLinks
{
    /// <summary><c>/evaluation/{plan}/{fy}</c>.</summary>
    public static string Round(string planCode, int fiscalYear) => $"/evaluation/{Uri.EscapeDataString(planCode)}/{fiscalYear}";
    /// <summary><c>/evaluation/{plan}/{fy}/report</c> (print page; <c>.xlsx</c> and <c>.pdf</c> with <paramref name="extension"/>).</summary>
    public static string Report(string planCode, int fiscalYear, string? extension = null) =>
        Round(planCode, fiscalYear) + "/report" + (extension is null ? "" : "." + extension);
    /// <summary><c>/evaluation/{plan}/{fy}/sheets/{project}</c>.</summary>
    public static string Sheet(string planCode, int fiscalYear, string projectCode) =>
        Round(planCode, fiscalYear) + "/sheets/" + Uri.EscapeDataString(projectCode);
    /// <summary>The secretariat's grid of a review stage: <c>/evaluation/{plan}/{fy}/stages/{order}</c>.</summary>
    public static string Stage(string planCode, int fiscalYear, int order) => $"{Round(planCode, fiscalYear)}/stages/{order}";
    /// <summary>A plan's stage definitions editor: <c>/plans/{code}/evaluation-stages</c>.</summary>
    public static string StagesEditor(string planCode) => $"/plans/{Uri.EscapeDataString(planCode)}/evaluation-stages";
}

internal sealed class EvaluationReportHandlers(PlanKpiDbContext db, ICurrentUser user, TimeProvider clock, IEnumerable<MetricDefinition> definitions,
    PlanKpiReadCache cache)
    : IRequestHandler<GetEvaluationReport, EvaluationReport>,
      IRequestHandler<GetProjectEvaluations, IReadOnlyList<ProjectEvaluationYear>>,
      IRequestHandler<GetDashboardGrades, DashboardGrades?>
{
    public async Task<EvaluationReport> Handle(GetEvaluationReport request, CancellationToken ct)
    {
        var plan = await db.Plans.AsNoTracking().SingleOrDefaultAsync(p => p.Code == request.PlanCode, ct)
            ?? throw new NotFoundException($"計画 {request.PlanCode} は登録されていません。");
        var round = await Rounds().SingleOrDefaultAsync(r => r.PlanId == plan.Id && r.FiscalYear == request.FiscalYear, ct)
            ?? throw new NotFoundException($"{plan.Title} の{Fmt.Year(request.FiscalYear)}の評価はまだ開始されていません。");
        if (!EvaluationRules.CanSeeRound(user, round.Stages))
            throw new ForbiddenException("この評価を見る権限がありません。");
        var snapshot = await PlanSnapshot.LoadAsync(db, plan.Code, clock.TodayInJapan(), definitions, ct)
            ?? throw new NotFoundException($"計画 {request.PlanCode} は登録されていません。");
        return Build(snapshot, round);
    }

    public async Task<IReadOnlyList<ProjectEvaluationYear>> Handle(GetProjectEvaluations request, CancellationToken ct)
    {
        var plan = await db.Plans.AsNoTracking().SingleOrDefaultAsync(p => p.Code == request.PlanCode, ct)
            ?? throw new NotFoundException($"計画 {request.PlanCode} は登録されていません。");
        var project = await db.Projects.AsNoTracking().SingleOrDefaultAsync(p => p.PlanId == plan.Id && p.Code == request.ProjectCode, ct)
            ?? throw new NotFoundException($"事業 {request.ProjectCode} はこの計画にありません。");
        var rounds = await Rounds().Where(r => r.PlanId == plan.Id && r.Sheets.Any(s => s.ProjectId == project.Id)).ToListAsync(ct);
        var years = new List<ProjectEvaluationYear>();
        foreach (var round in rounds.OrderBy(r => r.FiscalYear))
        {
            if (!EvaluationRules.CanSeeRound(user, round.Stages)) continue;
            var sheet = round.Sheets.First(s => s.ProjectId == project.Id);
            if (!Sees(sheet)) continue;
            var stages = StagesOf(round, sheet);
            var (final, _) = Final(stages);
            years.Add(new ProjectEvaluationYear(round.FiscalYear, round.IsClosed, round.Stages.Single(s => s.Order == round.CurrentStage).Name,
                stages, final, Decision(round, stages), EvaluationLinks.Sheet(plan.Code, round.FiscalYear, sheet.ProjectCode)));
        }
        return years;
    }

    public async Task<DashboardGrades?> Handle(GetDashboardGrades request, CancellationToken ct)
    {
        // The dashboard passes its (cached) snapshot; rounds come from the same per-host cache (PlanKpiReadCache).
        var today = clock.TodayInJapan();
        var snapshot = request.Snapshot is { } given && given.Plan.Code == request.PlanCode ? given
            : await cache.SnapshotAsync(db, request.PlanCode, today, definitions, ct);
        if (snapshot is null) return null;
        var plan = snapshot.Plan;
        var rounds = ((await cache.RoundsAsync(db, plan.Id, today, ct)) ?? [])
            .Where(r => EvaluationRules.CanSeeRound(user, r.Stages)).OrderByDescending(r => r.FiscalYear).ToList();
        var closed = rounds.FirstOrDefault(r => r.IsClosed);
        var open = rounds.FirstOrDefault(r => !r.IsClosed && (closed is null || r.FiscalYear > closed.FiscalYear)
                                               && r.Sheets.Any(s => s.Reviews.Any(v => v.Grade is not null)));
        var round = open ?? closed ?? rounds.FirstOrDefault();
        if (round is null) return null;
        var report = Build(snapshot, round);
        if (report.Projects.Count == 0) return null;             // e.g. a department that leads none of the plan's projects
        return new DashboardGrades(report.FiscalYear, report.IsClosed, report.Current.Name, report.AllProjects, report.ByPolicy, report.ByMeasure,
            EvaluationLinks.Report(plan.Code, round.FiscalYear));
    }

    // ---------------------------------------------------------------- building

    private IQueryable<EvaluationRound> Rounds() =>
        db.EvaluationRoundsWithSheets().AsNoTracking();

    private EvaluationReport Build(PlanSnapshot snapshot, EvaluationRound round)
    {
        var plan = snapshot.Plan;
        var measures = snapshot.Policies.SelectMany(p => p.Measures.Select(m => (Policy: p, Measure: m))).ToList();
        var projects = new List<ReportProject>();
        foreach (var sheet in round.Sheets.OrderBy(s => s.SortOrder).Where(Sees))
        {
            var place = measures.FirstOrDefault(x => x.Measure.Code == sheet.MeasureCode);
            var stages = StagesOf(round, sheet);
            var selfVisible = EvaluationRules.SelfEvaluationShown(round, sheet);
            var (final, finalStage) = Final(stages);
            projects.Add(new ReportProject
            {
                PolicyCode = place.Policy?.Code ?? "", PolicyTitle = place.Policy?.Title ?? "",
                MeasureCode = sheet.MeasureCode, MeasureTitle = place.Measure?.Title ?? "",
                ProjectCode = sheet.ProjectCode, ProjectName = sheet.ProjectName, LeadDepartments = sheet.LeadDepartmentNames,
                Status = sheet.Status, ReturnCount = sheet.ReturnCount,
                Achievements = selfVisible ? sheet.Achievements : null, Issues = selfVisible ? sheet.Issues : null,
                NextYear = selfVisible ? sheet.NextYear : null,
                CostThousandYen = selfVisible ? sheet.CostThousandYen : null, StaffEffort = selfVisible ? sheet.StaffEffort : null,
                Indicators = snapshot.Indicators.Where(r => r.Project?.Id == sheet.ProjectId).Select(r =>
                {
                    var y = r.Year(round.FiscalYear);
                    return new ReportIndicator(r.Indicator.Code, r.Indicator.Name, r.Indicator.Unit, y?.TargetValue, y?.TargetText, y?.Actual?.Value,
                        y?.Evaluation.AchievementRate, y?.Evaluation.Status ?? KpiStatus.NoNumericTarget);
                }).ToList(),
                Stages = stages, FinalGrade = final, FinalGradeStage = finalStage, Decision = Decision(round, stages),
            });
        }

        IReadOnlyDictionary<Grade, int> Count(IEnumerable<ReportProject> some)
        {
            var list = some.ToList();
            return Enum.GetValues<Grade>().ToDictionary(g => g, g => list.Count(p => p.FinalGrade == g));
        }
        var byPolicy = new List<GradeGroup>();
        var byMeasure = new List<GradeGroup>();
        foreach (var policy in snapshot.Policies)
        {
            var inPolicy = projects.Where(p => p.PolicyCode == policy.Code).ToList();
            if (inPolicy.Count == 0) continue;
            byPolicy.Add(new GradeGroup(policy.Code, null, policy.Title, Count(inPolicy), inPolicy.Count(p => p.FinalGrade is null)));
            foreach (var measure in policy.Measures)
            {
                var inMeasure = inPolicy.Where(p => p.MeasureCode == measure.Code).ToList();
                if (inMeasure.Count > 0)
                    byMeasure.Add(new GradeGroup(policy.Code, measure.Code, measure.Title, Count(inMeasure), inMeasure.Count(p => p.FinalGrade is null)));
            }
        }
        var orphans = projects.Where(p => p.PolicyCode.Length == 0).ToList();
        if (orphans.Count > 0)
            byPolicy.Add(new GradeGroup("", null, "(計画改訂で削除された区分)", Count(orphans), orphans.Count(p => p.FinalGrade is null)));

        var current = round.Stages.Single(s => s.Order == round.CurrentStage);
        StageInfo Info(EvaluationStage s) => StageInfo.Of(round, s);
        return new EvaluationReport
        {
            PlanCode = plan.Code, PlanTitle = plan.Title, Municipality = plan.Municipality, PolicyLevelName = plan.PolicyLevelName,
            MeasureLevelName = plan.MeasureLevelName, ProjectLevelName = plan.ProjectLevelName, FiscalYear = round.FiscalYear,
            Stages = round.Stages.OrderBy(s => s.Order).Select(Info).ToList(), IsClosed = round.IsClosed, ClosedAt = round.ClosedAt,
            Current = Info(current), AllProjects = EvaluationRules.SeesAllSheets(user), GeneratedAt = clock.GetUtcNow(),
            Projects = projects, ByPolicy = byPolicy, ByMeasure = byMeasure,
        };
    }

    private bool Sees(EvaluationSheet sheet) => EvaluationRules.SeesSheet(user, sheet);

    /// <summary>Every stage of the round with the sheet's record where the user may see it (as the sheet page's results).</summary>
    private IReadOnlyList<ReportStage> StagesOf(EvaluationRound round, EvaluationSheet sheet)
    {
        var viewer = EvaluationRules.ViewerStage(user, round.Stages);
        var stages = new List<ReportStage>();
        foreach (var stage in round.Stages.OrderBy(s => s.Order))
        {
            if (stage.Order == 1)
            {
                stages.Add(EvaluationRules.SelfEvaluationShown(round, sheet)
                    ? new ReportStage(1, stage.Name, sheet.Grade, null, null, sheet.SubmittedBy, sheet.SubmittedAt)
                    : new ReportStage(1, stage.Name, null, null, null, null, null));
                continue;
            }
            var review = sheet.Reviews.FirstOrDefault(r => r.StageOrder == stage.Order);
            var visible = EvaluationRules.SeesStage(viewer, stage.Order);
            stages.Add(review is not null && visible
                ? new ReportStage(stage.Order, stage.Name, review.Grade, review.Comment, review.Decision, review.RecordedBy, review.RecordedAt)
                : new ReportStage(stage.Order, stage.Name, null, null, null, null, null));
        }
        return stages;
    }

    /// <summary>The final grade: the last stage that recorded one.</summary>
    private static (Grade? Grade, int Stage) Final(IReadOnlyList<ReportStage> stages) =>
        stages.LastOrDefault(s => s.Grade is not null) is { } s ? (s.Grade, s.Order) : (null, 0);

    private static ProjectDirection? Decision(EvaluationRound round, IReadOnlyList<ReportStage> stages) =>
        stages.FirstOrDefault(s => s.Order == round.Stages.Max(x => x.Order))?.Decision;
}
