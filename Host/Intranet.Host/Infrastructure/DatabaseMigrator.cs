using System.Text;
using Intranet.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Intranet.Host.Infrastructure;

/// <summary>Applies every registered DbContext's migrations (identity first, then the modules'), or writes them as a script.</summary>
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
        var contexts = Ordered.Select(r => (DbContext)scope.ServiceProvider.GetRequiredService(r.ContextType)).ToList();
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

    /// <summary>The contexts in the order they are migrated and scripted: identity first, then the others as registered.</summary>
    public IReadOnlyList<ModuleDbContextRegistration> Ordered =>
        registrations.OrderBy(r => r.Schema == "identity" ? 0 : 1).ToList();

    /// <summary>
    /// The DDL of every context for <paramref name="provider"/>, in migration order, without connecting to any database:
    /// for PostgreSQL and SQL Server an idempotent script (each migration guarded by its row in the schema's
    /// <c>__EFMigrationsHistory</c>, so a DBA can run it on an empty or a partly migrated database); for SQLite, which
    /// has no idempotent scripts, the script from an empty database. SQL Server batches are separated by <c>GO</c>.
    /// </summary>
    /// <returns>One entry per context: its schema, context type name and SQL.</returns>
    public IReadOnlyList<(string Schema, string Context, string Sql)> GenerateScripts(DatabaseProvider provider)
    {
        using var scope = services.CreateScope();
        var result = new List<(string, string, string)>();
        foreach (var r in Ordered)
        {
            using var db = CreateContext(scope.ServiceProvider, r, provider);
            var migrator = db.GetService<IMigrator>();
            var sql = migrator.GenerateScript(fromMigration: null, toMigration: null,
                provider == DatabaseProvider.Sqlite ? MigrationsSqlGenerationOptions.Default : MigrationsSqlGenerationOptions.Idempotent);
            result.Add((r.Schema, r.ContextType.Name, sql));
        }
        return result;
    }

    /// <summary>
    /// A context of <paramref name="registration"/> configured for <paramref name="provider"/> (the configured connection when
    /// it is the configured provider, otherwise a placeholder nothing connects to), resolved from <paramref name="scope"/>.
    /// </summary>
    public DbContext CreateContext(IServiceProvider scope, ModuleDbContextRegistration registration, DatabaseProvider provider)
    {
        var target = provider == settings.Provider ? settings
            : new DatabaseSettings(provider, PlaceholderConnectionString(provider), settings.DataDirectory);
        var options = (DbContextOptionsBuilder)Activator.CreateInstance(typeof(DbContextOptionsBuilder<>).MakeGenericType(registration.ContextType))!;
        IntranetDatabase.Configure(options, target, registration.Schema);
        return (DbContext)ActivatorUtilities.CreateInstance(scope, registration.ContextType, options.Options);
    }

    /// <summary>All of <see cref="GenerateScripts"/> as one file, each context under a comment naming it.</summary>
    public string GenerateScript(DatabaseProvider provider)
    {
        var sb = new StringBuilder();
        sb.Append("-- Intranet: データベース構造 (").Append(provider).Append(")。Intranet.Host migrate --script で生成。\n");
        sb.Append(provider == DatabaseProvider.Sqlite
            ? "-- 空のデータベースに対して実行します (SQLite には冪等スクリプトがありません)。\n"
            : "-- 冪等: 適用済みの移行は各スキーマの __EFMigrationsHistory を見て飛ばします。\n");
        foreach (var (schema, context, sql) in GenerateScripts(provider))
        {
            sb.Append("\n-- ==== ").Append(context).Append(" (スキーマ ").Append(schema).Append(") ====\n\n");
            sb.Append(sql.Replace("\r\n", "\n"));
            if (!sql.EndsWith('\n')) sb.Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>A connection string the provider accepts for generating SQL; nothing connects with it.</summary>
    private static string PlaceholderConnectionString(DatabaseProvider provider) => provider switch
    {
        DatabaseProvider.Sqlite => "Data Source=intranet.db",
        DatabaseProvider.PostgreSql => "Host=localhost;Database=intranet",
        _ => "Server=localhost;Database=intranet;Integrated Security=true;TrustServerCertificate=true",
    };
}
