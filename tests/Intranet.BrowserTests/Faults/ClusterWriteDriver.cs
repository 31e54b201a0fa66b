using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Intranet.BrowserTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Intranet.BrowserTests.Faults;

/// <summary>
/// The user side of the fault scripts (<c>infra/faults/*.sh</c>): a plan-office user enters actuals on the 実績入力 grid
/// through nginx, one indicator at a time, for a bounded time, while the script kills hosts. Every save the page
/// confirmed (「保存しました」) is journaled; a save cut off by a dying host is retried on a reloaded page (the browser
/// reconnects to another host). At the end every confirmed value must be in the database, read back through the suite's
/// KPI export. Not part of the normal test run (<c>Category=Fault</c> is filtered out by <c>infra/test.sh</c>): it needs
/// a running cluster, given by the script in the environment:
/// the cluster (see <see cref="ClusterBrowser"/>), <c>INTRANET_FAULT_STOP_FILE</c> (write until this file exists, at most
/// 600 s) or <c>INTRANET_FAULT_SECONDS</c> (how long to write, default 60), <c>INTRANET_FAULT_REPORT</c> (JSON report for
/// the script: saves with their times, interruptions, lost entries).
/// </summary>
[Trait("Category", "Fault")]
public sealed class ClusterWriteDriver(ITestOutputHelper output)
{
    private const int FiscalYear = 2025;

