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
}
