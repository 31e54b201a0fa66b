using Intranet.Modules.PlanKpi.Contracts;
using Intranet.Modules.Rpa.Contracts;
using Intranet.Modules.Rpa.Data;
using Intranet.Modules.Rpa.Domain;
using Intranet.Shared.Time;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.Rpa.UseCases;

/// <summary>The fiscal years the plan wants figures for, from the indicators bound to the RPA metric keys.</summary>
/// <param name="Start">First fiscal year of the earliest bound plan ("since the plan start").</param>
/// <param name="End">Last fiscal year of the latest bound plan.</param>
public sealed record ReportingPeriod(FiscalYear Start, FiscalYear End)
{
    /// <summary>Every year from <see cref="Start"/> to <see cref="End"/>.</summary>
    public IEnumerable<FiscalYear> Years => Enumerable.Range(Start.StartYear, End.StartYear - Start.StartYear + 1).Select(y => new FiscalYear(y));

    /// <summary>「令和3年度(2021)〜令和7年度(2025)」.</summary>
    public override string ToString() => $"{Start.Label}〜{End.Label}";
}

/// <summary>
/// Computes the registry's figures per fiscal year and reports them to the plan through
/// <see cref="ReportMetrics"/>: <see cref="MetricKeys.RpaAutomatedProcessCount"/> (業務, cumulative since the
/// plan start, <see cref="SavingsRules.AutomatedProcessCount"/>) and <see cref="MetricKeys.RpaHoursSaved"/>
/// (時間, cumulative sum of <see cref="SavingsRules.MinutesSaved"/> ÷ 60 over runs from the plan start to the
/// year's end; the runs summed by the database, <see cref="RpaSavings"/>). A year is reported only where it is measured (issue #9, never 0 for want of data): the process count once a
/// case is in production (<see cref="SavingsRules.ProcessCountMeasured"/>), the hours for years with runs
/// (<see cref="SavingsRules.HoursMeasured"/>); a value reported earlier for a year no longer measured is withdrawn.
/// Called after every change and nightly (<c>RpaRecomputeJob</c>).
/// </summary>
public sealed class RpaFeed(RpaDbContext db, RpaTallies tallies, IMediator mediator, TimeProvider clock)
{
    /// <summary>The metric definitions this module registers.</summary>
    public static readonly MetricDefinition[] Definitions =
    [
        new(MetricKeys.RpaAutomatedProcessCount, "RPA適用業務数(累積)", "業務", Cumulative: true, RpaModuleInfo.DisplayName),
        new(MetricKeys.RpaHoursSaved, "RPAによる削減時間(累積)", "時間", Cumulative: true, RpaModuleInfo.DisplayName),
    ];

    /// <summary>The plan period bound to the RPA keys, or null when no plan indicator is bound.</summary>
    public async Task<ReportingPeriod?> PeriodAsync(CancellationToken ct)
    {
        var consumers = new List<MetricConsumer>();
        foreach (var d in Definitions) consumers.AddRange(await mediator.Send(new ListMetricConsumers(d.Key), ct));
        if (consumers.Count == 0) return null;
        return new ReportingPeriod(new FiscalYear(consumers.Min(c => c.FirstFiscalYear)), new FiscalYear(consumers.Max(c => c.LastFiscalYear)));
    }

    /// <summary>
    /// Figures per fiscal year of the period: (year, automated process count, hours saved), both cumulative; each null when the
    /// year is not measured (<see cref="SavingsRules.ProcessCountMeasured"/>, <see cref="SavingsRules.HoursMeasured"/>).
    /// The runs' minutes saved per year are read from the maintained tallies (<see cref="RpaTallies.YearsAsync(FiscalYear, FiscalYear, CancellationToken)"/>: one row per
    /// case and fiscal year, whatever the number of runs); equals <see cref="ComputeRowByRowAsync"/>.
    /// </summary>
    public async Task<IReadOnlyList<(FiscalYear Year, int? Processes, decimal? Hours)>> ComputeAsync(ReportingPeriod period, CancellationToken ct)
    {
        var since = await db.Cases.AsNoTracking().Select(c => c.ProductionSince).ToListAsync(ct);
        var years = await tallies.YearsAsync(period.Start, period.End, ct);
        // A year's first day stands for its runs' dates in HoursMeasured.
        return Shape(period, since, years.ToDictionary(y => y.Key, y => y.Value.MinutesSaved),
            years.Where(y => y.Value.Runs > 0).Select(y => new FiscalYear(y.Key).Start).ToList());
    }

