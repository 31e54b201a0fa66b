using System.Reflection;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace Intranet.Shared.Modules;

/// <summary>
/// The one seam through which the host wires a module in. The host lists its modules explicitly
/// (see <c>Host/Intranet.Host/Modules.cs</c>) and calls these members once, in this order:
/// <see cref="AddServices"/>, <see cref="ConfigureJobs"/>, <see cref="MapEndpoints"/>.
/// Pages are discovered by the router from <see cref="PagesAssembly"/>; MediatR handlers,
/// validators and pipeline behaviours from the same assembly.
/// </summary>
public interface IModule
{
    /// <summary>Code name, e.g. <c>PlanKpi</c>; also the database schema / table prefix base.</summary>
    string Name { get; }

    /// <summary>Japanese name shown in the UI and as a feed's source, e.g. 「計画KPI」.</summary>
    string DisplayName { get; }

    /// <summary>The assembly holding the module's pages, handlers and validators.</summary>
    Assembly PagesAssembly => GetType().Assembly;

    /// <summary>Links for the main navigation; each states the policy that may see it.</summary>
    IReadOnlyList<NavigationItem> Navigation { get; }

    /// <summary>Registers the module's services, DbContext and authorization policies.</summary>
    void AddServices(IServiceCollection services, IConfiguration configuration);

    /// <summary>Adds the module's scheduled jobs (none by default).</summary>
    void ConfigureJobs(IQuartzBuilder quartz) { }

    /// <summary>Maps the module's minimal-API endpoints (downloads, APIs). Pages need nothing here.</summary>
    void MapEndpoints(IEndpointRouteBuilder endpoints) { }
}

/// <summary>A main-navigation link: Japanese label, relative URL, and the authorization policy needed to see it.</summary>
public sealed record NavigationItem(string Label, string Href, string Policy, int Order = 100);
