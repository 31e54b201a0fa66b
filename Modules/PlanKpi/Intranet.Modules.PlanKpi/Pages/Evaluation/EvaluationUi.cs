using Intranet.Modules.PlanKpi.Domain.Evaluation;
using Intranet.Shared.Messaging;
using Intranet.Shared.Web;
using Microsoft.AspNetCore.Http;

namespace Intranet.Modules.PlanKpi.Pages.Evaluation;

/// <summary>
/// Labels shared by the evaluation round's pages (issue #10); their addresses are <see cref="UseCases.Evaluation.EvaluationLinks"/>. Only presentation: every rule is in
/// <see cref="EvaluationRules"/> and the use cases.
/// </summary>
public static class EvaluationUi
{
    /// <summary>The round list: <c>/evaluation</c>.</summary>
    public const string ListHref = "/evaluation";

    /// <summary>CSS class of a sheet status badge, e.g. <c>eval-status eval-status-returned</c>.</summary>
    public static string StatusClass(SheetStatus status) => $"eval-status eval-status-{status.ToString().ToLowerInvariant()}";

    /// <summary>A grade as shown in grids: 「A」…「D」, or 「—」 when none.</summary>
    public static string Grade(Grade? grade) => grade?.ToString() ?? "—";

    /// <summary>A decision or direction label, or 「—」.</summary>
    public static string Direction(ProjectDirection? direction) => direction is { } d ? EvaluationRules.Label(d) : "—";

    /// <summary>A deadline as 「2024/06/30」, or 「なし」.</summary>
    public static string Deadline(DateOnly? deadline) => deadline is null ? "なし" : Fmt.Date(deadline);

    /// <summary>The Japanese message of a use-case failure, for a page's alert.</summary>
    public static string Message(Exception e) => e is RequestValidationException v ? string.Join(" ", v.Errors.Select(x => x.Message)) : e.Message;

    /// <summary>
    /// While prerendering (HttpContext present, response not started), answers a refused or missing round with 403 / 404
    /// so the page's URL is refused like an endpoint; interactive renders have no HttpContext and only show the message.
    /// </summary>
    public static void SetStatus(HttpContext? context, Exception e)
    {
        if (context is null || context.Response.HasStarted) return;
        context.Response.StatusCode = e switch
        {
            ForbiddenException => StatusCodes.Status403Forbidden,
            NotFoundException => StatusCodes.Status404NotFound,
            _ => context.Response.StatusCode,
        };
    }

    /// <summary>The grades in order, for selects and radios.</summary>
    public static IReadOnlyList<Grade> Grades { get; } = Enum.GetValues<Grade>();

    /// <summary>The directions in order, for selects.</summary>
    public static IReadOnlyList<ProjectDirection> Directions { get; } = Enum.GetValues<ProjectDirection>();
}
