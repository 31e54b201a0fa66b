using Microsoft.Extensions.DependencyInjection;

namespace Intranet.Shared.Import;

/// <summary>
/// How <c>seed-demo</c> brings a module's sample exports in: the way a city's own files come in. Presets
/// (<c>SampleData/*.mapping.json</c>) are installed unless a mapping of that kind and name is already saved (the city's
/// edited version is kept), and each sample is imported through <see cref="ImportPipeline"/> in its own DI scope, as the
/// command line and the job runner run one import per scope.
/// </summary>
public sealed class SampleImports(IServiceScopeFactory scopes)
{
    /// <summary>Saves <paramref name="preset"/> unless its kind already has a mapping of that name; true when saved.</summary>
    /// <exception cref="ImportRejectedException">The preset's problems (<see cref="ImportMapping.Check"/>).</exception>
    public async Task<bool> InstallPresetAsync(ImportMapping preset, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ImportPipeline>().InstallPresetAsync(preset, ct);
    }

    /// <summary>Imports <paramref name="content"/> as <paramref name="kind"/> through the saved mapping <paramref name="mappingName"/>.</summary>
    /// <exception cref="ImportRejectedException">The sample was rejected.</exception>
    /// <exception cref="ArgumentException">No such kind.</exception>
    public async Task<ImportResult> ImportAsync(string kind, byte[] content, string fileName, string mappingName, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var pipeline = scope.ServiceProvider.GetRequiredService<ImportPipeline>();
        var k = pipeline.Find(kind) ?? throw new ArgumentException($"No import kind {kind}.", nameof(kind));
        var mapping = await pipeline.MappingAsync(k.Info, mappingName, fileName, ct);
        return await pipeline.RunAsync(k, content, fileName, mapping, dryRun: false, null, ct);
    }
}
