using System.Globalization;
using Intranet.Modules.PlanKpi.Contracts;
using Intranet.Modules.Telework.Contracts;
using Intranet.Modules.Telework.Data;
using Intranet.Modules.Telework.Domain;
using Intranet.Shared.Time;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.Telework.UseCases;

/// <summary>
/// Computes the figures (<see cref="TeleworkRules.Compute"/>) and reports the participation rate to the plan
/// (<see cref="MetricKeys.TeleworkParticipationRate"/>, %, per fiscal year of the bound plans that has begun and is measured:
/// a year without any telework day is not reported, and a value reported earlier for it is withdrawn, never 0 %).
/// </summary>
public sealed class TeleworkFeed(TeleworkDbContext db, IMediator mediator, TimeProvider clock, TeleworkAggregates aggregates, TeleworkReadCache cache)
{
    /// <summary>The metric definition this module registers.</summary>
    public static readonly MetricDefinition Definition =
        new(MetricKeys.TeleworkParticipationRate, "テレワーク勤務を行った職員の割合", "%", false, TeleworkModuleInfo.DisplayName);

    /// <summary>Minimum group size (people) and reference date (<c>MM-dd</c> or null) settings, cached per change stamp (<see cref="TeleworkReadCache"/>).</summary>
    public async Task<(int MinimumGroup, string? ReferenceMonthDay)> SettingsAsync(CancellationToken ct)
    {
        var settings = await cache.SettingsAsync(db, async c =>
        {
            var stored = await db.Settings.AsNoTracking().ToDictionaryAsync(s => s.Key, s => s.Value, c);
            var min = stored.TryGetValue(TeleworkSetting.MinimumGroupSize, out var m) && int.TryParse(m, CultureInfo.InvariantCulture, out var v) && v >= 1 ? v : 5;
            return new TeleworkReadCache.Settings(min, stored.GetValueOrDefault(TeleworkSetting.ReferenceDate));
        }, ct);
        return (settings.MinimumGroup, settings.ReferenceMonthDay);
    }

    /// <summary>
    /// Figures of each given fiscal year, from the maintained tallies (<see cref="TeleworkAggregates.YearAsync"/>, a few SQL
    /// aggregates per year whatever the number of days) shaped by <see cref="TeleworkRules.Shape"/>, cached per host until the
    /// next write to the schema (<see cref="TeleworkReadCache"/>: one primary-key query while nothing changed). Builds the
    /// tallies first if they never were (an upgraded database).
    /// </summary>
    public async Task<IReadOnlyList<TeleworkYear>> ComputeAsync(IEnumerable<FiscalYear> years, CancellationToken ct)
    {
        // Read before (not inside) a year's load: the cache's loads must not wait on the cache.
        var (min, referenceMonthDay) = await SettingsAsync(ct);
        var result = new List<TeleworkYear>();
        foreach (var year in years)
            result.Add(await cache.YearAsync(db, year, async c =>
            {
                await aggregates.EnsureBuiltAsync(c);
                var reference = TeleworkRules.ReferenceDate(year, referenceMonthDay);
                var (measured, tally) = await aggregates.YearAsync(year, reference, c);
                return TeleworkRules.Shape(year, reference, measured, tally, min);
            }, ct));
        return result;
    }

    /// <summary>
    /// The participation rate of each given fiscal year (<see cref="TeleworkRules.ParticipationRate"/>, %, null when not
    /// measured), from the year's totals alone (<see cref="TeleworkAggregates.ParticipationAsync"/>): what the plan is told,
    /// without the departments and months of <see cref="ComputeAsync"/>, so a new day reaches the plan after three small
    /// queries whatever the staff size (issue #12). Builds the tallies first if they never were.
    /// </summary>
    public async Task<IReadOnlyList<(FiscalYear Year, decimal? Rate)>> RatesAsync(IEnumerable<FiscalYear> years, CancellationToken ct)
    {
        var (_, referenceMonthDay) = await SettingsAsync(ct);
        await aggregates.EnsureBuiltAsync(ct);
        var result = new List<(FiscalYear, decimal?)>();
        foreach (var year in years)
        {
            var (measured, headcount, participants) = await aggregates.ParticipationAsync(year, TeleworkRules.ReferenceDate(year, referenceMonthDay), ct);
            result.Add((year, TeleworkRules.ParticipationRate(measured, participants, headcount)));
        }
        return result;
    }

