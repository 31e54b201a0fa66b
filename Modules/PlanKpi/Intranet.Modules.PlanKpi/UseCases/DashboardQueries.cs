using Intranet.Modules.PlanKpi.Domain;
using Intranet.Shared.Messaging;
using Intranet.Shared.Security;
using Intranet.Shared.Time;
using MediatR;

namespace Intranet.Modules.PlanKpi.UseCases;

/// <summary>
/// Which indicators of one plan year to show: the dashboard, the indicator list and the links between them use
/// this one filter, so a count on the dashboard and the list its link opens always hold the same indicators.
/// Every value is a code as it appears in the URL; null or empty means "all".
/// </summary>
/// <param name="Status">A status code (<see cref="KpiRules.Code"/>: <c>behind</c>, <c>on_track</c>, …) or
/// <see cref="IndicatorFilter.NewlyBehind"/>; an unknown code filters nothing out.</param>
/// <param name="Policy">A policy code (基本方針), e.g. <c>2</c>.</param>
/// <param name="Measure">A measure code (事業推進計画 / 施策), e.g. <c>2-1</c>.</param>
/// <param name="Department">A lead department (主管課), e.g. 「広報広聴課」.</param>
public sealed record IndicatorFilter(string? Status = null, string? Policy = null, string? Measure = null, string? Department = null)
{
    /// <summary>
    /// Pseudo status <c>newly_behind</c> (「新たに遅れ」): behind (遅れ) in the year shown and not behind in the fiscal year
    /// before it. In the plan's first year there is no year before, so every indicator behind in it is newly behind.
    /// </summary>
    public const string NewlyBehind = "newly_behind";

    /// <summary>No filter at all.</summary>
    public static IndicatorFilter All { get; } = new();

    /// <summary>
    /// This filter with values the plan does not know dropped (a hand-edited URL shows everything rather than
    /// nothing), and empty strings turned into null.
    /// </summary>
    public IndicatorFilter Normalize(PlanSnapshot plan)
    {
        static string? Clean(string? v) => string.IsNullOrWhiteSpace(v) ? null : v.Trim();
        var status = Clean(Status);
        if (status is not null && status != NewlyBehind && KpiDisplay.ParseStatus(status) is null) status = null;
        var policy = Clean(Policy);
        if (policy is not null && plan.Policies.All(p => p.Code != policy)) policy = null;
        var measure = Clean(Measure);
        if (measure is not null && plan.Policies.SelectMany(p => p.Measures).All(m => m.Code != measure)) measure = null;
        var department = Clean(Department);
        if (department is not null && !plan.LeadDepartments.Contains(department)) department = null;
        return new IndicatorFilter(status, policy, measure, department);
    }

    /// <summary>The same filter without its status (what the dashboard counts per status).</summary>
    public IndicatorFilter WithoutStatus() => this with { Status = null };

    /// <summary>Whether <paramref name="row"/> passes the filter in fiscal year <paramref name="year"/>.</summary>
    public bool Matches(IndicatorRow row, int year)
    {
        if (Policy is { Length: > 0 } p && row.Policy.Code != p) return false;
        if (Measure is { Length: > 0 } m && row.Measure.Code != m) return false;
        if (Department is { Length: > 0 } d && !row.LeadDepartments.Contains(d)) return false;
        if (Status is { Length: > 0 } s)
        {
            var status = row.Year(year)?.Evaluation.Status;
            if (s == NewlyBehind)
            {
                if (status != KpiStatus.Behind) return false;
                return row.Year(year - 1)?.Evaluation.Status != KpiStatus.Behind;
            }
            if (KpiDisplay.ParseStatus(s) is { } wanted && status != wanted) return false;
        }
        return true;
    }
}

/// <summary>Display order and codes of the statuses on the dashboard and in the list.</summary>
public static class KpiDisplay
{
    /// <summary>Dashboard order: 遅れ, 未測定, 順調, 達成, 数値目標なし (what needs attention first).</summary>
    public static IReadOnlyList<KpiStatus> StatusOrder { get; } =
        [KpiStatus.Behind, KpiStatus.NotMeasured, KpiStatus.OnTrack, KpiStatus.Achieved, KpiStatus.NoNumericTarget];

