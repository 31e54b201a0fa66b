using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Intranet.Shared.Persistence;
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
        return await IsCurrentAsync(scope.ServiceProvider.GetRequiredService<KeyedRowReader>(), state.User, identity.Value, cancellationToken);
    }

    /// <summary>
    /// True while <paramref name="principal"/>'s user exists, is enabled and has the security stamp it signed in with:
    /// one query by primary key reading two columns, without a DbContext or <see cref="UserManager{TUser}"/>
    /// (<see cref="KeyedRowReader"/>): this runs on every request, and building those cost more than the query (issue #12).
    /// </summary>
    public static async Task<bool> IsCurrentAsync(KeyedRowReader rows, ClaimsPrincipal principal, IdentityOptions options, CancellationToken ct = default)
    {
        if (principal.FindFirstValue(options.ClaimsIdentity.UserIdClaimType) is not { } id) return false;
        var (stamp, disabled) = await rows.ReadAsync<IdentityDb, ApplicationUser, (string? Stamp, bool Disabled)>(id,
            [nameof(ApplicationUser.SecurityStamp), nameof(ApplicationUser.DisabledAt)], r => (r.IsDBNull(0) ? null : r.GetString(0), !r.IsDBNull(1)), ct);
        return stamp is not null && !disabled && principal.FindFirstValue(options.ClaimsIdentity.SecurityStampClaimType) == stamp;
    }
}
