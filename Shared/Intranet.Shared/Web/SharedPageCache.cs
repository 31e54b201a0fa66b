using System.Collections.Concurrent;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using Intranet.Shared.Security;
using Intranet.Shared.Time;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace Intranet.Shared.Web;

/// <summary>
/// Marks a prerendered page whose HTML is shared between signed-in users who hold the same roles and department
/// (<see cref="SharedPageCache"/>): the CIO dashboard, which a whole office opens on the same morning (issue #12).
/// A page may carry this only if nothing it shows depends on the user beyond their roles and department, except the
/// header's name (the layout's <see cref="SharedPageCache.UserNameSlot"/>) and the antiforgery tokens of its forms.
/// </summary>
/// <param name="versionSource">
/// An <see cref="IPageVersionSource"/> registered in DI whose value changes whenever anything the page shows changes
/// (e.g. the module schema's change stamp).
/// </param>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class SharedPageCacheAttribute(Type versionSource) : Attribute
{
    /// <summary>The <see cref="IPageVersionSource"/> type resolved from the request's services.</summary>
    public Type VersionSource { get; } = versionSource;
}

/// <summary>What a <see cref="SharedPageCacheAttribute"/> page's HTML depends on besides URL, roles, department and date.</summary>
public interface IPageVersionSource
{
    /// <summary>
    /// A value that differs after any write that changes what the page shows, read fresh on every request (e.g. one
    /// primary-key query for a change stamp), so a write on any host is seen by the next request on every host.
    /// </summary>
    Task<string> VersionAsync(CancellationToken ct);
}

/// <summary>
/// Serves a <see cref="SharedPageCacheAttribute"/> page from HTML rendered once per (path and query, enhanced navigation
/// or not, roles, department, <see cref="IPageVersionSource"/> version, today in Japan), for at most
/// <see cref="Lifetime"/>. Per user on every response: the header's display name (<see cref="UserNameSlot"/>) and the
/// antiforgery request token of the user's own antiforgery cookie. Left out of the stored copy: Blazor's persisted
/// component state (it carries the first user's antiforgery token for the circuit; the page loads its data again when
/// it becomes interactive). The interactive parts start from the stored component descriptors, which Blazor accepts
/// for <c>ServerComponentSerializationSettings.DataExpiration</c> (5 minutes) and checks per circuit, not per user.
/// </summary>
/// <remarks>
/// Only GET requests of signed-in users that passed authentication (the security stamp is checked on every request),
/// authorization and the must-change-password redirect reach it. A response is stored only when it is 200
/// <c>text/html</c>, and only when every antiforgery token in it is the request's own (otherwise it is sent as rendered
/// and not stored). One render per key at a time: requests that arrive during a render wait for it, then are served
/// the stored copy. Memory: at most <see cref="SizeLimitBytes"/> of HTML (oldest entries evicted first).
/// </remarks>
public sealed partial class SharedPageCache(TimeProvider clock, IAntiforgery antiforgery, ILogger<SharedPageCache> logger) : IDisposable
{
    /// <summary>What the layout renders instead of the user's name while a shared page is being captured.</summary>
    public const string UserNameSlot = "__intranet_shared_page_user_name__";

    private const string TokenSlot = "__intranet_shared_page_request_token__";
    private const string CapturingItem = "Intranet.SharedPageCache.Capturing";

    /// <summary>How long a stored page is served: well under the 5 minutes Blazor accepts its component descriptors.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);

    /// <summary>Most HTML kept at once (bytes, UTF-8).</summary>
    public const long SizeLimitBytes = 32L * 1024 * 1024;

    private readonly MemoryCache entries = new(new MemoryCacheOptions { SizeLimit = SizeLimitBytes });
    private readonly ConcurrentDictionary<string, Task> rendering = new();

    /// <summary>Whether <paramref name="context"/> renders a page to be shared (the layout then renders <see cref="UserNameSlot"/>).</summary>
    public static bool IsCapturing(HttpContext? context) => context?.Items.ContainsKey(CapturingItem) == true;

