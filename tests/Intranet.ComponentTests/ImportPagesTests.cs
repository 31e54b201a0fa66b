using System.Text;
using Bunit.TestDoubles;
using Intranet.Host.Components.Pages.Imports;
using Intranet.Shared.Import;
using Intranet.Shared.Import.Data;
using Intranet.Shared.Web;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;
using Radzen;
using Radzen.Blazor;

namespace Intranet.ComponentTests;

/// <summary>
/// Issue #9: the import page of a kind (fields, templates, 確認のみ / 取り込む with the true error total), the job page
/// (polls until the job ends) and the mapping editor (sample → suggestions → translations → save; problems, preview
/// with the true total, editing and deleting a saved mapping), against <see cref="FakeUseCases"/>.
/// </summary>
public sealed class ImportPagesTests : BunitContext
{
    private readonly FakeUseCases _useCases = new();

    private static readonly ImportKindInfo Days = new("telework-days", "テレワーク勤務日", "テレワーク", "勤怠システムのテレワーク勤務日。職員と日付で照合します。",
    [
        new ImportField("employee_number", "職員番号", ImportFieldType.Text, true, "人事システムの職員番号", Synonyms: ["社員番号"], Example: "T001"),
        new ImportField("date", "勤務日", ImportFieldType.Date, true, "テレワークをした日", Example: "2025/05/07"),
        new ImportField("type", "勤務形態", ImportFieldType.Choice, true, "在宅・サテライト・モバイル", KnownValues: ["在宅", "サテライト", "モバイル"], Example: "在宅"),
        new ImportField("hours", "時間数", ImportFieldType.Hours, false, "テレワークの時間 (7:45 など)", Example: "7:45"),
        new ImportField("manager_trial", "管理職トライアル", ImportFieldType.Flag, false, "管理職のお試し", Example: "0"),
    ], "telework", ["HumanResources"], "/telework");

    private static ImportKindView View(params string[] saved) => new(Days, true,
        [new MappingSummary(ImportMapping.NativeName, "標準の形式 (見出しはフィールド名)", "", default),
         ..saved.Select(s => new MappingSummary(s, "勤怠システムの月次出力", "jinji@example.jp", DateTimeOffset.UnixEpoch))]);

    private static readonly string[] Headers = ["職員番号", "氏名", "勤務日", "勤務区分", "在宅勤務時間"];

    public ImportPagesTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddRadzenComponents();
        Services.AddSingleton<IUseCases>(_useCases);
        AddBunitPersistentComponentState();
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    private static ImportFilePreview Preview(ImportMapping mapping, ImportResult? result = null, IReadOnlyList<ImportError>? errors = null, int total = 0) =>
        new("Shift_JIS", [], null, 2, Headers,
            [new TabularRow(3, ["T001", "職員 1号", "2025/5/7", "在宅勤務", "7:45"]), new TabularRow(4, ["T002", "職員 2号", "2025/5/8", "サテライト勤務", "3:30"])],
            mapping,
            new Dictionary<string, string> { ["employee_number"] = "職員番号", ["date"] = "勤務日", ["type"] = "勤務区分", ["hours"] = "在宅勤務時間" },
            mapping.Fields.GetValueOrDefault("type")?.Column == "勤務区分"
                ? new Dictionary<string, IReadOnlyList<string>> { ["type"] = ["サテライト勤務", "モバイル勤務", "在宅勤務"] }
                : new Dictionary<string, IReadOnlyList<string>>(),
            result, errors ?? [], total);

    private static InputFileContent Sample() =>
        InputFileContent.CreateFromBinary(Encoding.UTF8.GetBytes("職員番号,氏名,勤務日,勤務区分,在宅勤務時間\nT001,職員 1号,2025/5/7,在宅勤務,7:45\n"), "kintai.csv");

    // ---- import page -------------------------------------------------------------------------------------------

