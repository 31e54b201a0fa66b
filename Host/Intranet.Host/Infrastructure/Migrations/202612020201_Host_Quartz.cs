using System.Text;
using System.Text.RegularExpressions;
using Intranet.Shared.Modules;
using Intranet.Shared.Persistence;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Intranet.Host.Infrastructure.Migrations;

/// <summary>
/// Quartz's clustered ADO job store (issue #11: scheduled jobs run once across hosts): the official DDL of Quartz 4.7.3
/// (<c>Infrastructure/Migrations/Quartz/*.sql</c>, see its README for why the package's own scripts) in a schema of its own, <c>quartz</c>, with the
/// table prefix <see cref="QuartzSchema.TablePrefix"/>. PostgreSQL and SQL Server only: SQLite is one file and so one
/// host, and keeps Quartz's in-memory store (this migration does nothing there).
/// </summary>
[DbContext(typeof(HostDb))]
[Migration("202612020201_Host_Quartz")]
public sealed class HostQuartz : ModuleMigration
{
    /// <inheritdoc />
    protected override string ModuleSchema => HostDb.SchemaName;

    /// <inheritdoc />
    protected override void Up(MigrationBuilder m)
    {
        switch (ActiveProvider)
        {
            case QuartzSchema.NpgsqlProvider:
                m.EnsureSchema(QuartzSchema.Schema);
                foreach (var statement in QuartzSchema.PostgresStatements()) m.Sql(statement);
                break;
            case QuartzSchema.SqlServerProvider:
                m.EnsureSchema(QuartzSchema.Schema);
                foreach (var statement in QuartzSchema.SqlServerStatements()) m.Sql(statement);
                break;
        }
    }
}

/// <summary>Where Quartz's tables live and how the official DDL is adapted to that place.</summary>
public static partial class QuartzSchema
{
    /// <summary>The schema of Quartz's tables.</summary>
    public const string Schema = "quartz";

    /// <summary>Quartz's table prefix: schema-qualified, e.g. <c>quartz.qrtz_triggers</c>.</summary>
    public const string TablePrefix = "quartz.qrtz_";

    /// <summary>EF Core provider name of PostgreSQL (<c>Migration.ActiveProvider</c>).</summary>
    public const string NpgsqlProvider = "Npgsql.EntityFrameworkCore.PostgreSQL";

    /// <summary>EF Core provider name of SQL Server (<c>Migration.ActiveProvider</c>).</summary>
    public const string SqlServerProvider = "Microsoft.EntityFrameworkCore.SqlServer";

    /// <summary>Quartz's table prefix without the schema, for index and constraint names (<c>{1}</c> in the scripts).</summary>
    public const string UnqualifiedPrefix = "qrtz_";

    /// <summary>The PostgreSQL DDL of Quartz 4.7.3 as statements, tables in <see cref="Schema"/>.</summary>
    public static IReadOnlyList<string> PostgresStatements() => Statements("Quartz.tables_postgres.sql", TablePrefix);

    /// <summary>The SQL Server DDL of Quartz 4.7.3 as statements (no <c>GO</c> needed), tables in <see cref="Schema"/> (<c>quartz.QRTZ_…</c>).</summary>
    public static IReadOnlyList<string> SqlServerStatements() => Statements("Quartz.tables_sqlServer.sql", Schema + ".QRTZ_");

    /// <summary>The script's statements (split at lines <c>--;;</c>, comment-only pieces dropped) with the prefixes filled in.</summary>
    private static IReadOnlyList<string> Statements(string resource, string prefix)
    {
        var unqualified = prefix[(prefix.IndexOf('.') + 1)..];
        return StatementSeparator().Split(Read(resource))
            .Select(statement => statement.Replace("{0}", prefix, StringComparison.Ordinal).Replace("{1}", unqualified, StringComparison.Ordinal).Trim())
            .Where(statement => statement.Split('\n').Any(line => line.Trim().Length > 0 && !line.TrimStart().StartsWith("--", StringComparison.Ordinal)))
            .ToList();
    }

    private static string Read(string name) => Encoding.UTF8.GetString(EmbeddedFiles.Read(typeof(QuartzSchema).Assembly, name)).Replace("\r\n", "\n");

    [GeneratedRegex(@"^--;;\s*$", RegexOptions.Multiline)]
    private static partial Regex StatementSeparator();
}
