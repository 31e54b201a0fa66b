using Intranet.Modules.PlanKpi.Contracts;
using Intranet.Modules.Rpa.Data;
using Intranet.Modules.Rpa.Domain;
using Intranet.Modules.Rpa.Import;
using Intranet.Shared.Messaging;
using Intranet.Shared.Security;
using Intranet.Shared.Time;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.Rpa.UseCases;

// The read side of the module's interactive pages: one query per page, each run in its own scope by IUseCases.

/// <summary>What the acting user may do in the registry, for showing or hiding buttons (the commands check again).</summary>
/// <param name="CanManage">RpaTeam or Administrator: move, assess, import, settings.</param>
/// <param name="SeesAll">Sees every department's cases (false: <paramref name="Department"/>'s only).</param>
/// <param name="CanPropose">May register (RpaTeam) or propose (Department) a case.</param>
/// <param name="IsAdministrator">May see the administrator's details blocks (internal codes).</param>
/// <param name="Department">The user's department (主管課), or null.</param>
public sealed record RpaAccessView(bool CanManage, bool SeesAll, bool CanPropose, bool IsAdministrator, string? Department);

/// <summary>The acting user's rights in the registry.</summary>
[RequiresRole(Roles.RpaTeam, Roles.Administrator, Roles.PlanOffice, Roles.Cio, Roles.Viewer, Roles.Department)]
public sealed record GetRpaAccess : IRequest<RpaAccessView>;

internal sealed class GetRpaAccessHandler(ICurrentUser user) : IRequestHandler<GetRpaAccess, RpaAccessView>
{
    public Task<RpaAccessView> Handle(GetRpaAccess request, CancellationToken ct) =>
        Task.FromResult(RpaPageAccess.Of(user));
}

internal static class RpaPageAccess
{
    public static RpaAccessView Of(ICurrentUser user) => new(RpaAccess.CanManage(user), RpaAccess.SeesAll(user),
        RpaAccess.CanManage(user) || user.IsInRole(Roles.Department), user.IsInRole(Roles.Administrator), user.Department);
}

// ---- registry list ---------------------------------------------------------------------------------------

/// <summary>Sort keys of <see cref="ListCases"/>: code, title, dept, tool, status (lifecycle order), since (本番稼働日).</summary>
public static class CaseSort
{
    /// <summary>Every key the list accepts; anything else sorts by code.</summary>
    public static readonly string[] Keys = ["code", "title", "dept", "tool", "status", "since"];
}

/// <summary>
/// One page of the registry, filtered, sorted and paged in the database: <paramref name="Search"/> matches code,
/// title, business process or robot name (case-insensitive), <paramref name="Assessed"/> false keeps the cases without
/// any assessment. <paramref name="Sort"/> is one of <see cref="CaseSort.Keys"/> (unknown: code).
/// <paramref name="Skip"/> ≥ 0, <paramref name="Take"/> 1–200. A Department user sees their own department only.
/// </summary>
[RequiresRole(Roles.RpaTeam, Roles.Administrator, Roles.PlanOffice, Roles.Cio, Roles.Viewer, Roles.Department)]
public sealed record ListCases(string? Search, CaseStatus? Status, string? Department, RpaTool? Tool, bool? Assessed,
    string? Sort, bool Descending, int Skip, int Take) : IRequest<CaseListPage>;

/// <summary>A registry row. <paramref name="EstimatedHoursPerYear"/>: 時間/年 from the assessment valid today, null when none.</summary>
public sealed record CaseListRow(string Code, string Title, string? RobotName, string Department, RpaTool Tool, CaseStatus Status,
    DateOnly? ProductionSince, decimal? EstimatedHoursPerYear)
{
    /// <summary>「WinActor」….</summary>
    public string ToolLabel => RpaTools.Label(Tool);

    /// <summary>「候補」….</summary>
    public string StatusLabel => CaseLifecycle.Label(Status);
}

/// <summary>A page of rows, the number of rows matching the filter, and the departments to filter by.</summary>
public sealed record CaseListPage(IReadOnlyList<CaseListRow> Rows, int Total, IReadOnlyList<string> Departments);

