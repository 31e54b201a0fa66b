using Intranet.Modules.Paperless.Contracts;
using Intranet.Modules.Paperless.Data;
using Intranet.Modules.Paperless.Domain;
using Intranet.Shared.Export;
using Intranet.Shared.Security;
using Intranet.Shared.Time;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.Paperless.UseCases;

/// <summary>
/// Downloads as CSV (UTF-8 with BOM) or .xlsx: <c>/paperless/export/summary.{csv|xlsx}</c> (figures per fiscal
/// year, every reader) and <c>/paperless/export/sessions.{csv|xlsx}</c> (the sessions the user organizes).
/// </summary>
public static class PaperlessExports
{
    /// <summary>Maps the download endpoints.</summary>
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/paperless/export/summary.{format}", async (string format, PaperlessFeed feed, TimeProvider clock, CancellationToken ct) =>
        {
            var years = (await feed.ComputeAsync(ct)).ToDictionary(y => y.Year.StartYear);
            // Every year with sessions or recorded paper use (FY2019, the baseline, always); 紙の削減量 is 「未測定」 unless FY2019's
            // and the year's office-wide use are recorded; the meetings' sheets saved are its breakdown.
            var paper = await feed.PaperUseAsync(ct);
            var table = new ExportTable("年度別", ["年度", "庁議 開催", "庁議 率(%)", "課長級以上 開催", "課長級以上 率(%)", "議会内会議 開催", "議会内会議 率(%)", "議場タブレット活用(%)",
                    "庁内の用紙使用量(枚)", "紙の削減量(枚)", "うち会議のペーパーレス化による削減(枚)"],
                paper.Select(p =>
                {
                    var y = years.GetValueOrDefault(p.Year.StartYear);
                    object? reduction = p.Year.StartYear == PaperlessRules.PaperUseBaselineYear ? "基準年度" : p.Reduction is { } r ? r : "未測定";
                    return (IReadOnlyList<object?>)[p.Year.StartYear, y?.ExecutiveSessions ?? 0, y?.ExecutiveRate, y?.ManagerSessions ?? 0, y?.ManagerRate,
                        y?.AssemblySessions ?? 0, y?.AssemblyRate, y?.AssemblyTabletRate, p.SheetsUsed, reduction, y?.SheetsSaved];
                }).ToList());
            return TableExport.Download(table, format, $"paperless-summary-{clock.TodayInJapan():yyyyMMdd}");
        }).RequireAuthorization(PaperlessPolicies.Read);

        endpoints.MapGet("/paperless/export/sessions.{format}", async (string format, PaperlessDbContext db, ICurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var bodies = (await db.Bodies.AsNoTracking().Include(b => b.Baselines).ToListAsync(ct))
                .Where(b => PaperlessAccess.CanOrganize(user, b.OrganizingDepartment)).ToDictionary(b => b.Id);
            var ids = bodies.Keys.ToList();
            var sessions = (await db.Sessions.AsNoTracking().Where(s => ids.Contains(s.BodyId)).ToListAsync(ct))
                .OrderBy(s => s.HeldOn).ThenBy(s => bodies[s.BodyId].Code, StringComparer.Ordinal).ThenBy(s => s.Sequence);
            var table = new ExportTable("開催記録", ["年度", "開催日", "回", "コード", "会議体", "区分", "会議主管課", "形式", "資料", "出席者", "印刷枚数", "削減枚数", "ペーパーレス", "タブレット", "備考"],
                sessions.Select(s =>
                {
                    var b = bodies[s.BodyId];
                    return (IReadOnlyList<object?>)[FiscalYear.Of(s.HeldOn).StartYear, s.HeldOn, s.Sequence, b.Code, b.Name, PaperlessRules.Label(b.Category),
                        b.OrganizingDepartment, PaperlessRules.Label(s.Format), PaperlessRules.Label(s.Materials), s.Attendees, s.SheetsPrinted,
                        PaperlessRules.SheetsSaved(b.Baselines, s.HeldOn, s.Attendees, s.SheetsPrinted),
                        PaperlessRules.IsPaperless(s.Format, s.Materials) ? "○" : "×", s.TabletsUsed ? "○" : "", s.Note];
                }).ToList());
            return TableExport.Download(table, format, $"paperless-sessions-{clock.TodayInJapan():yyyyMMdd}");
        }).RequireAuthorization(PaperlessPolicies.Organize);
    }
}
