using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Playwright;

namespace Intranet.BrowserTests.Infrastructure;

/// <summary>
/// One running host per test class: <c>dotnet Intranet.Host.dll --urls http://127.0.0.1:PORT</c> in Production
/// on a fresh data folder (SQLite), plus a headless Debian Chromium driven by Playwright. Disposing kills the
/// host's process tree and deletes the data folder.
/// </summary>
public sealed class IntranetHostFixture : IAsyncLifetime
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private readonly StringBuilder _log = new();
    private Process? _host;
    private IPlaywright? _playwright;

    /// <summary>The folder holding the published host.</summary>
    public string HostDirectory { get; private set; } = "";

    /// <summary>The host's data folder (Intranet__DataDirectory).</summary>
    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "intranet-browsertests-data-" + Guid.NewGuid().ToString("N")[..12]);

    /// <summary>e.g. http://127.0.0.1:43123 (no trailing slash).</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>The shared headless browser; open one context per test with <see cref="NewPageAsync"/>.</summary>
    public IBrowser Browser { get; private set; } = default!;

    /// <summary>What the host has printed so far (for failure messages).</summary>
    public string HostLog
    {
        get { lock (_log) return _log.ToString(); }
    }

    public async Task InitializeAsync()
    {
        try
        {
            await StartAsync();
        }
        catch
        {
            // xunit may not dispose a fixture whose start failed: leave no host process or data folder behind.
            await DisposeAsync();
            throw;
        }
    }

    private async Task StartAsync()
    {
        HostDirectory = await HostBinaries.GetHostDirectoryAsync();
        Directory.CreateDirectory(DataDirectory);
        var port = FreePort();
        BaseUrl = $"http://127.0.0.1:{port}";

        var psi = HostStartInfo("--urls", BaseUrl);
        _host = new Process { StartInfo = psi, EnableRaisingEvents = true };
        _host.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.AppendLine(e.Data); };
        _host.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.AppendLine("[stderr] " + e.Data); };
        _host.Start();
        _host.BeginOutputReadLine();
        _host.BeginErrorReadLine();
        await WaitUntilReadyAsync();

        // Playwright's 5 s default for expectations is one Blazor round trip plus a GC pause on a loaded 2-core CI machine;
        // an expectation that holds returns as soon as it does, so only a failing one waits the longer time.
        Assertions.SetDefaultExpectTimeout(15_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>A page in a new browser context (own cookies), Japanese locale, 1280 px wide, on <see cref="BaseUrl"/>.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl,
            Locale = "ja-JP",
            TimezoneId = "Asia/Tokyo",
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    /// <summary>The first administrator's e-mail and password from &lt;DataDirectory&gt;/initial-admin-password.txt.</summary>
    public (string Email, string Password) ReadInitialAdministrator()
    {
        var path = Path.Combine(DataDirectory, "initial-admin-password.txt");
        Assert.True(File.Exists(path), $"{path} was not written by the host.\n{HostLog}");
        var lines = File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        Assert.True(lines.Length >= 2, $"{path} should hold the e-mail on line 1 and the password on line 2.");
        return (lines[0], lines[1]);
    }

    /// <summary>
    /// Runs a browser scenario; when it fails, writes to <paramref name="output"/> the host's log (server errors show only
    /// there), saves a screenshot of every open page (<c>failure-N.png</c>, see <see cref="Pages.SaveScreenshotAsync"/>),
    /// and ends with the failure's message, because CI shows the tail of a failed test's output.
    /// </summary>
    public async Task RunScenarioAsync(ITestOutputHelper output, Func<Task> scenario)
    {
        try
        {
            await scenario();
        }
        catch (Exception failure)
        {
            output.WriteLine("--- host output ---");
            output.WriteLine(HostLog);
            var n = 0;
            foreach (var page in Browser.Contexts.SelectMany(c => c.Pages).Where(p => !p.IsClosed))
            {
                try
                {
                    foreach (var path in await Pages.SaveScreenshotAsync(page, $"failure-{++n}.png"))
                        output.WriteLine($"screenshot of {page.Url}: {path}");
                }
                catch (PlaywrightException e) { output.WriteLine($"no screenshot of {page.Url}: {e.Message}"); }
            }
            output.WriteLine("--- failure ---");
            output.WriteLine(failure.GetType().Name + ": " + failure.Message);
            throw;
        }
    }

    /// <summary>Runs an admin verb of the host (<c>dotnet Intranet.Host.dll VERB …</c>) on the same data folder; asserts exit 0.</summary>
    public async Task<string> RunCliAsync(params string[] args)
    {
        var (exitCode, output) = await ProcessRunner.RunAsync(HostStartInfo(args), TimeSpan.FromSeconds(90));
        Assert.True(exitCode == 0, $"`Intranet.Host {string.Join(' ', args)}` exited {exitCode}:\n{output}");
        return output;
    }

    /// <summary>Creates a user through the CLI (<c>create-user</c>).</summary>
    public Task<string> CreateUserAsync(string email, string password, string role, string? department = null)
    {
        var args = new List<string> { "create-user", "--email", email, "--password", password, "--role", role };
        if (department is not null) args.AddRange(["--department", department]);
        return RunCliAsync([.. args]);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        Browser = null!;
        _playwright?.Dispose();
        _playwright = null;
        if (_host is not null)
        {
            try
            {
                if (!_host.HasExited) _host.Kill(entireProcessTree: true);
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                await _host.WaitForExitAsync(wait.Token);
            }
            catch (Exception e) when (e is InvalidOperationException or OperationCanceledException) { }
            _host.Dispose();
            _host = null;
        }
        HostBinaries.TryDeleteDirectory(DataDirectory);
    }

    private ProcessStartInfo HostStartInfo(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = HostDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(HostDirectory, HostBinaries.HostDllName));
        foreach (var a in args) psi.ArgumentList.Add(a);
        // Only the settings the test means: drop any database or URL settings the developer's shell may carry.
        foreach (var key in psi.Environment.Keys.Where(k =>
                     k.StartsWith("Intranet__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("Database__", StringComparison.OrdinalIgnoreCase)
                     || k.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
                     || k.StartsWith("DOTNET_ENVIRONMENT", StringComparison.OrdinalIgnoreCase)).ToList())
            psi.Environment.Remove(key);
        psi.Environment["Intranet__DataDirectory"] = DataDirectory;
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        return psi;
    }

    private async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + ReadyTimeout;
        string last = "no answer yet";
        while (DateTime.UtcNow < deadline)
        {
            if (_host!.HasExited)
                throw new InvalidOperationException($"The host exited with code {_host.ExitCode} before /health/ready answered 200.\n{HostLog}");
            try
            {
                using var response = await http.GetAsync(BaseUrl + "/health/ready");
                if (response.StatusCode == HttpStatusCode.OK) return;
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e.Message;
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"GET {BaseUrl}/health/ready did not answer 200 within {ReadyTimeout.TotalSeconds:0} s (last: {last}).\n" +
                                   $"Host output:\n{HostLog}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
