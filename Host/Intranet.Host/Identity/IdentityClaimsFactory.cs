using System.Security.Claims;
using Intranet.Shared.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Intranet.Host.Identity;

/// <summary>Adds the department, display name and the must-change-password marker to the sign-in cookie.</summary>
public sealed class IdentityClaimsFactory(UserManager<ApplicationUser> users, RoleManager<IdentityRole> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<ApplicationUser, IdentityRole>(users, roles, options)
{
    /// <inheritdoc />
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(ApplicationUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        if (!string.IsNullOrEmpty(user.Department)) identity.AddClaim(new Claim(IntranetClaimTypes.Department, user.Department));
        identity.AddClaim(new Claim(IntranetClaimTypes.DisplayName, user.DisplayName ?? user.Email ?? user.UserName ?? ""));
        if (user.MustChangePassword) identity.AddClaim(new Claim(IntranetClaimTypes.MustChangePassword, "true"));
        return identity;
    }
}
