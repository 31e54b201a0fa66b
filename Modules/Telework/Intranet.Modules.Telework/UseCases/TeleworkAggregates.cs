using Intranet.Modules.Telework.Data;
using Intranet.Modules.Telework.Domain;
using Intranet.Shared.Time;
using Microsoft.EntityFrameworkCore;
using Intranet.Shared.Persistence;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace Intranet.Modules.Telework.UseCases;

/// <summary>
/// Keeps the maintained telework tallies (issue #12) right and reads the figures from them:
/// <list type="bullet">
/// <item><see cref="StaffMonth"/>: per person and calendar month, days recorded / counted / counted fractions / manager-trial
/// days, counted with <see cref="TeleworkRules.Classify"/>;</item>
/// <item><see cref="EligiblePeriod"/>: the periods in which a person is employed and eligible
/// (<see cref="TeleworkRules.EligiblePeriods"/>), from which the headcount of any reference date is a range query.</item>
/// </list>
/// Every write path calls it inside the transaction of its rows, for the affected keys only: <see cref="DaysChangedAsync"/>
/// (days added, changed or deleted: the (person, month) keys; a batch writer sums its days in memory instead,
/// <see cref="BeginChangesAsync"/> and <see cref="ApplyAsync"/>), <see cref="StaffChangedAsync"/> (a person's record or
/// assignments: their periods and months), <see cref="RebuildAsync"/> (eligibility rules: everything). All are callable per
/// batch of rows. Settings (reference date, minimum group size) only change how the tallies are read, not the tallies.
/// Before the first build (an upgraded database) the maintenance does nothing and the first read builds everything
/// (<see cref="EnsureBuiltAsync"/>).
/// </summary>
public sealed class TeleworkAggregates(TeleworkDbContext db, TimeProvider clock)
{
    /// <summary>Above this many changed staff, <see cref="StaffChangedAsync"/> rebuilds everything (one pass over all days is cheaper).</summary>
    public const int RebuildAboveStaff = 1000;

    /// <summary>Whether the maintained tables were built (one row in <c>AggregateState</c>).</summary>
    public Task<bool> IsBuiltAsync(CancellationToken ct) => AggregateState.IsBuiltAsync(db.AggregateState, ct);

    /// <summary>Builds the maintained tables if they never were (first start of an upgraded database); cheap otherwise (one indexed read).</summary>
    public Task EnsureBuiltAsync(CancellationToken ct) => AggregateState.EnsureBuiltAsync(db, db.AggregateState, RebuildAsync, ct);