    /// <summary>The status of a code from <see cref="KpiRules.Code"/>; null for anything else.</summary>
    public static KpiStatus? ParseStatus(string? code) =>
        Enum.GetValues<KpiStatus>().Cast<KpiStatus?>().FirstOrDefault(s => KpiRules.Code(s!.Value) == code);

    /// <summary>Position of a status in <see cref="StatusOrder"/> (0 = 遅れ).</summary>
    public static int Rank(KpiStatus status) => status switch
    {
        KpiStatus.Behind => 0, KpiStatus.NotMeasured => 1, KpiStatus.OnTrack => 2, KpiStatus.Achieved => 3, _ => 4,
    };

    /// <summary>Japanese label of a filter status code, including 「新たに遅れ」.</summary>
    public static string FilterLabel(string? code) => code == IndicatorFilter.NewlyBehind ? "新たに遅れ"
        : ParseStatus(code) is { } s ? KpiRules.Label(s) : "すべて";
}

/// <summary>One status and how many indicators have it.</summary>
public sealed record StatusCount(KpiStatus Status, int Count);

/// <summary>
/// One row of the dashboard's per-policy / per-measure table and chart.
/// <paramref name="MeasureCode"/> is null on a policy row; <paramref name="Counts"/> holds every status (0 included).
/// </summary>
public sealed record DashboardGroup(string PolicyCode, string? MeasureCode, string Title,
    IReadOnlyDictionary<KpiStatus, int> Counts, int Total)
{
    /// <summary>「2-1」 or 「2」.</summary>
    public string Code => MeasureCode ?? PolicyCode;

    /// <summary>Whether this is a policy (level 1) row.</summary>
    public bool IsPolicy => MeasureCode is null;

    /// <summary>「2-1 業務の効率化」: code and full title, as the chart's category label.</summary>
    public string Label => $"{Code} {Title}";
}

/// <summary>Everything the dashboard shows for one plan year and filter. See <see cref="GetDashboard"/>.</summary>
public sealed class DashboardView
{
    /// <summary>Every plan (for the plan picker).</summary>
    public required IReadOnlyList<PlanListItem> Plans { get; init; }
    /// <summary>The plan shown, evaluated today.</summary>
    public required PlanSnapshot Snapshot { get; init; }
    /// <summary>The fiscal year shown.</summary>
    public required FiscalYear Year { get; init; }
    /// <summary>The filter applied, normalized (its status is always null: the dashboard counts every status).</summary>
    public required IndicatorFilter Filter { get; init; }
    /// <summary>Indicators per status, in <see cref="KpiDisplay.StatusOrder"/>, zeros included.</summary>
    public required IReadOnlyList<StatusCount> Counts { get; init; }
    /// <summary>Policy rows each followed by its measure rows, in plan order, limited by the filter.</summary>
    public required IReadOnlyList<DashboardGroup> Groups { get; init; }
    /// <summary>The filtered indicators, behind first (<see cref="GetDashboard"/> gives the order).</summary>
    public required IReadOnlyList<IndicatorRow> Rows { get; init; }

    /// <summary>
    /// Final grades A–D per policy and measure of the plan's latest closed round, or of a newer open round with partial
    /// grades (<see cref="Evaluation.GetDashboardGrades"/>); null when the plan has no round the user may see.
    /// </summary>
    public Evaluation.DashboardGrades? Grades { get; init; }

    /// <summary>The measure rows of <see cref="Groups"/> (the chart's bars).</summary>
    public IReadOnlyList<DashboardGroup> MeasureGroups => Groups.Where(g => !g.IsPolicy).ToList();
}

/// <summary>
/// The CIO dashboard of one plan year: counts per status, the per-policy / per-measure breakdown and the indicators
/// ordered behind first (遅れ, 未測定, 順調, 達成, 数値目標なし; plan order within a status). Plan: the given code, else the
/// first plan. Year: the given one when it lies in the plan period, else the year containing today (clamped into the
/// plan period). Filter values the plan does not know are ignored. Null when no plan is registered.
/// </summary>
/// <remarks>The city's staff only (<see cref="Roles.Staff"/>), as <see cref="ListPlans"/>.</remarks>
[RequiresRole(Roles.Administrator, Roles.Cio, Roles.PlanOffice, Roles.RpaTeam, Roles.HumanResources, Roles.MeetingOrganizer, Roles.Department, Roles.Viewer)]
public sealed record GetDashboard(string? PlanCode = null, int? FiscalYear = null, IndicatorFilter? Filter = null)
    : IRequest<DashboardView?>;

