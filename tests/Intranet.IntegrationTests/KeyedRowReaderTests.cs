using Intranet.Host.Identity;
using Intranet.IntegrationTests.Infrastructure;
using Intranet.Modules.PlanKpi.Data;
using Intranet.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Intranet.IntegrationTests;

/// <summary>
/// <see cref="KeyedRowReader"/> reads the same values as EF from the same tables (the SQL comes from each context's model):
/// a schema's change stamp before and after a write, a user's security stamp and disabled flag, nothing for a missing key.
/// </summary>
public sealed class KeyedRowReaderTests
{
    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Reads_what_EF_reads_on_both_databases(Db db)
    {
        using var app = new IntranetApp(db);
        await app.CreateUserAsync("rows@example.jp", "rows-pass-2026", "Viewer");
        var rows = app.Services.GetRequiredService<KeyedRowReader>();

        async Task<Guid> EfStampAsync()
        {
            using var scope = app.Services.CreateScope();
            return await scope.ServiceProvider.GetRequiredService<PlanKpiDbContext>().ChangeStampAsync(CancellationToken.None);
        }

        var before = await rows.ChangeStampAsync<PlanKpiDbContext>(CancellationToken.None);
        Assert.NotEqual(Guid.Empty, before);
        Assert.Equal(await EfStampAsync(), before);
        using (var scope = app.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<PlanKpiDbContext>().RenewChangeStampAsync(CancellationToken.None);
        var after = await rows.ChangeStampAsync<PlanKpiDbContext>(CancellationToken.None);
        Assert.NotEqual(before, after);
        Assert.Equal(await EfStampAsync(), after);

        using (var scope = app.Services.CreateScope())
        {
            var identity = scope.ServiceProvider.GetRequiredService<IdentityDb>();
            var user = await identity.Users.AsNoTracking().SingleAsync(u => u.Email == "rows@example.jp");
            var read = await rows.ReadAsync<IdentityDb, ApplicationUser, (string? Stamp, bool Disabled)>(user.Id,
                [nameof(ApplicationUser.SecurityStamp), nameof(ApplicationUser.DisabledAt)], r => (r.GetString(0), !r.IsDBNull(1)), CancellationToken.None);
            Assert.Equal((user.SecurityStamp, false), read);
        }
        Assert.Equal(default, await rows.ReadAsync<IdentityDb, ApplicationUser, (string?, bool)>("no-such-id",
            [nameof(ApplicationUser.SecurityStamp), nameof(ApplicationUser.DisabledAt)], r => (r.GetString(0), !r.IsDBNull(1)), CancellationToken.None));
        Assert.Throws<InvalidOperationException>(() => rows.ReadAsync<IdentityDb, ApplicationUser, int>("x", ["NoSuchColumn"], r => 0, CancellationToken.None).GetAwaiter().GetResult());
    }

    /// <summary>
    /// Many requests at once: on PostgreSQL the keyed reads share a multiplexing pool
    /// (<see cref="IntranetDatabase.PostgreSqlKeyedReadConnectionString"/>), so concurrent commands are written together on
    /// a few connections; each still gets its own row, and a stamp renewed by a context is read at once, during the load.
    /// </summary>
    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Concurrent_reads_each_get_the_current_row(Db db)
    {
        using var app = new IntranetApp(db);
        var users = new List<(string Id, string? Stamp)>();
        for (var i = 0; i < 3; i++)
        {
            await app.CreateUserAsync($"load{i}@example.jp", "load-pass-2026", "Viewer");
            using var scope = app.Services.CreateScope();
            var user = await scope.ServiceProvider.GetRequiredService<IdentityDb>().Users.AsNoTracking().SingleAsync(u => u.Email == $"load{i}@example.jp");
            users.Add((user.Id, user.SecurityStamp));
        }
        var rows = app.Services.GetRequiredService<KeyedRowReader>();
        string[] columns = [nameof(ApplicationUser.SecurityStamp)];

        async Task LoadAsync()
        {
            var reads = Enumerable.Range(0, 150).Select(async i =>
            {
                var (id, stamp) = users[i % users.Count];
                Assert.Equal(stamp, await rows.ReadAsync<IdentityDb, ApplicationUser, string?>(id, columns, r => r.GetString(0), CancellationToken.None));
            });
            await Task.WhenAll(reads);
        }

        await LoadAsync();
        var during = LoadAsync();
        using (var scope = app.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<PlanKpiDbContext>().RenewChangeStampAsync(CancellationToken.None);
        Guid expected;
        using (var scope = app.Services.CreateScope())
            expected = await scope.ServiceProvider.GetRequiredService<PlanKpiDbContext>().ChangeStampAsync(CancellationToken.None);
        Assert.Equal(expected, await rows.ChangeStampAsync<PlanKpiDbContext>(CancellationToken.None));
        await during;
    }

    /// <summary>
    /// On PostgreSQL the host's connections prepare a statement run often and keep it when the connection goes back to the
    /// pool and out again (<see cref="IntranetDatabase.PostgreSqlConnectionString"/>): without those settings the
    /// statement is parsed on every run and <c>DISCARD ALL</c> drops what was prepared.
    /// </summary>
    [Fact]
    public async Task PostgreSql_connections_prepare_the_stamp_read_and_keep_it_across_pooled_uses()
    {
        using var app = new IntranetApp(Db.PostgreSql);
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PlanKpiDbContext>();
        var connection = db.Database.GetDbConnection();

        async Task<object?> ScalarAsync(string sql)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            return await command.ExecuteScalarAsync();
        }
        const string Prepared = "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%ChangeStamps%'";

        await db.Database.OpenConnectionAsync();
        var pid = await ScalarAsync("SELECT pg_backend_pid()");
        for (var i = 0; i < 6; i++)   // the stamp read as KeyedRowReader sends it; Npgsql prepares after 5 uses
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT \"Stamp\" FROM plankpi.\"ChangeStamps\" WHERE \"Id\" = @key";
            var key = command.CreateParameter();
            (key.ParameterName, key.Value) = ("@key", ChangeStamp.RowId);
            command.Parameters.Add(key);
            Assert.IsType<Guid>(await command.ExecuteScalarAsync());
        }
        Assert.True((long)(await ScalarAsync(Prepared))! >= 1, "the stamp read was not prepared");
        await db.Database.CloseConnectionAsync();

        // The same server connection out of the pool again (the pool hands its idle connections round, at most 100).
        var found = false;
        for (var i = 0; i < 100 && !found; i++)
        {
            await db.Database.OpenConnectionAsync();
            if (Equals(await ScalarAsync("SELECT pg_backend_pid()"), pid))
            {
                found = true;
                Assert.True((long)(await ScalarAsync(Prepared))! >= 1, "the prepared stamp read was discarded when the connection went back to the pool");
            }
            await db.Database.CloseConnectionAsync();
        }
        Assert.True(found, $"server connection {pid} did not come out of the pool again");
    }
}