    [Fact]
    public void The_import_page_lists_the_fields_with_templates_and_the_saved_mappings()
    {
        _useCases.Answer = r => r switch { GetImportKind => View("kintai-monthly"), ListImportJobs => Array.Empty<ImportJobView>(), _ => null };
        var cut = Render<ImportKindPage>(p => p.Add(c => c.Kind, "telework-days"));

        cut.WaitForAssertion(() => Assert.Contains("テレワーク勤務日 の取込", cut.Find("h1").TextContent));
        var rows = cut.FindAll("table.import-fields tbody tr");
        Assert.Equal(5, rows.Count);
        Assert.Equal("職員番号", rows[0].QuerySelector("th")!.TextContent);
        Assert.Contains("必須", rows[0].TextContent);
        Assert.Contains("在宅、サテライト、モバイル", rows[2].TextContent);
        Assert.Contains("7:45", rows[3].TextContent);
        Assert.Equal("/imports/telework-days/template.csv", cut.Find("a:contains('テンプレート (CSV)')").GetAttribute("href"));
        Assert.Equal("/imports/telework-days/template.xlsx", cut.Find("a:contains('テンプレート (Excel)')").GetAttribute("href"));
        Assert.Equal(["標準の形式", "kintai-monthly (勤怠システムの月次出力)"], cut.FindAll("#mapping option").Select(o => o.TextContent));
        Assert.Equal("/imports/telework-days/mappings/new", cut.Find("a:contains('対応付けを作成')").GetAttribute("href"));
        Assert.True(cut.Find("#check-only").HasAttribute("disabled"));
    }

    [Fact]
    public void Check_only_shows_the_counts_and_the_encoding_and_queues_nothing()
    {
        var result = new ImportResult(1102, 1100, 2, 0, "Shift_JIS", true);
        _useCases.Answer = r => r switch
        {
            GetImportKind => View("kintai-monthly"), ListImportJobs => Array.Empty<ImportJobView>(),
            StartImport => new ImportStarted(result, [], 0, null), _ => null,
        };
        var nav = Services.GetRequiredService<NavigationManager>();
        nav.NavigateTo("/imports/telework-days?mapping=kintai-monthly");
        var cut = Render<ImportKindPage>(p => p.Add(c => c.Kind, "telework-days"));
        cut.FindComponent<InputFile>().UploadFiles(Sample());
        cut.WaitForAssertion(() => Assert.False(cut.Find("#check-only").HasAttribute("disabled")));
        cut.Find("#check-only").Click();

        cut.WaitForAssertion(() => Assert.Contains("1,102 行", cut.Find(".import-result [data-count=rows]").TextContent));
        Assert.Contains("1,100 件", cut.Find(".import-result [data-count=added]").TextContent);
        Assert.Contains("Shift_JIS", cut.Find(".import-result").TextContent);
        var start = _useCases.Sent.OfType<StartImport>().Single();
        Assert.True(start.CheckOnly);
        Assert.Equal("kintai-monthly", start.MappingName);
        Assert.Equal("kintai.csv", start.FileName);
        Assert.EndsWith("/imports/telework-days?mapping=kintai-monthly", nav.Uri);
    }

    [Fact]
    public void A_rejected_file_shows_the_first_errors_and_the_true_total()
    {
        var errors = Enumerable.Range(3, 1000).Select(l => new ImportError(l, "勤務区分", $"「在宅勤務」は勤務形態の値ではありません。")).ToList();
        _useCases.Answer = r => r switch
        {
            GetImportKind => View(), ListImportJobs => Array.Empty<ImportJobView>(),
            StartImport => new ImportStarted(null, errors, 1102, null), _ => null,
        };
        Services.GetRequiredService<NavigationManager>().NavigateTo("/imports/telework-days?mapping=no-such-mapping");
        var cut = Render<ImportKindPage>(p => p.Add(c => c.Kind, "telework-days"));
        cut.FindComponent<InputFile>().UploadFiles(Sample());
        cut.WaitForAssertion(() => Assert.False(cut.Find("#import").HasAttribute("disabled")));
        cut.Find("#import").Click();

        cut.WaitForAssertion(() => Assert.Contains("全1,102件の誤りのうち先頭200件を表示しています。", cut.Find(".import-errors").TextContent));
        Assert.Equal(200, cut.FindAll(".import-errors tbody tr").Count);
        Assert.Equal(ImportMapping.NativeName, _useCases.Sent.OfType<StartImport>().Single().MappingName);   // unknown ?mapping= falls back
    }

