using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Intranet.Host.Identity;

/// <summary>
/// Identity's sign-in with the suite's additions: a disabled user (<see cref="ApplicationUser.DisabledAt"/>) is
/// refused (<see cref="SignInResult.NotAllowed"/>) and their existing cookie stops being accepted at the next
/// request; a successful password sign-in records <see cref="ApplicationUser.LastLoginAt"/>; the login page's rules
/// (<see cref="LoginAsync"/>: throttling per account and address, equal answers for unknown accounts) and the password
/// page's (<see cref="ChangeOwnPasswordAsync"/>: audited, other sessions end) live here, not in the pages.
/// </summary>
public sealed class IntranetSignInManager(
    UserManager<ApplicationUser> userManager,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<ApplicationUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<ApplicationUser>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<ApplicationUser> confirmation,
    TimeProvider clock,
    LoginThrottle throttle,
    IPasswordHasher<ApplicationUser> hasher,
    UserAdministration administration)
    : SignInManager<ApplicationUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    /// <inheritdoc />
    public override async Task<bool> CanSignInAsync(ApplicationUser user) =>
        !user.IsDisabled && await base.CanSignInAsync(user);

    /// <inheritdoc />
    public override async Task<ApplicationUser?> ValidateSecurityStampAsync(ClaimsPrincipal? principal)
    {
        var user = await base.ValidateSecurityStampAsync(principal);
        return user is { IsDisabled: true } ? null : user;
    }

    /// <inheritdoc />
    public override async Task<SignInResult> PasswordSignInAsync(ApplicationUser user, string password, bool isPersistent, bool lockoutOnFailure)
    {
        var result = await base.PasswordSignInAsync(user, password, isPersistent, lockoutOnFailure);
        if (result.Succeeded)
        {
            user.LastLoginAt = clock.GetUtcNow();
            await UserManager.UpdateAsync(user);
        }
        return result;
    }

    /// <summary>The one answer to a wrong e-mail or password: it does not tell whether the account exists.</summary>
    public const string WrongMessage = "メールアドレスまたはパスワードが正しくありません。";

    /// <summary>The answer while the account is locked for this address (or for everyone); the same for unknown accounts.</summary>
    public const string LockedMessage = "ログインに続けて失敗したため、このアカウントへのログインは一時的にロックされています。しばらく (15分ほど) 待ってから再度お試しください。";

    /// <summary>Told only to someone who knows the password of a disabled account.</summary>
    public const string DisabledMessage = "このアカウントは利用停止されています。システム管理者にお問い合わせください。";

    /// <summary>
    /// The login form's sign-in. Unknown accounts cost what a wrong password costs (a dummy hash is verified) and get
    /// the same message; failures are counted per (account, client <paramref name="address"/>) by
    /// <see cref="LoginThrottle"/> and per account by Identity's lockout (<see cref="LoginProtectionSettings"/>), so one
    /// address cannot lock an account for everyone. On success the cookie is set and the user is returned.
    /// </summary>
    /// <returns>The signed-in user, or null with the Japanese message to show.</returns>
    public async Task<(ApplicationUser? User, string? Message)> LoginAsync(string email, string password, IPAddress? address)
    {
        var account = email.Trim();
        if (throttle.LockedUntil(account, address) is not null) return (null, LockedMessage);
        var user = await UserManager.FindByEmailAsync(account);
        if (user is null)
        {
            throttle.VerifyDummy(hasher, password);
            return (null, Failed());
        }
        var result = await PasswordSignInAsync(user, password, isPersistent: false, lockoutOnFailure: true);
        if (result.IsNotAllowed && user.IsDisabled)
            return (null, await UserManager.CheckPasswordAsync(user, password) ? DisabledMessage : Failed());
        if (result.IsLockedOut) return (null, LockedMessage);
        if (!result.Succeeded) return (null, Failed());
        throttle.RecordSuccess(account, address);
        return (user, null);

        string Failed() => throttle.RecordFailure(account, address) ? LockedMessage : WrongMessage;
    }

    /// <summary>
    /// A user replaces their own password: Identity's policy and current-password check, a new security stamp (every
    /// other session ends at its next request), the audit entry <c>PasswordChanged</c>, and this session signed in
    /// again with the new stamp. Errors come back as Identity's (Japanese) errors; nothing changes then.
    /// </summary>
    public async Task<IdentityResult> ChangeOwnPasswordAsync(ApplicationUser user, string currentPassword, string newPassword)
    {
        var result = await UserManager.ChangePasswordAsync(user, currentPassword, newPassword);
        if (!result.Succeeded) return result;
        var wasForced = user.MustChangePassword;
        user.MustChangePassword = false;
        await UserManager.UpdateAsync(user);
        await administration.RecordOwnPasswordChangeAsync(user, wasForced);
        await SignInAsync(user, isPersistent: false);
        return result;
    }
}
