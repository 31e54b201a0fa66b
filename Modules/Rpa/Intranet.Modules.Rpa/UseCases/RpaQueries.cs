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

    /// <summary>Monthly savings of the visible cases (or one case), oldest month first.</summary>
    public async Task<List<MonthlySavings>> MonthlySavingsAsync(Guid? caseId, CancellationToken ct)
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
                    Math.Round(g.Sum(r => SavingsRules.HoursSaved(r.Outcome, r.ItemsProcessed, SavingsRules.ValidOn(c.Assessments, r.RunDate))), 2));
            })
            .OrderBy(m => m.Year).ThenBy(m => m.Month).ThenBy(m => m.CaseCode, StringComparer.Ordinal).ToList();
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
