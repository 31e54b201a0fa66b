using System.Text;
using Intranet.Shared.Import;
using Intranet.Shared.Modules;

namespace Intranet.Modules.Paperless.Import;

/// <summary>
/// <c>seed-demo</c>: installs the module's mapping presets (<c>SampleData/*.mapping.json</c>: <c>calendar</c>,
/// <c>organizer-list</c>; a preset already saved under that name is left as the city keeps it) and loads the sample files
/// through the shared <see cref="ImportPipeline"/> the way a city's own files come in: six meeting bodies (庁議 ×3, a
/// manager-level meeting, two assembly meetings) and two years of sessions in the module's own format, a calendar export
/// in Shift_JIS and an organizer's Excel list (和暦 dates, 「タブレット」「紙」) through the presets. Re-running it changes nothing.
/// </summary>
internal sealed class PaperlessDemoSeeder(SampleImports samples, Data.PaperlessDbContext db) : IDemoDataSeeder
{
    public int Order => 20;

    /// <summary>Name of the calendar export's preset.</summary>
    public const string SampleMapping = "calendar";

    /// <summary>Name of the organizer's Excel list's preset.</summary>
    public const string OrganizerMapping = "organizer-list";

    /// <summary>The organizer's Excel list.</summary>
    public const string OrganizerList = "organizer-meetings.xlsx";

    /// <summary>The presets shipped with the module, by file name.</summary>
    public static readonly IReadOnlyList<string> Presets = ["calendar.mapping.json", "organizer-list.mapping.json"];

    public static byte[] Sample(string name) => EmbeddedFiles.Read(typeof(PaperlessDemoSeeder).Assembly, "PaperlessSampleData." + name);

    /// <summary>A shipped preset (<see cref="Presets"/>) read from its JSON file.</summary>
    public static ImportMapping Preset(string fileName) => ImportMapping.FromJson(Encoding.UTF8.GetString(Sample(fileName)), fileName);

    public async Task<string> SeedAsync(CancellationToken ct)
    {
        foreach (var file in Presets) await samples.InstallPresetAsync(Preset(file), ct);
        Task<ImportResult> ImportAsync(string kind, string file, string mapping, CancellationToken ct) => samples.ImportAsync(kind, Sample(file), file, mapping, ct);
        var bodies = await ImportAsync(PaperlessImportKinds.Bodies, "meeting-bodies.csv", ImportMapping.NativeName, ct);
        var sessions = await ImportAsync(PaperlessImportKinds.Sessions, "meeting-sessions.csv", ImportMapping.NativeName, ct);
        await UseCases.PaperUseDemoData.SeedAsync(db, TimeProvider.System, ct);   // office-wide paper use, reported by the next import
        var calendar = await ImportAsync(PaperlessImportKinds.Sessions, "calendar-export-sjis.csv", SampleMapping, ct);
        var list = await ImportAsync(PaperlessImportKinds.Sessions, OrganizerList, OrganizerMapping, ct);
        return $"ペーパーレス会議: 会議体 {bodies.Added}件追加、開催記録 {sessions.Added + calendar.Added + list.Added}件追加 " +
               $"(うち Shift_JIS のカレンダー出力 {calendar.Added}件、Excel の会議開催一覧 {list.Added}件)。";
    }
}