    /// <summary>
    /// The row-by-row reference of <see cref="ComputeAsync"/> (the computation before issue #12): loads every run of the period
    /// and applies <see cref="SavingsRules.ValidOn"/> and <see cref="SavingsRules.MinutesSaved"/> to each. Its cost grows
    /// with the runs: tests and measurements only.
    /// </summary>
    public async Task<IReadOnlyList<(FiscalYear Year, int? Processes, decimal? Hours)>> ComputeRowByRowAsync(ReportingPeriod period, CancellationToken ct)
    {
        var since = await db.Cases.AsNoTracking().Select(c => c.ProductionSince).ToListAsync(ct);
        var assessments = (await db.Assessments.AsNoTracking().ToListAsync(ct)).ToLookup(a => a.CaseId);
        var from = period.Start.Start;
        var to = period.End.End;
        var runs = await db.Runs.AsNoTracking().Where(r => r.RunDate >= from && r.RunDate <= to)
            .Select(r => new { r.CaseId, r.RunDate, r.Outcome, r.ItemsProcessed }).ToListAsync(ct);
        var minutesByYear = runs
            .GroupBy(r => FiscalYear.Of(r.RunDate).StartYear)
            .ToDictionary(g => g.Key, g => g.Sum(r => SavingsRules.MinutesSaved(r.Outcome, r.ItemsProcessed,
                SavingsRules.ValidOn(assessments[r.CaseId], r.RunDate))));
        return Shape(period, since, minutesByYear, runs.Select(r => r.RunDate).ToList());
    }

    /// <summary>
    /// The yearly figures from the cases' production dates, the minutes saved (分) per fiscal year (start year) and the run
    /// dates (or any date of each month with runs): cumulative process count and hours (時間, one decimal, half away from zero).
    /// </summary>
    private static List<(FiscalYear, int?, decimal?)> Shape(ReportingPeriod period, List<DateOnly?> since, Dictionary<int, decimal> minutesByYear,
        List<DateOnly> runDates)
    {
        var result = new List<(FiscalYear, int?, decimal?)>();
        var cumulative = 0m;
        foreach (var year in period.Years)
        {
            cumulative += minutesByYear.GetValueOrDefault(year.StartYear);
            result.Add((year,
                SavingsRules.ProcessCountMeasured(since, year) ? SavingsRules.AutomatedProcessCount(since, period.Start, year) : null,
                SavingsRules.HoursMeasured(runDates, year) ? Math.Round(SavingsRules.ToHours(cumulative), 1, MidpointRounding.AwayFromZero) : null));
        }
        return result;
    }

    /// <summary>Recomputes and reports every year of the period; does nothing when no indicator is bound.</summary>
    public async Task<ReportMetricsResult?> PublishAsync(CancellationToken ct)
    {
        var period = await PeriodAsync(ct);
        if (period is null) return null;
        var now = clock.GetUtcNow();
        var values = new List<MetricValue>();
        foreach (var (year, processes, hours) in await ComputeAsync(period, ct))
        {
            // Future years stay empty: a cumulative figure for a year that has not begun is not a measurement.
            if (year.Start > clock.TodayInJapan()) continue;
            if (processes is { } p) values.Add(new MetricValue(MetricKeys.RpaAutomatedProcessCount, year.StartYear, p, "業務", now));
            if (hours is { } h) values.Add(new MetricValue(MetricKeys.RpaHoursSaved, year.StartYear, h, "時間", now));
        }
        var result = await mediator.Send(new ReportMetrics(RpaModuleInfo.DisplayName, values, Definitions.Select(d => d.Key).ToList()), ct);
        await mediator.Publish(new RpaFiguresReported(values.Select(v => v.FiscalYear).Distinct().ToList()), ct);
        return result;
    }
}