    [Fact]
    public void Importing_goes_to_the_job_page()
    {
        var id = Guid.NewGuid();
        _useCases.Answer = r => r switch
        {
            GetImportKind => View(), ListImportJobs => Array.Empty<ImportJobView>(),
            StartImport => new ImportStarted(new ImportResult(2, 2, 0, 0, "UTF-8", true), [], 0, id), _ => null,
        };
        var cut = Render<ImportKindPage>(p => p.Add(c => c.Kind, "telework-days"));
        cut.FindComponent<InputFile>().UploadFiles(Sample());
        cut.WaitForAssertion(() => Assert.False(cut.Find("#import").HasAttribute("disabled")));
        cut.Find("#import").Click();

        var nav = Services.GetRequiredService<NavigationManager>();
        cut.WaitForAssertion(() => Assert.EndsWith($"/imports/jobs/{id}", nav.Uri));
        Assert.False(_useCases.Sent.OfType<StartImport>().Single().CheckOnly);
    }

    [Fact]
    public void An_unknown_kind_says_so()
    {
        _useCases.Answer = _ => null;
        var cut = Render<ImportKindPage>(p => p.Add(c => c.Kind, "nope"));
        cut.WaitForAssertion(() => Assert.Contains("取込の種類「nope」はありません。", cut.Markup));
    }

    // ---- job page ----------------------------------------------------------------------------------------------

    private static ImportJobView Job(Guid id, ImportJobState state, int done = 0, int total = 0, string? summary = null, int errorCount = 0, IReadOnlyList<string>? errors = null) =>
        new(id, "telework-days", "テレワーク勤務日", "kintai.csv", "kintai-monthly", state, 0, summary, errorCount, errors ?? [], "jinji@example.jp",
            DateTimeOffset.UnixEpoch, state is ImportJobState.Succeeded or ImportJobState.Failed ? DateTimeOffset.UnixEpoch : null, done, total, "/telework");

    [Fact]
    public void The_job_page_polls_until_the_job_is_done()
    {
        ImportJobPage.PollInterval = TimeSpan.FromMilliseconds(20);
        var id = Guid.NewGuid();
        var answers = new Queue<ImportJobView>([
            Job(id, ImportJobState.Queued), Job(id, ImportJobState.Running, 500, 1102),
            Job(id, ImportJobState.Succeeded, summary: "取り込み完了: 1102行 (追加 1100、更新 2、変更なし 0)、文字コード Shift_JIS")]);
        _useCases.Answer = r => r is GetImportJob ? (answers.Count > 1 ? answers.Dequeue() : answers.Peek()) : r is GetImportKind ? View() : null;
        var cut = Render<ImportJobPage>(p => p.Add(c => c.Id, id));

        cut.WaitForAssertion(() => Assert.Contains("取り込み完了", cut.Find(".message-ok").TextContent), TimeSpan.FromSeconds(5));
        Assert.Equal("完了", cut.Find(".import-job-state").TextContent);
        Assert.Equal("/telework", cut.Find("a:contains('テレワークのページへ戻る')").GetAttribute("href"));
        Assert.Equal("/imports/telework-days", cut.Find("a:contains('取込のページへ')").GetAttribute("href"));
        Assert.True(_useCases.Sent.OfType<GetImportJob>().Count() >= 3);
    }

    [Fact]
    public void A_failed_job_states_the_true_total()
    {
        var id = Guid.NewGuid();
        var lines = Enumerable.Range(3, 1000).Select(l => $"{l}行目 [勤務区分]: 値がありません。").ToList();
        _useCases.Answer = r => r is GetImportJob ? Job(id, ImportJobState.Failed, errorCount: 1102, errors: lines) : null;
        var cut = Render<ImportJobPage>(p => p.Add(c => c.Id, id));
        cut.WaitForAssertion(() => Assert.Contains("全1,102件の誤りのうち先頭200件", cut.Find(".import-errors").TextContent));
        Assert.Equal(200, cut.FindAll(".import-errors li").Count);
        Assert.Equal("失敗", cut.Find(".import-job-state").TextContent);
    }

