using Microsoft.Extensions.DependencyInjection;

namespace Intranet.IntegrationTests.Infrastructure;

/// <summary>
/// A measurement theory (issue #12 aggregate benchmarks): reported as skipped, not as passed, unless
/// <c>INTRANET_BENCH_AGGREGATES=1</c>; the PostgreSQL case runs only with <c>INTRANET_BENCH_POSTGRES=1</c> as well
/// (<see cref="Benchmarks.Runs"/>). Such a theory prints times and asserts nothing about them.
/// </summary>
public sealed class BenchmarkTheoryAttribute : TheoryAttribute
{
    /// <summary>Skips unless the benchmarks are enabled.</summary>
    public BenchmarkTheoryAttribute()
    {
        if (Environment.GetEnvironmentVariable("INTRANET_BENCH_AGGREGATES") != "1")
            Skip = "a measurement: set INTRANET_BENCH_AGGREGATES=1 (and INTRANET_BENCH_POSTGRES=1 for PostgreSQL) to run it";
    }
}

/// <summary>What the aggregate benchmarks (Telework, RPA, Paperless) share.</summary>
public static class Benchmarks
{
    /// <summary>Whether the benchmark runs on <paramref name="db"/>: SQLite always, PostgreSQL with <c>INTRANET_BENCH_POSTGRES=1</c>.</summary>
    public static bool Runs(Db db) => db != Db.PostgreSql || Environment.GetEnvironmentVariable("INTRANET_BENCH_POSTGRES") == "1";

    /// <summary>Runs <paramref name="act"/> with the services of a fresh scope of the app's host.</summary>
    public static async Task ScopedAsync(IntranetApp app, Func<IServiceProvider, Task> act)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await act(scope.ServiceProvider);
    }
}
