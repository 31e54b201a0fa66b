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
}
