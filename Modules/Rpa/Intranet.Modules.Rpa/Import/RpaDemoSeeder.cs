using System.Text;
using Intranet.Modules.Rpa.Data;
using Intranet.Modules.Rpa.UseCases;
using Intranet.Shared.Import;
using Intranet.Shared.Modules;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.Rpa.Import;

/// <summary>
/// <c>seed-demo</c>: installs the module's mapping presets (<c>SampleData/*.mapping.json</c>: <c>winactor</c>, <c>uipath</c>;
/// a preset already saved under that name is left as the city keeps it) and loads the sample files through the shared
/// <see cref="ImportPipeline"/> the way a city's own files come in: six demo cases and their run log in the module's own
/// format, a WinActor log (Shift_JIS) and a UiPath Orchestrator jobs export through the presets; then an hourly cost of
/// 2,500 円. Re-running it changes nothing.
/// </summary>
internal sealed class RpaDemoSeeder(SampleImports samples, IMediator mediator, RpaDbContext db) : IDemoDataSeeder
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

    public async Task<string> SeedAsync(CancellationToken ct)
    {
        foreach (var file in Presets) await samples.InstallPresetAsync(Preset(file), ct);
        Task<ImportResult> ImportAsync(string kind, string file, string mapping, CancellationToken ct) => samples.ImportAsync(kind, Sample(file), file, mapping, ct);
        var c = await ImportAsync(RpaImportKinds.Cases, "rpa-cases.csv", ImportMapping.NativeName, ct);
        var r = await ImportAsync(RpaImportKinds.Runs, "rpa-runs.csv", ImportMapping.NativeName, ct);
        var w = await ImportAsync(RpaImportKinds.Runs, "winactor-log-sjis.csv", SampleMapping, ct);
        var u = await ImportAsync(RpaImportKinds.Runs, "uipath-jobs.csv", UiPathMapping, ct);
        if (!await db.Settings.AnyAsync(ct)) await mediator.Send(new SetHourlyCost(2500), ct);
        return $"RPA台帳: 業務 {c.Added}件追加、実行ログ {r.Added + w.Added + u.Added}件追加 (うち WinActor のログ {w.Added}件、UiPath のジョブ一覧 {u.Added}件)。";
    }
}
