using Microsoft.Extensions.Configuration;

namespace Intranet.Shared.Persistence;

/// <summary>The database engines the suite runs on. Data access stays provider-neutral so others can be added.</summary>
public enum DatabaseProvider
{
    /// <summary>Embedded default: one file <c>intranet.db</c> in the data folder.</summary>
    Sqlite,
    /// <summary>Server database (tested against PostgreSQL 15).</summary>
    PostgreSql,
    /// <summary>
    /// Microsoft SQL Server (2019 or later): the model builds and <c>migrate --script --provider SqlServer</c> writes the DDL
    /// a DBA runs; no SQL Server runs on the build machines, so this provider is checked through its scripts only.
    /// </summary>
    SqlServer,
}

/// <summary>
/// Where the data lives. Read from configuration:
/// <c>Database:Provider</c> (<c>Sqlite</c> | <c>PostgreSql</c> | <c>SqlServer</c>, default Sqlite),
/// <c>ConnectionStrings:Intranet</c> (required for PostgreSql and SqlServer; for Sqlite defaults to
/// <c>Data Source={DataDirectory}/intranet.db</c>), and <c>Intranet:DataDirectory</c>
/// (default <c>data</c> under the content root).
/// </summary>
public sealed record DatabaseSettings(DatabaseProvider Provider, string ConnectionString, string DataDirectory)
{
    /// <summary>File name of the embedded database inside the data folder.</summary>
    public const string SqliteFileName = "intranet.db";

    /// <summary>The SQLite database file of <see cref="ConnectionString"/> (full path). SQLite only: another provider's connection string throws <see cref="ArgumentException"/>. A method, so the record's ToString does not evaluate it.</summary>
    public string SqliteFile() => Path.GetFullPath(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(ConnectionString).DataSource);

    /// <summary>Builds the settings from configuration and creates the data folder if it is missing, readable by this account only
    /// (<see cref="DataFolder.Secure"/>).</summary>
    /// <exception cref="InvalidOperationException">Unknown provider, or a server database without a connection string.</exception>
    public static DatabaseSettings FromConfiguration(IConfiguration configuration, string contentRoot)
    {
        var dataDirectory = Path.GetFullPath(configuration["Intranet:DataDirectory"] is { Length: > 0 } d
            ? Path.Combine(contentRoot, d)
            : Path.Combine(contentRoot, "data"));
        DataFolder.Secure(dataDirectory);

        var providerText = configuration["Database:Provider"];
        var provider = string.IsNullOrWhiteSpace(providerText) ? DatabaseProvider.Sqlite
            : Enum.TryParse<DatabaseProvider>(providerText, ignoreCase: true, out var p) ? p
            : throw new InvalidOperationException(
                $"設定 Database:Provider の値 '{providerText}' は不明です。Sqlite、PostgreSql、SqlServer のいずれかを指定してください。");

        var connectionString = configuration.GetConnectionString("Intranet");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            connectionString = provider == DatabaseProvider.Sqlite
                ? $"Data Source={Path.Combine(dataDirectory, SqliteFileName)}"
                : throw new InvalidOperationException(
                    $"{provider} を使うには接続文字列 ConnectionStrings:Intranet (環境変数 ConnectionStrings__Intranet) が必要です。");
        }
        return new DatabaseSettings(provider, connectionString, dataDirectory);
    }
}
