using Intranet.Modules.Rpa.Data;
using Intranet.Modules.Rpa.Domain;
using Intranet.Shared.Persistence;
using Intranet.Shared.Time;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.Rpa.UseCases;

/// <summary>
/// Keeps the maintained RPA tallies (<see cref="RunYearTally"/>: runs and minutes saved per case and fiscal year, issue #12)
/// right and reads the plan's yearly sums from them, so that one new run reaches the plan without summing every run
/// (200,000 runs: 0.4–0.5 s of SQL per report before). Every write path calls it inside the transaction of its rows, for
/// the affected cases only:
/// <list type="bullet">
/// <item>a batch writer (the runs import) sums its runs in memory: <see cref="BeginChangesAsync"/>, then
/// <see cref="RunTallyChanges.Added"/> / <see cref="RunTallyChanges.Removed"/> per run written, then <see cref="ApplyAsync"/>;</item>
/// <item>a form (the monthly entry, an assessment saved) recomputes its case from the stored runs:
/// <see cref="CasesChangedAsync"/>;</item>
/// <item><see cref="RebuildAsync"/> recomputes everything.</item>
/// </list>
/// The minutes are the domain's rule (<see cref="SavingsRules.MinutesSaved"/> under <see cref="SavingsRules.ValidOn"/>), applied
/// per run or per group of runs summed by the database (<see cref="RpaSavings"/>; the rule is linear in the items). Before the
/// first build (an upgraded database) the maintenance does nothing and the first read builds everything
/// (<see cref="EnsureBuiltAsync"/>). A path that changes runs or assessments without calling it would leave the tallies wrong
/// until the next rebuild: <c>RpaAggregateTests</c> compares them with the row-by-row computation after every kind of write.
/// Every maintenance renews the schema's change stamp before it locks the cases (<see cref="RowLocks.RenewStampAndLockRowsAsync{TEntity}"/>):
/// its deletes bypass <c>SaveChanges</c>, and the figures cached by <see cref="RpaReadCache"/> must see them.
/// </summary>
public sealed class RpaTallies(RpaDbContext db, TimeProvider clock)
{
    /// <summary>Above this many changed cases, <see cref="CasesChangedAsync"/> rebuilds everything and <see cref="BeginChangesAsync"/> locks every case.</summary>
    public const int RebuildAboveCases = 500;

    /// <summary>Whether the tallies were built (one row in the module's <c>AggregateState</c>).</summary>
    public Task<bool> IsBuiltAsync(CancellationToken ct) => AggregateState.IsBuiltAsync(db.AggregateState, ct);

    /// <summary>Builds the tallies if they never were (first start of an upgraded database); cheap otherwise (one indexed read).</summary>
    public Task EnsureBuiltAsync(CancellationToken ct) => AggregateState.EnsureBuiltAsync(db, db.AggregateState, RebuildAsync, ct);

    /// <summary>
    /// Rebuilds every tally from every run (first read of an upgraded database, or on demand), in one transaction (the
    /// caller's, or its own).
    /// </summary>
    public Task RebuildAsync(CancellationToken ct) => AggregateState.RebuildAsync(db, db.AggregateState, clock.GetUtcNow(), async c =>
    {
        await db.RenewStampAndLockRowsAsync<AutomationCase>(null, c);
        await db.RunTallies.ExecuteDeleteAsync(c);
        await InsertAsync(db.Runs, db.Assessments, c);
    }, ct);

    /// <summary>
    /// Recomputes every tally of the given cases from their stored runs and assessments (call after saving a run or an
    /// assessment, inside the same transaction). More than <see cref="RebuildAboveCases"/> cases: <see cref="RebuildAsync"/>.
    /// </summary>
    public async Task CasesChangedAsync(IReadOnlyCollection<Guid> caseIds, CancellationToken ct)
    {
        if (caseIds.Count == 0 || !await IsBuiltAsync(ct)) return;
        if (caseIds.Count > RebuildAboveCases) { await RebuildAsync(ct); return; }
        var ids = caseIds.Distinct().ToList();
        await db.RenewStampAndLockRowsAsync<AutomationCase>(ids, ct);
        await db.RunTallies.Where(t => ids.Contains(t.CaseId)).ExecuteDeleteAsync(ct);
        await InsertAsync(db.Runs.Where(r => ids.Contains(r.CaseId)), db.Assessments.Where(a => ids.Contains(a.CaseId)), ct);
    }

