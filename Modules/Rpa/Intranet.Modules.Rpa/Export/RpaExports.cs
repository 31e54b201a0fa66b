using Intranet.Modules.Rpa.Contracts;
using Intranet.Modules.Rpa.Domain;
using Intranet.Modules.Rpa.Import;
using Intranet.Modules.Rpa.UseCases;
using Intranet.Shared.Export;
using Intranet.Shared.Time;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Intranet.Modules.Rpa.Export;

/// <summary>
/// Downloads of the registry and of the monthly savings, as CSV (UTF-8 with BOM) or .xlsx:
/// <c>/rpa/export/cases.{csv|xlsx}</c> and <c>/rpa/export/monthly-savings.{csv|xlsx}</c>.
/// Department users get only their own department's rows.
/// </summary>
public static class RpaExports
{
    /// <summary>Maps the download endpoints.</summary>
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/rpa/export/cases.{format}", async (string format, RpaQueries queries, TimeProvider clock, CancellationToken ct) =>
            TableExport.Download(await CasesAsync(queries, clock.TodayInJapan(), ct), format, $"rpa-cases-{clock.TodayInJapan():yyyyMMdd}"))
            .RequireAuthorization(RpaPolicies.Read);
        endpoints.MapGet("/rpa/export/monthly-savings.{format}", async (string format, RpaQueries queries, TimeProvider clock, CancellationToken ct) =>
            TableExport.Download(await MonthlyAsync(queries, ct), format, $"rpa-monthly-savings-{clock.TodayInJapan():yyyyMMdd}"))
            .RequireAuthorization(RpaPolicies.Read);
    }

    /// <summary>The registry: one row per case.</summary>
    public static async Task<ExportTable> CasesAsync(RpaQueries queries, DateOnly today, CancellationToken ct)
    {
        var cases = (await queries.CasesAsync(new CaseFilter(null, null, null, null), ct)).OrderBy(c => c.Code, StringComparer.Ordinal);
        return new ExportTable("RPA台帳",
            ["コード", "業務名", "対象業務", "所管課", "ツール", "ロボット/シナリオ", "担当", "計画", "個別事業", "状態", "本番稼働日",
             "年間実行回数", "1回あたり件数", "手作業(分/件)", "ロボット時の人の作業(分/件)", "削減見込み(時間/年)"],
            cases.Select(c =>
            {
                var a = SavingsRules.ValidOn(c.Assessments, today);
                return (IReadOnlyList<object?>)
                [
                    c.Code, c.Title, c.BusinessProcess, c.OwningDepartment, RpaTools.Label(c.Tool), c.RobotName, c.ContactPerson,
                    c.PlanCode, c.ProjectCode, CaseLifecycle.Label(c.Status), c.ProductionSince,
                    a?.ExecutionsPerYear, a?.ItemsPerExecution, a?.ManualMinutesPerItem, a?.RobotAttendedMinutesPerItem,
                    RpaQueries.EstimatedHoursPerYear(c, today),
                ];
            }).ToList());
    }

    /// <summary>Monthly savings: one row per case and month, with the fiscal year and overtime cost avoided.</summary>
    public static async Task<ExportTable> MonthlyAsync(RpaQueries queries, CancellationToken ct)
    {
        var cost = await queries.HourlyCostAsync(ct);
        var rows = await queries.MonthlySavingsAsync(null, ct);
        return new ExportTable("月別削減時間",
            ["年度", "月", "コード", "業務名", "所管課", "実行回数", "処理件数", "失敗回数", "削減時間(時間)", "時間外勤務削減額(円)"],
            rows.Select(m => (IReadOnlyList<object?>)
            [
                RpaQueries.YearOf(m).StartYear, m.MonthText, m.CaseCode, m.CaseTitle, m.Department, m.Executions, m.Items, m.FailedRuns,
                m.HoursSaved, SavingsRules.OvertimeCostAvoided(m.HoursSaved, cost),
            ]).ToList());
    }
}
