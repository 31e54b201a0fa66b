using System.Reflection;
using Intranet.Shared.Modules;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace Intranet.IntegrationTests;

/// <summary>
/// Pages call use cases, not DbContexts: a Razor component of the host or of a module may inject only UI services
/// and <see cref="Intranet.Shared.Web.IUseCases"/>, never a DbContext, <c>IMediator</c>, a service provider or a
/// module's own services (queries, importers, feeds), so that every rule runs in a tested use case with its own
/// scope. The application's pages run interactively; the account pages (which set the cookie) stay static.
/// </summary>
public sealed class PageArchitectureTests
{
    /// <summary>Services any component may inject (UI plumbing; no data access).</summary>
    private static readonly HashSet<string> Allowed =
    [
        "Intranet.Shared.Web.IUseCases",
        "Microsoft.AspNetCore.Components.NavigationManager",
        "Microsoft.JSInterop.IJSRuntime",
        "Radzen.DialogService", "Radzen.NotificationService", "Radzen.TooltipService", "Radzen.ContextMenuService",
        "System.TimeProvider",
        "Intranet.Shared.Security.ICurrentUser",
        "Microsoft.AspNetCore.Authorization.IAuthorizationService",
        "Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider",
        "System.Collections.Generic.IReadOnlyList`1[[Intranet.Shared.Modules.IModule]]",
        "Microsoft.Extensions.Logging.ILogger`1",
        // Issue #12: the dashboard's prerendered chart HTML, kept per cached snapshot (HTML, no data access).
        "Intranet.Modules.PlanKpi.Pages.Shared.PrerenderedMarkup",
    ];

    /// <summary>Static account pages sign people in and out: they alone may use Identity's managers.</summary>
    private const string AccountNamespace = "Intranet.Host.Components.Account";

    private static readonly string[] IdentityServices =
        ["Microsoft.AspNetCore.Identity.SignInManager`1", "Microsoft.AspNetCore.Identity.UserManager`1"];

    private static IEnumerable<Type> Components() =>
        new[] { typeof(Program).Assembly }
            .Concat(Host.Infrastructure.ModuleCatalog.Create().Select(m => m.PagesAssembly))
            .Append(typeof(IModule).Assembly)
            .Distinct()
            .SelectMany(a => a.GetTypes())
            .Where(t => typeof(IComponent).IsAssignableFrom(t) && !t.IsAbstract);

    /// <summary>A service's name: the full name; a generic one as its definition, with the argument for collections.</summary>
    private static string Name(Type t)
    {
        if (!t.IsGenericType) return t.FullName!;
        var definition = t.GetGenericTypeDefinition().FullName!;
        return definition.StartsWith("System.Collections.", StringComparison.Ordinal)
            ? $"{definition}[[{t.GetGenericArguments()[0].FullName}]]"
            : definition;
    }

    /// <summary>The injected services of <paramref name="component"/> that it may not use, as 「Type.Property: Service」.</summary>
    public static IEnumerable<string> Violations(Type component)
    {
        var injected = component.GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
            .Where(p => p.GetCustomAttribute<InjectAttribute>() is not null || p.GetCustomAttribute<InjectAttribute>(inherit: true) is not null);
        foreach (var property in injected)
        {
            var service = Name(property.PropertyType);
            if (Allowed.Contains(service)) continue;
            if (component.Namespace == AccountNamespace && IdentityServices.Contains(service)) continue;
            yield return $"{component.FullName}.{property.Name}: {property.PropertyType.Name}";
        }
    }

    [Fact]
    public void Pages_and_components_inject_use_cases_not_data_access()
    {
        var violations = Components().SelectMany(Violations).ToList();
        Assert.True(violations.Count == 0, "Components injecting data access or module services (use IUseCases):\n" + string.Join("\n", violations));
    }

    [Fact]
    public void The_rule_catches_a_page_that_injects_a_database()
    {
        var violations = Violations(typeof(PageWithDatabase)).ToList();
        Assert.Equal(2, violations.Count);
        Assert.Contains(violations, v => v.EndsWith(": PlanKpiDbContext"));
        Assert.Contains(violations, v => v.EndsWith(": IMediator"));
        Assert.Empty(Violations(typeof(PageWithUseCases)));
    }

    [Fact]
    public void Application_pages_are_interactive_and_account_pages_static()
    {
        var pages = Components().Where(t => t.GetCustomAttributes<RouteAttribute>().Any()).ToList();
        Assert.NotEmpty(pages);
        var wrong = new List<string>();
        foreach (var page in pages)
        {
            var mode = page.GetCustomAttributes(inherit: true).OfType<RenderModeAttribute>().FirstOrDefault()?.Mode;
            var isAccount = page.Namespace == AccountNamespace;
            // Static by design: account pages set the cookie, error/status pages set the response code, and the old
            // one-value entry URL answers with a redirect to the year's grid.
            var staticOnly = isAccount || page.Name is "Error" or "StatusPage" or "NotFound" or "ActualEntry";
            if (staticOnly && mode is not null) wrong.Add($"{page.FullName} must stay static (it needs the HTTP response)");
            if (!staticOnly && mode is not InteractiveServerRenderMode) wrong.Add($"{page.FullName} is not interactive (@rendermode InteractiveServer)");
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    private sealed class PageWithDatabase : ComponentBase
    {
        [Inject] public Intranet.Modules.PlanKpi.Data.PlanKpiDbContext Db { get; set; } = default!;
        [Inject] public MediatR.IMediator Mediator { get; set; } = default!;
        [Inject] public NavigationManager Navigation { get; set; } = default!;
    }

    private sealed class PageWithUseCases : ComponentBase
    {
        [Inject] public Intranet.Shared.Web.IUseCases UseCases { get; set; } = default!;
        [Inject] public Radzen.DialogService Dialogs { get; set; } = default!;
    }
}
