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

/// <summary>
/// The security headers of every response (pages, static files, downloads, errors, refusals): set when the response
/// starts, so error handlers that clear the response keep them. Registered as the first startup filter, outside host
/// filtering, so even a 400 for an unknown Host carries them. HSTS only when the request is HTTPS, directly or as
/// told by a configured proxy's X-Forwarded-Proto. Documented in docs/ops/security.md.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>
    /// Blazor Server and Radzen 13: scripts only from this origin (the app has no inline script; blazor.web.js needs no
    /// eval on the server render mode); styles from this origin plus inline style attributes (Radzen components and
    /// charts set <c>style="…"</c>; Blazor may insert its reconnect styles); the circuit's WebSocket and fetches to this
    /// origin ('self' covers ws/wss of the same host); images and fonts from this origin or data: URIs (Radzen's CSS);
    /// no plugins, no framing, forms post only here.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
        + "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>Browser features the suite never uses, switched off.</summary>
    public const string PermissionsPolicy = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), magnetometer=(), gyroscope=()";

    /// <summary>One year; sent only over HTTPS.</summary>
    public const string StrictTransportSecurity = "max-age=31536000";

    /// <summary>Adds the headers to <paramref name="context"/>'s response when it starts.</summary>
    public static void Apply(HttpContext context)
    {
        context.Response.OnStarting(static state =>
        {
            var ctx = (HttpContext)state;
            var headers = ctx.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XFrameOptions = "DENY";
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "same-origin";
            headers["Permissions-Policy"] = PermissionsPolicy;
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            if (ctx.Request.IsHttps) headers.StrictTransportSecurity = StrictTransportSecurity;
            else headers.Remove("Strict-Transport-Security");
            return Task.CompletedTask;
        }, context);
    }

    /// <summary>The startup filter putting <see cref="Apply"/> in front of everything else.</summary>
    public sealed class StartupFilter : IStartupFilter
    {
        /// <inheritdoc />
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                Apply(context);
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
