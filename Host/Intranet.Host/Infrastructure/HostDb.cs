using Intranet.Shared.Persistence;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Host.Infrastructure;

/// <summary>
/// The host's own tables (schema <c>host</c> on PostgreSQL / SQL Server, table prefix <c>host_</c> on SQLite): the
/// ASP.NET Core data-protection key ring, shared by every host on the database so a cookie or antiforgery token issued
/// by one host is accepted by another (issue #11). Its migrations also create Quartz's clustered job store in the
/// schema <c>quartz</c> (<see cref="Migrations.HostQuartz"/>), which is not part of this model.
/// </summary>
public sealed class HostDb(DbContextOptions<HostDb> options) : DbContext(options), IDataProtectionKeyContext
{
    /// <summary>Schema / table prefix.</summary>
    public const string SchemaName = "host";

    /// <summary>The data-protection keys (XML elements as written by the key manager; one row per key).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<DataProtectionKey>(e =>
        {
            e.ToTable("DataProtectionKeys");
            e.HasKey(x => x.Id);
        });
        modelBuilder.ApplyModuleSchema(SchemaName, Database.IsSqlite());
    }
}