    /// <summary>The name the header shows for <paramref name="user"/>: the display name claim, else the user name.</summary>
    public static string DisplayName(ClaimsPrincipal user) => user.FindFirst(IntranetClaimTypes.DisplayName)?.Value ?? user.Identity?.Name ?? "";

    /// <summary>Response header (value <c>hit</c>) of a page served from a stored copy: for operators and tests.</summary>
    public const string HitHeader = "X-Intranet-Page-Cache";

    /// <summary>Number of responses served from a stored copy since start (diagnostics and tests).</summary>
    public long Hits => Interlocked.Read(ref hits);

    private long hits;

    /// <summary>The middleware: serves or captures pages that carry <see cref="SharedPageCacheAttribute"/>, passes on the rest.</summary>
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var page = context.GetEndpoint()?.Metadata.GetMetadata<SharedPageCacheAttribute>();
        if (page is null || !HttpMethods.IsGet(context.Request.Method) || context.User.Identity?.IsAuthenticated != true)
        {
            await next(context);
            return;
        }

        var source = (IPageVersionSource)context.RequestServices.GetRequiredService(page.VersionSource);
        var key = Key(context, await source.VersionAsync(context.RequestAborted));
        var token = antiforgery.GetAndStoreTokens(context).RequestToken ?? "";   // sets the user's antiforgery cookie if missing

