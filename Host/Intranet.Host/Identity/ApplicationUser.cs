using Microsoft.AspNetCore.Identity;

namespace Intranet.Host.Identity;

/// <summary>A user of the suite: one identity for every module.</summary>
public sealed class ApplicationUser : IdentityUser
{
    /// <summary>Name shown in the UI, e.g. 「情報 太郎」.</summary>
    public string? DisplayName { get; set; }

    /// <summary>The department (主管課) the user belongs to, e.g. 「情報システム課」.</summary>
    public string? Department { get; set; }

    /// <summary>True until the user has replaced a password someone else set (first administrator, created users).</summary>
    public bool MustChangePassword { get; set; }

    /// <summary>When the user last signed in successfully (UTC); null before the first sign-in. Set by the login page.</summary>
    public DateTimeOffset? LastLoginAt { get; set; }

    /// <summary>
    /// When an administrator disabled the account (UTC); null while it is enabled. A disabled user cannot sign in
    /// (<see cref="IntranetSignInManager.CanSignInAsync"/>), and their sessions end at the next security-stamp check.
    /// </summary>
    public DateTimeOffset? DisabledAt { get; set; }

    /// <summary>Whether <see cref="DisabledAt"/> is set.</summary>
    public bool IsDisabled => DisabledAt is not null;
}
