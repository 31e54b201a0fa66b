using Intranet.Modules.PlanKpi.Data;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.PlanKpi.Domain.Evaluation;

/// <summary>
/// Locking (issue #10): once the last stage of a plan's round for a fiscal year has closed, that year's actuals and grades
/// are locked. Typed-in actuals are refused by <c>ActualRecorder</c> and <c>RecordActual</c> (a correction goes through
/// <c>CorrectLockedActual</c>: plan office, with a reason); figures fed by modules keep the value they had when the round
/// closed (<c>ReportMetrics</c> leaves a locked year's value as it is).
/// </summary>
public static class EvaluationLocks
{
    /// <summary>Whether the round of <paramref name="planId"/> for <paramref name="fiscalYear"/> has closed.</summary>
    public static Task<bool> IsLockedAsync(PlanKpiDbContext db, Guid planId, int fiscalYear, CancellationToken ct) =>
        db.EvaluationRounds.AnyAsync(r => r.PlanId == planId && r.FiscalYear == fiscalYear && r.ClosedAt != null, ct);

    /// <summary>The fiscal years of <paramref name="planId"/> whose round has closed.</summary>
    public static async Task<IReadOnlySet<int>> LockedYearsAsync(PlanKpiDbContext db, Guid planId, CancellationToken ct) =>
        (await db.EvaluationRounds.Where(r => r.PlanId == planId && r.ClosedAt != null).Select(r => r.FiscalYear).ToListAsync(ct)).ToHashSet();

    /// <summary>
    /// The (metric key, fiscal year) pairs among <paramref name="keys"/> that a closed round has locked: a plan with a
    /// closed round for the year has an indicator fed by the key.
    /// </summary>
    public static async Task<IReadOnlySet<(string Key, int FiscalYear)>> LockedFeedsAsync(PlanKpiDbContext db, IReadOnlyCollection<string> keys, CancellationToken ct)
    {
        if (keys.Count == 0) return new HashSet<(string, int)>();
        var pairs = await db.Indicators.Where(i => i.MetricKey != null && keys.Contains(i.MetricKey))
            .Join(db.EvaluationRounds.Where(r => r.ClosedAt != null), i => i.PlanId, r => r.PlanId, (i, r) => new { i.MetricKey, r.FiscalYear })
            .Distinct().ToListAsync(ct);
        return pairs.Select(p => (p.MetricKey!, p.FiscalYear)).ToHashSet();
    }
}
