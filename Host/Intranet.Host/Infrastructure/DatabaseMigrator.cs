using Intranet.Shared.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Host.Infrastructure;

/// <summary>Applies every registered DbContext's migrations (identity first, then the modules').</summary>
public sealed class DatabaseMigrator(IServiceProvider services, IEnumerable<ModuleDbContextRegistration> registrations,
    DatabaseSettings settings, ILogger<DatabaseMigrator> logger)
{
    /// <summary>
    /// Migrates every context. Returns true when the database had no migration applied in any context
    /// before this call (a new database), which is when bundled reference data is loaded.
    /// </summary>
    public async Task<bool> MigrateAsync(CancellationToken ct)
    {
        using var scope = services.CreateScope();
        var isNew = true;
        var contexts = registrations.Select(r => (DbContext)scope.ServiceProvider.GetRequiredService(r.ContextType)).ToList();
        foreach (var db in contexts)
        {
            if ((await db.Database.GetAppliedMigrationsAsync(ct)).Any()) isNew = false;
        }
        if (settings.Provider == DatabaseProvider.Sqlite && contexts.Count > 0)
        {
            // WAL lets pages read while an import writes.
            await contexts[0].Database.OpenConnectionAsync(ct);
            await contexts[0].Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
            await contexts[0].Database.CloseConnectionAsync();
        }
        foreach (var db in contexts)
        {
            var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
            if (pending.Count == 0) continue;
            logger.LogInformation("Applying {Count} migration(s) to {Context}: {Migrations}", pending.Count, db.GetType().Name, string.Join(", ", pending));
            await db.Database.MigrateAsync(ct);
        }
        return isNew;
    }

    /// <summary>Whether every context can connect and has no pending migration; the reason when not.</summary>
    public async Task<(bool Ready, string Detail)> CheckAsync(CancellationToken ct)
    {
        using var scope = services.CreateScope();
        foreach (var r in registrations)
        {
            var db = (DbContext)scope.ServiceProvider.GetRequiredService(r.ContextType);
            if (!await db.Database.CanConnectAsync(ct)) return (false, $"{r.Schema}: database unreachable");
            var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
            if (pending.Count > 0) return (false, $"{r.Schema}: pending migrations {string.Join(", ", pending)}");
        }
        return (true, "all schemas migrated");
    }
}
