using Intranet.Shared.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Intranet.IntegrationTests.Infrastructure;

/// <summary>A second host process on the same database (issue #11): its own data folder, the first host's database.</summary>
public sealed partial class IntranetApp
{
    /// <summary>
    /// Another host on the database of <paramref name="first"/>, with a data folder of its own (as two hosts behind
    /// nginx). Both run at the same time. On SQLite it points at the first host's file. Dispose this one first; it
    /// never drops the database (the first host does) and deletes only its own data folder.
    /// </summary>
    public static IntranetApp OnSameDatabase(IntranetApp first, Action<IServiceCollection>? services = null) => new(first, services, ownDataDirectory: true);

    private IntranetApp(IntranetApp first, Action<IServiceCollection>? services, bool ownDataDirectory)
    {
        (Db, ConnectionString) = (first.Db, first.ConnectionString);
        _ownsDatabase = false;
        _databaseName = first._databaseName;
        DataDirectory = ownDataDirectory ? Directory.CreateTempSubdirectory("intranet-test-b-").FullName : first.DataDirectory;
        var sqliteFile = Path.Combine(first.DataDirectory, DatabaseSettings.SqliteFileName);
        var dataDirectory = DataDirectory;
        _services = s =>
        {
            if (Db == Db.Sqlite)
            {
                s.RemoveAll<DatabaseSettings>();
                s.AddSingleton(new DatabaseSettings(DatabaseProvider.Sqlite, $"Data Source={sqliteFile}", dataDirectory));
            }
            services?.Invoke(s);
        };
    }
}
