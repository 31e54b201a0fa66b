using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Intranet.Modules.PlanKpi.UseCases;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.Logging;

namespace Intranet.Modules.PlanKpi.Pages.Shared;

/// <summary>
/// Issue #12 (the dashboard at hundreds of users): the prerendered HTML of a chart on the dashboard's first screen, drawn
/// once per cached <see cref="PlanSnapshot"/> and key (year, filter …) and reused by every prerender of the page. A
/// Radzen chart is the costliest part of the prerender (scales, series, axes: about a fifth of the request's CPU); its
/// HTML depends only on the figures, which live in the snapshot. Entries hang off the snapshot object
/// (a <see cref="ConditionalWeakTable{TKey,TValue}"/>), so they go with it when a write on any host replaces the snapshot
/// (<see cref="PlanKpiReadCache"/>). Used only while prerendering: once the page is interactive the live chart (tooltips,
/// clicks) is rendered instead.
/// </summary>
/// <remarks>Registered scoped (<see cref="PlanKpiModule"/>): it draws with the request's services, as the prerender does;
/// the kept HTML is shared by every request. Pages inject it (allowed by the page architecture test: HTML, no data).</remarks>
public sealed class PrerenderedMarkup(IServiceProvider services)
{
    private static readonly ConditionalWeakTable<PlanSnapshot, ConcurrentDictionary<string, MarkupString>> Cache = new();

    /// <summary>At most this many keys per snapshot (year × filter combinations); beyond it the markup is drawn, not kept.</summary>
    public const int MaxKeysPerSnapshot = 256;

    /// <summary>
    /// The HTML of <typeparamref name="TComponent"/> with <paramref name="parameters"/>, from the cache of
    /// <paramref name="snapshot"/> under <paramref name="key"/>, else rendered with <see cref="HtmlRenderer"/> and kept.
    /// </summary>
    /// <param name="snapshot">The cached snapshot the figures come from (its identity is the cache's generation).</param>
    /// <param name="key">Everything besides the snapshot the HTML depends on, e.g. <c>status|2023|policy=2</c>.</param>
    /// <param name="parameters">The component's parameters.</param>
    public async Task<MarkupString> GetAsync<TComponent>(PlanSnapshot snapshot, string key, IDictionary<string, object?> parameters)
        where TComponent : IComponent
    {
        var entries = Cache.GetValue(snapshot, _ => new ConcurrentDictionary<string, MarkupString>(StringComparer.Ordinal));
        if (entries.TryGetValue(key, out var hit)) return hit;
        await using var renderer = new HtmlRenderer(services, services.GetService(typeof(ILoggerFactory)) as ILoggerFactory
                                                              ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        var html = await renderer.Dispatcher.InvokeAsync(async () =>
            (await renderer.RenderComponentAsync<TComponent>(ParameterView.FromDictionary(parameters))).ToHtmlString());
        var markup = new MarkupString(html);
        if (entries.Count < MaxKeysPerSnapshot) entries.TryAdd(key, markup);
        return markup;
    }
}
