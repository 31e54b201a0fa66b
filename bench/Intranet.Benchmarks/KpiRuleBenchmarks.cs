using BenchmarkDotNet.Attributes;
using Intranet.Modules.PlanKpi.Domain;
using Intranet.Shared.Time;

namespace Intranet.Benchmarks;

/// <summary>
/// The KPI status rule (<see cref="KpiRules.Evaluate"/>: achievement rate and 達成/順調/遅れ/未測定) for 10,000 indicator
/// years, the mix of directions, comparators, met and unmet actuals and years in progress that a dashboard evaluates.
/// The dashboard runs it once per indicator and year shown; this gives its cost per call.
/// </summary>
[MemoryDiagnoser]
public class KpiRuleBenchmarks
{
    /// <summary>Indicator years evaluated per operation.</summary>
    public const int Count = 10_000;

    private (Direction Direction, Comparator Comparator, FiscalYear Year, decimal? Target, decimal? Actual, decimal? Previous)[] _cases = [];
    private readonly DateOnly _asOf = new(2025, 11, 30);

    /// <summary>Deterministic inputs.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(12);
        _cases = new (Direction, Comparator, FiscalYear, decimal?, decimal?, decimal?)[Count];
        for (var i = 0; i < Count; i++)
        {
            var target = (decimal)random.Next(1, 1000);
            _cases[i] = (random.Next(4) == 0 ? Direction.Lower : Direction.Higher, (Comparator)random.Next(3), new FiscalYear(2021 + random.Next(5)),
                random.Next(20) == 0 ? null : target, random.Next(10) == 0 ? null : target * (decimal)(0.5 + random.NextDouble()),
                random.Next(3) == 0 ? null : target * 0.8m);
        }
    }

    /// <summary>Evaluates every case; returns how many were achieved (so the work is not optimised away).</summary>
    [Benchmark]
    public int Evaluate()
    {
        var achieved = 0;
        foreach (var c in _cases)
            if (KpiRules.Evaluate(c.Direction, c.Comparator, c.Year, c.Target, c.Actual, c.Previous, _asOf).Status == KpiStatus.Achieved) achieved++;
        return achieved;
    }
}
