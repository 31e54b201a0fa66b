using System.Net;
using Intranet.IntegrationTests.Infrastructure;
using Intranet.Shared.Persistence;

namespace Intranet.IntegrationTests;

/// <summary>
/// The data folder holds names and password hashes: on Unix a host started on a fresh folder makes it 0700 and every file
/// in it (database, -wal/-shm, the initial administrator's password) 0600, while published pages still load. The
/// data-protection keys are in the database now (host.DataProtectionKeys), so no key file is left in the folder.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DataFolderPermissionTests
{
    [Fact]
    public async Task A_host_on_a_fresh_data_folder_keeps_it_to_the_service_account()
    {
        if (OperatingSystem.IsWindows()) return;
        using var app = new IntranetApp(Db.Sqlite);
        File.SetUnixFileMode(app.DataDirectory, (UnixFileMode)0x1FF); // 0777: a folder prepared loosely is tightened
        var client = app.NewClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account/login")).StatusCode);
        await app.SignedInAsync("Administrator");  // writes: WAL in use, a key ring created (in the database)

        Assert.Equal(DataFolder.DirectoryMode, File.GetUnixFileMode(app.DataDirectory));
        var files = Directory.EnumerateFiles(app.DataDirectory, "*", SearchOption.AllDirectories).ToList();
        Assert.Contains(files, f => f.EndsWith(DatabaseSettings.SqliteFileName, StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith("-wal", StringComparison.Ordinal));
        Assert.Contains(files, f => f.Contains("initial-admin-password", StringComparison.Ordinal));
        Assert.DoesNotContain(files, f => Path.GetFileName(Path.GetDirectoryName(f)) == "keys");
        Assert.All(files, f => Assert.True(File.GetUnixFileMode(f) == DataFolder.FileMode, $"{f}: {File.GetUnixFileMode(f)}"));
        foreach (var dir in Directory.EnumerateDirectories(app.DataDirectory, "*", SearchOption.AllDirectories))
            Assert.Equal(DataFolder.DirectoryMode, File.GetUnixFileMode(dir));
    }

    [Fact]
    public async Task Migrate_script_runs_as_a_process_without_a_database()
    {
        var data = Directory.CreateTempSubdirectory("intranet-script-").FullName;
        try
        {
            var output = Path.Combine(data, "schema.sql");
            var (exit, stdout, stderr) = await HostCommand.RunAsync(Path.Combine(data, "data"), "migrate", "--script", "--provider", "SqlServer", "--out", output);
            Assert.True(exit == 0, stderr);
            Assert.False(File.Exists(Path.Combine(data, "data", DatabaseSettings.SqliteFileName)));   // nothing connected
            Assert.Contains("CREATE TABLE [identity].[AspNetUsers]", await File.ReadAllTextAsync(output));
            Assert.Equal(DataFolder.FileMode, File.GetUnixFileMode(output));
            var bad = await HostCommand.RunAsync(Path.Combine(data, "data"), "migrate", "--script", "--provider", "Oracle");
            Assert.Equal(2, bad.Exit);
            Assert.Contains("--provider は", bad.Err);
            Assert.Empty(stdout);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
