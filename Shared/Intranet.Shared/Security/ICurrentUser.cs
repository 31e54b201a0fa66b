using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace Intranet.Shared.Security;

/// <summary>Who is acting: the signed-in user of the request, or the command-line operator.</summary>
public interface ICurrentUser
{
    /// <summary>A stable identifier for audit: the user's e-mail, or <c>system:cli</c> / <c>system:job</c>.</summary>
    string Name { get; }

    /// <summary>The user's department (主管課), or null.</summary>
    string? Department { get; }

    /// <summary>Whether the user holds <paramref name="role"/>.</summary>
    bool IsInRole(string role);

    /// <summary>Whether a person is signed in (false for the command line and jobs).</summary>
    bool IsAuthenticated { get; }

    /// <summary>Whether this is the command line or a background job, which act with full rights.</summary>
    bool IsSystem { get; }
}

/// <summary>
/// The signed-in user of an interactive circuit, or of a unit of work started for one (see
/// <c>Intranet.Shared.Web.IUseCases</c>). Scoped: one per circuit or per use-case scope. An interactive
/// component has no <see cref="HttpContext"/>, so the circuit's user is set here by
/// <c>PrincipalCircuitHandler</c> when the circuit connects and whenever its authentication state changes.
/// </summary>
public sealed class CurrentPrincipal
{
    /// <summary>The user, or null outside a circuit (plain HTTP requests read the request's user instead).</summary>
    public ClaimsPrincipal? Principal { get; set; }
}

/// <summary>
/// The acting user: the circuit's user when one is set (<see cref="CurrentPrincipal"/>), else the HTTP request's
/// user, else a system actor (CLI, jobs, seeders). A scope with neither a circuit user nor a request is the
/// system, so a circuit must always set its user before it calls a use case.
/// </summary>
public sealed class HttpCurrentUser(IHttpContextAccessor accessor, CurrentPrincipal circuit) : ICurrentUser
{
    /// <summary>Name used when no HTTP request is in flight.</summary>
    public const string SystemName = "system";

    private ClaimsPrincipal? Principal => circuit.Principal ?? accessor.HttpContext?.User;

    /// <inheritdoc />
    public bool IsSystem => circuit.Principal is null && accessor.HttpContext is null;

    /// <inheritdoc />
    public bool IsAuthenticated => Principal?.Identity?.IsAuthenticated == true;

    /// <inheritdoc />
    public string Name => IsSystem ? ActingFor.Value ?? SystemName : Principal?.Identity?.Name ?? "anonymous";

    private static readonly AsyncLocal<string?> ActingFor = new();

    /// <summary>
    /// Background work done for a person (an uploaded import) is recorded under their name, e.g.
    /// <c>system (for rpa@example.jp)</c>, until the returned scope is disposed.
    /// </summary>
    public static IDisposable ActOnBehalfOf(string userName)
    {
        var previous = ActingFor.Value;
        ActingFor.Value = $"{SystemName} (for {userName})";
        return new Restore(() => ActingFor.Value = previous);
    }

    private sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }

    /// <inheritdoc />
    public string? Department => Principal?.FindFirst(IntranetClaimTypes.Department)?.Value;

    /// <inheritdoc />
    public bool IsInRole(string role) => IsSystem || Principal?.IsInRole(role) == true;
}
