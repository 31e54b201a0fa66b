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

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyModuleSchema(SchemaName, Database.IsSqlite());
    }
}
