using Intranet.Shared.Messaging;
using Intranet.Shared.Security;
using MediatR;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Intranet.Host.Identity;

/// <summary>
/// Sessions end when the user's security stamp changes: at logout, at a password change or reset, when an administrator
/// disables the user or changes their roles or department. The stamp in the sign-in cookie is compared with the
/// store's on EVERY request (<see cref="ValidatePrincipalAsync"/>), so another browser's session, or a copied cookie,
/// is sent to the login page at its next request (except on endpoints open to everyone: health probes, the login and
/// status pages, which answer the same for anyone); the same check runs before every use case an interactive page sends
/// (<see cref="SessionStampBehavior{TRequest,TResponse}"/>), and the circuits' authentication state is revalidated
/// every <see cref="RevalidatingIdentityStateProvider.Interval"/>.
/// </summary>
public static class SessionValidation
{
    /// <summary>
    /// The cookie's <c>OnValidatePrincipal</c>: rejects (and deletes) the cookie unless its user exists, is enabled and
    /// still has the stamp it signed in with (one query by primary key), then lets Identity's
    /// <see cref="SecurityStampValidator"/> refresh the claims at its own interval (roles, department, name).
    /// </summary>
    public static async Task ValidatePrincipalAsync(CookieValidatePrincipalContext context)
    {
        // Endpoints open to everyone (health probes, the login and status pages) answer the same whoever is signed in:
        // their requests are not worth a database round trip, and /health/live must not depend on the database.
        if (context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is not null) return;
        var services = context.HttpContext.RequestServices;
        var options = services.GetRequiredService<IOptions<IdentityOptions>>().Value;
        if (context.Principal is null
            || !await RevalidatingIdentityStateProvider.IsCurrentAsync(services.GetRequiredService<Intranet.Shared.Persistence.KeyedRowReader>(), context.Principal, options, context.HttpContext.RequestAborted))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
            return;
        }
        // Identity's validator refreshes the claims once the cookie is older than its interval. Resolving it builds the
        // sign-in manager, the user manager and their stores, so it is asked only then (its own test, issue #12).
        var issued = context.Properties.IssuedUtc;
        var interval = services.GetRequiredService<IOptions<SecurityStampValidatorOptions>>().Value.ValidationInterval;
        if (issued is null || services.GetRequiredService<TimeProvider>().GetUtcNow() - issued.Value > interval)
            await SecurityStampValidator.ValidatePrincipalAsync(context);
    }

    /// <summary>
    /// Ends every session of <paramref name="user"/> (a new security stamp) and this request's cookie: the logout.
    /// </summary>
    public static async Task SignOutEverywhereAsync(UserManager<ApplicationUser> users, SignInManager<ApplicationUser> signIn, ApplicationUser? user)
    {
        if (user is not null) await users.UpdateSecurityStampAsync(user);
        await signIn.SignOutAsync();
    }
}

/// <summary>
/// Refuses a use case sent for a signed-in person (an interactive page's circuit, or an HTTP request through
/// <c>IUseCases</c>) whose session has ended since the page was opened: the principal carries a security stamp that
/// is no longer the user's, or the user is disabled or deleted, or the circuit's identity was already revoked (an
/// anonymous principal). The command line and jobs (no principal) and principals without a stamp claim (tests acting
/// as a role) are not sessions and pass.
/// </summary>
/// <exception cref="ForbiddenException">The session has ended; the message asks to sign in again.</exception>
public sealed class SessionStampBehavior<TRequest, TResponse>(CurrentPrincipal current, IServiceProvider services)
    : IPipelineBehavior<TRequest, TResponse>
{
    /// <summary>Shown when a page of an ended session tries to do something.</summary>
    public const string EndedMessage = "ログアウトされたか、パスワードが変更されたため、この画面の操作は終了しました。もう一度ログインしてください。";

    /// <inheritdoc />
    public async Task<TResponse> Handle(TRequest request, CancellationToken cancellationToken, RequestHandlerDelegate<TResponse> next)
    {
        var principal = current.Principal;
        // A circuit whose revalidation failed carries an anonymous principal: nothing may run for it.
        if (principal is not null && principal.Identity?.IsAuthenticated != true) throw new ForbiddenException(EndedMessage);
        if (principal is not null)
        {
            var options = services.GetRequiredService<IOptions<IdentityOptions>>().Value;
            if (principal.HasClaim(c => c.Type == options.ClaimsIdentity.SecurityStampClaimType)
                && !await RevalidatingIdentityStateProvider.IsCurrentAsync(services.GetRequiredService<Intranet.Shared.Persistence.KeyedRowReader>(), principal, options, cancellationToken))
                throw new ForbiddenException(EndedMessage);
        }
        return await next();
    }
}
