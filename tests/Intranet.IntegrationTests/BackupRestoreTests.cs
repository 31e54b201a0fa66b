using Intranet.Host.CommandLine;
using Intranet.Host.Infrastructure;
using Intranet.IntegrationTests.Infrastructure;
using Intranet.Modules.PlanKpi.Data;
using Intranet.Shared.Modules;
using Intranet.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Intranet.IntegrationTests;

/// <summary>
/// <c>backup</c> / <c>restore</c> round trips on both databases: demo data, backup (SQLite while the host runs), data
/// changed and deleted, restore refused without --force, restore, and every table's row count and a few values are back.
/// </summary>
public sealed class BackupRestoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("intranet-backup-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Backup_then_restore_brings_every_row_back(Db db)
    {
        var file = Path.Combine(_dir, "intranet.backup");
        Dictionary<string, long> before;
        List<string> titlesBefore;
        IntranetApp restarted;
        DatabaseSettings settings;
        using (var app = new IntranetApp(db))
        {
            using (var scope = app.Services.CreateScope())
            {
                foreach (var seeder in scope.ServiceProvider.GetServices<IDemoDataSeeder>().OrderBy(s => s.Order))
                    await seeder.SeedAsync(CancellationToken.None);
            }
            before = await CountsAsync(app);
            titlesBefore = await app.PlanKpiAsync(c => c.Plans.OrderBy(p => p.Code).Select(p => p.Code + ":" + p.Title).ToListAsync());
            Assert.True(before.Values.Sum() > 500, $"only {before.Values.Sum()} rows");
            settings = app.Services.GetRequiredService<DatabaseSettings>();

            // The host is running: the SQLite backup is an online one.
            var output = new StringWriter();
            Assert.Equal(0, await AdminCommands.BackupAsync(app.Services, file, output, new StringWriter()));
            Assert.Contains("バックアップを", output.ToString());
            if (!OperatingSystem.IsWindows()) Assert.Equal(DataFolder.FileMode, File.GetUnixFileMode(file));
            var again = new StringWriter();
            Assert.Equal(1, await AdminCommands.BackupAsync(app.Services, file, new StringWriter(), again));
            Assert.Contains("既にあります", again.ToString());

            if (db == Db.Sqlite)
            {
                var busy = new StringWriter();
                Assert.Equal(1, await AdminCommands.RestoreAsync(app.Services, file, force: true, new StringWriter(), busy));
                Assert.Contains("使用中", busy.ToString());
            }

            using (var scope = app.Services.CreateScope())
            {
                var plankpi = scope.ServiceProvider.GetRequiredService<PlanKpiDbContext>();
                await plankpi.Actuals.ExecuteDeleteAsync();
                await plankpi.Plans.ExecuteUpdateAsync(s => s.SetProperty(p => p.Title, "変更後"));
            }
            Assert.NotEqual(before, await CountsAsync(app));
            app.KeepDataOnDispose = true;
            restarted = new IntranetApp(app);
        }

        var sp = new ServiceCollection().AddSingleton(settings).BuildServiceProvider();
        var refused = new StringWriter();
        Assert.Equal(1, await AdminCommands.RestoreAsync(sp, file, force: false, new StringWriter(), refused));
        Assert.Contains("既にデータがあります", refused.ToString());
        Assert.Contains("--force", refused.ToString());

        var restored = new StringWriter();
        Assert.Equal(0, await AdminCommands.RestoreAsync(sp, file, force: true, restored, new StringWriter()));
        Assert.Contains("置き換えたデータ", restored.ToString());

        using (restarted)
        {
            Assert.Equal(before, await CountsAsync(restarted));
            Assert.Equal(titlesBefore, await restarted.PlanKpiAsync(c => c.Plans.OrderBy(p => p.Code).Select(p => p.Code + ":" + p.Title).ToListAsync()));
            if (db == Db.Sqlite && !OperatingSystem.IsWindows())
                Assert.Equal(DataFolder.FileMode, File.GetUnixFileMode(Path.Combine(restarted.DataDirectory, DatabaseSettings.SqliteFileName)));
        }
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Restore_refuses_a_missing_file_or_one_of_the_wrong_format(Db db)
    {
        using var app = new IntranetApp(db);
        var error = new StringWriter();
        Assert.Equal(1, await AdminCommands.RestoreAsync(app.Services, Path.Combine(_dir, "none.backup"), force: true, new StringWriter(), error));
        Assert.Contains("見つかりません", error.ToString());

        var wrong = Path.Combine(_dir, "wrong.backup");
        await File.WriteAllTextAsync(wrong, "plan_code,title\n");
        error = new StringWriter();
        Assert.Equal(1, await AdminCommands.RestoreAsync(app.Services, wrong, force: true, new StringWriter(), error));
        Assert.Contains("バックアップではありません", error.ToString());
    }

    [Fact]
    public async Task Sql_server_is_backed_up_by_the_dba()
    {
        var settings = new DatabaseSettings(DatabaseProvider.SqlServer, "Server=localhost;Database=intranet", _dir);
        var sp = new ServiceCollection().AddSingleton(settings).BuildServiceProvider();
        var error = new StringWriter();
        Assert.Equal(1, await AdminCommands.BackupAsync(sp, Path.Combine(_dir, "x.bak"), new StringWriter(), error));
        Assert.Contains("DBA", error.ToString());
        Assert.False(File.Exists(Path.Combine(_dir, "x.bak")));
    }

    /// <summary>Rows per table of every context.</summary>
    private static async Task<Dictionary<string, long>> CountsAsync(IntranetApp app)
    {
        var counts = new Dictionary<string, long>();
        using var scope = app.Services.CreateScope();
        foreach (var registration in scope.ServiceProvider.GetRequiredService<IEnumerable<ModuleDbContextRegistration>>())
        {
            var context = (DbContext)scope.ServiceProvider.GetRequiredService(registration.ContextType);
            var helper = context.GetService<ISqlGenerationHelper>();
            var conn = context.Database.GetDbConnection();
            await conn.OpenAsync();
            foreach (var table in context.GetService<IDesignTimeModel>().Model.GetRelationalModel().Tables)
            {
                await using var cmd = conn.CreateCommand();
                cmd.CommandText = $"SELECT count(*) FROM {helper.DelimitIdentifier(table.Name, table.Schema)}";
                counts[$"{table.Schema}.{table.Name}"] = Convert.ToInt64(await cmd.ExecuteScalarAsync());
            }
            await conn.CloseAsync();
        }
        return counts;
    }
}