/// <summary>One indicator in one fiscal year as the indicator list shows it (flat, so the grid sorts and filters on it).</summary>
/// <param name="Code">Indicator code, e.g. <c>2-1-(1)-1</c>.</param>
/// <param name="Name">Indicator name.</param>
/// <param name="ProjectCode">Project code, empty for a measure-level indicator.</param>
/// <param name="ProjectName">Project name, empty for a measure-level indicator.</param>
/// <param name="PolicyCode">Policy code.</param>
/// <param name="MeasureCode">Measure code.</param>
/// <param name="Departments">Lead departments joined with 「、」.</param>
/// <param name="Unit">Unit (人, %, 時間 …).</param>
/// <param name="TargetValue">Numeric target, or null.</param>
/// <param name="TargetText">The target as users read it (the plan's wording, else number and unit, else 「—」).</param>
/// <param name="ActualValue">Actual, or null.</param>
/// <param name="ActualText">Actual with unit, or 「—」.</param>
/// <param name="Note">The note typed with the actual, if any.</param>
/// <param name="Source">Japanese source: 「RPA台帳から自動連携」 or who entered it and when; null without actual.</param>
/// <param name="Rate">達成率 in percent, or null.</param>
/// <param name="Status">Status in the year.</param>
/// <param name="PlanOrder">Position in plan order (0-based), the default sort.</param>
/// <param name="IsFed">Whether a module feeds the actual (not typed in).</param>
/// <param name="FeedSource">The feeding module's Japanese name (「RPA台帳」) for a bound indicator, else null.</param>
/// <param name="CanEnter">Whether the current user may type this actual in (<see cref="ActualEntryAccess"/>; never for fed ones).</param>
/// <param name="Kind">成果指標 (default), 施策目標値 or 行動目標 (<see cref="IndicatorKind"/>).</param>
/// <param name="MeasureTitle">The measure's title (shown for a measure-level indicator, which has no project).</param>
public sealed record IndicatorListItem(
    string Code, string Name, string ProjectCode, string ProjectName, string PolicyCode, string MeasureCode, string Departments,
    string Unit, decimal? TargetValue, string TargetText, decimal? ActualValue, string ActualText, string? Note, string? Source,
    decimal? Rate, KpiStatus Status, int PlanOrder, bool IsFed, string? FeedSource, bool CanEnter,
    IndicatorKind Kind = IndicatorKind.Outcome, string MeasureTitle = "")
{
    /// <summary>Japanese kind label (成果指標, 施策目標値, 行動目標).</summary>
    public string KindLabel => IndicatorKinds.Label(Kind);
    /// <summary>Japanese status label (達成, 順調, 遅れ, 未測定, 数値目標なし).</summary>
    public string StatusLabel => KpiRules.Label(Status);
    /// <summary>Position of the status in <see cref="KpiDisplay.StatusOrder"/> (sorts behind first).</summary>
    public int StatusRank => KpiDisplay.Rank(Status);
}

/// <summary>The indicator list of one plan year. See <see cref="ListIndicators"/>.</summary>
public sealed class IndicatorListView
{
    /// <summary>Every plan (for the plan picker).</summary>
    public required IReadOnlyList<PlanListItem> Plans { get; init; }
    /// <summary>The plan shown.</summary>
    public required PlanSnapshot Snapshot { get; init; }
    /// <summary>The fiscal year shown.</summary>
    public required FiscalYear Year { get; init; }
    /// <summary>The filter applied, normalized.</summary>
    public required IndicatorFilter Filter { get; init; }
    /// <summary>The indicators passing the filter, in plan order.</summary>
    public required IReadOnlyList<IndicatorListItem> Items { get; init; }
}

/// <summary>
/// The indicators of one plan year that pass <paramref name="Filter"/> (the dashboard's links open exactly these),
/// in plan order. <paramref name="Query"/> matches indicator name or code, project name or a lead department
/// (case-insensitive); <paramref name="Mine"/> keeps the indicators the current user may type in. Plan and year are
/// chosen as in <see cref="GetDashboard"/>. Null when no plan is registered.
/// </summary>
/// <remarks>The city's staff only (<see cref="Roles.Staff"/>), as <see cref="ListPlans"/>.</remarks>
[RequiresRole(Roles.Administrator, Roles.Cio, Roles.PlanOffice, Roles.RpaTeam, Roles.HumanResources, Roles.MeetingOrganizer, Roles.Department, Roles.Viewer)]
public sealed record ListIndicators(string? PlanCode = null, int? FiscalYear = null, IndicatorFilter? Filter = null,
    string? Query = null, bool Mine = false) : IRequest<IndicatorListView?>;

