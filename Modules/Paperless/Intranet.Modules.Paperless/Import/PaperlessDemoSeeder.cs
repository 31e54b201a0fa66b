using System.Reflection;
using System.Text.Json;
using Intranet.Modules.Paperless.Data;
using Intranet.Modules.Paperless.Domain;
using Intranet.Shared.Modules;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.Paperless.Import;

/// <summary>
/// <c>seed-demo</c>: the module's sample files (<c>SampleData/</c>, see the module README): six meeting bodies
/// (庁議 ×3, a manager-level meeting, two assembly meetings), two years of sessions, and a calendar export in
/// Shift_JIS read through the saved mapping <c>calendar-sample</c>. Re-running it changes nothing.
/// </summary>
internal sealed class PaperlessDemoSeeder(PaperlessImporter importer, PaperlessDbContext db) : IDemoDataSeeder
{
    public int Order => 20;

    /// <summary>Name of the sample mapping.</summary>
    public const string SampleMapping = "calendar-sample";

    public static byte[] Sample(string name) => EmbeddedFiles.Read(typeof(PaperlessDemoSeeder).Assembly, "PaperlessSampleData." + name);

    public async Task<string> SeedAsync(CancellationToken ct)
    {
        var bodies = await importer.ImportBodiesAsync(Sample("meeting-bodies.csv"), "meeting-bodies.csv", dryRun: false, ct);
        var sessions = await importer.ImportSessionsAsync(Sample("meeting-sessions.csv"), "meeting-sessions.csv", null, dryRun: false, ct);
        if (!await db.Mappings.AnyAsync(m => m.Name == SampleMapping, ct))
        {
            db.Mappings.Add(new SessionMapping
            {
                Name = SampleMapping,
                ColumnsJson = JsonSerializer.Serialize(new Dictionary<string, string>
                {
                    ["body"] = "件名", ["held_on"] = "開始日", ["format"] = "会議形式", ["attendees"] = "参加人数", ["sheets_printed"] = "印刷枚数",
                }),
                DefaultsJson = JsonSerializer.Serialize(new Dictionary<string, string> { ["materials"] = "電子のみ" }),
            });
            await db.SaveChangesAsync(ct);
        }
        await UseCases.PaperUseDemoData.SeedAsync(db, TimeProvider.System, ct);   // issue #9: office-wide paper use, reported by the next import
        var calendar = await importer.ImportSessionsAsync(Sample("calendar-export-sjis.csv"), "calendar-export-sjis.csv", SampleMapping, dryRun: false, ct);
        return $"ペーパーレス会議: 会議体 {bodies.Added}件追加、開催記録 {sessions.Added + calendar.Added}件追加 (うち Shift_JIS のカレンダー出力 {calendar.Added}件)。";
    }
}