internal sealed class ListCasesHandler(RpaDbContext db, ICurrentUser user, TimeProvider clock) : IRequestHandler<ListCases, CaseListPage>
{
    public async Task<CaseListPage> Handle(ListCases r, CancellationToken ct)
    {
        var visible = db.Cases.AsNoTracking();
        if (!RpaAccess.SeesAll(user)) visible = visible.Where(c => c.OwningDepartment == user.Department);
        var departments = await visible.Select(c => c.OwningDepartment).Distinct().ToListAsync(ct);

        var query = visible;
        if (r.Status is { } s) query = query.Where(c => c.Status == s);
        if (r.Tool is { } t) query = query.Where(c => c.Tool == t);
        if (!string.IsNullOrWhiteSpace(r.Department)) query = query.Where(c => c.OwningDepartment == r.Department);
        if (r.Assessed is { } assessed) query = assessed ? query.Where(c => c.Assessments.Any()) : query.Where(c => !c.Assessments.Any());
        if (!string.IsNullOrWhiteSpace(r.Search))
        {
            var q = r.Search.Trim().ToLower();
            query = query.Where(c => c.Code.ToLower().Contains(q) || c.Title.ToLower().Contains(q) || c.BusinessProcess.ToLower().Contains(q)
                                     || (c.RobotName ?? "").ToLower().Contains(q));
        }
        var total = await query.CountAsync(ct);
        var ordered = Order(query, r.Sort, r.Descending);
        var page = await ordered.Skip(Math.Max(0, r.Skip)).Take(Math.Clamp(r.Take, 1, 200))
            .Select(c => new { c.Id, c.Code, c.Title, c.RobotName, c.OwningDepartment, c.Tool, c.Status, c.ProductionSince })
            .ToListAsync(ct);
        var ids = page.Select(c => c.Id).ToList();
        var assessments = (await db.Assessments.AsNoTracking().Where(a => ids.Contains(a.CaseId)).ToListAsync(ct)).ToLookup(a => a.CaseId);
        var today = clock.TodayInJapan();
        var rows = page.Select(c => new CaseListRow(c.Code, c.Title, c.RobotName, c.OwningDepartment, c.Tool, c.Status, c.ProductionSince,
            RpaQueries.EstimatedHoursPerYear(assessments[c.Id], today))).ToList();
        return new CaseListPage(rows, total, departments.Order(StringComparer.Ordinal).ToList());
    }

    private static IQueryable<AutomationCase> Order(IQueryable<AutomationCase> q, string? sort, bool desc)
    {
        // Status and tool are stored as names: order by their position in the lifecycle / the enum, not alphabetically.
        IOrderedQueryable<AutomationCase> o = sort switch
        {
            "title" => desc ? q.OrderByDescending(c => c.Title) : q.OrderBy(c => c.Title),
            "dept" => desc ? q.OrderByDescending(c => c.OwningDepartment) : q.OrderBy(c => c.OwningDepartment),
            "tool" => desc ? q.OrderByDescending(c => c.Tool == RpaTool.WinActor ? 0 : c.Tool == RpaTool.UiPath ? 1 : c.Tool == RpaTool.PowerAutomate ? 2 : c.Tool == RpaTool.BizRobo ? 3 : 4)
                : q.OrderBy(c => c.Tool == RpaTool.WinActor ? 0 : c.Tool == RpaTool.UiPath ? 1 : c.Tool == RpaTool.PowerAutomate ? 2 : c.Tool == RpaTool.BizRobo ? 3 : 4),
            "status" => desc ? q.OrderByDescending(c => c.Status == CaseStatus.Idea ? 0 : c.Status == CaseStatus.Assessment ? 1 : c.Status == CaseStatus.Development ? 2
                    : c.Status == CaseStatus.Trial ? 3 : c.Status == CaseStatus.Production ? 4 : c.Status == CaseStatus.Suspended ? 5 : 6)
                : q.OrderBy(c => c.Status == CaseStatus.Idea ? 0 : c.Status == CaseStatus.Assessment ? 1 : c.Status == CaseStatus.Development ? 2
                    : c.Status == CaseStatus.Trial ? 3 : c.Status == CaseStatus.Production ? 4 : c.Status == CaseStatus.Suspended ? 5 : 6),
            // Cases never in production last, whichever the direction.
            "since" => desc ? q.OrderBy(c => c.ProductionSince == null).ThenByDescending(c => c.ProductionSince)
                : q.OrderBy(c => c.ProductionSince == null).ThenBy(c => c.ProductionSince),
            _ => desc ? q.OrderByDescending(c => c.Code) : q.OrderBy(c => c.Code),
        };
        return sort is null or "code" || !CaseSort.Keys.Contains(sort) ? o : o.ThenBy(c => c.Code);
    }
}

