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
