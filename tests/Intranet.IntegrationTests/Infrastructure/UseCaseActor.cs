using System.Security.Claims;
using Intranet.Shared.Security;
using MediatR;
using Microsoft.Extensions.DependencyInjection;

namespace Intranet.IntegrationTests.Infrastructure;

/// <summary>
/// Runs use cases against the real host's services as a signed-in user, the way an interactive page does
/// (<c>IUseCases</c>: a fresh scope whose <see cref="CurrentPrincipal"/> is the user). Use it for behaviour that
/// pages trigger; HTTP tests stay for endpoints (downloads, uploads, status codes).
/// </summary>
public static class UseCaseActor
{
    /// <summary>A principal as the cookie sign-in builds it: name (e-mail), roles, optional department claim.</summary>
    public static ClaimsPrincipal Principal(string email, string? department, params string[] roles)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, email), new(ClaimTypes.NameIdentifier, email) };
        claims.AddRange(roles.Select(r => new Claim(ClaimTypes.Role, r)));
        if (department is not null) claims.Add(new Claim(IntranetClaimTypes.Department, department));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, "test"));
    }

    /// <summary>Sends <paramref name="request"/> in a new scope of <paramref name="app"/> as a user with <paramref name="role"/>.</summary>
    public static Task<T> SendAsAsync<T>(this IntranetApp app, IRequest<T> request, string role, string? department = null,
        string? email = null) =>
        app.Services.SendAsAsync(request, Principal(email ?? $"{role.ToLowerInvariant()}@example.jp", department, role));

    /// <summary>Sends <paramref name="request"/> in a new scope of <paramref name="services"/> as <paramref name="user"/>.</summary>
    public static async Task<T> SendAsAsync<T>(this IServiceProvider services, IRequest<T> request, ClaimsPrincipal user)
    {
        await using var scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentPrincipal>().Principal = user;
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(request);
    }
}
