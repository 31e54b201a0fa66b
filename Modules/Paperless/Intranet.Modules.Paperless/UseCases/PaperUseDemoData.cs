using Intranet.Modules.Paperless.Data;
using Intranet.Modules.Paperless.Domain;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.Paperless.UseCases;

/// <summary>
/// <c>seed-demo</c>'s office-wide paper use (called by the module's demo seeder): plausible purchase-record totals for the
/// baseline FY2019 and the fiscal years of the demo sessions (FY2021–FY2023), so 2-2-(2)-1 紙の削減量 shows 180,000 (FY2021),
/// 360,000 (FY2022) and 470,000 sheets (FY2023, past the 450,000 target). Years already recorded are left as they are, so
/// re-running it changes nothing.
/// </summary>
public static class PaperUseDemoData
{
    /// <summary>Fiscal year → sheets used office-wide (枚).</summary>
    public static readonly IReadOnlyDictionary<int, long> SheetsUsed = new Dictionary<int, long>
    {
        [2019] = 9_850_000, [2021] = 9_670_000, [2022] = 9_490_000, [2023] = 9_380_000,
    };

    /// <summary>The source note of the demo figures.</summary>
    public const string SourceNote = "用紙購入実績 (デモデータ)";

    /// <summary>Records the demo years not recorded yet, checked by <see cref="PaperlessRules.CheckPaperUse"/>; returns how many were added.</summary>
    public static async Task<int> SeedAsync(PaperlessDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var recorded = await db.PaperUse.Select(p => p.FiscalYear).ToListAsync(ct);
        var today = Intranet.Shared.Time.TimeProviderExtensions.TodayInJapan(clock);
        var added = 0;
        foreach (var (year, sheets) in SheetsUsed.Where(p => !recorded.Contains(p.Key)))
        {
            if (PaperlessRules.CheckPaperUse(year, sheets, SourceNote, today).Count > 0) continue;
            db.PaperUse.Add(new OfficePaperUse
            {
                FiscalYear = year, SheetsUsed = sheets, SourceNote = SourceNote,
                RecordedBy = Intranet.Shared.Security.HttpCurrentUser.SystemName, RecordedAt = clock.GetUtcNow(),
            });
            added++;
        }
        if (added > 0) await db.SaveChangesAsync(ct);
        return added;
    }
}
