using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Intranet.Host.Identity;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;

namespace Intranet.Host.Infrastructure;

/// <summary>
/// Web security settings of the host (docs/ops/security.md): security headers on every response, forwarded headers
/// trusted only from configured proxies, and the per-address rate limit of the login form. Allowed hosts are
/// ASP.NET Core's host filtering, configured by <c>AllowedHosts</c> (appsettings.json).
/// </summary>
public static class WebSecurity
{
    /// <summary>
    /// Registers the pieces. Configuration: <c>ForwardedHeaders:KnownProxies</c> (addresses) and
    /// <c>ForwardedHeaders:KnownNetworks</c> (CIDR, e.g. <c>10.1.2.0/24</c>), each a list (array or <c>;</c>-separated);
    /// none configured = loopback only (127.0.0.0/8 and ::1). <c>ForwardedHeaders:ForwardLimit</c> (default 1: one
    /// proxy in front). X-Forwarded-Host is accepted only for a host of <c>AllowedHosts</c>.
    /// </summary>
    public static void AddWebSecurity(IServiceCollection services, IConfiguration configuration, LoginProtectionSettings login)
    {
        // Outermost: even host filtering's 400 carries the headers.
        services.Insert(0, ServiceDescriptor.Transient<IStartupFilter, SecurityHeaders.StartupFilter>());

        var proxies = ReadList(configuration, "ForwardedHeaders:KnownProxies").Select(ParseAddress).ToList();
        var networks = ReadList(configuration, "ForwardedHeaders:KnownNetworks").Select(ParseNetwork).ToList();
        var allowedHosts = AllowedHosts(configuration);
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            o.ForwardLimit = configuration.GetValue("ForwardedHeaders:ForwardLimit", 1);
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            if (proxies.Count == 0 && networks.Count == 0)
            {
                o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse("127.0.0.0/8"));
                o.KnownProxies.Add(IPAddress.IPv6Loopback);
            }
            foreach (var proxy in proxies) o.KnownProxies.Add(proxy);
            foreach (var network in networks) o.KnownIPNetworks.Add(network);
            o.AllowedHosts = allowedHosts;
        });

        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => IsLoginPost(context)
                ? RateLimitPartition.GetFixedWindowLimiter(ClientKey(context), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = login.AddressPermitLimit, Window = login.AddressWindow, QueueLimit = 0, AutoReplenishment = true,
                })
                : RateLimitPartition.GetNoLimiter(""));
            o.OnRejected = async (context, cancellationToken) =>
            {
                var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
                    ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : (int)login.AddressWindow.TotalSeconds;
                var response = context.HttpContext.Response;
                response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                response.ContentType = "text/html; charset=utf-8";
                await response.WriteAsync(TooManyAttemptsPage(seconds), cancellationToken);
            };
        });
    }

    /// <summary>The Japanese page of a refused login POST (429); no script, the suite's stylesheet.</summary>
    public static string TooManyAttemptsPage(int seconds) => $"""
        <!DOCTYPE html>
        <html lang="ja">
        <head><meta charset="utf-8" /><meta name="viewport" content="width=device-width, initial-scale=1.0" />
        <title>ログインの試行が多すぎます - Intranet</title><link rel="stylesheet" href="/css/site.css" /></head>
        <body><main id="main" class="site-main">
        <h1>ログインの試行が多すぎます</h1>
        <p>この端末からのログインの試行が短い時間に続いたため、受け付けを一時的に止めています。{seconds}秒ほど待ってから、<a href="/account/login">ログイン画面</a>でもう一度お試しください。</p>
        </main></body></html>
        """;

    private static bool IsLoginPost(HttpContext context) =>
        HttpMethods.IsPost(context.Request.Method) && context.Request.Path.Equals("/account/login", StringComparison.OrdinalIgnoreCase);

    /// <summary>The client address after forwarded headers (a trusted proxy's X-Forwarded-For), IPv4-mapped addresses as IPv4.</summary>
    private static string ClientKey(HttpContext context) => context.Connection.RemoteIpAddress is { } a
        ? (a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a).ToString() : "-";

    /// <summary>The hosts of <c>AllowedHosts</c> (<c>;</c>-separated), empty when it is <c>*</c> or unset.</summary>
    public static List<string> AllowedHosts(IConfiguration configuration) =>
        (configuration["AllowedHosts"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Where(h => h != "*").ToList();

    private static IEnumerable<string> ReadList(IConfiguration configuration, string key)
    {
        var section = configuration.GetSection(key);
        var values = section.GetChildren().Select(c => c.Value).OfType<string>().ToList();
        if (section.Value is { } single) values.Add(single);
        return values.SelectMany(v => v.Split([';', ',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    private static IPAddress ParseAddress(string text) => IPAddress.TryParse(text, out var address)
        ? address : throw new InvalidOperationException($"ForwardedHeaders:KnownProxies の {text} はIPアドレスではありません。");

    private static System.Net.IPNetwork ParseNetwork(string text) => System.Net.IPNetwork.TryParse(text, out var network)
        ? network : throw new InvalidOperationException($"ForwardedHeaders:KnownNetworks の {text} はネットワーク (例: 10.1.2.0/24) ではありません。");
}