    /// <summary>Rebuilds the maintained tallies from every person and day (<see cref="TeleworkAggregates.RebuildAsync"/>): the nightly safety net.</summary>
    public Task RebuildTalliesAsync(CancellationToken ct) => aggregates.RebuildAsync(ct);

    /// <summary>
    /// The same figures computed row by row from every person and every day of the period (<see cref="TeleworkRules.Compute"/>):
    /// the reference the maintained figures are tested against, and the "before" of the benchmark. Not used by pages.
    /// </summary>
    public async Task<IReadOnlyList<TeleworkYear>> ComputeRowByRowAsync(IEnumerable<FiscalYear> years, CancellationToken ct)
    {
        var staff = await db.Staff.AsNoTracking().Include(s => s.Assignments).ToListAsync(ct);
        var rules = await db.Rules.AsNoTracking().ToListAsync(ct);
        var (min, reference) = await SettingsAsync(ct);
        var list = years.ToList();
        if (list.Count == 0) return [];
        var (from, to) = (list.Min().Start, list.Max().End);
        var days = await db.Days.AsNoTracking().Where(d => d.Date >= from && d.Date <= to).ToListAsync(ct);
        return list.Select(y => TeleworkRules.Compute(y, staff, days, rules, reference, min)).ToList();
    }

    /// <summary>
    /// Recomputes and reports every begun year of the bound plans (the whole picture: a value reported earlier for a year that
    /// lost its rate is withdrawn); does nothing when no plan indicator is bound. Cheap whatever the number of days: each
    /// year is three small queries over the maintained tallies (<see cref="RatesAsync"/>).
    /// </summary>
    public Task<ReportMetricsResult?> PublishAsync(CancellationToken ct) => PublishAsync(null, ct);

    /// <summary>
    /// Recomputes and reports only <paramref name="changedYears"/> (fiscal start years) of the bound plans' begun years: for
    /// writes of telework days, which change the tallies of their own fiscal year and no other (issue #12: one new day reaches
    /// the plan after one year's aggregates, not every year's). Nothing is withdrawn this way; when a changed year has no
    /// rate (its last day deleted), every year is reported as <see cref="PublishAsync(CancellationToken)"/> does.
    /// </summary>
    /// <param name="changedYears">The fiscal years whose days changed; null for every year.</param>
    /// <param name="ct">Cancels the computation and the report.</param>
    /// <returns>What the plan stored; null when no indicator is bound or no bound year changed.</returns>
    public async Task<ReportMetricsResult?> PublishAsync(IReadOnlyCollection<int>? changedYears, CancellationToken ct)
    {
        var consumers = await mediator.Send(new ListMetricConsumers(Definition.Key), ct);
        if (consumers.Count == 0) return null;
        var today = clock.TodayInJapan();
        var years = Enumerable.Range(consumers.Min(c => c.FirstFiscalYear), consumers.Max(c => c.LastFiscalYear) - consumers.Min(c => c.FirstFiscalYear) + 1)
            .Select(y => new FiscalYear(y)).Where(y => y.Start <= today).ToList();
        if (changedYears is not null) years = years.Where(y => changedYears.Contains(y.StartYear)).ToList();
        if (years.Count == 0) return null;
        var now = clock.GetUtcNow();
        var rates = await RatesAsync(years, ct);
        if (changedYears is not null && rates.Any(y => y.Rate is null)) return await PublishAsync(null, ct);
        var values = rates.Where(y => y.Rate is not null)
            .Select(y => new MetricValue(Definition.Key, y.Year.StartYear, y.Rate!.Value, "%", now)).ToList();
        return await mediator.Send(new ReportMetrics(TeleworkModuleInfo.DisplayName, values, changedYears is null ? [Definition.Key] : null), ct);
    }
}
