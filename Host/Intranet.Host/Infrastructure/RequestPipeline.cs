using Intranet.Shared.Messaging;
using Intranet.Shared.Security;

namespace Intranet.Host.Infrastructure;

/// <summary>Small pieces of the HTTP pipeline.</summary>
public static class RequestPipeline
{
    private static readonly string[] OpenDuringPasswordChange =
        ["/account/change-password", "/account/logout", "/account/login", "/health", "/_content", "/css", "/favicon"];

    /// <summary>
    /// A signed-in user who still has to replace a password set by someone else (first administrator,
    /// users created by an administrator) is sent to the password page from everywhere else.
    /// </summary>
    public static IApplicationBuilder UseMustChangePassword(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var user = context.User;
        if (user.Identity?.IsAuthenticated == true && user.HasClaim(IntranetClaimTypes.MustChangePassword, "true")
            && !OpenDuringPasswordChange.Any(p => context.Request.Path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase)))
        {
            context.Response.Redirect("/account/change-password");
            return;
        }
        await next();
    });

    /// <summary>Key of <c>HttpContext.Items</c> holding a refused use case's message for the status page.</summary>
    public const string UseCaseErrorItem = "Intranet.UseCaseError";

    /// <summary>
    /// Turns the use cases' refusals into HTTP status codes (404, 403, 409, 400). Browsers get the suite's status
    /// page with the message (the status-code re-execution renders it); other clients get the message as text.
    /// </summary>
    public static IApplicationBuilder UseUseCaseErrors(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        try
        {
            await next();
        }
        catch (Exception e) when (!context.Response.HasStarted && e is NotFoundException or ForbiddenException or ConcurrencyConflictException or RequestValidationException)
        {
            context.Response.Clear();
            context.Response.StatusCode = e switch
            {
                NotFoundException => StatusCodes.Status404NotFound,
                ForbiddenException => StatusCodes.Status403Forbidden,
                ConcurrencyConflictException => StatusCodes.Status409Conflict,
                _ => StatusCodes.Status400BadRequest,
            };
            context.Items[UseCaseErrorItem] = e.Message;
            if (context.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase)) return;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(e.Message);
        }
    });
}
