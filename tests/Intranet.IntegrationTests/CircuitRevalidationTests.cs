using Intranet.Host.Identity;
using Intranet.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Intranet.IntegrationTests;

/// <summary>
/// An open interactive page keeps the identity it signed in with only while that identity is current: disabling the
/// user or resetting the password ends it at the circuit's next revalidation (RevalidatingIdentityStateProvider).
/// </summary>
public sealed class CircuitRevalidationTests
{
    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task A_circuit_identity_ends_when_the_user_is_disabled_or_the_password_reset(Db db)
    {
        using var app = new IntranetApp(db);
        await app.CreateUserAsync("circuit@example.jp", "circuit-pass-2026", "Viewer");

        async Task<bool> CurrentAsync(System.Security.Claims.ClaimsPrincipal principal)
        {
            await using var scope = app.Services.CreateAsyncScope();
            var options = scope.ServiceProvider.GetRequiredService<IOptions<IdentityOptions>>().Value;
            return await RevalidatingIdentityStateProvider.IsCurrentAsync(scope.ServiceProvider.GetRequiredService<Intranet.Shared.Persistence.KeyedRowReader>(), principal, options);
        }

        async Task<System.Security.Claims.ClaimsPrincipal> SignInPrincipalAsync()
        {
            await using var scope = app.Services.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var factory = scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<ApplicationUser>>();
            return await factory.CreateAsync((await users.FindByEmailAsync("circuit@example.jp"))!);
        }

        var first = await SignInPrincipalAsync();
        Assert.True(await CurrentAsync(first));

        using (var scope = app.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<UserAdministration>().DisableAsync("circuit@example.jp");
        Assert.False(await CurrentAsync(first));

        using (var scope = app.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<UserAdministration>().EnableAsync("circuit@example.jp");
        var second = await SignInPrincipalAsync();
        Assert.True(await CurrentAsync(second));

        using (var scope = app.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<UserAdministration>().ResetPasswordAsync("circuit@example.jp");
        Assert.False(await CurrentAsync(second));
    }
}