    [Fact]
    public void An_interrupted_job_offers_a_retry_that_opens_the_new_job_and_a_retried_one_links_to_it()
    {
        var id = Guid.NewGuid();
        var retry = Guid.NewGuid();
        var interrupted = Job(id, ImportJobState.Failed, errors: [ImportJobRunner.InterruptedMessage]) with { CanRetry = true };
        _useCases.Answer = r => r switch
        {
            GetImportJob => interrupted,
            RetryImportJob rj when rj.Id == id => retry,
            _ => null,
        };
        var navigation = Services.GetRequiredService<NavigationManager>();
        var cut = Render<ImportJobPage>(p => p.Add(c => c.Id, id));
        cut.WaitForAssertion(() => Assert.Contains("中断されました", cut.Find(".import-errors").TextContent));

        cut.Find("#retry").Click();
        cut.WaitForAssertion(() => Assert.EndsWith($"/imports/jobs/{retry}", navigation.Uri));
        Assert.Single(_useCases.Sent.OfType<RetryImportJob>());

        // The router reuses the page for the new address: it must show the retry, not the interrupted job under the
        // retry's address (a browser test once read the old job's 失敗 there), and follow the retry while it runs.
        var retryState = ImportJobState.Queued;
        var firstRead = new TaskCompletionSource<ImportJobView?>();
        _useCases.Answer = r => r switch
        {
            GetImportJob g when g.Id == retry && !firstRead.Task.IsCompleted => firstRead.Task,
            GetImportJob g when g.Id == retry => Job(retry, retryState),
            GetImportJob => interrupted,
            _ => null,
        };
        cut.Render(p => p.Add(c => c.Id, retry));
        // While the retry is read, the page says so instead of showing the interrupted job's 失敗.
        cut.WaitForAssertion(() => Assert.Contains("読み込み中", cut.Find("[role=status]").TextContent));
        Assert.Empty(cut.FindAll(".import-job-state"));
        firstRead.SetResult(Job(retry, retryState));
        cut.WaitForAssertion(() => Assert.Equal(retry.ToString(), cut.Find("dl.import-job").GetAttribute("data-job")));
        Assert.Equal("Queued", cut.Find(".import-job-state").GetAttribute("data-state"));
        Assert.Empty(cut.FindAll(".import-errors"));
        retryState = ImportJobState.Succeeded;
        cut.WaitForAssertion(() => Assert.Equal("Succeeded", cut.Find(".import-job-state").GetAttribute("data-state")), TimeSpan.FromSeconds(10));

        // The same job seen again once retried: no button, a link to the retry instead.
        _useCases.Answer = r => r is GetImportJob ? interrupted with { CanRetry = false, RetriedAs = retry } : null;
        var after = Render<ImportJobPage>(p => p.Add(c => c.Id, id));
        after.WaitForAssertion(() => Assert.Equal($"/imports/jobs/{retry}", after.Find(".import-retried a").GetAttribute("href")));
        Assert.Empty(after.FindAll("#retry"));
    }

    [Fact]
    public void A_retry_refused_because_the_file_was_deleted_says_so_and_hides_the_button()
    {
        var id = Guid.NewGuid();
        var calls = 0;
        _useCases.Answer = r => r switch
        {
            GetImportJob => Job(id, ImportJobState.Failed, errors: [ImportJobRunner.InterruptedMessage]) with { CanRetry = calls++ == 0 },
            RetryImportJob => throw new Intranet.Shared.Messaging.ConcurrencyConflictException("この取込のファイルは保存期間を過ぎたため削除されました。ファイルをもう一度アップロードしてください。"),
            _ => null,
        };
        var cut = Render<ImportJobPage>(p => p.Add(c => c.Id, id));
        cut.WaitForAssertion(() => cut.Find("#retry"));
        cut.Find("#retry").Click();
        cut.WaitForAssertion(() => Assert.Contains("保存期間を過ぎたため削除されました", cut.Find("[role=alert].message-error:not(.import-errors)").TextContent));
        Assert.Empty(cut.FindAll("#retry"));
    }

    // ---- mapping editor ----------------------------------------------------------------------------------------

    private IRenderedComponent<MappingEditor> RenderNewMapping(Func<object, object?>? more = null)
    {
        _useCases.Answer = r => more?.Invoke(r) ?? r switch
        {
            GetImportKind => View(),
            PreviewImportFile p => Preview(p.Mapping!),
            _ => null,
        };
        var cut = Render<MappingEditor>(p => p.Add(c => c.Kind, "telework-days"));
        cut.WaitForAssertion(() => Assert.Contains("テレワーク勤務日の対応付けを作成", cut.Find("h1").TextContent));
        return cut;
    }

