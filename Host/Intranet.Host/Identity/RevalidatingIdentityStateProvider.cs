using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Intranet.Host.Identity;

/// <summary>
/// The authentication state of an interactive circuit, checked again every <see cref="Interval"/> against the user
/// store: a user who logged out elsewhere, was disabled or deleted, or whose password was reset or changed loses the
/// circuit's identity. (Every use case the page sends is checked at once besides, by
/// <see cref="SessionStampBehavior{TRequest,TResponse}"/>; this catches pages that only sit open.)
/// Without this, a page opened before the change would stay usable until its next full load.
/// </summary>
public sealed class RevalidatingIdentityStateProvider(
    ILoggerFactory loggerFactory, IServiceScopeFactory scopes, IOptions<IdentityOptions> identity)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    /// <summary>How often an open circuit's user is checked: 30 seconds (one query by primary key per circuit).</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    /// <inheritdoc />
    protected override TimeSpan RevalidationInterval => Interval;

    /// <inheritdoc />
    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState state, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        return await IsCurrentAsync(users, state.User, identity.Value.ClaimsIdentity.SecurityStampClaimType);
    }

    /// <summary>True while <paramref name="principal"/>'s user exists, is enabled and has the stamp it signed in with.</summary>
    public static async Task<bool> IsCurrentAsync(UserManager<ApplicationUser> users, ClaimsPrincipal principal, string stampClaimType)
    {
        var user = await users.GetUserAsync(principal);
        if (user is null || user.IsDisabled) return false;
        if (!users.SupportsUserSecurityStamp) return true;
        return principal.FindFirstValue(stampClaimType) == await users.GetSecurityStampAsync(user);
    }
}