// ---- pipeline board --------------------------------------------------------------------------------------

/// <summary>
/// The pipeline board (/rpa/pipeline): a column per lifecycle status in lifecycle order (候補 … 本番稼働, 休止, 廃止)
/// with a card per visible case; the candidates (候補) column ordered by <see cref="CasePriority"/> (score, highest
/// first; 未評価 last; then code), the others by code. Also the yearly summary: processes in production
/// (cumulative, <see cref="SavingsRules.AutomatedProcessCount"/>), estimated hours (the sum of the annual estimates
/// of the cases in production at the year's end and not retired), hours saved by runs, cumulative hours, and overtime
/// cost avoided, for each fiscal year of the plan period up to today.
/// </summary>
[RequiresRole(Roles.RpaTeam, Roles.Administrator, Roles.PlanOffice, Roles.Cio, Roles.Viewer, Roles.Department)]
public sealed record GetPipelineBoard : IRequest<PipelineBoard>;

/// <summary>One allowed next status of a card: the status and its label (「検討」).</summary>
public sealed record BoardMove(CaseStatus To, string Label);

/// <summary>
/// A case on the board. <paramref name="Version"/> is sent back with a move (a stale card is refused);
/// <paramref name="LastChange"/> is the date of its last step (a move may not be dated before it);
/// <paramref name="Moves"/> the statuses it may move to in one step; <paramref name="Priority"/> null when not assessed.
/// </summary>
public sealed record BoardCard(string Code, string Title, string Department, CaseStatus Status, Guid Version, DateOnly? LastChange,
    IReadOnlyList<BoardMove> Moves, CasePriority? Priority);

/// <summary>
/// A column of the board: its first <see cref="MaxCards"/> cards in board order (<paramref name="Cards"/>) and how many
/// cases it holds in all (<paramref name="Total"/>); the rest are in the filtered list (<c>/rpa?status=…</c>).
/// </summary>
public sealed record BoardColumn(CaseStatus Status, string Label, IReadOnlyList<BoardCard> Cards, int Total)
{
    /// <summary>
    /// Cards shown per column. A column of a city's registry holds tens of cases; at ten times that (2,000 cases in
    /// production, issue #12) one page of every card was 2,000 cards to render and scroll, and no one reads a column that
    /// long on a board.
    /// </summary>
    public const int MaxCards = 50;

    /// <summary>Cases of the column not shown as cards.</summary>
    public int Hidden => Total - Cards.Count;
}

/// <summary>
/// A fiscal year of the summary: processes in production (cumulative), estimated, actual and cumulative hours
/// (時間, one decimal), overtime cost avoided by the year's actual hours (円).
/// </summary>
public sealed record PipelineYear(FiscalYear Year, int Processes, decimal Estimated, decimal Actual, decimal Cumulative, decimal CostAvoidedYen)
{
    /// <summary>「令和4年度」 for the chart's categories.</summary>
    public string Label => Year.EraLabel;
    /// <summary>Chart value.</summary>
    public double EstimatedValue => (double)Estimated;
    /// <summary>Chart value.</summary>
    public double ActualValue => (double)Actual;
}

/// <summary>The board, the yearly summary, the hourly cost (円/時間), and whether the user may move cards.</summary>
public sealed record PipelineBoard(IReadOnlyList<BoardColumn> Columns, IReadOnlyList<PipelineYear> Years, decimal HourlyCostYen, bool CanMove, DateOnly Today);

/// <summary>Lifecycle order of the board's columns.</summary>
public static class BoardOrder
{
    /// <summary>候補, 検討, 開発, 試行, 本番稼働, 休止, 廃止.</summary>
    public static readonly CaseStatus[] Columns =
        [CaseStatus.Idea, CaseStatus.Assessment, CaseStatus.Development, CaseStatus.Trial, CaseStatus.Production, CaseStatus.Suspended, CaseStatus.Retired];
}