    [Fact]
    public void A_sample_preselects_the_suggested_columns_and_lists_the_values_to_translate()
    {
        var cut = RenderNewMapping();
        cut.FindComponent<InputFile>().UploadFiles(Sample());

        cut.WaitForAssertion(() => Assert.Equal("Shift_JIS", cut.Find("#sample-encoding").TextContent));
        Assert.Equal("職員番号", cut.Find("#col-employee_number").GetAttribute("value"));
        Assert.Equal("勤務日", cut.Find("#col-date").GetAttribute("value"));
        Assert.Equal("勤務区分", cut.Find("#col-type").GetAttribute("value"));
        Assert.Equal("在宅勤務時間", cut.Find("#col-hours").GetAttribute("value"));
        Assert.Equal("", cut.Find("#col-manager_trial").GetAttribute("value"));
        Assert.Equal(["サテライト勤務", "モバイル勤務", "在宅勤務"], cut.FindAll("[data-values-for=type] tbody tr").Select(r => r.GetAttribute("data-value")));
        Assert.Equal(["見本の最初の行"], cut.FindAll("caption").Select(c => c.TextContent));
        Assert.Equal(2, cut.FindAll(".mapping-sample-table tbody tr").Count);
        // The second preview carried the suggested columns (so the values of 勤務区分 could be listed).
        Assert.Equal("勤務区分", _useCases.Sent.OfType<PreviewImportFile>().Last().Mapping!.Fields["type"].Column);
    }

    [Fact]
    public void A_sample_that_is_not_a_table_says_why()
    {
        var cut = RenderNewMapping(r => r is PreviewImportFile p
            ? new ImportFilePreview("", [], null, 0, [], [], p.Mapping!, new Dictionary<string, string>(), new Dictionary<string, IReadOnlyList<string>>(), null,
                [new ImportError(0, "ファイル", "CSVまたはExcelのファイルとして読めません。")], 1)
            : null);
        cut.FindComponent<InputFile>().UploadFiles(Sample());
        cut.WaitForAssertion(() => Assert.Contains("CSVまたはExcelのファイルとして読めません。", cut.Find(".import-errors").TextContent));
        Assert.Empty(cut.FindAll(".mapping-sample-table"));
        Assert.Equal("(列なし)", cut.Find("#col-employee_number option").TextContent);   // nothing suggested
    }

