using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Intranet.Shared.Persistence;

/// <summary>
/// Provider set-up shared by every DbContext of the suite: each context gets its own schema
/// (PostgreSQL, SQL Server) or table prefix (SQLite, which has no schemas) and its own migrations history table.
/// </summary>
public static class IntranetDatabase
{
    /// <summary>EF Core provider name of SQLite, as seen in <c>Migration.ActiveProvider</c>.</summary>
    public const string SqliteProviderName = "Microsoft.EntityFrameworkCore.Sqlite";

    /// <summary>EF Core provider name of SQL Server, as seen in <c>Migration.ActiveProvider</c>.</summary>
    public const string SqlServerProviderName = "Microsoft.EntityFrameworkCore.SqlServer";

    /// <summary>Name of the migrations history table for a schema: <c>__EFMigrationsHistory</c> inside the
    /// schema on PostgreSQL and SQL Server, <c>__EFMigrationsHistory_{schema}</c> on SQLite.</summary>
    public static string HistoryTable(DatabaseProvider provider, string schema) =>
        provider == DatabaseProvider.Sqlite ? $"__EFMigrationsHistory_{schema}" : "__EFMigrationsHistory";

    /// <summary>
    /// Configures <paramref name="builder"/> for the provider, schema and history table. On SQLite and PostgreSQL a collection
    /// in a query (<c>ids.Contains(x.Id)</c>) is sent as one array-like parameter (<c>json_each(@ids)</c>, <c>= ANY (@ids)</c>)
    /// instead of EF Core 10's default of one parameter per element: Microsoft.Data.Sqlite binds parameters by name, and
    /// SQLite both numbers (at prepare) and looks up (at every bind) a name by a linear scan, so a query over 1,000 ids cost
    /// about a million string comparisons; the 2,000,000-day import, which reads the month tallies 1,000 people at a time,
    /// spent a quarter of its CPU there (issue #12: 103 s → 71 s). SQL Server keeps the default (not measured here).
    /// </summary>
    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder builder, DatabaseSettings settings, string schema)
    {
        switch (settings.Provider)
        {
            case DatabaseProvider.Sqlite:
                builder.UseSqlite(settings.ConnectionString,
                    o => o.MigrationsHistoryTable(HistoryTable(settings.Provider, schema)).UseParameterizedCollectionMode(ParameterTranslationMode.Parameter));
                break;
            case DatabaseProvider.PostgreSql:
                builder.UseNpgsql(PostgreSqlConnectionString(settings.ConnectionString),
                    o => o.MigrationsHistoryTable(HistoryTable(settings.Provider, schema), schema).UseParameterizedCollectionMode(ParameterTranslationMode.Parameter));
                break;
            case DatabaseProvider.SqlServer:
                builder.UseSqlServer(settings.ConnectionString,
                    o => o.MigrationsHistoryTable(HistoryTable(settings.Provider, schema), schema));
                // The provider-neutral migrations carry no store types: this generator takes them from the model
                // (bounded strings in keys and indexes, IDENTITY, no second cascade path), see SqlServerMigrations.
                builder.ReplaceService<Microsoft.EntityFrameworkCore.Migrations.IMigrationsSqlGenerator, IntranetSqlServerMigrationsSqlGenerator>();
                break;
            default:
                throw new InvalidOperationException($"データベースの種類 {settings.Provider} には対応していません。");
        }
        // Migrations are hand-written without a model snapshot (no design-time tools here, STACK.md);
        // the schema-drift test guards model and migrations instead of this warning.
        return builder.ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));
    }

    /// <summary>
    /// The PostgreSQL connection string the contexts use: <paramref name="connectionString"/> with two pool settings
    /// defaulted where it does not set them itself (issue #12). <c>No Reset On Close=true</c>: a pooled connection is not
    /// reset with <c>DISCARD ALL</c> before its next use; the suite keeps no session state on a connection (no <c>SET</c>,
    /// temporary tables or session advisory locks), and a restore clears the pools. <c>Max Auto Prepare=20</c>: the
    /// statements run most often (the session check, a page's change stamp, every request) are prepared once per
    /// connection instead of parsed and planned on every run. Measured on 2 cores, the shared dashboard page under
    /// <c>wrk</c> at 300 connections: 1,096–1,140 req/s without either, 1,476–1,558 with both (docs/perf/dashboard.md).
    /// </summary>
    /// <exception cref="ArgumentException">The connection string is malformed or names an unknown setting.</exception>
    public static string PostgreSqlConnectionString(string connectionString)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (!given.ContainsKey("No Reset On Close") && !given.ContainsKey("NoResetOnClose")) builder.NoResetOnClose = true;
        if (!given.ContainsKey("Max Auto Prepare") && !given.ContainsKey("MaxAutoPrepare")) builder.MaxAutoPrepare = 20;
        return builder.ConnectionString;
    }

    /// <summary>
    /// The PostgreSQL connection string of <see cref="KeyedRowReader"/>'s one-row reads (the session check and a page's change
    /// stamp, on every request): the contexts' string (<see cref="PostgreSqlConnectionString"/>) with <c>Multiplexing=true</c>
    /// unless the operator set <c>Multiplexing</c> themselves. Being another string, it is another pool: commands from
    /// concurrent requests are written together on a few server connections instead of each taking one of up to 100, which
    /// also leaves the contexts' pool small and its server processes warm for the work behind it (issue #12). Those reads
    /// are single statements outside any transaction, which is what multiplexing supports; the contexts (migrations,
    /// transactions, bulk copy) keep ordinary connections. Measured on 2 cores, two alternating pairs of
    /// <c>bench/run.sh --scale 1 --provider postgres</c>: the shared dashboard under <c>wrk</c> at 300 connections
    /// 1,886 / 1,390 req/s (p95 357 / 550 ms) without, 3,466 / 2,085 req/s (p95 134 / 225 ms) with; a new telework day
    /// reaching the plan after that load 111 / 131 ms without, 39 / 60 ms with (docs/perf/dashboard.md).
    /// </summary>
    /// <exception cref="ArgumentException">The connection string is malformed or names an unknown setting.</exception>
    public static string PostgreSqlKeyedReadConnectionString(string connectionString)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(PostgreSqlConnectionString(connectionString));
        if (!given.ContainsKey("Multiplexing")) builder.Multiplexing = true;
        return builder.ConnectionString;
    }

    /// <summary>
    /// Registers a module's DbContext for the configured provider and lists it for the migrator and
    /// the readiness check.
    /// </summary>
    public static IServiceCollection AddModuleDbContext<TContext>(this IServiceCollection services, string schema)
        where TContext : DbContext
    {
        // Options built once per host (they depend only on the settings), not once per request and context (issue #12).
        services.AddDbContext<TContext>((sp, b) => Configure(b, sp.GetRequiredService<DatabaseSettings>(), schema),
            optionsLifetime: ServiceLifetime.Singleton);
        services.AddSingleton(new ModuleDbContextRegistration(typeof(TContext), schema));
        return services;
    }

    /// <summary>
    /// Maps every entity to the module's schema: <c>HasDefaultSchema</c> on PostgreSQL and SQL Server, a
    /// <c>{schema}_</c> table prefix on SQLite. Call at the end of <c>OnModelCreating</c>.
    /// </summary>
    public static void ApplyModuleSchema(this ModelBuilder modelBuilder, string schema, bool isSqlite)
    {
        if (!isSqlite)
        {
            modelBuilder.HasDefaultSchema(schema);
            return;
        }
        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            if (entity.GetTableName() is { } table && !table.StartsWith(schema + "_", StringComparison.Ordinal))
                entity.SetTableName($"{schema}_{table}");
        }
    }
}

