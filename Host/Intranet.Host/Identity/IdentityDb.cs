using Intranet.Shared.Auditing;
using Intranet.Shared.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Host.Identity;

/// <summary>ASP.NET Core Identity's stores: schema <c>identity</c> (PostgreSQL) or table prefix <c>identity_</c> (SQLite).</summary>
public sealed class IdentityDb(DbContextOptions<IdentityDb> options) : IdentityDbContext<ApplicationUser>(options)
{
    /// <summary>Schema / table prefix.</summary>
    public const string SchemaName = "identity";

    /// <summary>
    /// Changes to users made by administrators (<see cref="UserAdministration"/>): entity type <c>User</c>, key = the
    /// user's e-mail, action (<c>Created</c>, <c>Updated</c>, <c>Disabled</c>, <c>Enabled</c>, <c>PasswordReset</c>),
    /// changes as JSON property → [before, after]. Passwords are never recorded.
    /// </summary>
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.Entity<ApplicationUser>().Ignore(u => u.IsDisabled);
        builder.MapAuditEntries();
        builder.ApplyModuleSchema(SchemaName, Database.IsSqlite());
    }
}