internal sealed class GetPipelineBoardHandler(RpaDbContext db, RpaQueries queries, RpaFeed feed, RpaTallies tallies, RpaReadCache cache,
    ICurrentUser user, TimeProvider clock) : IRequestHandler<GetPipelineBoard, PipelineBoard>
{
    public async Task<PipelineBoard> Handle(GetPipelineBoard request, CancellationToken ct)
    {
        // The board of the user's visibility, cached per change stamp (issue #12: 2,000 cases read and ordered on every view
        // took 50-85 ms of a 115-140 ms page at ten times a city's registry); the plan's period is read each time, since a
        // plan change does not renew the RPA stamp.
        var today = clock.TodayInJapan();
        var period = await feed.PeriodAsync(ct);
        var scope = RpaAccess.SeesAll(user) ? "*" : "department:" + user.Department;
        var board = await cache.BoardAsync(db, scope, period, today, c => LoadAsync(period, today, c), ct);
        return board with { CanMove = RpaAccess.CanManage(user) };
    }

    private async Task<PipelineBoard> LoadAsync(ReportingPeriod? planPeriod, DateOnly today, CancellationToken ct)
    {
        var cases = await queries.CasesAsync(new CaseFilter(null, null, null, null), ct);
        var ids = cases.Select(c => c.Id).ToList();
        // Each column in board order (candidates by priority), then only its shown cases made into cards.
        var ordered = BoardOrder.Columns.Select(s =>
        {
            var inColumn = cases.Where(c => c.Status == s).Select(c => (Case: c, Priority: CasePriority.Of(CasePriority.AssessmentFor(c.Assessments, today))));
            inColumn = s == CaseStatus.Idea
                ? inColumn.OrderBy(c => c.Priority is null).ThenByDescending(c => c.Priority?.Score ?? 0).ThenBy(c => c.Case.Code, StringComparer.Ordinal)
                : inColumn.OrderBy(c => c.Case.Code, StringComparer.Ordinal);
            return (Status: s, All: inColumn.ToList());
        }).ToList();
        // The date of the last step, for the shown cards only (a move may not be dated before it).
        var shown = ordered.SelectMany(o => o.All.Take(BoardColumn.MaxCards)).Select(c => c.Case.Id).ToList();
        var lastChanges = (await db.Transitions.AsNoTracking().Where(t => shown.Contains(t.CaseId)).Select(t => new { t.CaseId, t.On }).ToListAsync(ct))
            .GroupBy(t => t.CaseId).ToDictionary(g => g.Key, g => g.Max(t => t.On));
        var columns = ordered.Select(o => new BoardColumn(o.Status, CaseLifecycle.Label(o.Status),
            o.All.Take(BoardColumn.MaxCards).Select(x => new BoardCard(x.Case.Code, x.Case.Title, x.Case.OwningDepartment, x.Case.Status, x.Case.Version,
                lastChanges.TryGetValue(x.Case.Id, out var last) ? last : null,
                CaseLifecycle.AllowedFrom(x.Case.Status).Select(m => new BoardMove(m, CaseLifecycle.Label(m))).ToList(),
                x.Priority)).ToList(),
            o.All.Count)).ToList();

        var hourlyCost = await queries.HourlyCostAsync(ct);
        // The visible cases' runs per fiscal year from the maintained tallies (issue #12: summing every run per case and month
        // took 1.7 s at 200,000 runs): the minutes added exactly, divided by 60 once, as the plan's figures are.
        var saved = await tallies.YearsAsync(RpaAccess.SeesAll(user) ? null : ids, ct);
        var first = saved.Keys.Select(y => new FiscalYear(y))
            .Concat(cases.Where(c => c.ProductionSince is not null).Select(c => FiscalYear.Of(c.ProductionSince!.Value)))
            .DefaultIfEmpty(FiscalYear.Of(today)).Min();
        var period = planPeriod ?? new ReportingPeriod(first, FiscalYear.Of(today));
        var years = new List<PipelineYear>();
        var cumulative = 0m;
        foreach (var year in period.Years.Where(y => y.Start <= today))
        {
            var actual = SavingsRules.ToHours(saved.TryGetValue(year.StartYear, out var y) ? y.MinutesSaved : 0);
            cumulative += actual;
            var inProduction = cases.Where(c => c.ProductionSince is { } s && s <= year.End && c.Status != CaseStatus.Retired);
            var estimated = inProduction.Sum(c => SavingsRules.ValidOn(c.Assessments, year.End) is { } a ? SavingsRules.EstimatedHoursPerYear(a) : 0);
            years.Add(new PipelineYear(year, SavingsRules.AutomatedProcessCount(cases.Select(c => c.ProductionSince), period.Start, year),
                Math.Round(estimated, 1), Math.Round(actual, 1), Math.Round(cumulative, 1), SavingsRules.OvertimeCostAvoided(actual, hourlyCost)));
        }
        return new PipelineBoard(columns, years, hourlyCost, false, today);
    }
}