    [Fact]
    public async Task Confirmed_entries_survive_hosts_dying_under_the_user()
    {
        var seconds = int.TryParse(Environment.GetEnvironmentVariable("INTRANET_FAULT_SECONDS"), out var s) ? Math.Clamp(s, 5, 600) : 60;
        var stopFile = Environment.GetEnvironmentVariable("INTRANET_FAULT_STOP_FILE");
        await using var browser = await ClusterBrowser.SignInAsync("PlanOffice", 15_000);
        var (context, page) = (browser.Context, browser.Page);

        var before = await ActualsAsync(context);
        var entryUrl = $"/plans/{Pages.PlanCode}/entry?fy={FiscalYear}";
        var saves = new List<Save>();
        var attempts = new List<Save>();   // every value sent, confirmed or cut off
        var interruptions = new List<Interruption>();
        var clock = Stopwatch.StartNew();
        var next = 0;
        IReadOnlyList<string> codes = [];
        var reload = true;
        // Bounded: until the script's stop file appears (else the time given), at most 600 s and 2,000 attempts.
        bool Done() => stopFile is { Length: > 0 } ? File.Exists(stopFile) || clock.Elapsed.TotalSeconds > 600 : clock.Elapsed.TotalSeconds > seconds;
        for (var attempt = 0; attempt < 2000 && !Done(); attempt++)
        {
            try
            {
                if (reload)
                {
                    await page.GotoAsync(entryUrl, new() { Timeout = 30_000 });
                    await Pages.WaitForEntryGridAsync(page, FiscalYear);
                    codes = await page.Locator("input.entry-value[data-indicator]:not([disabled]):not([readonly])")
                        .EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.indicator)");
                    Assert.NotEmpty(codes);
                    reload = false;
                }
                var code = codes[next % codes.Count];
                var value = NextValue(before.GetValueOrDefault(code), next);
                attempts.Add(new Save(code, value, DateTimeOffset.UtcNow));
                await Pages.FillEntryRowAsync(page, code, value.ToString(CultureInfo.InvariantCulture));
                // The circuit took the value (「すべて保存 (1件)」) before the save is clicked; on a dead circuit this times out.
                var save = page.Locator("#entry-save");
                await Expect(save).ToHaveTextAsync("すべて保存 (1件)", new() { Timeout = 15_000 });
                await save.ClickAsync();
                // Saved: nothing left to save. Refused: the page lists the errors.
                var outcome = await page.WaitForFunctionAsync(
                    "() => document.querySelector('#entry-errors') ? 'refused' : document.querySelector('#entry-save')?.textContent.trim() === 'すべて保存' ? 'saved' : null",
                    null, new() { Timeout = 15_000 });
                if (await outcome.JsonValueAsync<string>() == "saved")
                {
                    saves.Add(new Save(code, value, DateTimeOffset.UtcNow));
                    before[code] = value;
                }
                else
                {
                    output.WriteLine($"{code}: refused by the rules ({await page.Locator("#entry-errors").InnerTextAsync()}); skipped");
                    reload = true;
                }
                next++;
                if (next % codes.Count == 0) reload = true;
            }
            catch (Exception e) when (e is TimeoutException or PlaywrightException)
            {
                // The host under this browser died (or the circuit was cut): reload, which reaches another host.
                interruptions.Add(new Interruption(DateTimeOffset.UtcNow, e.Message.Split('\n')[0]));
                output.WriteLine($"interrupted at {clock.Elapsed.TotalSeconds:0.0} s: {e.Message.Split('\n')[0]}");
                reload = true;
                next++;   // the cut-off value may or may not have been committed: never count it, move on
                await Task.Delay(500);
            }
        }

        var after = await ActualsAsync(context);
        // A confirmed value is lost when the cell holds neither it nor a value sent to that cell after it (a save cut off
        // by a dying host may or may not have been committed).
        var lost = saves.GroupBy(x => x.Code).Select(g => g.Last())
            .Where(x => after.GetValueOrDefault(x.Code) is var stored && stored != x.Value
                        && !attempts.Any(a => a.Code == x.Code && a.At > x.At && a.Value == stored))
            .Select(x => $"{x.Code}: confirmed {x.Value}, stored {after.GetValueOrDefault(x.Code)?.ToString(CultureInfo.InvariantCulture) ?? "nothing"}")
            .ToList();
        var report = new JsonObject
        {
            ["saves"] = new JsonArray(saves.Select(x => (JsonNode)new JsonObject { ["code"] = x.Code, ["value"] = x.Value, ["at"] = x.At.ToUnixTimeMilliseconds() }).ToArray()),
            ["interruptions"] = new JsonArray(interruptions.Select(x => (JsonNode)new JsonObject { ["at"] = x.At.ToUnixTimeMilliseconds(), ["message"] = x.Message }).ToArray()),
            ["lost"] = new JsonArray(lost.Select(x => (JsonNode)x).ToArray()),
        };
        if (Environment.GetEnvironmentVariable("INTRANET_FAULT_REPORT") is { Length: > 0 } reportPath)
            await File.WriteAllTextAsync(reportPath, report.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        output.WriteLine($"{saves.Count} confirmed saves, {interruptions.Count} interruptions, {lost.Count} lost");
        Assert.True(saves.Count > 0, "No entry was confirmed at all.");
        Assert.True(lost.Count == 0, "Confirmed entries missing from the database:\n" + string.Join("\n", lost));
    }

    /// <summary>A value different from the one stored, small enough for percentages.</summary>
    private static decimal NextValue(decimal? stored, int n)
    {
        var value = 1 + n % 90;
        return value == stored ? value + 1 : value;
    }

    /// <summary>Each indicator's stored actual for <see cref="FiscalYear"/>, read through <c>kpis.json</c> (the user's cookies).</summary>
    private static async Task<Dictionary<string, decimal?>> ActualsAsync(IBrowserContext context)
    {
        var response = await context.APIRequest.GetAsync($"/plans/{Pages.PlanCode}/kpis.json");
        Assert.True(response.Ok, $"kpis.json answered {response.Status}");
        var rows = JsonNode.Parse(await response.TextAsync())!.AsArray();
        return rows.Where(r => (int)r!["fiscal_year"]! == FiscalYear)
            .ToDictionary(r => (string)r!["indicator_code"]!, r => r!["actual_value"] is { } v ? (decimal?)v.GetValue<decimal>() : null);
    }

    private sealed record Save(string Code, decimal Value, DateTimeOffset At);

    private sealed record Interruption(DateTimeOffset At, string Message);
}
