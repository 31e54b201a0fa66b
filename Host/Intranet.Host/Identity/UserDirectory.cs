using Intranet.Shared.Mail;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Host.Identity;

/// <summary><see cref="IUserDirectory"/> from the identity store: users of a department holding a role, not disabled, with an e-mail address.</summary>
public sealed class UserDirectory(IdentityDb db) : IUserDirectory
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> EmailsAsync(string department, string role, CancellationToken ct)
    {
        var roleId = await db.Roles.Where(r => r.Name == role).Select(r => r.Id).SingleOrDefaultAsync(ct);
        if (roleId is null) return [];
        var users = await db.Users.Where(u => u.Department == department && u.Email != null && u.DisabledAt == null)
            .Join(db.UserRoles.Where(ur => ur.RoleId == roleId), u => u.Id, ur => ur.UserId, (u, _) => u)
            .ToListAsync(ct);
        return users.Select(u => u.Email!).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }
}