        var stored = entries.Get<Entry>(key);
        if (stored is null && rendering.TryGetValue(key, out var inFlight)) stored = await AfterAsync(inFlight, key, context.RequestAborted);
        if (stored is not null)
        {
            Interlocked.Increment(ref hits);
            stored.SetHeaders(context.Response);
            context.Response.Headers[HitHeader] = "hit";
            await stored.WriteAsync(context, DisplayName(context.User), token);
            return;
        }

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (token.Length == 0 || !rendering.TryAdd(key, done.Task))
        {
            await next(context);   // no token to put in a slot, or another request renders this key right now: render alone
            return;
        }
        try
        {
            await CaptureAsync(context, next, key, token);
        }
        finally
        {
            rendering.TryRemove(key, out _);
            done.SetResult();
        }
    }

    /// <summary>The page stored by the render in flight, once it ends (at most 10 s later); null if it stored none.</summary>
    private async Task<Entry?> AfterAsync(Task inFlight, string key, CancellationToken ct)
    {
        try
        {
            await inFlight.WaitAsync(TimeSpan.FromSeconds(10), ct);
        }
        catch (TimeoutException)
        {
            return null;
        }
        return entries.Get<Entry>(key);
    }

    private async Task CaptureAsync(HttpContext context, RequestDelegate next, string key, string token)
    {
        var response = context.Response;
        var original = response.Body;
        using var buffer = new MemoryStream();
        context.Items[CapturingItem] = true;
        response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            response.Body = original;
            context.Items.Remove(CapturingItem);
        }

        var html = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length).Replace(token, TokenSlot, StringComparison.Ordinal);
        if (response.StatusCode == StatusCodes.Status200OK && html.Length > 0
            && response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
        {
            if (Shareable(html) is { } shared)
            {
                var entry = Entry.Parse(shared, response);
                entries.Set(key, entry, new MemoryCacheEntryOptions { Size = entry.Bytes, AbsoluteExpirationRelativeToNow = Lifetime });
            }
            else
            {
                logger.LogWarning("Page {Path} is not shared: a form in it carries an antiforgery token not of this request", context.Request.Path);
            }
        }
        // This user gets the page as rendered (with its persisted state), their name and token in the slots.
        await Entry.Parse(html, response).WriteAsync(context, DisplayName(context.User), token);
    }

    /// <summary>The HTML to store (the request's token already in its slot): the persisted state left out; null if another token remains.</summary>
    private static string? Shareable(string html)
    {
        var shared = PersistedState().Replace(html, "");
        foreach (Match m in TokenValue().Matches(shared))
            if (m.Groups[1].Value != TokenSlot) return null;
        return shared;
    }

    private string Key(HttpContext context, string version)
    {
        var user = context.User;
        var roles = user.FindAll(user.Identities.FirstOrDefault()?.RoleClaimType ?? ClaimTypes.Role).Select(c => c.Value).Order(StringComparer.Ordinal);
        var enhanced = context.Request.Headers.Accept.ToString().Contains("blazor-enhanced-nav", StringComparison.OrdinalIgnoreCase);
        return string.Join('\n', context.Request.Path.Value, context.Request.QueryString.Value, enhanced ? "enhanced" : "full",
            string.Join(',', roles), user.FindFirst(IntranetClaimTypes.Department)?.Value ?? "", version,
            clock.TodayInJapan().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
    }

    [GeneratedRegex("<!--Blazor-Server-Component-State:.*?-->", RegexOptions.Singleline)]
    private static partial Regex PersistedState();

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*?value=\"([^\"]*)\"")]
    private static partial Regex TokenValue();

    /// <inheritdoc />
    public void Dispose() => entries.Dispose();

    /// <summary>A stored page: UTF-8 pieces with a slot (name or token) after each but the last, and its headers.</summary>
    private sealed class Entry
    {
        private readonly List<(byte[] Bytes, string? Slot)> pieces = [];
        private readonly List<KeyValuePair<string, StringValues>> headers = [];

        public long Bytes { get; private set; }

        /// <summary>The headers a stored page is sent with; nothing per request or per user (cookies, request ids).</summary>
        private static readonly HashSet<string> Replayed = new(StringComparer.OrdinalIgnoreCase)
        {
            "Content-Type", "Content-Language", "Cache-Control", "Pragma", "Expires",
        };

        public static Entry Parse(string html, HttpResponse response)
        {
            var entry = new Entry();
            foreach (var header in response.Headers.Where(h => Replayed.Contains(h.Key))) entry.headers.Add(header);
            var at = 0;
            while (true)
            {
                var name = html.IndexOf(UserNameSlot, at, StringComparison.Ordinal);
                var token = html.IndexOf(TokenSlot, at, StringComparison.Ordinal);
                var next = name < 0 ? token : token < 0 ? name : Math.Min(name, token);
                if (next < 0)
                {
                    entry.Add(html[at..], null);
                    return entry;
                }
                var slot = next == name ? UserNameSlot : TokenSlot;
                entry.Add(html[at..next], slot);
                at = next + slot.Length;
            }
        }

        private void Add(string text, string? slot)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            pieces.Add((bytes, slot));
            Bytes += bytes.Length;
        }

        public void SetHeaders(HttpResponse response)
        {
            response.StatusCode = StatusCodes.Status200OK;
            foreach (var (name, value) in headers) response.Headers[name] = value;
        }

        public async Task WriteAsync(HttpContext context, string displayName, string token)
        {
            var response = context.Response;
            var name = Encoding.UTF8.GetBytes(HtmlEncoder.Default.Encode(displayName));
            var tokenBytes = Encoding.UTF8.GetBytes(token);   // base64url: nothing to encode
            response.ContentLength = pieces.Sum(p => p.Bytes.Length + (p.Slot == UserNameSlot ? name.Length : p.Slot == TokenSlot ? tokenBytes.Length : 0));
            foreach (var (bytes, slot) in pieces)
            {
                await response.Body.WriteAsync(bytes, context.RequestAborted);
                if (slot is not null) await response.Body.WriteAsync(slot == UserNameSlot ? name : tokenBytes, context.RequestAborted);
            }
        }
    }
}

/// <summary>Registration of <see cref="SharedPageCache"/>.</summary>
public static class SharedPageCacheRegistration
{
    /// <summary>Registers the cache (one per host).</summary>
    public static IServiceCollection AddSharedPageCache(this IServiceCollection services) => services.AddSingleton<SharedPageCache>();

    /// <summary>Adds the middleware: after authentication, authorization and antiforgery, before the endpoints.</summary>
    public static IApplicationBuilder UseSharedPageCache(this IApplicationBuilder app)
    {
        var cache = app.ApplicationServices.GetRequiredService<SharedPageCache>();
        return app.Use(next => context => cache.InvokeAsync(context, next));
    }
}
