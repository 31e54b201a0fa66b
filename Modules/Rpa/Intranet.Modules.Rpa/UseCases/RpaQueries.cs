using System.Globalization;
using Intranet.Modules.Rpa.Data;
using Intranet.Modules.Rpa.Domain;
using Intranet.Shared.Messaging;
using Intranet.Shared.Security;
using Intranet.Shared.Time;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.Rpa.UseCases;

/// <summary>One month of one case: executions, items and hours saved (時間) by the savings rule.</summary>
public sealed record MonthlySavings(string CaseCode, string CaseTitle, string Department, int Year, int Month,
    int Executions, int Items, int FailedRuns, decimal HoursSaved)
{
    /// <summary>「2022-04」.</summary>
    public string MonthText => $"{Year:0000}-{Month:00}";
}

/// <summary>Registry list filter, from the page's query string.</summary>
public sealed record CaseFilter(string? Search, CaseStatus? Status, string? Department, RpaTool? Tool);

/// <summary>Read side of the registry for the module's pages and exports; applies the department restriction.</summary>
public sealed class RpaQueries(RpaDbContext db, ICurrentUser user)
{
    /// <summary>Cases visible to the user, filtered, unsorted.</summary>
    public async Task<List<AutomationCase>> CasesAsync(CaseFilter filter, CancellationToken ct)
    {
        var query = db.Cases.AsNoTracking().Include(c => c.Assessments).AsQueryable();
        if (!RpaAccess.SeesAll(user)) query = query.Where(c => c.OwningDepartment == user.Department);
        if (filter.Status is { } s) query = query.Where(c => c.Status == s);
        if (filter.Tool is { } t) query = query.Where(c => c.Tool == t);
        if (!string.IsNullOrWhiteSpace(filter.Department)) query = query.Where(c => c.OwningDepartment == filter.Department);
        var list = await query.ToListAsync(ct);
        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            var q = filter.Search.Trim();
            list = list.Where(c => c.Code.Contains(q, StringComparison.OrdinalIgnoreCase) || c.Title.Contains(q, StringComparison.OrdinalIgnoreCase)
                                   || c.BusinessProcess.Contains(q, StringComparison.OrdinalIgnoreCase)
                                   || (c.RobotName ?? "").Contains(q, StringComparison.OrdinalIgnoreCase)).ToList();
        }
        return list;
    }

    /// <summary>Departments that own visible cases, sorted.</summary>
    public async Task<List<string>> DepartmentsAsync(CancellationToken ct) =>
        (await CasesAsync(new CaseFilter(null, null, null, null), ct)).Select(c => c.OwningDepartment).Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>One case with its history and assessments.</summary>
    /// <exception cref="NotFoundException">No such case, or the user may not see it.</exception>
    public async Task<AutomationCase> CaseAsync(string code, CancellationToken ct)
    {
        var c = await db.Cases.AsNoTracking().Include(x => x.Transitions).Include(x => x.Assessments).AsSplitQuery()
            .SingleOrDefaultAsync(x => x.Code == code, ct);
        if (c is null || !RpaAccess.CanSee(user, c.OwningDepartment)) throw new NotFoundException($"業務 {code} は台帳にありません。");
        c.Transitions.Sort((a, b) => (a.On, a.RecordedAt).CompareTo((b.On, b.RecordedAt)));
        c.Assessments.Sort((a, b) => a.ValidFrom.CompareTo(b.ValidFrom));
        return c;
    }

    /// <summary>
    /// Monthly savings of the visible cases (or one case), oldest month first, then by case code: per case and calendar month
    /// the executions (回), items (件) and failed runs summed by the database (<see cref="RpaSavings.GroupAsync"/>), and the
    /// hours saved (時間, 2 decimals) by <see cref="SavingsRules.MinutesSaved"/> under the assessment valid on each run's
    /// date (<see cref="SavingsRules.ValidOn"/>), applied in C# to the few grouped rows. Reads a few rows per case and month,
    /// never the runs themselves; equals <see cref="MonthlySavingsRowByRowAsync"/>.
    /// </summary>
    public async Task<List<MonthlySavings>> MonthlySavingsAsync(Guid? caseId, CancellationToken ct)
    {
        var visible = VisibleCases();
        if (caseId is { } only) visible = visible.Where(c => c.Id == only);
        var cases = await visible.Select(c => new CaseName(c.Id, c.Code, c.Title, c.OwningDepartment)).ToDictionaryAsync(c => c.Id, ct);
        var visibleIds = visible.Select(c => c.Id);
        var runs = db.Runs.AsQueryable();
        var assessments = db.Assessments.AsNoTracking();
        if (caseId is { } id)
        {
            runs = runs.Where(r => r.CaseId == id);
            assessments = assessments.Where(a => a.CaseId == id);
        }
        else if (!RpaAccess.SeesAll(user))
        {
            runs = runs.Where(r => visibleIds.Contains(r.CaseId));
            assessments = assessments.Where(a => visibleIds.Contains(a.CaseId));
        }
        var byCase = (await assessments.ToListAsync(ct)).ToLookup(a => a.CaseId);
        var groups = (await RpaSavings.GroupAsync(db, runs, RunGrain.Month, ct)).Where(g => cases.ContainsKey(g.CaseId));
        return groups.GroupBy(g => (g.CaseId, g.Year, g.Month))
            .Select(m =>
            {
                var c = cases[m.Key.CaseId];
                return new MonthlySavings(c.Code, c.Title, c.Department, m.Key.Year, m.Key.Month,
                    checked((int)m.Sum(g => g.Executions)), checked((int)m.Sum(g => g.Items)), m.Where(g => g.Outcome == RunOutcome.Failed).Sum(g => g.Runs),
                    Math.Round(SavingsRules.ToHours(m.Sum(g => RpaSavings.MinutesSaved(g, byCase))), 2));
            })
            .OrderBy(m => m.Year).ThenBy(m => m.Month).ThenBy(m => m.CaseCode, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The row-by-row reference of <see cref="MonthlySavingsAsync"/> (the computation before issue #12): loads every run of the
    /// visible cases and applies <see cref="SavingsRules.ValidOn"/> and <see cref="SavingsRules.MinutesSaved"/> to each.
    /// Its cost grows with the runs: tests and measurements only, never pages.
    /// </summary>
    public async Task<List<MonthlySavings>> MonthlySavingsRowByRowAsync(Guid? caseId, CancellationToken ct)
    {
        var cases = (await CasesAsync(new CaseFilter(null, null, null, null), ct)).Where(c => caseId is null || c.Id == caseId).ToDictionary(c => c.Id);
        var ids = cases.Keys.ToList();
        var runs = await db.Runs.AsNoTracking().Where(r => ids.Contains(r.CaseId))
            .Select(r => new { r.CaseId, r.RunDate, r.Outcome, r.ItemsProcessed, r.Executions }).ToListAsync(ct);
        return runs.GroupBy(r => (r.CaseId, r.RunDate.Year, r.RunDate.Month))
            .Select(g =>
            {
                var c = cases[g.Key.CaseId];
                return new MonthlySavings(c.Code, c.Title, c.OwningDepartment, g.Key.Year, g.Key.Month,
                    g.Sum(r => r.Executions), g.Sum(r => r.ItemsProcessed), g.Count(r => r.Outcome == RunOutcome.Failed),
                    Math.Round(SavingsRules.ToHours(g.Sum(r => SavingsRules.MinutesSaved(r.Outcome, r.ItemsProcessed, SavingsRules.ValidOn(c.Assessments, r.RunDate)))), 2));
            })
            .OrderBy(m => m.Year).ThenBy(m => m.Month).ThenBy(m => m.CaseCode, StringComparer.Ordinal).ToList();
    }

    private sealed record CaseName(Guid Id, string Code, string Title, string Department);

    /// <summary>The cases the user may see, as a query (not loaded).</summary>
    private IQueryable<AutomationCase> VisibleCases()
    {
        var query = db.Cases.AsNoTracking();
        return RpaAccess.SeesAll(user) ? query : query.Where(c => c.OwningDepartment == user.Department);
    }

    /// <summary>Hourly cost in yen (円/時間), 0 when not set.</summary>
    public async Task<decimal> HourlyCostAsync(CancellationToken ct)
    {
        var s = await db.Settings.AsNoTracking().SingleOrDefaultAsync(x => x.Key == RpaSetting.HourlyCostYen, ct);
        return s is not null && decimal.TryParse(s.Value, NumberStyles.Number, CultureInfo.InvariantCulture, out var v) ? v : 0;
    }

    /// <summary>Estimated hours per year of a case from its current assessment (valid today), or null.</summary>
    public static decimal? EstimatedHoursPerYear(AutomationCase c, DateOnly today) => EstimatedHoursPerYear(c.Assessments, today);

    /// <summary>Estimated hours per year (時間/年, one decimal) from the assessment of <paramref name="assessments"/> valid today, or null.</summary>
    public static decimal? EstimatedHoursPerYear(IEnumerable<CaseAssessment> assessments, DateOnly today) =>
        SavingsRules.ValidOn(assessments, today) is { } a ? Math.Round(SavingsRules.EstimatedHoursPerYear(a), 1) : null;

    /// <summary>Fiscal year of a monthly row.</summary>
    public static FiscalYear YearOf(MonthlySavings m) => FiscalYear.Of(new DateOnly(m.Year, m.Month, 1));
}
