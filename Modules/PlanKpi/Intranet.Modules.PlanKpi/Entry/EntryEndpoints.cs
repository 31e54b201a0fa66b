using Intranet.Modules.PlanKpi.Contracts;
using Intranet.Modules.PlanKpi.UseCases;
using Intranet.Shared.Web;
using MediatR;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Intranet.Modules.PlanKpi.Entry;

/// <summary>The download of the Excel entry sheet (an endpoint, since an interactive page cannot stream a file).</summary>
public static class EntryEndpoints
{
    /// <summary>URL of the entry sheet of a plan, year and department (null = every indicator, plan office only).</summary>
    public static string SheetHref(string planCode, int fiscalYear, string? department) =>
        $"/plans/{Uri.EscapeDataString(planCode)}/entry.xlsx?fy={fiscalYear}" + (department is null ? "" : $"&dept={Uri.EscapeDataString(department)}");

    /// <summary>
    /// GET <c>/plans/{code}/entry.xlsx?fy=2024&amp;dept=広報広聴課</c>: the sheet of <see cref="GetEntrySheet"/> as .xlsx
    /// (<see cref="EntrySheetXlsx"/>). Policy EnterActuals; a Department user gets their own department (another → 403).
    /// </summary>
    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/plans/{code}/entry.xlsx", async (string code, string? fy, string? dept, IMediator mediator, CancellationToken ct) =>
        {
            var sheet = await mediator.Send(new GetEntrySheet(code, QueryValue.Int(fy), dept), ct);
            return Results.File(EntrySheetXlsx.Write(sheet), EntrySheetXlsx.ContentType, EntrySheetXlsx.FileName(sheet));
        }).RequireAuthorization(PlanKpiPolicies.EnterActuals);
}
