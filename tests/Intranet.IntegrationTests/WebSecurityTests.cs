using System.Diagnostics;
using System.Net;
using Intranet.Host.Infrastructure;
using Intranet.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Intranet.IntegrationTests;

/// <summary>
/// Security headers on every response, allowed hosts, forwarded headers only from configured proxies, the per-address
/// rate limit of the login form, a per-(account, address) lock that one address cannot turn against everyone, and
/// equal answers (text and cost) for unknown and real accounts. Real host over HTTP (SQLite: nothing here depends on
/// the database provider). The test server has no network peer, so a test header sets each request's client address.
/// </summary>
public sealed class WebSecurityTests
{
    private const string ClientHeader = "X-Test-Client-Address";
    private const string WrongMessage = "メールアドレスまたはパスワードが正しくありません。";
    private const string LockedPhrase = "一時的にロックされています";

    /// <summary>Sets the connection's remote address from <see cref="ClientHeader"/> (before the app's pipeline).</summary>
    private sealed class ClientAddressFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (context.Request.Headers.TryGetValue(ClientHeader, out var value)) context.Connection.RemoteIpAddress = IPAddress.Parse(value!);
                return nextMiddleware(context);
            });
            next(app);
        };
    }

    private static IntranetApp NewApp() => new(Db.Sqlite, s => s.AddTransient<IStartupFilter, ClientAddressFilter>());

    private static HttpClient ClientFrom(IntranetApp app, string address)
    {
        var client = app.NewClient();
        client.DefaultRequestHeaders.Add(ClientHeader, address);
        return client;
    }

    private static void AssertSecurityHeaders(HttpResponseMessage response, string what)
    {
        string Header(string name) =>
            response.Headers.TryGetValues(name, out var v) ? string.Join(",", v)
            : response.Content.Headers.TryGetValues(name, out var c) ? string.Join(",", c)
            : throw new Xunit.Sdk.XunitException($"{what}: no {name} header (status {(int)response.StatusCode})");
        var csp = Header("Content-Security-Policy");
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("script-src 'self';", csp);
        Assert.Contains("connect-src 'self'", csp);
        Assert.Contains("object-src 'none'", csp);
        Assert.Equal("DENY", Header("X-Frame-Options"));
        Assert.Equal("nosniff", Header("X-Content-Type-Options"));
        Assert.Equal("same-origin", Header("Referrer-Policy"));
        Assert.Contains("camera=()", Header("Permissions-Policy"));
    }

    private static bool HasHsts(HttpResponseMessage response) => response.Headers.Contains("Strict-Transport-Security");

    [Fact]
    public async Task Every_response_carries_the_security_headers_and_HSTS_only_over_https()
    {
        using var app = NewApp();
        var anonymous = ClientFrom(app, "192.0.2.10");
        AssertSecurityHeaders(await anonymous.GetAsync("/account/login"), "login page");
        AssertSecurityHeaders(await anonymous.GetAsync("/css/site.css"), "static file");
        AssertSecurityHeaders(await anonymous.GetAsync("/plans"), "redirect to login");
        AssertSecurityHeaders(await anonymous.GetAsync("/health/ready"), "health");

        var viewer = await app.SignedInAsync("Viewer");
        AssertSecurityHeaders(await viewer.GetAsync("/plans"), "page");
        var download = await viewer.GetAsync("/plans/hadano-ict-2021/kpis.csv");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        AssertSecurityHeaders(download, "download");
        var missing = await viewer.GetAsync("/no-such-page");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        AssertSecurityHeaders(missing, "404 page");
        var forbidden = await viewer.GetAsync("/admin/users");
        AssertSecurityHeaders(forbidden, "access denied");

        using var evil = new HttpRequestMessage(HttpMethod.Get, "/account/login");
        evil.Headers.Host = "evil.example";
        var refused = await anonymous.SendAsync(evil);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        AssertSecurityHeaders(refused, "host refused");

        // Plain HTTP: no HSTS. HTTPS as told by the proxy on loopback: HSTS. The same claim from elsewhere: ignored.
        Assert.False(HasHsts(await anonymous.GetAsync("/account/login")));
        using var viaProxy = new HttpRequestMessage(HttpMethod.Get, "/account/login");
        viaProxy.Headers.Add("X-Forwarded-Proto", "https");
        viaProxy.Headers.Add("X-Forwarded-For", "192.0.2.44");
        var proxied = await ClientFrom(app, "127.0.0.1").SendAsync(viaProxy);
        Assert.True(HasHsts(proxied));
        Assert.Equal("max-age=31536000", string.Join(",", proxied.Headers.GetValues("Strict-Transport-Security")));
        using var spoofed = new HttpRequestMessage(HttpMethod.Get, "/account/login");
        spoofed.Headers.Add("X-Forwarded-Proto", "https");
        Assert.False(HasHsts(await anonymous.SendAsync(spoofed)));
    }

    [Fact]
    public async Task Unknown_hosts_are_refused_and_login_never_redirects_off_site()
    {
        using var app = NewApp();
        await app.CreateUserAsync("hosts@example.jp", "hosts-password-2026", "Viewer");
        var client = ClientFrom(app, "192.0.2.20");
        var page = await client.GetStringAsync("/account/login");

        using var evilPost = new HttpRequestMessage(HttpMethod.Post, "/account/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["_handler"] = "login", ["__RequestVerificationToken"] = HttpClientForms.Token(page),
                ["Input.Email"] = "hosts@example.jp", ["Input.Password"] = "hosts-password-2026",
            }),
        };
        evilPost.Headers.Host = "evil.example";
        Assert.Equal(HttpStatusCode.BadRequest, (await client.SendAsync(evilPost)).StatusCode);

        // A known proxy's X-Forwarded-Host is honoured only for an allowed host.
        using var forwardedEvil = new HttpRequestMessage(HttpMethod.Get, "/plans");
        forwardedEvil.Headers.Add("X-Forwarded-Host", "evil.example");
        var redirect = await ClientFrom(app, "127.0.0.1").SendAsync(forwardedEvil);
        Assert.DoesNotContain("evil.example", redirect.Headers.Location?.ToString() ?? "");

        foreach (var returnUrl in new[] { "//evil.example/dashboard", "http://evil.example/dashboard", "/\\evil.example" })
        {
            var login = await app.NewClient().PostFormAsync("/account/login?ReturnUrl=" + Uri.EscapeDataString(returnUrl), "login",
                new Dictionary<string, string> { ["Input.Email"] = "hosts@example.jp", ["Input.Password"] = "hosts-password-2026" });
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
            var location = login.Headers.Location!;
            Assert.True(!location.IsAbsoluteUri || location.Host == "localhost", $"{returnUrl} → {location}");
            Assert.Equal("/", login.LocationPath());
        }
    }

    [Fact]
    public async Task Login_posts_are_rate_limited_per_client_address_with_a_japanese_page()
    {
        using var app = NewApp();
        var attacker = ClientFrom(app, "192.0.2.30");
        for (var i = 0; i < 10; i++)
        {
            var tried = await attacker.LoginAsync($"nobody{i}@example.jp", "wrong-password-1");
            Assert.Equal(HttpStatusCode.OK, tried.StatusCode);
        }
        var refused = await attacker.LoginAsync("nobody@example.jp", "wrong-password-1");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var retryAfter = int.Parse(refused.Headers.GetValues("Retry-After").Single());
        Assert.InRange(retryAfter, 1, 60);
        var body = await refused.Content.ReadAsStringAsync();
        Assert.Contains("ログインの試行が多すぎます", body);
        Assert.Contains("lang=\"ja\"", body);
        AssertSecurityHeaders(refused, "429");
        Assert.Equal(HttpStatusCode.OK, (await attacker.GetAsync("/account/login")).StatusCode);     // only POSTs count

        // Another address is not affected.
        Assert.Equal(HttpStatusCode.OK, (await ClientFrom(app, "192.0.2.31").LoginAsync("nobody@example.jp", "wrong-password-1")).StatusCode);

        // Behind the proxy on loopback, each client is limited on its own forwarded address...
        var proxy = ClientFrom(app, "127.0.0.1");
        async Task<HttpStatusCode> ViaProxyAsync(string client)
        {
            var page = await proxy.GetStringAsync("/account/login");
            using var post = new HttpRequestMessage(HttpMethod.Post, "/account/login")
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["_handler"] = "login", ["__RequestVerificationToken"] = HttpClientForms.Token(page),
                    ["Input.Email"] = "nobody@example.jp", ["Input.Password"] = "wrong-password-1",
                }),
            };
            post.Headers.Add("X-Forwarded-For", client);
            return (await proxy.SendAsync(post)).StatusCode;
        }
        for (var i = 0; i < 10; i++) Assert.Equal(HttpStatusCode.OK, await ViaProxyAsync("198.51.100.1"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await ViaProxyAsync("198.51.100.1"));
        Assert.Equal(HttpStatusCode.OK, await ViaProxyAsync("198.51.100.2"));

        // ...while a client that is not a configured proxy cannot escape its limit by inventing X-Forwarded-For.
        var direct = ClientFrom(app, "192.0.2.32");
        for (var i = 0; i < 11; i++)
        {
            var page = await direct.GetStringAsync("/account/login");
            using var post = new HttpRequestMessage(HttpMethod.Post, "/account/login")
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["_handler"] = "login", ["__RequestVerificationToken"] = HttpClientForms.Token(page),
                    ["Input.Email"] = "nobody@example.jp", ["Input.Password"] = "wrong-password-1",
                }),
            };
            post.Headers.Add("X-Forwarded-For", $"203.0.113.{i + 1}");
            var status = (await direct.SendAsync(post)).StatusCode;
            Assert.Equal(i < 10 ? HttpStatusCode.OK : HttpStatusCode.TooManyRequests, status);
        }
    }

    [Fact]
    public async Task Configured_proxies_replace_loopback()
    {
        using var root = NewApp();
        using var app = root.WithWebHostBuilder(b => b.UseSetting("ForwardedHeaders:KnownProxies:0", "10.20.30.40"));
        static HttpRequestMessage ProxiedHttps()
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/account/login");
            request.Headers.Add("X-Forwarded-Proto", "https");
            request.Headers.Add("X-Forwarded-For", "192.0.2.50");
            return request;
        }
        HttpClient From(string address)
        {
            var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
            client.DefaultRequestHeaders.Add(ClientHeader, address);
            return client;
        }
        using (var r = ProxiedHttps()) Assert.True(HasHsts(await From("10.20.30.40").SendAsync(r)));
        using (var r = ProxiedHttps()) Assert.False(HasHsts(await From("127.0.0.1").SendAsync(r)));
    }

    [Fact]
    public async Task One_address_cannot_lock_an_account_for_everyone_and_unknown_accounts_answer_alike()
    {
        using var app = NewApp();
        await app.CreateUserAsync("victim@example.jp", "victim-password-2026", "Viewer");
        var attacker = ClientFrom(app, "192.0.2.60");
        for (var i = 0; i < 4; i++)
            Assert.Contains(WrongMessage, await (await attacker.LoginAsync("victim@example.jp", "guess-" + i)).Content.ReadAsStringAsync());
        Assert.Contains(LockedPhrase, await (await attacker.LoginAsync("victim@example.jp", "guess-4")).Content.ReadAsStringAsync());
        // Locked for the attacker's address even with the right password...
        Assert.Contains(LockedPhrase, await (await attacker.LoginAsync("victim@example.jp", "victim-password-2026")).Content.ReadAsStringAsync());
        // ...but the user at their own desk signs in.
        Assert.Equal(HttpStatusCode.Redirect, (await ClientFrom(app, "192.0.2.61").LoginAsync("victim@example.jp", "victim-password-2026")).StatusCode);

        // An unknown account answers exactly the same: the wrong-password message, then the lock after five tries.
        attacker = ClientFrom(app, "192.0.2.62");    // (a new address: the first one has used its 10 tries a minute)
        for (var i = 0; i < 4; i++)
            Assert.Contains(WrongMessage, await (await attacker.LoginAsync("ghost@example.jp", "guess-" + i)).Content.ReadAsStringAsync());
        Assert.Contains(LockedPhrase, await (await attacker.LoginAsync("ghost@example.jp", "guess-4")).Content.ReadAsStringAsync());

        // The lock of a pair ends after 15 minutes.
        app.Clock.Now += TimeSpan.FromMinutes(16);
        Assert.Equal(HttpStatusCode.Redirect, (await ClientFrom(app, "192.0.2.60").LoginAsync("victim@example.jp", "victim-password-2026")).StatusCode);
    }

    [Fact]
    public async Task Many_addresses_together_lock_the_account_at_the_per_account_ceiling()
    {
        using var app = NewApp();
        await app.CreateUserAsync("target@example.jp", "target-password-2026", "Viewer");
        // 10 addresses × 5 wrong passwords = 50 failures in a row: the per-account ceiling.
        for (var a = 1; a <= 10; a++)
        {
            var client = ClientFrom(app, $"198.51.100.{a}");
            for (var i = 0; i < 5; i++) await client.LoginAsync("target@example.jp", $"guess-{a}-{i}");
        }
        var owner = await ClientFrom(app, "192.0.2.70").LoginAsync("target@example.jp", "target-password-2026");
        Assert.Equal(HttpStatusCode.OK, owner.StatusCode);
        Assert.Contains(LockedPhrase, await owner.Content.ReadAsStringAsync());
        // Identity's lockout (15 minutes, in the database, every host) is lifted early by an administrator's enable-user.
        await app.SendAsAsync(new Intranet.Host.Identity.EnableUser("target@example.jp"), "Administrator");
        Assert.Equal(HttpStatusCode.Redirect, (await ClientFrom(app, "192.0.2.70").LoginAsync("target@example.jp", "target-password-2026")).StatusCode);
    }

    [Fact]
    public async Task An_unknown_account_costs_about_what_a_wrong_password_costs()
    {
        using var app = NewApp();
        await app.CreateUserAsync("timing@example.jp", "timing-password-2026", "Viewer");
        var address = 0;
        async Task<double> TimeAsync(string email)
        {
            var client = ClientFrom(app, $"198.51.100.{++address}");
            var page = await client.GetStringAsync("/account/login");
            var content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["_handler"] = "login", ["__RequestVerificationToken"] = HttpClientForms.Token(page),
                ["Input.Email"] = email, ["Input.Password"] = "not-the-password-1",
            });
            var started = Stopwatch.GetTimestamp();
            var response = await client.PostAsync("/account/login", content);
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            Assert.Contains(WrongMessage, await response.Content.ReadAsStringAsync());
            return elapsed;
        }
        await TimeAsync("timing@example.jp");          // warm both paths
        await TimeAsync("unknown@example.jp");
        var known = new List<double>();
        var unknown = new List<double>();
        for (var i = 0; i < 7; i++)
        {
            known.Add(await TimeAsync("timing@example.jp"));
            unknown.Add(await TimeAsync($"unknown{i}@example.jp"));
        }
        static double Median(List<double> xs) => xs.Order().ElementAt(xs.Count / 2);
        Assert.True(Median(unknown) >= 0.5 * Median(known),
            $"unknown accounts answer in {Median(unknown):0.0} ms, real ones in {Median(known):0.0} ms (medians of 7)");
    }
}
