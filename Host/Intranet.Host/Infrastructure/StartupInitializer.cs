using Intranet.Host.Identity;
using Intranet.Shared.Modules;
using Intranet.Shared.Persistence;

namespace Intranet.Host.Infrastructure;

/// <summary>
/// What the web host does before it serves: migrate (setting <c>Intranet:MigrateOnStartup</c>, default
/// true), create the roles and, on an empty user store, the first administrator; on a new database load
/// the bundled plans (setting <c>Intranet:LoadBundledPlans</c>, default true).
/// </summary>
public static class StartupInitializer
{
    /// <summary>Runs the start-up steps; throws when the database cannot be migrated.</summary>
    public static async Task InitializeAsync(IServiceProvider services, IConfiguration configuration, CancellationToken ct)
    {
        var isNew = false;
        if (configuration.GetValue("Intranet:MigrateOnStartup", true))
            isNew = await services.GetRequiredService<DatabaseMigrator>().MigrateAsync(ct);

        // The data-protection key ring (kept in the database) is created or loaded now, outside any transaction: a key
        // first needed inside a write transaction (a password reset's token) would wait for that transaction on SQLite.
        services.GetRequiredService<Microsoft.AspNetCore.DataProtection.IDataProtectionProvider>()
            .CreateProtector("Intranet.Startup").Protect([0]);

        using var scope = services.CreateScope();
        var admin = scope.ServiceProvider.GetRequiredService<UserAdministration>();
        await admin.EnsureFirstAdministratorAsync(scope.ServiceProvider.GetRequiredService<DatabaseSettings>());

        if (isNew && configuration.GetValue("Intranet:LoadBundledPlans", true))
        {
            foreach (var seeder in scope.ServiceProvider.GetServices<IInitialDataSeeder>())
                await seeder.SeedAsync(ct);
        }
    }
}