    /// <summary>
    /// Saves the context's pending changes and then runs <paramref name="maintain"/> (e.g. <see cref="DaysChangedAsync"/> of the
    /// saved day) in one transaction, so a form's write and the tallies it touches commit together or not at all.
    /// </summary>
    public async Task SaveAndMaintainAsync(Func<TeleworkAggregates, Task> maintain, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.SaveChangesAsync(ct);
        await maintain(this);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// Recomputes the tallies of the (person, month) keys of <paramref name="days"/> from the stored days (call after saving
    /// the days, inside their transaction). A key whose days are all gone loses its row.
    /// </summary>
    public async Task DaysChangedAsync(IEnumerable<(Guid StaffId, DateOnly Date)> days, CancellationToken ct)
    {
        var keys = days.Select(d => (d.StaffId, Month: StaffMonth.MonthOf(d.Date))).Distinct().ToList();
        if (keys.Count == 0 || !await IsBuiltAsync(ct)) return;
        var rules = await db.Rules.AsNoTracking().ToListAsync(ct);
        foreach (var chunk in keys.Chunk(2000))
        {
            var ids = chunk.Select(k => k.StaffId).Distinct().ToList();
            await LockStaffAsync(ids, ct);
            var staff = await db.Staff.AsNoTracking().Include(s => s.Assignments).Where(s => ids.Contains(s.Id)).ToDictionaryAsync(s => s.Id, ct);
            foreach (var month in chunk.GroupBy(k => k.Month))
            {
                var (first, next) = (month.Key, month.Key.AddMonths(1));
                var monthIds = month.Select(k => k.StaffId).ToList();
                var found = (await db.Days.AsNoTracking().Where(d => monthIds.Contains(d.StaffId) && d.Date >= first && d.Date < next)
                    .Select(d => new { d.StaffId, d.Date, d.DayFraction, d.ManagerTrial }).ToListAsync(ct)).ToLookup(d => d.StaffId);
                var stored = await db.StaffMonths.Where(x => monthIds.Contains(x.StaffId) && x.Month == first).ToDictionaryAsync(x => x.StaffId, ct);
                foreach (var id in monthIds)
                {
                    var tally = new StaffMonth { StaffId = id, Month = first };
                    foreach (var d in found[id]) Add(tally, staff.GetValueOrDefault(id), d.Date, d.DayFraction, d.ManagerTrial, rules);
                    var old = stored.GetValueOrDefault(id);
                    if (tally.RecordedDays == 0) { if (old is not null) db.StaffMonths.Remove(old); }
                    else if (old is null) db.StaffMonths.Add(tally);
                    else (old.RecordedDays, old.CountedDays, old.CountedUnits, old.ManagerTrialDays) = (tally.RecordedDays, tally.CountedDays, tally.CountedUnits, tally.ManagerTrialDays);
                }
            }
            await db.SaveChangesAsync(ct);
        }
    }

    /// <summary>
    /// Starts summing a batch writer's tally changes in memory (the telework-day import: <see cref="MonthTallyChanges.Added"/>,
    /// <see cref="MonthTallyChanges.Removed"/> per day written), to be applied with <see cref="ApplyAsync"/> (once, or in parts: it adds) instead of
    /// re-reading every touched month after each batch. Call inside the writer's transaction before its first write: it
    /// locks the given people (<see cref="LockStaffAsync"/>) and then reads their records, assignments and the eligibility
    /// rules, so none of them can change before the writer commits. Null before the first build (nothing is maintained yet).
    /// </summary>
    /// <param name="staffIds">Every person whose days the writer may add, change or remove.</param>
    /// <param name="ct">Cancels the read.</param>
    public async Task<MonthTallyChanges?> BeginChangesAsync(IReadOnlyCollection<Guid> staffIds, CancellationToken ct)
    {
        if (!await IsBuiltAsync(ct)) return null;
        var ids = staffIds.Distinct().ToList();
        var many = ids.Count > RebuildAboveStaff;
        await LockStaffAsync(many ? null : ids, ct);
        var rules = await db.Rules.AsNoTracking().ToListAsync(ct);
        var people = db.Staff.AsNoTracking().Include(s => s.Assignments).AsQueryable();
        var staff = await (many ? people : people.Where(s => ids.Contains(s.Id))).ToDictionaryAsync(s => s.Id, ct);
        return new MonthTallyChanges(staff, rules);
    }

    /// <summary>
    /// Adds the summed changes to the stored month tallies (one read of the touched people's rows per 1,000 people; new
    /// months bulk-inserted, changed ones updated, emptied ones deleted) and forgets them. Inside the writer's transaction,
    /// after its last write. Applying is additive, so applying in parts equals applying once.
    /// </summary>
    /// <param name="changes">The summed changes.</param>
    /// <param name="ct">Cancels the write.</param>
    /// <param name="keep">A month (first day) whose changes stay summed, not applied: the month a writer in date order is
    /// still adding to, so that its rows are inserted once at the end instead of inserted now and updated row by row later
    /// (issue #12: an import of 2,000,000 days in date order applied in parts updated up to 10,000 person-months per part).</param>
    public async Task ApplyAsync(MonthTallyChanges changes, CancellationToken ct, DateOnly? keep = null)
    {
        var applied = keep is { } month ? changes.Deltas.Values.Where(d => d.Month != month).ToList() : changes.Deltas.Values.ToList();
        foreach (var chunk in applied.GroupBy(d => d.StaffId).Chunk(1000))
        {
            var ids = chunk.Select(g => g.Key).ToList();
            var deltas = chunk.SelectMany(g => g).ToList();
            var (first, last) = (deltas.Min(d => d.Month), deltas.Max(d => d.Month));
            var stored = await db.StaffMonths.AsNoTracking().Where(m => ids.Contains(m.StaffId) && m.Month >= first && m.Month <= last)
                .ToDictionaryAsync(m => (m.StaffId, m.Month), ct);
            var fresh = new List<StaffMonth>();
            foreach (var delta in deltas)
            {
                if (!stored.TryGetValue((delta.StaffId, delta.Month), out var row))
                {
                    if (delta.RecordedDays > 0) fresh.Add(delta);
                    continue;
                }
                db.StaffMonths.Attach(row);
                (row.RecordedDays, row.CountedDays, row.CountedUnits, row.ManagerTrialDays) = (row.RecordedDays + delta.RecordedDays,
                    row.CountedDays + delta.CountedDays, row.CountedUnits + delta.CountedUnits, row.ManagerTrialDays + delta.ManagerTrialDays);
                if (row.RecordedDays <= 0) db.StaffMonths.Remove(row);
            }
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            await db.BulkInsertAsync(fresh, ct);
        }
        if (keep is null) changes.Deltas.Clear();
        else foreach (var d in applied) changes.Deltas.Remove((d.StaffId, d.Month));
    }

    /// <summary>
    /// Recomputes the periods and every month of the given people (call after saving their record or assignments, inside the
    /// transaction). More than <see cref="RebuildAboveStaff"/> people: <see cref="RebuildAsync"/>.
    /// </summary>
    public async Task StaffChangedAsync(IReadOnlyCollection<Guid> staffIds, CancellationToken ct)
    {
        if (staffIds.Count == 0 || !await IsBuiltAsync(ct)) return;
        if (staffIds.Count > RebuildAboveStaff) { await RebuildAsync(ct); return; }
        var rules = await db.Rules.AsNoTracking().ToListAsync(ct);
        var ids = staffIds.Distinct().ToList();
        await LockStaffAsync(ids, ct);
        var staff = await db.Staff.AsNoTracking().Include(s => s.Assignments).Where(s => ids.Contains(s.Id)).ToDictionaryAsync(s => s.Id, ct);
        await db.EligiblePeriods.Where(p => ids.Contains(p.StaffId)).ExecuteDeleteAsync(ct);
        await db.StaffMonths.Where(p => ids.Contains(p.StaffId)).ExecuteDeleteAsync(ct);
        await InsertPeriodsAsync(staff.Values, rules, ct);
        var tallies = new Dictionary<(Guid, DateOnly), StaffMonth>();
        var days = db.Days.AsNoTracking().Where(d => ids.Contains(d.StaffId)).Select(d => new { d.StaffId, d.Date, d.DayFraction, d.ManagerTrial }).AsAsyncEnumerable();
        await foreach (var d in days.WithCancellation(ct)) Add(Tally(tallies, d.StaffId, d.Date), staff.GetValueOrDefault(d.StaffId), d.Date, d.DayFraction, d.ManagerTrial, rules);
        await InsertMonthsAsync(tallies.Values, ct);
    }

    /// <summary>
    /// Rebuilds both maintained tables from every person and every day (after a change of the eligibility rules, at first
    /// start, and nightly as a safety net), in one transaction (the caller's, or its own).
    /// </summary>
    public async Task RebuildAsync(CancellationToken ct)
    {
        var committed = await AggregateState.RebuildAsync(db, db.AggregateState, clock.GetUtcNow(), async c =>
        {
            await LockStaffAsync(null, c);
            var rules = await db.Rules.AsNoTracking().ToListAsync(c);
            var staff = await db.Staff.AsNoTracking().Include(s => s.Assignments).ToDictionaryAsync(s => s.Id, c);
            await db.EligiblePeriods.ExecuteDeleteAsync(c);
            await db.StaffMonths.ExecuteDeleteAsync(c);
            await InsertPeriodsAsync(staff.Values, rules, c);
            var tallies = new Dictionary<(Guid, DateOnly), StaffMonth>();
            var days = db.Days.AsNoTracking().Select(d => new { d.StaffId, d.Date, d.DayFraction, d.ManagerTrial }).AsAsyncEnumerable();
            await foreach (var d in days.WithCancellation(c)) Add(Tally(tallies, d.StaffId, d.Date), staff.GetValueOrDefault(d.StaffId), d.Date, d.DayFraction, d.ManagerTrial, rules);
            await InsertMonthsAsync(tallies.Values, c);
        }, ct);
        // SQLite plans joins without statistics as if every table had a million rows; with them, the year's figures start from
        // the headcount and read each person's months on the key. (PostgreSQL's autovacuum analyses by itself.)
        if (committed && db.Database.IsSqlite())
            await db.Database.ExecuteSqlRawAsync($"ANALYZE \"{TeleworkDbContext.SchemaName}_StaffMonths\"; ANALYZE \"{TeleworkDbContext.SchemaName}_EligiblePeriods\";", ct);
    }

    /// <summary>
    /// The counts of <paramref name="year"/> from the maintained tables (SQL aggregates: a few rows come back whatever the
    /// number of days), for <see cref="TeleworkRules.Shape"/>. Headcount = people with an eligible period containing
    /// <paramref name="reference"/>; participants = those with a counted day in the year; months, days and managers likewise.
    /// </summary>
    public async Task<(bool Measured, TeleworkRules.YearTally Tally)> YearAsync(FiscalYear year, DateOnly reference, CancellationToken ct)
    {
        var (start, end) = (year.Start, year.End);
        var measured = await MeasuredAsync(year, ct);
        var heads = Headcount(reference);
        var months = db.StaffMonths.Where(m => m.Month >= start && m.Month <= end);
        // Both queries start from the headcount (≤ one row per person) and read each person's months of the year on the key.
        var headcount = await heads.GroupBy(p => p.Department).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        var people = await (from p in heads
                            join m in months on p.StaffId equals m.StaffId
                            group m by new { p.StaffId, p.Department } into g
                            select new { g.Key.Department, Counted = g.Sum(x => x.CountedDays), Trial = g.Sum(x => x.ManagerTrialDays) }).ToListAsync(ct);
        var byMonth = await (from p in heads
                             join m in months on p.StaffId equals m.StaffId
                             group m by m.Month into g
                             select new { g.Key, People = g.Count(x => x.CountedDays > 0), Units = g.Sum(x => x.CountedUnits) }).ToListAsync(ct);
        var participants = people.Where(x => x.Counted > 0).GroupBy(x => x.Department).ToDictionary(g => g.Key, g => g.Count());
        var managers = people.Count(x => x.Trial > 0);
        var groups = headcount.Select(h => new TeleworkRules.Group(h.Key, h.Count, participants.GetValueOrDefault(h.Key))).ToList();
        var tally = new TeleworkRules.YearTally(groups.Sum(g => g.Headcount), groups,
            byMonth.Select(m => new TeleworkRules.MonthTally(m.Key, m.People, m.Units / StaffMonth.UnitsPerDay)).ToList(),
            groups.Sum(g => g.Participants), byMonth.Sum(m => m.Units) / StaffMonth.UnitsPerDay, managers);
        return (measured, tally);
    }

    /// <summary>
    /// What the plan feed reports of <paramref name="year"/>: whether it is measured, the headcount at <paramref name="reference"/>
    /// (people with an eligible period containing it) and the participants among them (a counted day in the year): the same
    /// totals as <see cref="YearAsync"/> without its departments and months. Per person it seeks the first counted month of
    /// the year instead of reading every month of everyone (issue #12: 10,000 staff, 93,000 person-months in a year: about
    /// 30 ms in SQLite instead of 150 ms, so one new day reaches the plan within the 100 ms goal).
    /// </summary>
    public async Task<(bool Measured, int Headcount, int Participants)> ParticipationAsync(FiscalYear year, DateOnly reference, CancellationToken ct)
    {
        var (start, end) = (year.Start, year.End);
        var measured = await MeasuredAsync(year, ct);
        var heads = Headcount(reference);
        var headcount = await heads.CountAsync(ct);
        var participants = await heads.CountAsync(p => db.StaffMonths.Any(m => m.StaffId == p.StaffId && m.Month >= start && m.Month <= end && m.CountedDays > 0), ct);
        return (measured, headcount, participants);
    }

    // The headcount of a reference date: the eligible periods containing it (at most one per person).
    private IQueryable<EligiblePeriod> Headcount(DateOnly reference) => db.EligiblePeriods.Where(p => p.From <= reference && p.To >= reference);

    // "Any day in the year" (TeleworkRules.IsMeasured) as the year's first day in date order: a seek on the Days(Date) index
    // on every provider. Written as EXISTS, PostgreSQL chose a sequential scan expecting an early match, but days are stored
    // in the order they were imported (by date), so the newest year's first row was near the end: 50 ms at 200,000 days.
    private async Task<bool> MeasuredAsync(FiscalYear year, CancellationToken ct)
    {
        var (start, end) = (year.Start, year.End);
        return await db.Days.Where(d => d.Date >= start && d.Date <= end).OrderBy(d => d.Date)
            .Select(d => (DateOnly?)d.Date).FirstOrDefaultAsync(ct) is not null;
    }

    /// <summary>
    /// Serialises the maintenance of the same people across concurrent transactions, before their days are read: a row lock
    /// on each person's <c>Staff</c> row (all of them for a rebuild), <see cref="RowLocks.LockRowsAsync{TEntity}"/>.
    /// <para>First, on every provider, it renews the schema's change stamp (<see cref="Intranet.Shared.Persistence.ChangeStamp"/>):
    /// every maintenance path passes here, and some write past <c>SaveChanges</c> (<c>ExecuteDelete</c>, bulk insert), which
    /// must still invalidate the cached figures (<see cref="TeleworkReadCache"/>). On a server the writer then holds the
    /// stamp row to its commit; taking it before the people gives every writer the same order (stamp, then people): a form's
    /// save has renewed it already, and an import or a rebuild that locked people first would deadlock with a form.</para>
    /// </summary>
    private Task LockStaffAsync(IReadOnlyCollection<Guid>? ids, CancellationToken ct) => db.RenewStampAndLockRowsAsync<StaffMember>(ids, ct);

    private static StaffMonth Tally(Dictionary<(Guid StaffId, DateOnly Month), StaffMonth> tallies, Guid staffId, DateOnly date)
    {
        var key = (staffId, StaffMonth.MonthOf(date));
        if (!tallies.TryGetValue(key, out var t)) tallies[key] = t = new StaffMonth { StaffId = staffId, Month = key.Item2 };
        return t;
    }

    /// <summary>
    /// Adds one day to a tally (<paramref name="sign"/> +1), or takes it away (−1): recorded always; counted and manager
    /// trial as <see cref="TeleworkRules.Classify"/> says.
    /// </summary>
    private static void Add(StaffMonth tally, StaffMember? staff, DateOnly date, decimal fraction, bool managerTrial, IReadOnlyList<EligibilityRule> rules,
        int sign = 1)
    {
        tally.RecordedDays += sign;
        if (staff is null) return;
        var (counted, trial) = TeleworkRules.Classify(staff, date, managerTrial, rules);
        if (counted) { tally.CountedDays += sign; tally.CountedUnits += sign * (long)decimal.Round(fraction * StaffMonth.UnitsPerDay); }
        if (trial) tally.ManagerTrialDays += sign;
    }

    /// <summary>
    /// Tally changes summed in memory per (person, month) by a batch writer (<see cref="BeginChangesAsync"/>), applied once by
    /// <see cref="ApplyAsync"/>. The days are classified with the records and rules read under the people's locks.
    /// </summary>
    public sealed class MonthTallyChanges
    {
        private readonly IReadOnlyDictionary<Guid, StaffMember> _staff;
        private readonly IReadOnlyList<EligibilityRule> _rules;

        internal MonthTallyChanges(IReadOnlyDictionary<Guid, StaffMember> staff, IReadOnlyList<EligibilityRule> rules) => (_staff, _rules) = (staff, rules);

        /// <summary>The summed changes, keyed by (person, first day of the month); counts may be negative.</summary>
        internal Dictionary<(Guid StaffId, DateOnly Month), StaffMonth> Deltas { get; } = [];

        /// <summary>Person-months summed and not yet applied.</summary>
        public int Pending => Deltas.Count;

        /// <summary>The month (first day) of the last day counted, null before any: the one a writer in date order is still adding to.</summary>
        public DateOnly? CurrentMonth { get; private set; }

        /// <summary>A day written (new, or the new values of a changed one).</summary>
        public void Added(Guid staffId, DateOnly date, decimal dayFraction, bool managerTrial) => Count(staffId, date, dayFraction, managerTrial, 1);

        /// <summary>A day's stored values that were replaced or deleted.</summary>
        public void Removed(Guid staffId, DateOnly date, decimal dayFraction, bool managerTrial) => Count(staffId, date, dayFraction, managerTrial, -1);

        private void Count(Guid staffId, DateOnly date, decimal fraction, bool managerTrial, int sign)
        {
            var tally = Tally(Deltas, staffId, date);
            CurrentMonth = tally.Month;
            Add(tally, _staff.GetValueOrDefault(staffId), date, fraction, managerTrial, _rules, sign);
        }
    }

    private Task InsertPeriodsAsync(IEnumerable<StaffMember> staff, IReadOnlyList<EligibilityRule> rules, CancellationToken ct) =>
        db.BulkInsertAsync(staff.SelectMany(s => TeleworkRules.EligiblePeriods(s, rules)
            .Select(p => new EligiblePeriod { StaffId = s.Id, From = p.From, To = p.To, Department = p.Department })), ct);

    private Task InsertMonthsAsync(IEnumerable<StaffMonth> months, CancellationToken ct) => db.BulkInsertAsync(months, ct);
}
