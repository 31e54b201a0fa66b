using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Intranet.Host.Identity;

/// <summary>
/// The authentication state of an interactive circuit, checked again every 5 minutes against the user store (the
/// same interval as the cookie's security-stamp check): a user who was disabled, deleted, or whose password was
/// reset or changed elsewhere loses the circuit's identity, and the next use case of an open page is refused.
/// Without this, a page opened before the change would stay usable until its next full load.
/// </summary>
public sealed class RevalidatingIdentityStateProvider(
    ILoggerFactory loggerFactory, IServiceScopeFactory scopes, IOptions<IdentityOptions> identity)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    /// <inheritdoc />
    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(5);

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
