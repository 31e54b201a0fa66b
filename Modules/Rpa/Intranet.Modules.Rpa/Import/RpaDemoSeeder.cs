using System.Reflection;
using Intranet.Modules.Rpa.Data;
using Intranet.Modules.Rpa.UseCases;
using Intranet.Shared.Modules;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.Rpa.Import;

/// <summary>
/// <c>seed-demo</c>: loads the module's sample files (<c>SampleData/</c>, documented in the module README):
/// six demo cases, their run log in the module's format, a WinActor-style Shift_JIS log through the saved
/// mapping <c>winactor-sample</c>, and an hourly cost of 2,500 円. Re-running it changes nothing.
/// </summary>
internal sealed class RpaDemoSeeder(CaseImporter cases, RunImporter runs, IMediator mediator, RpaDbContext db) : IDemoDataSeeder
{
    public int Order => 10;

    /// <summary>Name of the sample mapping.</summary>
    public const string SampleMapping = "winactor-sample";

    public static byte[] Sample(string name) => EmbeddedFiles.Read(typeof(RpaDemoSeeder).Assembly, "RpaSampleData." + name);

    public async Task<string> SeedAsync(CancellationToken ct)
    {
        var c = await cases.ImportAsync(Sample("rpa-cases.csv"), "rpa-cases.csv", dryRun: false, ct);
        var r = await runs.ImportAsync(Sample("rpa-runs.csv"), "rpa-runs.csv", null, dryRun: false, null, ct);
        if (!await db.Mappings.AnyAsync(m => m.Name == SampleMapping, ct))
            await mediator.Send(new SaveMapping(SampleMapping, "シナリオ名", "実行ID", "開始日時", "終了日時", "実行結果", "処理件数", "正常終了"), ct);
        var w = await runs.ImportAsync(Sample("winactor-log-sjis.csv"), "winactor-log-sjis.csv", SampleMapping, dryRun: false, null, ct);
        if (!await db.Settings.AnyAsync(ct)) await mediator.Send(new SetHourlyCost(2500), ct);
        return $"RPA台帳: 業務 {c.Added}件追加、実行ログ {r.Added + w.Added}件追加 (うち Shift_JIS の WinActor ログ {w.Added}件)。";
    }
}
