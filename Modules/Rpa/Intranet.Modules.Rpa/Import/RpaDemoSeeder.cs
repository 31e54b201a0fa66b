using System.Text;
using Intranet.Modules.Rpa.Data;
using Intranet.Modules.Rpa.UseCases;
using Intranet.Shared.Import;
using Intranet.Shared.Modules;
using MediatR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Intranet.Modules.Rpa.Import;

/// <summary>
/// <c>seed-demo</c>: installs the module's mapping presets (<c>SampleData/*.mapping.json</c>: <c>winactor</c>, <c>uipath</c>;
/// a preset already saved under that name is left as the city keeps it) and loads the sample files through the shared
/// <see cref="ImportPipeline"/> the way a city's own files come in: six demo cases and their run log in the module's own
/// format, a WinActor log (Shift_JIS) and a UiPath Orchestrator jobs export through the presets; then an hourly cost of
/// 2,500 円. Re-running it changes nothing.
/// </summary>
internal sealed class RpaDemoSeeder(ImportPipeline pipeline, IServiceScopeFactory scopes, IMediator mediator, RpaDbContext db) : IDemoDataSeeder
{
    public int Order => 10;

    /// <summary>Name of the WinActor preset.</summary>
    public const string SampleMapping = "winactor";

    /// <summary>Name of the UiPath Orchestrator preset.</summary>
    public const string UiPathMapping = "uipath";

    /// <summary>The presets shipped with the module, by file name.</summary>
    public static readonly IReadOnlyList<string> Presets = ["winactor.mapping.json", "uipath.mapping.json"];

    public static byte[] Sample(string name) => EmbeddedFiles.Read(typeof(RpaDemoSeeder).Assembly, "RpaSampleData." + name);

    /// <summary>A shipped preset (<see cref="Presets"/>) read from its JSON file.</summary>
    public static ImportMapping Preset(string fileName) => ImportMapping.FromJson(Encoding.UTF8.GetString(Sample(fileName)), fileName);

    /// <summary>Saves each shipped preset not yet saved under its name; returns the names installed.</summary>
    public static async Task<IReadOnlyList<string>> InstallPresetsAsync(ImportPipeline pipeline, CancellationToken ct)
    {
        var installed = new List<string>();
        foreach (var file in Presets)
        {
            var preset = Preset(file);
            var kind = pipeline.Find(preset.Kind)!;
            try
            {
                await pipeline.MappingAsync(kind.Info, preset.Name, file, ct);   // already saved: keep the city's version
            }
            catch (ImportRejectedException)
            {
                await pipeline.SaveMappingAsync(preset, ct);
                installed.Add(preset.Name);
            }
        }
        return installed;
    }

    private async Task<ImportResult> ImportAsync(string kind, string file, string mappingName, CancellationToken ct)
    {
        // One scope per file, as the command line and the job runner run one import per scope.
        await using var scope = scopes.CreateAsyncScope();
        var pipeline = scope.ServiceProvider.GetRequiredService<ImportPipeline>();
        var k = pipeline.Find(kind)!;
        var mapping = await pipeline.MappingAsync(k.Info, mappingName, file, ct);
        return await pipeline.RunAsync(k, Sample(file), file, mapping, dryRun: false, null, ct);
    }

    public async Task<string> SeedAsync(CancellationToken ct)
    {
        await InstallPresetsAsync(pipeline, ct);
        var c = await ImportAsync(RpaImportKinds.Cases, "rpa-cases.csv", ImportMapping.NativeName, ct);
        var r = await ImportAsync(RpaImportKinds.Runs, "rpa-runs.csv", ImportMapping.NativeName, ct);
        var w = await ImportAsync(RpaImportKinds.Runs, "winactor-log-sjis.csv", SampleMapping, ct);
        var u = await ImportAsync(RpaImportKinds.Runs, "uipath-jobs.csv", UiPathMapping, ct);
        if (!await db.Settings.AnyAsync(ct)) await mediator.Send(new SetHourlyCost(2500), ct);
        return $"RPA台帳: 業務 {c.Added}件追加、実行ログ {r.Added + w.Added + u.Added}件追加 (うち WinActor のログ {w.Added}件、UiPath のジョブ一覧 {u.Added}件)。";
    }
}
