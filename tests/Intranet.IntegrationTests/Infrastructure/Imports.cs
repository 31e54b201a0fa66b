using Intranet.Shared.Import;
using Microsoft.Extensions.DependencyInjection;

namespace Intranet.IntegrationTests.Infrastructure;

/// <summary>
/// Runs files through the real <see cref="ImportPipeline"/> of a host, as the command line does (the system actor):
/// the one way every module's import tests import.
/// </summary>
internal static class Imports
{
    /// <summary>Imports (or checks) <paramref name="content"/> as <paramref name="kind"/> through the saved mapping
    /// <paramref name="mapping"/> (null: the standard format).</summary>
    /// <exception cref="ImportRejectedException">The file was rejected.</exception>
    public static async Task<ImportResult> ImportAsync(this IntranetApp app, string kind, byte[] content, string fileName, string? mapping = null, bool dryRun = false)
    {
        using var scope = app.Services.CreateScope();
        var pipeline = scope.ServiceProvider.GetRequiredService<ImportPipeline>();
        var k = pipeline.Find(kind) ?? throw new ArgumentException($"No import kind {kind}.");
        var m = await pipeline.MappingAsync(k.Info, mapping, fileName, CancellationToken.None);
        return await pipeline.RunAsync(k, content, fileName, m, dryRun, null, CancellationToken.None);
    }

    /// <summary>Imports through <paramref name="mapping"/> given as an object (not saved).</summary>
    public static async Task<ImportResult> ImportAsync(this IntranetApp app, ImportMapping mapping, byte[] content, string fileName, bool dryRun = false)
    {
        using var scope = app.Services.CreateScope();
        var pipeline = scope.ServiceProvider.GetRequiredService<ImportPipeline>();
        return await pipeline.RunAsync(pipeline.Find(mapping.Kind)!, content, fileName, mapping, dryRun, null, CancellationToken.None);
    }

    /// <summary>Saves <paramref name="mapping"/> as the system.</summary>
    public static async Task SaveMappingAsync(this IntranetApp app, ImportMapping mapping)
    {
        using var scope = app.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<ImportPipeline>().SaveMappingAsync(mapping, CancellationToken.None);
    }
}