    [Fact]
    public void Three_translations_and_a_name_save_the_mapping()
    {
        var cut = RenderNewMapping();
        cut.FindComponent<InputFile>().UploadFiles(Sample());
        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("[data-values-for=type] select.value-target").Count));
        var targets = cut.FindAll("[data-values-for=type] select.value-target");
        targets[0].Change("サテライト");
        cut.FindAll("[data-values-for=type] select.value-target")[1].Change("モバイル");
        cut.FindAll("[data-values-for=type] select.value-target")[2].Change("在宅");
        cut.Find("#Name").Change("kintai-monthly");
        cut.Find("#Description").Change("勤怠システムの月次出力");
        cut.Find("form").Submit();

        cut.WaitForAssertion(() => Assert.Single(_useCases.Sent.OfType<SaveMapping>()));
        var saved = _useCases.Sent.OfType<SaveMapping>().Single().Mapping;
        Assert.Equal(("telework-days", "kintai-monthly", "勤怠システムの月次出力"), (saved.Kind, saved.Name, saved.Description));
        Assert.Equal("勤務区分", saved.Fields["type"].Column);
        Assert.Equal(new Dictionary<string, string> { ["在宅勤務"] = "在宅", ["サテライト勤務"] = "サテライト", ["モバイル勤務"] = "モバイル" }, saved.Fields["type"].Values);
        Assert.Equal("在宅勤務時間", saved.Fields["hours"].Column);
        Assert.False(saved.Fields.ContainsKey("manager_trial"));
        Assert.Empty(saved.Check(Days.Fields));
        Assert.EndsWith("/imports/telework-days/mappings/kintai-monthly", Services.GetRequiredService<NavigationManager>().Uri);
    }

    [Fact]
    public void Saving_without_a_name_asks_for_one_and_sends_nothing()
    {
        var cut = RenderNewMapping();
        cut.Find("form").Submit();
        cut.WaitForAssertion(() => Assert.Contains("名前を入力してください。", cut.Find(".form-error-summary").TextContent));
        Assert.Empty(_useCases.Sent.OfType<SaveMapping>());
    }

    [Fact]
    public void The_problems_of_a_refused_mapping_are_listed()
    {
        var cut = RenderNewMapping(r => r is SaveMapping
            ? new ImportRejectedException("x", [new ImportError(0, "mapping", "「職員番号」は必須です。列か固定値を指定してください。")])
            : null);
        cut.Find("#Name").Change("kintai");
        cut.Find("form").Submit();
        cut.WaitForAssertion(() => Assert.Contains("「職員番号」は必須です。列か固定値を指定してください。", cut.Find(".form-error-summary").TextContent));
    }

    [Fact]
    public void The_preview_shows_the_errors_with_the_true_total_or_the_counts()
    {
        var errors = Enumerable.Range(3, 200).Select(l => new ImportError(l, "勤務区分", "「在宅勤務」は 在宅、サテライト、モバイル のいずれかです。")).ToList();
        var ok = false;
        var cut = RenderNewMapping(r => r is PreviewImportFile p
            ? ok ? Preview(p.Mapping!, new ImportResult(1102, 1102, 0, 0, "Shift_JIS", true)) : Preview(p.Mapping!, errors: errors, total: 1102)
            : null);
        cut.FindComponent<InputFile>().UploadFiles(Sample());
        cut.WaitForAssertion(() => Assert.False(cut.Find("#preview").HasAttribute("disabled")));
        cut.Find("#preview").Click();
        cut.WaitForAssertion(() => Assert.Contains("全1,102件の誤りのうち先頭200件", cut.Find(".mapping-preview").TextContent));

        ok = true;
        cut.Find("#preview").Click();
        cut.WaitForAssertion(() => Assert.Contains("1,102 行", cut.Find(".mapping-preview [data-count=rows]").TextContent));
        Assert.Empty(cut.FindAll(".mapping-preview .import-errors"));
    }

    [Fact]
    public void A_saved_mapping_loads_exports_and_deletes_after_confirmation()
    {
        var mapping = new ImportMapping
        {
            Kind = "telework-days", Name = "kintai-monthly", Description = "勤怠システムの月次出力",
            Fields = new()
            {
                ["employee_number"] = new FieldMapping { Column = "職員番号" },
                ["date"] = new FieldMapping { Column = "勤務日" },
                ["type"] = new FieldMapping { Column = "勤務区分", Values = new() { ["在宅勤務"] = "在宅" }, Otherwise = "モバイル" },
            },
        };
        _useCases.Answer = r => r switch { GetImportKind => View("kintai-monthly"), GetMapping => mapping, _ => null };
        var dialogs = Render<RadzenDialog>();
        var cut = Render<MappingEditor>(p => p.Add(c => c.Kind, "telework-days").Add(c => c.MappingName, "kintai-monthly"));

        cut.WaitForAssertion(() => Assert.Contains("「kintai-monthly」", cut.Find("h1").TextContent));
        Assert.Equal("kintai-monthly", cut.Find("#Name").GetAttribute("value"));
        Assert.Equal("勤務区分", cut.Find("#col-type").GetAttribute("value"));
        Assert.Equal("在宅", cut.Find("[data-value=在宅勤務] select").GetAttribute("value"));
        Assert.Equal("モバイル", cut.Find("#other-type").GetAttribute("value"));
        Assert.Equal("/imports/telework-days/mapping.json?name=kintai-monthly", cut.Find("a:contains('JSONで書き出す')").GetAttribute("href"));

        cut.Find("#delete").Click();
        dialogs.WaitForElement("button:contains('削除する')").Click();
        cut.WaitForAssertion(() => Assert.Single(_useCases.Sent.OfType<DeleteMapping>()));
        Assert.Equal(new DeleteMapping("telework-days", "kintai-monthly"), _useCases.Sent.OfType<DeleteMapping>().Single());
        Assert.EndsWith("/imports/telework-days", Services.GetRequiredService<NavigationManager>().Uri);
    }

    [Fact]
    public void Nothing_is_deleted_without_confirmation()
    {
        var mapping = new ImportMapping { Kind = "telework-days", Name = "kintai-monthly" };
        _useCases.Answer = r => r switch { GetImportKind => View("kintai-monthly"), GetMapping => mapping, _ => null };
        var dialogs = Render<RadzenDialog>();
        var cut = Render<MappingEditor>(p => p.Add(c => c.Kind, "telework-days").Add(c => c.MappingName, "kintai-monthly"));
        cut.WaitForAssertion(() => cut.Find("#delete"));
        cut.Find("#delete").Click();
        dialogs.WaitForElement("button:contains('キャンセル')").Click();
        Assert.Empty(_useCases.Sent.OfType<DeleteMapping>());
    }
}