// ---- case page -------------------------------------------------------------------------------------------

/// <summary>One case with everything its page shows.</summary>
/// <exception cref="NotFoundException">No such case, or the user may not see it.</exception>
[RequiresRole(Roles.RpaTeam, Roles.Administrator, Roles.PlanOffice, Roles.Cio, Roles.Viewer, Roles.Department)]
public sealed record GetCaseDetails(string Code) : IRequest<CaseDetails>;

/// <summary>
/// A case page: the case with its history (oldest first) and assessments (by valid-from); the monthly savings;
/// hours saved in total (時間) and its overtime cost (円); the estimate per year from the assessment valid today;
/// the priority; the plan project's name (「第2次… 2-1-(1) RPA…」, null when none); the allowed next moves; the
/// date of the last step; the user's rights.
/// </summary>
public sealed record CaseDetails(AutomationCase Case, IReadOnlyList<MonthlySavings> Monthly, decimal HoursSaved, decimal CostAvoidedYen,
    decimal? EstimatedHoursPerYear, CasePriority? Priority, string? PlanProject, IReadOnlyList<BoardMove> Moves, DateOnly? LastChange,
    RpaAccessView Access, DateOnly Today);

internal sealed class GetCaseDetailsHandler(RpaQueries queries, IMediator mediator, ICurrentUser user, TimeProvider clock)
    : IRequestHandler<GetCaseDetails, CaseDetails>
{
    public async Task<CaseDetails> Handle(GetCaseDetails r, CancellationToken ct)
    {
        var today = clock.TodayInJapan();
        var c = await queries.CaseAsync(r.Code, ct);
        var monthly = await queries.MonthlySavingsAsync(c.Id, ct);
        var hourlyCost = await queries.HourlyCostAsync(ct);
        var hours = monthly.Sum(m => m.HoursSaved);
        string? project = null;
        if (c.PlanCode is not null)
        {
            var p = (await mediator.Send(new ListPlanProjects(), ct)).FirstOrDefault(x => x.PlanCode == c.PlanCode && x.ProjectCode == c.ProjectCode);
            project = p is null ? c.ProjectCode : $"{p.PlanTitle} {p.ProjectCode} {p.ProjectName}";
        }
        return new CaseDetails(c, monthly, hours, SavingsRules.OvertimeCostAvoided(hours, hourlyCost), RpaQueries.EstimatedHoursPerYear(c, today),
            CasePriority.Of(CasePriority.AssessmentFor(c.Assessments, today)), project,
            CaseLifecycle.AllowedFrom(c.Status).Select(s => new BoardMove(s, CaseLifecycle.Label(s))).ToList(),
            c.Transitions.Count == 0 ? null : c.Transitions.Max(t => t.On), RpaPageAccess.Of(user), today);
    }
}

// ---- settings --------------------------------------------------------------------------------------------

/// <summary>The settings page: the hourly cost (円/時間). Run log mappings are kept by the shared import pipeline (/imports/rpa-runs).</summary>
[RequiresRole(Roles.RpaTeam, Roles.Administrator)]
public sealed record GetRpaSettings : IRequest<RpaSettingsView>;

/// <summary>Hourly cost (円/時間, 0 when not set).</summary>
public sealed record RpaSettingsView(decimal HourlyCostYen);

internal sealed class GetRpaSettingsHandler(RpaQueries queries) : IRequestHandler<GetRpaSettings, RpaSettingsView>
{
    public async Task<RpaSettingsView> Handle(GetRpaSettings r, CancellationToken ct) =>
        new(await queries.HourlyCostAsync(ct));
}
