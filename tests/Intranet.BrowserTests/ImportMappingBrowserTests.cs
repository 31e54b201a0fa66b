using System.Text;
using System.Text.RegularExpressions;
using Intranet.BrowserTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Intranet.BrowserTests;

/// <summary>
/// Issue #9: HR creates a mapping for the attendance system's export on the mapping page and imports it. The export is
/// what such systems write: Shift_JIS, a title line above the header, the headers 職員番号,氏名,勤務日,勤務区分,在宅勤務時間,
/// 勤務区分 as 「在宅勤務」「サテライト勤務」「モバイル勤務」 and hours as 7:45. The page suggests every column from the header
/// names, lists the three 勤務区分 values to translate, previews the file, saves the mapping; the import page checks the
/// file with it (確認のみ) and imports it; the job page follows the job to its end. Every page passes axe.
/// </summary>
public sealed class ImportMappingBrowserTests(IntranetHostFixture host, ITestOutputHelper output) : IClassFixture<IntranetHostFixture>
{
    private const string Kind = "telework-days";

    /// <summary>May 2025 as the attendance system exports it (Shift_JIS, CRLF, a title line, a trailing blank line).</summary>
    public static byte[] AttendanceExport()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var text = new StringBuilder()
            .Append("勤怠データ 2025年5月分\r\n")
            .Append("職員番号,氏名,勤務日,勤務区分,在宅勤務時間\r\n")
            .Append("T001,職員 1号,2025/05/07,在宅勤務,7:45\r\n")
            .Append("T002,職員 2号,2025/05/08,サテライト勤務,3:30\r\n")
            .Append("T011,職員 11号,2025/05/09,在宅勤務,7:45\r\n")
            .Append("T012,職員 12号,2025/05/12,モバイル勤務,7:45\r\n")
            .Append("T015,職員 15号,2025/05/13,在宅勤務,7:45\r\n")
            .Append("\r\n")
            .ToString();
        return Encoding.GetEncoding(932).GetBytes(text);
    }

    /// <summary>T001–T020 at city hall, T021–T023 at a こども園; all employed since 2020-04-01 (the module's standard format).</summary>
    private static string Roster()
    {
        var csv = new StringBuilder().AppendLine("employee_number,name,department,workplace,workplace_type,employment_category,active_from,manager,active_to,effective_from");
        for (var i = 1; i <= 23; i++)
        {
            var (dept, place, type) = i <= 10 ? ("企画課", "本庁舎", "本庁") : i <= 20 ? ("総務課", "本庁舎", "本庁") : ("保育こども園課", "南こども園", "こども園");
            csv.AppendLine($"T{i:000},職員 {i}号,{dept},{place},{type},正規,2020-04-01,{(i is 1 or 11 ? 1 : 0)},,");
        }
        return csv.ToString();
    }

    [Fact]
    public Task Hr_creates_a_mapping_for_an_attendance_export_on_the_mapping_page_and_imports_it() =>
        host.RunScenarioAsync(output, ScenarioAsync);

    private async Task ScenarioAsync()
    {
        const string email = "jinji-mapping@intranet.local";
        const string password = "jinji-mapping-2025";
        output.WriteLine(await host.CreateUserAsync(email, password, "HumanResources", "人事課"));
        var page = await host.NewPageAsync();
        await Pages.LoginAsync(page, email, password);

        var folder = Directory.CreateTempSubdirectory("import-mapping-browser-").FullName;
        try
        {
            var export = Path.Combine(folder, "kintai-202505.csv");
            await File.WriteAllBytesAsync(export, AttendanceExport());
            var roster = Path.Combine(folder, "staff.csv");
            await File.WriteAllTextAsync(roster, Roster(), new UTF8Encoding(false));

            // The roster first, in the standard format (the attendance rows must name staff on it).
            var rosterImport = await Pages.ImportFileAsync(page, "staff", roster);
            output.WriteLine("roster: " + rosterImport);
            Assert.Contains("23行 (追加 23", rosterImport);

            // The menu leads to the import pages.
            await Pages.GotoInteractiveAsync(page, "/");
            await page.GetByRole(AriaRole.Navigation, new() { Name = "メインメニュー" }).GetByRole(AriaRole.Link, new() { Name = "データ取込" }).ClickAsync();
            await page.WaitForURLAsync(new Regex("/imports$"));
            await Pages.WaitForInteractiveAsync(page);
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "データ取込", Level = 1 })).ToBeVisibleAsync();
            var card = page.Locator($"article.import-kind[data-kind=\"{Kind}\"]");
            await Expect(card).ToBeVisibleAsync();
            await Axe.AssertNoSeriousViolationsAsync(page, "imports", output.WriteLine);

            // The kind's page: fields and templates; 「対応付けを作成」.
            // (Links are followed with a full load: after an enhanced navigation the previous page's readiness marker can
            // still be attached for a moment, and a file chosen before the new page is interactive would be lost.)
            await Expect(card.GetByRole(AriaRole.Link).First).ToHaveAttributeAsync("href", $"/imports/{Kind}");
            await Pages.GotoInteractiveAsync(page, $"/imports/{Kind}");
            await Expect(page.Locator("table.import-fields tbody tr[data-field=employee_number]")).ToContainTextAsync("職員番号");
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = "テンプレート (Excel)" })).ToHaveAttributeAsync("href", $"/imports/{Kind}/template.xlsx");
            await Expect(page.Locator("#upload-heading ~ .form a", new() { HasText = "対応付けを作成" })).ToHaveAttributeAsync("href", $"/imports/{Kind}/mappings/new");
            await Pages.GotoInteractiveAsync(page, $"/imports/{Kind}/mappings/new");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("対応付けを作成");

            // Upload: encoding, the header found below the title line, the suggested columns, the values to translate.
            await Pages.ChooseFileAsync(page, "#sample", export, page.Locator("#sample-encoding"));
            await Expect(page.Locator("#sample-encoding")).ToHaveTextAsync("Shift_JIS", new() { Timeout = 30_000 });
            await Expect(page.Locator(".sample-facts")).ToContainTextAsync("2行目");
            await Expect(page.Locator(".mapping-sample-table tbody tr")).ToHaveCountAsync(5);
            await Expect(page.Locator("#col-employee_number")).ToHaveValueAsync("職員番号");
            await Expect(page.Locator("#col-date")).ToHaveValueAsync("勤務日");
            await Expect(page.Locator("#col-type")).ToHaveValueAsync("勤務区分");
            await Expect(page.Locator("#col-hours")).ToHaveValueAsync("在宅勤務時間");
            var values = page.Locator("[data-values-for=type] tbody tr");
            await Expect(values).ToHaveCountAsync(3);

            // Fill the three translations, preview, name, save.
            foreach (var (from, to) in new[] { ("在宅勤務", "在宅"), ("サテライト勤務", "サテライト"), ("モバイル勤務", "モバイル") })
                await page.Locator($"[data-values-for=type] tr[data-value=\"{from}\"] select").SelectOptionAsync(to);
            await page.Locator("#preview").ClickAsync();
            await Expect(page.Locator(".mapping-preview [data-count=rows]")).ToHaveTextAsync("5 行", new() { Timeout = 30_000 });
            await Expect(page.Locator(".mapping-preview .import-errors")).ToHaveCountAsync(0);
            await page.Locator("#Name").FillAsync("kintai-monthly");
            await page.Locator("#Description").FillAsync("勤怠システムの月次出力");
            await page.Locator("#Description").PressAsync("Tab");
            await Axe.AssertNoSeriousViolationsAsync(page, "mapping editor", output.WriteLine);
            foreach (var path in await Pages.SaveScreenshotAsync(page, "import-mapping.png")) output.WriteLine("screenshot: " + path);
            await page.Locator("#save").ClickAsync();
            await Expect(page.Locator(".rz-notification-item").Filter(new() { HasText = "対応付け「kintai-monthly」を保存しました。" }).First).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await page.WaitForURLAsync(new Regex($"/imports/{Kind}/mappings/kintai-monthly$"));
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = "JSONで書き出す" })).ToBeVisibleAsync();

            // Import with it: 確認のみ first, then 取り込む → the job page follows the job to its end.
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = "この対応付けで取り込む" })).ToHaveAttributeAsync("href", $"/imports/{Kind}?mapping=kintai-monthly");
            await Pages.GotoInteractiveAsync(page, $"/imports/{Kind}?mapping=kintai-monthly");
            await Expect(page.Locator("#mapping")).ToHaveValueAsync("kintai-monthly");
            await Pages.ChooseFileAsync(page, "#file", export, page.Locator("#check-only:enabled, [aria-label='ファイルの読み込み']"));
            await Expect(page.Locator("#check-only")).ToBeEnabledAsync();
            await page.Locator("#check-only").ClickAsync();
            await Expect(page.Locator(".import-result [data-count=rows]")).ToHaveTextAsync("5 行", new() { Timeout = 30_000 });
            await Expect(page.Locator(".import-result")).ToContainTextAsync("Shift_JIS");
            await Axe.AssertNoSeriousViolationsAsync(page, "import page", output.WriteLine);
            await page.Locator("#import").ClickAsync();
            await page.WaitForURLAsync(new Regex("/imports/jobs/[0-9a-f-]{36}$"), new() { Timeout = 30_000 });
            await Pages.WaitForInteractiveAsync(page);
            await Expect(page.Locator(".import-job-state")).ToHaveTextAsync("完了", new() { Timeout = 60_000 });
            await Expect(page.Locator(".import-job")).ToContainTextAsync("kintai-monthly");
            await Expect(page.Locator("main .message-ok")).ToContainTextAsync("5行");
            await Axe.AssertNoSeriousViolationsAsync(page, "job page", output.WriteLine);
            foreach (var path in await Pages.SaveScreenshotAsync(page, "import-job.png")) output.WriteLine("screenshot: " + path);

            // The index lists the saved mapping and the job.
            await Pages.GotoInteractiveAsync(page, "/imports");
            await Expect(card.Locator(".import-mappings")).ToContainTextAsync("kintai-monthly");
            await Expect(page.Locator("table.import-jobs tbody tr").First).ToContainTextAsync("完了");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