/// <summary>Indicators newly behind in one plan's current year (see <see cref="CountNewlyBehind"/>).</summary>
/// <param name="PlanCode">The plan.</param>
/// <param name="PlanTitle">Its title.</param>
/// <param name="FiscalYear">The plan year containing today (clamped into the plan period).</param>
/// <param name="Codes">Codes of the indicators newly behind, in plan order.</param>
public sealed record NewlyBehindIndicators(string PlanCode, string PlanTitle, int FiscalYear, IReadOnlyList<string> Codes);

/// <summary>
/// For every plan: the indicators 「新たに遅れとなった」 in its current year, i.e. behind (遅れ) in the plan year that
/// contains today and not behind in the year before (<see cref="IndicatorFilter.NewlyBehind"/>). The CIO's home page
/// lists them.
/// </summary>
public sealed record CountNewlyBehind : IRequest<IReadOnlyList<NewlyBehindIndicators>>;

internal sealed class DashboardQueryHandlers(IMediator mediator, ICurrentUser user, Data.PlanKpiDbContext db, PlanKpiReadCache cache,
    TimeProvider clock, IEnumerable<Contracts.MetricDefinition> definitions)
    : IRequestHandler<GetDashboard, DashboardView?>,
      IRequestHandler<ListIndicators, IndicatorListView?>,
      IRequestHandler<CountNewlyBehind, IReadOnlyList<NewlyBehindIndicators>>
{
    /// <summary>
    /// The plan list and the chosen plan from the per-host cache (issue #12), read directly rather than through
    /// <see cref="ListPlans"/> / <see cref="GetPlanSnapshot"/>: each nested request would run the whole pipeline again
    /// (session check, logging) on every dashboard view. Both requests carry the same role requirement as those two.
    /// </summary>
    private async Task<(IReadOnlyList<PlanListItem>, PlanSnapshot, FiscalYear)?> LoadAsync(string? planCode, int? year, CancellationToken ct)
    {
        var plans = await PlanQueryHandlers.PlansAsync(db, cache, clock, ct);
        if (plans.Count == 0) return null;
        var code = plans.Any(p => p.Code == planCode) ? planCode! : plans[0].Code;
        var snapshot = await cache.SnapshotAsync(db, code, clock.TodayInJapan(), definitions, ct)
            ?? throw new NotFoundException($"計画 {code} は登録されていません。");
        var fy = year is { } y && snapshot.Years.Any(x => x.StartYear == y) ? new FiscalYear(y) : snapshot.DefaultYear;
        return (plans, snapshot, fy);
    }

    public async Task<DashboardView?> Handle(GetDashboard request, CancellationToken ct)
    {
        if (await LoadAsync(request.PlanCode, request.FiscalYear, ct) is not var (plans, snapshot, year)) return null;
        var filter = (request.Filter ?? IndicatorFilter.All).Normalize(snapshot).WithoutStatus();
        var y = year.StartYear;
        var rows = snapshot.Indicators.Where(r => filter.Matches(r, y)).ToList();
        KpiStatus StatusOf(IndicatorRow r) => r.Year(y)!.Evaluation.Status;

        IReadOnlyDictionary<KpiStatus, int> Count(IEnumerable<IndicatorRow> some)
        {
            var list = some.ToList();
            return KpiDisplay.StatusOrder.ToDictionary(s => s, s => list.Count(r => StatusOf(r) == s));
        }

        var groups = new List<DashboardGroup>();
        foreach (var policy in snapshot.Policies.Where(p => filter.Policy is null || p.Code == filter.Policy))
        {
            var measures = policy.Measures.Where(m => filter.Measure is null || m.Code == filter.Measure).ToList();
            if (filter.Measure is not null && measures.Count == 0) continue;
            var policyRows = rows.Where(r => r.Policy.Id == policy.Id).ToList();
            groups.Add(new DashboardGroup(policy.Code, null, policy.Title, Count(policyRows), policyRows.Count));
            foreach (var measure in measures)
            {
                var measureRows = policyRows.Where(r => r.Measure.Id == measure.Id).ToList();
                groups.Add(new DashboardGroup(policy.Code, measure.Code, measure.Title, Count(measureRows), measureRows.Count));
            }
        }

        return new DashboardView
        {
            Plans = plans, Snapshot = snapshot, Year = year, Filter = filter,
            Counts = KpiDisplay.StatusOrder.Select(s => new StatusCount(s, rows.Count(r => StatusOf(r) == s))).ToList(),
            Groups = groups,
            // OrderBy is stable: plan order within a status.
            Rows = rows.OrderBy(r => KpiDisplay.Rank(StatusOf(r))).ToList(),
            // Directly, not through the mediator: a nested request would run the session check and logging again (issue #12).
            Grades = await new Evaluation.EvaluationReportHandlers(db, user, clock, definitions, cache)
                .Handle(new Evaluation.GetDashboardGrades(snapshot.Plan.Code, snapshot), ct),
        };
    }

    public async Task<IndicatorListView?> Handle(ListIndicators request, CancellationToken ct)
    {
        if (await LoadAsync(request.PlanCode, request.FiscalYear, ct) is not var (plans, snapshot, year)) return null;
        var filter = (request.Filter ?? IndicatorFilter.All).Normalize(snapshot);
        var y = year.StartYear;
        IEnumerable<(IndicatorRow Row, int Order)> rows = snapshot.Indicators.Select((r, i) => (r, i)).Where(x => filter.Matches(x.r, y));
        if (!string.IsNullOrWhiteSpace(request.Query))
        {
            var q = request.Query.Trim();
            rows = rows.Where(x => x.Row.Indicator.Name.Contains(q, StringComparison.OrdinalIgnoreCase)
                                   || x.Row.Indicator.Code.Contains(q, StringComparison.OrdinalIgnoreCase)
                                   || (x.Row.Project?.Name.Contains(q, StringComparison.OrdinalIgnoreCase) ?? false)
                                   || x.Row.LeadDepartments.Any(d => d.Contains(q, StringComparison.Ordinal)));
        }
        var items = rows.Select(x => Item(x.Row, x.Order, y))
            .Where(i => !request.Mine || i.CanEnter)
            .ToList();
        return new IndicatorListView { Plans = plans, Snapshot = snapshot, Year = year, Filter = filter, Items = items };
    }

    private IndicatorListItem Item(IndicatorRow row, int order, int year)
    {
        var y = row.Year(year)!;
        var unit = row.Indicator.Unit;
        var bound = row.Indicator.MetricKey is not null;
        return new IndicatorListItem(
            row.Indicator.Code, row.Indicator.Name, row.ProjectCode, row.Project?.Name ?? "", row.Policy.Code, row.Measure.Code,
            string.Join("、", row.LeadDepartments), unit, y.TargetValue, Pages.Shared.Formats.Target(y, unit),
            y.Actual?.Value, Pages.Shared.Formats.WithUnit(y.Actual?.Value, unit), y.Actual?.Note,
            y.Actual is { } a ? Pages.Shared.Formats.Source(a) : null,
            y.Evaluation.AchievementRate, y.Evaluation.Status, order, bound,
            bound ? row.Feed?.SourceModule ?? y.Actual?.Source : null,
            !bound && ActualEntryAccess.CanEnter(user, row.LeadDepartments), row.Indicator.Kind, row.Measure.Title);
    }

    public async Task<IReadOnlyList<NewlyBehindIndicators>> Handle(CountNewlyBehind request, CancellationToken ct)
    {
        var result = new List<NewlyBehindIndicators>();
        var filter = new IndicatorFilter(IndicatorFilter.NewlyBehind);
        foreach (var plan in await mediator.Send(new ListPlans(), ct))
        {
            var snapshot = await mediator.Send(new GetPlanSnapshot(plan.Code), ct);
            var y = snapshot.DefaultYear.StartYear;
            result.Add(new NewlyBehindIndicators(plan.Code, plan.Title, y,
                snapshot.Indicators.Where(r => filter.Matches(r, y)).Select(r => r.Indicator.Code).ToList()));
        }
        return result;
    }
}
