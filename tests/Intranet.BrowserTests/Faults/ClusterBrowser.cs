using Intranet.BrowserTests.Infrastructure;
using Microsoft.Playwright;

namespace Intranet.BrowserTests.Faults;

/// <summary>
/// A headless Chromium signed in to the cluster that <c>infra/cluster.sh</c> started: the URL of its nginx from
/// <c>INTRANET_CLUSTER_URL</c>, the users from the file <c>INTRANET_CLUSTER_USERS</c> (e-mail TAB password TAB role per
/// line). Used by the fault drivers only.
/// </summary>
internal sealed class ClusterBrowser : IAsyncDisposable
{
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private ClusterBrowser(IPlaywright playwright, IBrowser browser, IBrowserContext context, IPage page) =>
        (_playwright, _browser, Context, Page) = (playwright, browser, context, page);

    /// <summary>The signed-in context (its cookies also serve <c>APIRequest</c> calls).</summary>
    public IBrowserContext Context { get; }

    /// <summary>The page, after sign-in.</summary>
    public IPage Page { get; }

    /// <summary>The value of a setting the drill script must give; fails the test with what is missing otherwise.</summary>
    public static string Setting(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{name} is not set: the fault drivers run from infra/faults/*.sh against a running cluster.");

    /// <summary>Launches Chromium and signs in as the cluster's user of <paramref name="role"/> (e.g. PlanOffice).</summary>
    public static async Task<ClusterBrowser> SignInAsync(string role, float defaultTimeoutMs)
    {
        var url = Setting("INTRANET_CLUSTER_URL");
        var user = File.ReadAllLines(Setting("INTRANET_CLUSTER_USERS")).Select(l => l.Split('\t')).Single(u => u.Length > 2 && u[2] == role);
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"],
        });
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = url, Locale = "ja-JP", TimezoneId = "Asia/Tokyo" });
        context.SetDefaultTimeout(defaultTimeoutMs);
        var page = await context.NewPageAsync();
        await Pages.LoginAsync(page, user[0], user[1]);
        return new ClusterBrowser(playwright, browser, context, page);
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