    /// <summary>
    /// Saves the context's pending changes and then recomputes the tallies of <paramref name="caseIds"/>
    /// (<see cref="CasesChangedAsync"/>) in one transaction, so a form's write and its tallies commit together or not at all.
    /// </summary>
    public async Task SaveAndMaintainAsync(IReadOnlyCollection<Guid> caseIds, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.SaveChangesAsync(ct);
        await CasesChangedAsync(caseIds, ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// Starts summing a batch writer's changes in memory: locks the given cases (all of them above
    /// <see cref="RebuildAboveCases"/>) and reads their assessments, so neither can change before the writer commits. Call
    /// inside the writer's transaction before its first write. Null before the first build (nothing is maintained yet).
    /// </summary>
    /// <param name="caseIds">Every case whose runs the writer may add or change.</param>
    /// <param name="ct">Cancels the read.</param>
    public async Task<RunTallyChanges?> BeginChangesAsync(IReadOnlyCollection<Guid> caseIds, CancellationToken ct)
    {
        if (!await IsBuiltAsync(ct)) return null;
        var ids = caseIds.Distinct().ToList();
        var many = ids.Count > RebuildAboveCases;
        await db.RenewStampAndLockRowsAsync<AutomationCase>(many ? null : ids, ct);
        var assessments = await (many ? db.Assessments : db.Assessments.Where(a => ids.Contains(a.CaseId))).AsNoTracking().ToListAsync(ct);
        return new RunTallyChanges(assessments.ToLookup(a => a.CaseId));
    }

    /// <summary>
    /// Adds the summed changes to the stored tallies (one read of the touched cases' rows per 1,000 cases; new rows
    /// bulk-inserted, changed ones updated, emptied ones deleted) and forgets them. Inside the writer's transaction, after
    /// its last write. Applying is additive, so applying in parts equals applying once.
    /// </summary>
    public async Task ApplyAsync(RunTallyChanges changes, CancellationToken ct)
    {
        foreach (var chunk in changes.Deltas.Values.GroupBy(d => d.CaseId).Chunk(1000))
        {
            var ids = chunk.Select(g => g.Key).ToList();
            var stored = await db.RunTallies.AsNoTracking().Where(t => ids.Contains(t.CaseId)).ToDictionaryAsync(t => (t.CaseId, t.FiscalYear), ct);
            var fresh = new List<RunYearTally>();
            foreach (var delta in chunk.SelectMany(g => g))
            {
                if (!stored.TryGetValue((delta.CaseId, delta.FiscalYear), out var row))
                {
                    if (delta.Runs > 0) fresh.Add(delta);
                    continue;
                }
                if (delta.Runs == 0 && delta.MinutesSaved == 0) continue;
                db.RunTallies.Attach(row);
                (row.Runs, row.MinutesSaved) = (row.Runs + delta.Runs, row.MinutesSaved + delta.MinutesSaved);
                if (row.Runs <= 0) db.RunTallies.Remove(row);
            }
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            await db.BulkInsertAsync(fresh, ct);
        }
        changes.Deltas.Clear();
    }

    /// <summary>
    /// The runs' sums per fiscal year from <paramref name="first"/> to <paramref name="last"/> (builds the tallies first if
    /// they never were): start year → (run rows, minutes saved 分). A year without runs is absent. The database sums one row
    /// per case and year, whatever the number of runs.
    /// </summary>
    public Task<Dictionary<int, (int Runs, decimal MinutesSaved)>> YearsAsync(FiscalYear first, FiscalYear last, CancellationToken ct) =>
        SumAsync(db.RunTallies.Where(t => t.FiscalYear >= first.StartYear && t.FiscalYear <= last.StartYear), ct);

    /// <summary>As <see cref="YearsAsync(FiscalYear, FiscalYear, CancellationToken)"/> for every fiscal year, of the given cases only (every case when null).</summary>
    public Task<Dictionary<int, (int Runs, decimal MinutesSaved)>> YearsAsync(IReadOnlyCollection<Guid>? caseIds, CancellationToken ct) =>
        SumAsync(caseIds is null ? db.RunTallies : db.RunTallies.Where(t => caseIds.Contains(t.CaseId)), ct);

    private async Task<Dictionary<int, (int Runs, decimal MinutesSaved)>> SumAsync(IQueryable<RunYearTally> tallies, CancellationToken ct)
    {
        await EnsureBuiltAsync(ct);
        // Summed by the database: one row per year comes back (on SQLite EF Core sums decimals exactly with its ef_sum).
        var rows = await tallies.GroupBy(t => t.FiscalYear)
            .Select(y => new { Year = y.Key, Runs = y.Sum(t => t.Runs), MinutesSaved = y.Sum(t => t.MinutesSaved) }).ToListAsync(ct);
        return rows.ToDictionary(y => y.Year, y => (y.Runs, y.MinutesSaved));
    }

    /// <summary>Inserts the tallies of <paramref name="runs"/> (summed by the database, <see cref="RpaSavings.GroupAsync"/>) under <paramref name="assessments"/>.</summary>
    private async Task InsertAsync(IQueryable<Run> runs, IQueryable<CaseAssessment> assessments, CancellationToken ct)
    {
        var valid = (await assessments.AsNoTracking().ToListAsync(ct)).ToLookup(a => a.CaseId);
        var groups = await RpaSavings.GroupAsync(db, runs, RunGrain.FiscalYear, ct);
        var tallies = groups.GroupBy(g => (g.CaseId, g.Year)).Select(k => new RunYearTally
        {
            CaseId = k.Key.CaseId,
            FiscalYear = k.Key.Year,
            Runs = k.Sum(g => g.Runs),
            MinutesSaved = k.Sum(g => RpaSavings.MinutesSaved(g, valid)),
        });
        await db.BulkInsertAsync(tallies, ct);
    }
}

/// <summary>
/// A batch writer's changes to the <see cref="RunYearTally"/> rows, summed in memory per case and fiscal year
/// (<see cref="RpaTallies.BeginChangesAsync"/>, applied by <see cref="RpaTallies.ApplyAsync"/>). Each run counts with the
/// minutes <see cref="SavingsRules.MinutesSaved"/> gives it under the assessment <see cref="SavingsRules.ValidOn"/> its date.
/// </summary>
public sealed class RunTallyChanges
{
    private readonly ILookup<Guid, CaseAssessment> _assessments;

    internal RunTallyChanges(ILookup<Guid, CaseAssessment> assessments) => _assessments = assessments;

    /// <summary>The summed deltas (runs may be negative) by (case, fiscal start year).</summary>
    internal Dictionary<(Guid CaseId, int FiscalYear), RunYearTally> Deltas { get; } = [];

    /// <summary>A run stored: one more run of its case and fiscal year, and its minutes.</summary>
    /// <param name="caseId">The run's case (one of those given to <see cref="RpaTallies.BeginChangesAsync"/>).</param>
    /// <param name="runDate">The run's date (Japan calendar).</param>
    /// <param name="outcome">How it ended.</param>
    /// <param name="items">Items processed (件).</param>
    public void Added(Guid caseId, DateOnly runDate, RunOutcome outcome, long items) => Count(caseId, runDate, outcome, items, 1);

    /// <summary>A stored run removed or about to be replaced by its corrected values: the opposite of <see cref="Added"/>.</summary>
    public void Removed(Guid caseId, DateOnly runDate, RunOutcome outcome, long items) => Count(caseId, runDate, outcome, items, -1);

    private void Count(Guid caseId, DateOnly runDate, RunOutcome outcome, long items, int sign)
    {
        var key = (caseId, FiscalYear.Of(runDate).StartYear);
        if (!Deltas.TryGetValue(key, out var tally)) Deltas[key] = tally = new RunYearTally { CaseId = caseId, FiscalYear = key.Item2 };
        tally.Runs += sign;
        tally.MinutesSaved += sign * SavingsRules.MinutesSaved(outcome, items, SavingsRules.ValidOn(_assessments[caseId], runDate));
    }
}
