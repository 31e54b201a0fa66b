using Intranet.Host.Infrastructure.Migrations;
using Intranet.Shared.Persistence;
using Quartz;

namespace Intranet.Host.Infrastructure;

/// <summary>
/// Quartz's job store per database (issue #11). On PostgreSQL and SQL Server the store is Quartz's ADO job store in
/// the schema <c>quartz</c> (migration <c>202612020201_Host_Quartz</c>), clustered: every host on the database takes
/// part, a trigger fires on exactly one of them, and the triggers of a host that stops checking in (every
/// <see cref="CheckinInterval"/>) are recovered by another after <see cref="CheckinMisfireThreshold"/>. Each process
/// gets its own instance id (<c>AUTO</c>: machine name + start ticks), so two hosts on one machine are two nodes.
/// Job data is serialized with System.Text.Json. SQLite (one file, so one host) keeps the in-memory store.
/// </summary>
public static class JobScheduling
{
    /// <summary>The scheduler's name: the same on every host, which is what makes them one cluster.</summary>
    public const string SchedulerName = "Intranet";

    /// <summary>How often a clustered scheduler records that it is alive.</summary>
    public static readonly TimeSpan CheckinInterval = TimeSpan.FromSeconds(5);

    /// <summary>How long after a missed check-in the other nodes take over a node's fired triggers.</summary>
    public static readonly TimeSpan CheckinMisfireThreshold = TimeSpan.FromSeconds(20);

    /// <summary>Whether <paramref name="settings"/> gets the clustered database store (otherwise the in-memory one).</summary>
    public static bool IsClustered(DatabaseSettings settings) => settings.Provider.ToString() is "PostgreSql" or "SqlServer";

    /// <summary>Configures the scheduler for the database in <paramref name="settings"/>; modules add their jobs after this.</summary>
    public static void Configure(IQuartzBuilder q, DatabaseSettings settings)
    {
        q.ConfigureScheduler(o => o.InstanceName = SchedulerName);
        if (!IsClustered(settings)) return;   // SQLite: Quartz's in-memory store (the default)
        q.UsePersistentStore(s =>
        {
            // The provider is named by string so this compiles whether or not the enum knows SqlServer yet.
            if (settings.Provider.ToString() == "SqlServer") s.UseSqlServer(settings.ConnectionString);
            else s.UsePostgres(settings.ConnectionString);
            s.ConfigureStore(o => o.TablePrefix = QuartzSchema.TablePrefix);
            s.UseSystemTextJsonSerializer();
            s.UseClustering(c =>
            {
                c.CheckinInterval = CheckinInterval;
                c.CheckinMisfireThreshold = CheckinMisfireThreshold;
            });
        });
    }
}