/// <summary>Model conventions shared by every context.</summary>
public static class ModelBuilderConventions
{
    /// <summary>
    /// Guid keys are set by the application (<c>Guid.NewGuid()</c>), never by the database, so new
    /// entities reached through navigations are inserted rather than mistaken for existing rows, and
    /// the same code runs on every provider.
    /// </summary>
    public static void UseClientGeneratedKeys(this ModelBuilder modelBuilder)
    {
        foreach (var key in modelBuilder.Model.GetEntityTypes().Select(t => t.FindPrimaryKey()).OfType<Microsoft.EntityFrameworkCore.Metadata.IMutableKey>())
        {
            foreach (var p in key.Properties.Where(p => p.ClrType == typeof(Guid)))
                p.ValueGenerated = Microsoft.EntityFrameworkCore.Metadata.ValueGenerated.Never;
        }
    }
}

/// <summary>The audit table every context keeps (modules and identity), mapped once.</summary>
public static class AuditTableMapping
{
    /// <summary>
    /// Maps <see cref="Auditing.AuditEntry"/> to the context's <c>AuditEntries</c> table: Guid key set by the application,
    /// required who/what/changes columns, an index on (entity type, entity key) for a record's history.
    /// </summary>
    public static void MapAuditEntries(this ModelBuilder modelBuilder) =>
        modelBuilder.Entity<Auditing.AuditEntry>(e =>
        {
            e.ToTable("AuditEntries");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).ValueGeneratedNever();
            e.Property(x => x.UserName).IsRequired();
            e.Property(x => x.EntityType).IsRequired();
            e.Property(x => x.EntityKey).IsRequired();
            e.Property(x => x.Action).IsRequired();
            e.Property(x => x.Changes).IsRequired();
            e.HasIndex(x => new { x.EntityType, x.EntityKey });
        });
}

/// <summary>A DbContext type the host migrates and checks, with its schema name.</summary>
public sealed record ModuleDbContextRegistration(Type ContextType, string Schema);
