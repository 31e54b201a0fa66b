using System.Globalization;
using System.Reflection;
using Intranet.Modules.PlanKpi.Data;
using Intranet.Modules.PlanKpi.Domain;
using Intranet.Shared.Modules;
using Intranet.Shared.Security;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.PlanKpi.Import;

/// <summary>The plan files shipped inside the module (<c>PlanFiles/*.json</c>, embedded).</summary>
public static class BundledPlans
{
    /// <summary>Resource names, e.g. <c>PlanFiles.hadano-ict-2021.json</c>, Hadano first.</summary>
    public static IReadOnlyList<string> ResourceNames { get; } = typeof(BundledPlans).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith("PlanFiles.", StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal))
        .OrderBy(n => n.Contains("hadano", StringComparison.Ordinal) ? 0 : 1).ThenBy(n => n, StringComparer.Ordinal).ToList();

    /// <summary>Opens one of <see cref="ResourceNames"/>.</summary>
    public static Stream Open(string resourceName) =>
        typeof(BundledPlans).Assembly.GetManifestResourceStream(resourceName)
        ?? throw new InvalidOperationException($"Resource {resourceName} is missing.");
}

/// <summary>Loads the bundled plans (Hadano, Chigasaki, Sagamihara: every <c>PlanFiles/*.json</c>) into a new database.</summary>
internal sealed class BundledPlansSeeder(PlanImporter importer, PlanKpiDbContext db) : IInitialDataSeeder
{
    public async Task SeedAsync(CancellationToken ct)
    {
        foreach (var name in BundledPlans.ResourceNames)
        {
            await using var stream = BundledPlans.Open(name);
            var file = PlanFileValidator.Parse(stream, name);
            if (await db.Plans.AnyAsync(p => p.Code == file.Code, ct)) continue;
            await importer.ImportAsync(file, name, ct);
            db.ChangeTracker.Clear();
        }
    }
}

/// <summary>
/// <c>seed-demo</c>: typed-in demo actuals for a few Hadano indicators that no module feeds
/// (<c>SampleData/demo-actuals.csv</c>, each marked 「デモデータ」 in its note). Existing actuals are kept.
/// </summary>
internal sealed class DemoActualsSeeder(PlanKpiDbContext db, ICurrentUser user, TimeProvider clock) : IDemoDataSeeder
{
    public int Order => 0;

    public async Task<string> SeedAsync(CancellationToken ct)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("SampleData.demo-actuals.csv")!;
        using var reader = new StreamReader(stream);
        await reader.ReadLineAsync(ct);
        var added = 0;
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            var f = line.Split(',');
            var indicator = await db.Indicators.Include(i => i.Actuals)
                .Join(db.Plans.Where(p => p.Code == f[0]), i => i.PlanId, p => p.Id, (i, p) => i)
                .SingleOrDefaultAsync(i => i.Code == f[1], ct);
            var year = int.Parse(f[2], CultureInfo.InvariantCulture);
            if (indicator is null || indicator.MetricKey is not null || indicator.Actuals.Any(a => a.FiscalYear == year)) continue;
            indicator.Actuals.Add(new Actual
            {
                IndicatorId = indicator.Id, FiscalYear = year, Value = decimal.Parse(f[3], CultureInfo.InvariantCulture),
                Note = f[4], EnteredBy = user.Name, EnteredAt = clock.GetUtcNow(),
            });
            added++;
        }
        await db.SaveChangesAsync(ct);
        return $"計画KPI: デモ実績値を{added}件登録しました。";
    }
}
