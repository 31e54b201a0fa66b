using System.Text.RegularExpressions;
using Intranet.BrowserTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Intranet.BrowserTests.Faults;

/// <summary>
/// The user side of <c>infra/faults/kill-during-import.sh</c>: an HR user uploads a large staff roster on the import page
/// through nginx. Step <c>start</c> (INTRANET_FAULT_IMPORT_STEP) uploads it, waits until the job runs and writes the job's
/// id to INTRANET_FAULT_REPORT, so the script can kill the host running it. Step <c>retry</c> opens that job on the
/// surviving host, expects it failed as interrupted (not successful, not still running), and presses 「もう一度取り込む」:
/// the file kept in the database is imported again, without uploading it, to success. Step <c>succeeds</c> waits until the job of INTRANET_FAULT_REPORT has succeeded (another host started while
/// it ran must not have touched it). Needs a running cluster (see <see cref="ClusterBrowser"/>) and the file
/// (INTRANET_FAULT_IMPORT_FILE); <c>Category=Fault</c> keeps it out of the normal test run.
/// </summary>
[Trait("Category", "Fault")]
public sealed class ClusterImportDriver(ITestOutputHelper output)
{
    [Fact]
    public async Task An_import_cut_off_by_a_dying_host_is_marked_failed_and_can_be_run_again()
    {
        var file = ClusterBrowser.Setting("INTRANET_FAULT_IMPORT_FILE");
        var report = ClusterBrowser.Setting("INTRANET_FAULT_REPORT");
        var step = ClusterBrowser.Setting("INTRANET_FAULT_IMPORT_STEP");
        Assert.True(step is "start" or "succeeds" or "retry", $"INTRANET_FAULT_IMPORT_STEP={step}: start, succeeds or retry.");
        await using var browser = await ClusterBrowser.SignInAsync("HumanResources", 60_000);
        var page = browser.Page;

        try
        {
            await RunStepAsync(page, step, file, report);
        }
        catch
        {
            foreach (var path in await Pages.SaveScreenshotAsync(page, $"fault-import-{step}.png")) output.WriteLine("screenshot: " + path);
            output.WriteLine(await page.Locator("main").InnerTextAsync(new() { Timeout = 5_000 }).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : ""));
            throw;
        }
    }

    private async Task RunStepAsync(IPage page, string step, string file, string report)
    {
        if (step == "start")
        {
            await Pages.GotoInteractiveAsync(page, "/imports/staff");
            await Pages.ChooseFileAsync(page, "#file", file, page.Locator("#import:enabled, [aria-label='ファイルの読み込み']"));
            // The upload streams over the circuit: on a loaded CI machine a 2 MB roster took over two minutes.
            await Expect(page.Locator("#import")).ToBeEnabledAsync(new() { Timeout = 300_000 });
            await page.Locator("#import").ClickAsync();
            await page.WaitForURLAsync(new Regex("/imports/jobs/[0-9a-f-]{36}$"), new() { Timeout = 300_000 });
            var id = page.Url[^36..];
            await Expect(page.Locator("dd.import-job-state")).ToHaveAttributeAsync("data-state", "Running", new() { Timeout = 120_000 });
            await File.WriteAllTextAsync(report, id);
            output.WriteLine($"job {id} is running");
            return;
        }

        var job = (await File.ReadAllTextAsync(report)).Trim();
        await Pages.GotoInteractiveAsync(page, $"/imports/jobs/{job}");
        var state = page.Locator("dd.import-job-state");
        if (step == "succeeds")
        {
            // A host that started while the job ran left it alone: it finishes on its own host.
            await Expect(state).ToHaveAttributeAsync("data-state", new Regex("^(Succeeded|Failed)$"), new() { Timeout = 300_000 });
            Assert.True(await state.GetAttributeAsync("data-state") == "Succeeded", "The job failed: " + await page.Locator("main").InnerTextAsync());
            return;
        }
        // The surviving host marks the job failed once the dead host's lease has run out.
        await Expect(state).ToHaveAttributeAsync("data-state", "Failed", new() { Timeout = 120_000 });
        var text = await page.Locator("main").InnerTextAsync();
        output.WriteLine(text);
        Assert.Contains("中断", text);
        Assert.DoesNotContain("取り込みました", text);

        // Retried from the kept file: a new job, run to success; the interrupted job then links to it.
        await page.Locator("#retry").ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/imports/jobs/", StringComparison.Ordinal) && !url.EndsWith(job, StringComparison.Ordinal),
            new() { Timeout = 60_000 });
        var retry = page.Url[^36..];
        await Pages.WaitForInteractiveAsync(page);
        // The page is reused for the new address: wait until it shows the retry, not the interrupted job.
        await Expect(page.Locator($"dl.import-job[data-job='{retry}']")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Expect(page.Locator("dd.import-job-state")).ToHaveAttributeAsync("data-state", new Regex("^(Succeeded|Failed)$"), new() { Timeout = 300_000 });
        var result = await page.Locator("main").InnerTextAsync();
        output.WriteLine("retry: " + result);
        Assert.True(await page.Locator("dd.import-job-state").GetAttributeAsync("data-state") == "Succeeded", "The retry failed: " + result);
        await Pages.GotoInteractiveAsync(page, $"/imports/jobs/{job}");
        await Expect(page.Locator(".import-retried a")).ToHaveAttributeAsync("href", $"/imports/jobs/{retry}");
    }
}
