using System.Text;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Intranet.BrowserTests.Infrastructure;

/// <summary>The accessibility check of every browser test: axe-core, 0 serious or critical violations.</summary>
public static class Axe
{
    /// <summary>Runs axe-core on the current page; fails on any violation of impact serious or critical.</summary>
    public static async Task AssertNoSeriousViolationsAsync(IPage page, string name, Action<string>? log = null)
    {
        await SettleAnimationsAsync(page);
        var result = await page.RunAxe();
        var report = new StringBuilder();
        foreach (var v in result.Violations)
        {
            report.AppendLine($"[{v.Impact}] {v.Id}: {v.Help} — {v.Nodes.Length} node(s)");
            foreach (var node in v.Nodes.Take(5)) report.AppendLine($"    {node.Target}  {node.Html?[..Math.Min(node.Html.Length, 160)]}");
        }
        log?.Invoke($"axe on {name} ({page.Url}): {result.Violations.Length} violation(s)\n{report}");
        var blocking = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(blocking.Count == 0, $"axe found {blocking.Count} serious/critical violation(s) on {name} ({page.Url}):\n{report}");
    }

    /// <summary>
    /// Waits (at most 5 s) until no finite animation or transition runs. An element in the middle of a fade has the colours of
    /// neither end, and axe measures its contrast as it is that instant: a notification closing (Radzen fades it out after
    /// its duration) failed color-contrast on a page that passes with it shown or gone. Endless animations (a spinner) are not
    /// waited for; after 5 s axe runs anyway.
    /// </summary>
    private static async Task SettleAnimationsAsync(IPage page)
    {
        try
        {
            await page.WaitForFunctionAsync(
                "() => document.getAnimations().every(a => a.playState !== 'running' || a.effect?.getComputedTiming().endTime === Infinity)",
                null, new PageWaitForFunctionOptions { Timeout = 5_000 });
        }
        catch (TimeoutException)
        {
        }
    }
}
