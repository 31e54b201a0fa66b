using System.Reflection;
using Intranet.Modules.PlanKpi.Contracts;
using Intranet.Shared.Modules;
using Intranet.Shared.Security;
using MediatR;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Intranet.Host.Home;

/// <summary>
/// The signed-in user's home page: what waits for them, from every <see cref="IWorkItemSource"/>, grouped by severity
/// (errors first), and the main links of their roles. A source that fails is logged and skipped:
/// <see cref="HomePage.SomeSourcesFailed"/> tells the page to say so instead of failing.
/// </summary>
public sealed record GetHomePage : IRequest<HomePage>;

/// <summary>The home page's content.</summary>
/// <param name="Groups">Non-empty groups, Error → Warning → Info; items with a count of zero are left out.</param>
/// <param name="SomeSourcesFailed">True when at least one source threw (the others are still shown).</param>
/// <param name="Links">Role-specific links, e.g. 「実績入力」 of the plans whose projects the user's department leads.</param>
public sealed record HomePage(IReadOnlyList<WorkItemGroup> Groups, bool SomeSourcesFailed, IReadOnlyList<HomeLink> Links)
{
    /// <summary>Whether nothing waits (and nothing failed).</summary>
    public bool IsEmpty => Groups.Count == 0;
}

/// <summary>Work items of one severity, ordered by <see cref="WorkItem.Order"/> then title.</summary>
/// <param name="Severity">The items' severity.</param>
/// <param name="Title">Japanese heading: 「エラー」, 「遅れ・要確認」, 「対応待ち」.</param>
/// <param name="Items">At least one item.</param>
public sealed record WorkItemGroup(WorkItemSeverity Severity, string Title, IReadOnlyList<WorkItem> Items);

/// <summary>A main link of the user's roles.</summary>
/// <param name="Label">Japanese label, e.g. 「実績入力 (はだのICT活用推進計画)」.</param>
/// <param name="Href">Relative URL, e.g. <c>/plans/hadano-ict-2021/entry</c>.</param>
/// <param name="Detail">Optional Japanese explanation.</param>
public sealed record HomeLink(string Label, string Href, string? Detail = null);

/// <summary>Builds <see cref="HomePage"/>.</summary>
public sealed class GetHomePageHandler(IEnumerable<IWorkItemSource> sources, ICurrentUser user, IMediator mediator,
    ILogger<GetHomePageHandler> logger) : IRequestHandler<GetHomePage, HomePage>
{
    /// <summary>Japanese group headings by severity.</summary>
    public static IReadOnlyDictionary<WorkItemSeverity, string> GroupTitles { get; } = new Dictionary<WorkItemSeverity, string>
    {
        [WorkItemSeverity.Error] = "エラー・失敗",
        [WorkItemSeverity.Warning] = "遅れ・要確認",
        [WorkItemSeverity.Info] = "対応待ち",
    };

    /// <inheritdoc />
    public async Task<HomePage> Handle(GetHomePage request, CancellationToken cancellationToken)
    {
        var items = new List<WorkItem>();
        var failed = false;
        foreach (var source in sources)
        {
            try
            {
                items.AddRange(await source.GetAsync(user, cancellationToken));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failed = true;
                logger.LogError(e, "Work item source {Source} failed for {User}", source.GetType().FullName, user.Name);
            }
        }
        var groups = items.Where(i => i.Count > 0)
            .GroupBy(i => i.Severity)
            .OrderByDescending(g => g.Key)
            .Select(g => new WorkItemGroup(g.Key, GroupTitles[g.Key], g.OrderBy(i => i.Order).ThenBy(i => i.Title, StringComparer.Ordinal).ToList()))
            .ToList();
        return new HomePage(groups, failed, await LinksAsync(cancellationToken));
    }

    private async Task<IReadOnlyList<HomeLink>> LinksAsync(CancellationToken cancellationToken)
    {
        var links = new List<HomeLink>();
        var entersAny = user.IsInRole(Roles.PlanOffice) || user.IsInRole(Roles.Administrator);
        var department = user.IsInRole(Roles.Department) ? user.Department : null;
        if (!entersAny && department is null) return links;
        IReadOnlyList<PlanProjectSummary> projects;
        try
        {
            projects = await mediator.Send(new ListPlanProjects(), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Plans for the home page links could not be read");
            return links;
        }
        foreach (var plan in projects.GroupBy(p => (p.PlanCode, p.PlanTitle)))
        {
            var led = department is null ? 0 : plan.Count(p => p.LeadDepartments.Contains(department));
            if (entersAny)
                links.Add(new HomeLink($"実績入力 ({plan.Key.PlanTitle})", $"/plans/{Uri.EscapeDataString(plan.Key.PlanCode)}/entry",
                    "各課の実績値を年度ごとに一覧で入力します。"));
            else if (led > 0)
                links.Add(new HomeLink($"実績入力 ({plan.Key.PlanTitle})", $"/plans/{Uri.EscapeDataString(plan.Key.PlanCode)}/entry",
                    $"{department}が主管する事業 {led} 件の実績値を入力します。"));
        }
        return links;
    }
}

/// <summary>Registration of the work-item sources.</summary>
public static class WorkItemSourceRegistration
{
    /// <summary>
    /// Registers every concrete <see cref="IWorkItemSource"/> found in <paramref name="assemblies"/> (scoped, once each):
    /// modules add a source by writing the class, nothing else.
    /// </summary>
    public static IServiceCollection AddWorkItemSources(this IServiceCollection services, IEnumerable<Assembly> assemblies)
    {
        foreach (var type in assemblies.Distinct().SelectMany(SafeTypes))
        {
            if (type is { IsClass: true, IsAbstract: false } && !type.IsGenericTypeDefinition && typeof(IWorkItemSource).IsAssignableFrom(type))
                services.TryAddEnumerable(ServiceDescriptor.Scoped(typeof(IWorkItemSource), type));
        }
        return services;
    }

    private static IEnumerable<Type> SafeTypes(Assembly assembly)
    {
        try { return assembly.GetTypes(); }
        catch (ReflectionTypeLoadException e) { return e.Types.OfType<Type>(); }
    }
}
