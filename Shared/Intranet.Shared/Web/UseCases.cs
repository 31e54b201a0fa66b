using System.Security.Claims;
using Intranet.Shared.Security;
using MediatR;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Intranet.Shared.Web;

/// <summary>
/// How pages run use cases: each <see cref="Send{TResponse}"/> is one unit of work in a fresh DI scope (its own
/// DbContexts), acting as the page's user. An interactive page lives as long as its circuit (minutes to hours);
/// a DbContext held that long would serve stale rows and fail on concurrent events, so pages inject this, never
/// <see cref="IMediator"/> or a DbContext (the architecture test checks).
/// </summary>
public interface IUseCases
{
    /// <summary>Sends <paramref name="request"/> through the pipeline (logging, authorization, validation) in a new scope.</summary>
    /// <exception cref="Messaging.ForbiddenException">The user may not run the request.</exception>
    /// <exception cref="Messaging.RequestValidationException">The request is invalid; errors name the fields.</exception>
    Task<TResponse> Send<TResponse>(IRequest<TResponse> request, CancellationToken cancellationToken = default);
}

/// <summary>The <see cref="IUseCases"/> of a circuit or a request: copies the acting user into each new scope.</summary>
public sealed class ScopedUseCases(IServiceScopeFactory scopes, CurrentPrincipal circuit, IHttpContextAccessor http) : IUseCases
{
    /// <inheritdoc />
    public async Task<TResponse> Send<TResponse>(IRequest<TResponse> request, CancellationToken cancellationToken = default)
    {
        var principal = circuit.Principal ?? http.HttpContext?.User
            ?? throw new InvalidOperationException("A page ran a use case without a signed-in user.");
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentPrincipal>().Principal = principal;
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(request, cancellationToken);
    }
}

/// <summary>
/// Keeps <see cref="CurrentPrincipal"/> of a circuit's scope equal to the circuit's authentication state: set when
/// the connection comes up (before any component of the circuit renders) and again whenever the state changes.
/// </summary>
public sealed class PrincipalCircuitHandler(AuthenticationStateProvider authentication, CurrentPrincipal current)
    : CircuitHandler, IDisposable
{
    /// <inheritdoc />
    public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        authentication.AuthenticationStateChanged += Changed;
        return base.OnCircuitOpenedAsync(circuit, cancellationToken);
    }

    /// <inheritdoc />
    public override async Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        current.Principal = (await authentication.GetAuthenticationStateAsync()).User;
    }

    private void Changed(Task<AuthenticationState> state) => _ = SetAsync(state);

    private async Task SetAsync(Task<AuthenticationState> state)
    {
        try { current.Principal = (await state).User; }
        catch (Exception) { current.Principal = new ClaimsPrincipal(new ClaimsIdentity()); }
    }

    /// <inheritdoc />
    public void Dispose() => authentication.AuthenticationStateChanged -= Changed;
}

/// <summary>Registration of the pieces above.</summary>
public static class UseCaseRegistration
{
    /// <summary>Adds <see cref="CurrentPrincipal"/>, <see cref="IUseCases"/> and the circuit handler (all scoped).</summary>
    public static IServiceCollection AddIntranetUseCases(this IServiceCollection services)
    {
        services.AddScoped<CurrentPrincipal>();
        services.AddScoped<IUseCases, ScopedUseCases>();
        services.AddScoped<CircuitHandler, PrincipalCircuitHandler>();
        return services;
    }
}
