using Intranet.Modules.Rpa.Data;
using Intranet.Modules.Rpa.Domain;
using Intranet.Shared.Time;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.Rpa.UseCases;

/// <summary>
/// Runs summed by the database (issue #12): one row per case, calendar month (or fiscal year, <see cref="RunGrain"/>) of
/// <see cref="Run.RunDate"/>, outcome, whether
/// the runs processed items (<see cref="HasItems"/>) and the assessment in force on their dates (<see cref="AssessedFrom"/>,
/// the <see cref="CaseAssessment.ValidFrom"/> of the latest assessment on or before the run date; null before any).
/// Within such a group <see cref="SavingsRules.MinutesSaved"/> is linear in the items, so the group's minutes are the rule
/// applied once to <see cref="Items"/>.
/// </summary>
/// <param name="CaseId">The case.</param>
/// <param name="Year">Calendar year of the runs' dates; per <see cref="RunGrain.FiscalYear"/> the fiscal year's start year.</param>
/// <param name="Month">Calendar month (1–12) of the runs' dates; per <see cref="RunGrain.FiscalYear"/> always
/// <see cref="FiscalYear.FirstMonth"/> (April), so that <see cref="FirstDay"/> is the fiscal year's first day.</param>
/// <param name="Outcome">The runs' outcome.</param>
/// <param name="HasItems">True for runs with items processed &gt; 0, false for the others (which save nothing by the rule).</param>
/// <param name="AssessedFrom">First day of the assessment in force, or null when none was.</param>
/// <param name="Runs">Number of run rows (a monthly entry is one row).</param>
/// <param name="Executions">Sum of <see cref="Run.Executions"/> (回).</param>
/// <param name="Items">Sum of <see cref="Run.ItemsProcessed"/> (件).</param>
public sealed record RunGroup(Guid CaseId, int Year, int Month, RunOutcome Outcome, bool HasItems, DateOnly? AssessedFrom,
    int Runs, long Executions, long Items)
{
    /// <summary>The first day of the group's month (or fiscal year): in the same fiscal year as every run of the group.</summary>
    public DateOnly FirstDay => new(Year, Month, 1);
}

/// <summary>What one <see cref="RunGroup"/> spans besides its case, outcome and assessment.</summary>
public enum RunGrain
{
    /// <summary>A calendar month (the monthly savings of the pages).</summary>
    Month,

    /// <summary>
    /// A fiscal year, April–March (the plan's figures, <see cref="RpaFeed.ComputeAsync"/>): fewer rows than
    /// <see cref="Month"/> (the benchmark's 200,000 runs of 2,000 cases over five years: 27,398 groups instead of 102,555).
    /// </summary>
    FiscalYear,
}

/// <summary>
/// Hours saved computed by the database (issue #12): the runs are summed in SQL per <see cref="RunGroup"/> (a few rows per
/// case and month whatever the number of runs), then the domain's rules — <see cref="SavingsRules.ValidOn"/> for the
/// assessment and <see cref="SavingsRules.MinutesSaved"/> / <see cref="SavingsRules.ToHours"/> for the savings — are applied to
/// those rows in C#, so the rules stay defined once. Used by <see cref="RpaQueries.MonthlySavingsAsync"/> (the case page, the
/// export: computed from the runs as they are at each read) and by <see cref="RpaTallies"/> to build the plan's yearly tallies;
/// the row-by-row references (<c>…RowByRowAsync</c>) are what the tests compare both with.
/// </summary>
public static class RpaSavings
{
    /// <summary>
    /// Sums <paramref name="runs"/> per <see cref="RunGroup"/> of <paramref name="grain"/> in one SQL <c>GROUP BY</c>. The
    /// assessment period of a run is the largest <c>ValidFrom ≤ RunDate</c> of its case (a seek on the unique index
    /// <c>(CaseId, ValidFrom)</c>): the same "latest on or before" as <see cref="SavingsRules.ValidOn"/>, which
    /// <see cref="AssessmentOf"/> then applies to that date. A fiscal year is <see cref="FiscalYear.Of(DateOnly)"/>'s rule
    /// written for SQL.
    /// </summary>
    public static Task<List<RunGroup>> GroupAsync(RpaDbContext db, IQueryable<Run> runs, RunGrain grain, CancellationToken ct) =>
        (grain == RunGrain.Month
            ? runs.AsNoTracking().Select(r => new DatedRun { Run = r, Year = r.RunDate.Year, Month = r.RunDate.Month })
            : runs.AsNoTracking().Select(r => new DatedRun
            {
                Run = r,
                Year = r.RunDate.Month >= FiscalYear.FirstMonth ? r.RunDate.Year : r.RunDate.Year - 1,
                Month = FiscalYear.FirstMonth,
            }))
            .Select(d => new
            {
                d.Run.CaseId,
                d.Year,
                d.Month,
                d.Run.Outcome,
                HasItems = d.Run.ItemsProcessed > 0,
                AssessedFrom = db.Assessments.Where(a => a.CaseId == d.Run.CaseId && a.ValidFrom <= d.Run.RunDate).Max(a => (DateOnly?)a.ValidFrom),
                d.Run.Executions,
                d.Run.ItemsProcessed,
            })
            .GroupBy(r => new { r.CaseId, r.Year, r.Month, r.Outcome, r.HasItems, r.AssessedFrom })
            .Select(g => new RunGroup(g.Key.CaseId, g.Key.Year, g.Key.Month, g.Key.Outcome, g.Key.HasItems, g.Key.AssessedFrom,
                g.Count(), g.Sum(r => (long)r.Executions), g.Sum(r => (long)r.ItemsProcessed)))
            .ToListAsync(ct);

    /// <summary>A run with the year and month of its <see cref="RunGrain"/> (translated to SQL, never materialised).</summary>
    private sealed class DatedRun
    {
        public required Run Run { get; init; }
        public int Year { get; init; }
        public int Month { get; init; }
    }

    /// <summary>The assessment in force for a group: <see cref="SavingsRules.ValidOn"/> of the case's assessments on the group's period start; null when none.</summary>
    public static CaseAssessment? AssessmentOf(RunGroup g, ILookup<Guid, CaseAssessment> assessments) =>
        g.AssessedFrom is { } from ? SavingsRules.ValidOn(assessments[g.CaseId], from) : null;

    /// <summary>Minutes saved (分) by a group's runs: <see cref="SavingsRules.MinutesSaved"/> of its summed items under its assessment.</summary>
    public static decimal MinutesSaved(RunGroup g, ILookup<Guid, CaseAssessment> assessments) =>
        SavingsRules.MinutesSaved(g.Outcome, g.Items, AssessmentOf(g, assessments));
}
