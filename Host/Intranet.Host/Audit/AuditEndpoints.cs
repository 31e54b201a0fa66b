using System.Globalization;
using Intranet.Shared.Auditing;
using MediatR;

namespace Intranet.Host.Audit;

/// <summary>
/// <c>GET /audit/{area}.xlsx</c>: the audit page's download with the page's filters (<c>from</c>, <c>to</c> as yyyy-MM-dd JST,
/// <c>user</c>, <c>type</c>, <c>q</c>, <c>sort</c>, <c>asc</c>), through <see cref="ExportAuditTrail"/>, which checks who may
/// read the area (403 otherwise, 404 for an unknown area). Unreadable filter values are ignored, as on the page.
/// </summary>
public static class AuditEndpoints
{
    /// <summary>Maps the download.</summary>
    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/audit/{area}.xlsx", async (string area, string? from, string? to, string? user, string? type, string? q, string? sort,
            string? asc, IMediator mediator, CancellationToken ct) =>
        {
            var filter = new AuditFilter(Date(from), Date(to), Clean(user), Clean(type), Clean(q), sort, Intranet.Shared.Web.QueryValue.Flag(asc));
            var file = await mediator.Send(new ExportAuditTrail(area, filter), ct);
            return Results.File(file.Content, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", file.FileName);
        }).RequireAuthorization();

    private static DateOnly? Date(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;

    private static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
