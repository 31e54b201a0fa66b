using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;

// Opens N interactive sessions of one page in Chromium (one browser, one signed-in context, N tabs), waits until each
// is interactive (the page's <PageReady /> marker, as the browser tests do), then reads the host's resident memory.
//
//   dotnet Intranet.Bench.Sessions.dll --url http://127.0.0.1:PORT --path '/dashboard?fy=2023' --cookie 'A=…; B=…'
//       --pid HOST_PID [--sessions 300] [--batch 10] [--chromium /usr/bin/chromium]
//
// Prints one line: "SESSIONS <interactive> <requested> <host VmRSS KB> <host VmHWM KB> <seconds>", and on standard error
// one line per batch of tabs: "batch <first tab> <interactive>/<tabs> <slowest seconds>", so a run that misses tabs shows
// whether they timed out early (a cold host) or late (the machine filling up). Tabs share a few renderer processes
// (--renderer-process-limit), so 300 tabs fit on the machine; every wait is bounded (60 s a tab).
var a = Args.Parse(args);
var watch = Stopwatch.StartNew();
using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new()
{
    ExecutablePath = a.Chromium, Headless = true,
    Args = ["--renderer-process-limit=4", "--disable-gpu", "--no-sandbox", "--disable-dev-shm-usage", "--disable-extensions", "--mute-audio"],
});
var context = await browser.NewContextAsync();
var uri = new Uri(a.Url);
await context.AddCookiesAsync(a.Cookie.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
    .Select(c => c.Split('=', 2)).Select(p => new Cookie { Name = p[0], Value = p[1], Domain = uri.Host, Path = "/" }));
var interactive = 0;
var pages = new List<IPage>();
for (var start = 0; start < a.Sessions; start += a.Batch)
{
    var batchWatch = Stopwatch.StartNew();
    var before = interactive;
    var tabs = Math.Min(a.Batch, a.Sessions - start);
    var batch = Enumerable.Range(start, tabs).Select(async _ =>
    {
        var page = await context.NewPageAsync();
        lock (pages) pages.Add(page);
        try
        {
            await page.GotoAsync(a.Url + a.Path, new() { Timeout = 60_000 });
            await page.Locator("[data-page-ready]").First.WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 60_000 });
            Interlocked.Increment(ref interactive);
        }
        catch (Exception e) when (e is TimeoutException or PlaywrightException)
        {
            await Console.Error.WriteLineAsync($"session {start}: {e.Message.Split('\n')[0]}");
        }
    });
    await Task.WhenAll(batch);
    await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
        $"batch {start} {interactive - before}/{tabs} {batchWatch.Elapsed.TotalSeconds:F1}"));
}
// Let the host settle (render batches acknowledged, a collection or two) before reading its memory.
await Task.Delay(TimeSpan.FromSeconds(5));
var (rss, hwm) = Memory(a.Pid);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"SESSIONS {interactive} {a.Sessions} {rss} {hwm} {watch.Elapsed.TotalSeconds:F0}"));
foreach (var page in pages) await page.CloseAsync();
return interactive == a.Sessions ? 0 : 1;

static (long Rss, long Hwm) Memory(int pid)
{
    long Read(string key) => File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith(key, StringComparison.Ordinal))
        .Select(l => long.Parse(l[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture)).FirstOrDefault();
    return (Read("VmRSS:"), Read("VmHWM:"));
}

internal sealed record Args(string Url, string Path, string Cookie, int Pid, int Sessions, int Batch, string Chromium)
{
    public static Args Parse(string[] args)
    {
        var o = new Dictionary<string, string>();
        for (var i = 0; i + 1 < args.Length; i += 2) o[args[i].TrimStart('-')] = args[i + 1];
        string Need(string name) => o.TryGetValue(name, out var v) ? v : throw new ArgumentException($"--{name} is required");
        int Int(string name, int fallback) => o.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        return new Args(Need("url").TrimEnd('/'), o.GetValueOrDefault("path", "/dashboard"), Need("cookie"), Int("pid", 0),
            Int("sessions", 300), Math.Max(1, Int("batch", 10)), o.GetValueOrDefault("chromium", "/usr/bin/chromium"));
    }
}
