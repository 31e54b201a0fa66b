using Intranet.Modules.PlanKpi.Contracts;
using Intranet.Modules.PlanKpi.UseCases.Evaluation;
using MediatR;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;

namespace Intranet.Modules.PlanKpi.Export;

/// <summary>
/// Downloads of the 評価報告書 (issue #10): <c>/evaluation/{plan}/{fy}/report.xlsx</c> (<see cref="EvaluationExport.ReportXlsx"/>)
/// and <c>/evaluation/{plan}/{fy}/report.pdf</c> (<see cref="EvaluationPdf"/>). Policy <see cref="PlanKpiPolicies.Evaluation"/>
/// (anonymous → sign-in), then the use case's own checks (<see cref="GetEvaluationReport"/>): an outside reviewer not
/// assigned to the round → 403, a department gets its own projects only, an unknown plan or round → 404. A missing
/// report font → 503 with the Japanese message of <see cref="ReportFontException"/>.
/// </summary>
public static class EvaluationReportEndpoints
{
    /// <summary>Setting naming the TrueType font file embedded in PDF reports.</summary>
    public const string FontPathSetting = "Reports:FontPath";

    /// <summary>Maps both downloads.</summary>
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/evaluation/{plan}/{fy:int}/report.xlsx", async (string plan, int fy, IMediator mediator, CancellationToken ct) =>
        {
            var report = await mediator.Send(new GetEvaluationReport(plan, fy), ct);
            return Results.File(EvaluationExport.ReportXlsx(report), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                EvaluationExport.ReportFileName(report) + ".xlsx");
        }).RequireAuthorization(PlanKpiPolicies.Evaluation);

        endpoints.MapGet("/evaluation/{plan}/{fy:int}/report.pdf", async (string plan, int fy, IMediator mediator, IConfiguration configuration,
            CancellationToken ct) =>
        {
            var report = await mediator.Send(new GetEvaluationReport(plan, fy), ct);
            try
            {
                return Results.File(EvaluationPdf.Write(report, configuration[FontPathSetting]), "application/pdf",
                    EvaluationExport.ReportFileName(report) + ".pdf");
            }
            catch (ReportFontException e)
            {
                return Results.Text(e.Message, "text/plain; charset=utf-8", statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        }).RequireAuthorization(PlanKpiPolicies.Evaluation);
    }
}
