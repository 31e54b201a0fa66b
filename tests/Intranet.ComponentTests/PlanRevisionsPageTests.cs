using Intranet.Modules.PlanKpi.Domain;
using Intranet.Modules.PlanKpi.Pages.Revisions;
using Intranet.Modules.PlanKpi.UseCases;
using Intranet.Shared.Messaging;
using Intranet.Shared.Web;
using Microsoft.Extensions.DependencyInjection;
using Radzen;
using Radzen.Blazor;

namespace Intranet.ComponentTests;

/// <summary>
/// The 計画の見直し page: the list of 版 with the selected revision's changes, and the plan office's form (changes added one by
/// one, confirmation, the use case's messages at the top of the form).
/// </summary>
public sealed class PlanRevisionsPageTests : BunitContext
{
    private readonly FakeUseCases _useCases = new();

    public PlanRevisionsPageTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddRadzenComponents();
        Services.AddSingleton<IUseCases>(_useCases);
    }

    private static PlanRevisionsView View(bool canRecord, params RevisionItem[] revisions) => new(
        "hadano-ict-2021", "はだのICT活用推進計画", [2021, 2022, 2023, 2024, 2025], "事業推進計画", "個別事業", revisions, canRecord, new HashSet<int>(),
        [("2-1", "ICT活用による業務の効率化"), ("2-4", "ICT環境の最適化の推進")],
        [
            new RevisionProjectOption("2-1-(1)", "RPAの導入", "2-1", null, null,
                [new RevisionIndicatorOption("2-1-(1)-2", "削減時間(累積)", "時間", new Dictionary<int, string> { [2024] = "5,250時間" })]),
            new RevisionProjectOption("1-3-(4)", "電子書籍の導入検討", "1-3", null, 2023, []),
        ], 2024);

    private static readonly RevisionItem MidTerm = new(1, 2023, RevisionKind.MidTerm, "令和5年度 中間見直し", "計画の中間年度", "office@example.jp",
        new DateTimeOffset(2023, 4, 1, 0, 0, 0, TimeSpan.Zero),
        [new RevisionChangeItem(1, RevisionChangeKind.TargetChanged, "2-1-(1)", "2-1-(1)-2", 2024, "5,250時間", "6,000時間", "適用業務の拡大")]);

    private IRenderedComponent<RevisionsPage> RenderPage()
    {
        Renderer.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
        return Render<RevisionsPage>(p => p.Add(c => c.Code, "hadano-ict-2021"));
    }

    [Fact]
    public void Readers_see_the_revisions_and_the_selected_changes_without_the_form()
    {
        _useCases.Answer = r => r is GetPlanRevisions ? View(false, MidTerm) : throw new NotSupportedException(r.GetType().Name);
        var cut = RenderPage();
        Assert.NotNull(cut.FindComponent<RadzenDataGrid<RevisionItem>>());
        Assert.Contains("第1版", cut.Markup);
        Assert.Contains("令和5年度から", cut.Markup);
        var changes = cut.Find("table.revision-changes");
        Assert.Contains("5,250時間", changes.TextContent);
        Assert.Contains("6,000時間", changes.TextContent);
        Assert.Empty(cut.FindAll("form"));
    }

    [Fact]
    public async Task The_plan_office_adds_changes_one_by_one_confirms_and_records()
    {
        var view = View(true);
        _useCases.Answer = r => r switch { GetPlanRevisions => view, RecordPlanRevision => 1, _ => throw new NotSupportedException(r.GetType().Name) };
        var dialog = Render<RadzenDialog>();
        var cut = RenderPage();
        Assert.Contains("まだ見直しは記録されていません", cut.Markup);

        cut.Find("#ProjectCode").Change("2-1-(1)");
        cut.Find("#IndicatorCode").Change("2-1-(1)-2");
        cut.Find("#TargetYear").Change("2025");
        cut.Find("#TargetValue").Change("abc");
        cut.Find("#ChangeReason").Change("適用業務の拡大");
        cut.FindAll("button").Single(b => b.TextContent == "変更を追加").Click();
        Assert.Contains("新しい目標値は数値で入力してください", cut.Markup);

        cut.Find("#TargetValue").Change("８，０００時間");
        cut.FindAll("button").Single(b => b.TextContent == "変更を追加").Click();
        Assert.Contains("変更1", cut.Find("table.grid tbody").TextContent);
        cut.Find("#ChangeKind").Change(nameof(RevisionChangeKind.ProjectEnded));
        cut.Find("#ProjectCode").Change("1-3-(4)");
        cut.Find("#ChangeReason").Change("導入を見送り");
        Assert.Contains("令和5年度で終了します", cut.Markup);
        cut.FindAll("button").Single(b => b.TextContent == "変更を追加").Click();
        cut.Find("#Title").Change("令和6年度 個別事業の見直し");
        cut.Find("#Reason").Change("評価を踏まえた見直し");

        var submit = cut.Find("form").SubmitAsync();
        dialog.WaitForAssertion(() => Assert.Contains("第1版", dialog.Markup));
        Assert.Contains("変更2件", dialog.Markup);
        await dialog.InvokeAsync(() => dialog.FindAll("button").Single(b => b.TextContent.Contains("記録する")).Click());
        await submit;

        var sent = Assert.Single(_useCases.Sent.OfType<RecordPlanRevision>());
        Assert.Equal((RevisionKind.Yearly, 2024, "令和6年度 個別事業の見直し"), (sent.Kind, sent.EffectiveFiscalYear, sent.Title));
        Assert.Equal(2, sent.Changes.Count);
        Assert.Equal(new RevisionChangeInput(RevisionChangeKind.TargetChanged, "2-1-(1)", "適用業務の拡大", "2-1-(1)-2", 2025, 8000m), sent.Changes[0]);
        Assert.Equal((RevisionChangeKind.ProjectEnded, "1-3-(4)"), (sent.Changes[1].Kind, sent.Changes[1].ProjectCode));
    }

    [Fact]
    public async Task The_use_cases_messages_are_listed_at_the_top_of_the_form()
    {
        var view = View(true);
        _useCases.Answer = r => r switch
        {
            GetPlanRevisions => view,
            RecordPlanRevision => new RequestValidationException([
                new FieldError("Title", "件名を入力してください。"),
                new FieldError("Changes", "変更1: 指標 2-1-(1)-2 の令和4年度の目標値は、適用年度 (令和5年度) より前の年度のため変更できません。")]),
            _ => throw new NotSupportedException(r.GetType().Name),
        };
        var dialog = Render<RadzenDialog>();
        var cut = RenderPage();
        var submit = cut.Find("form").SubmitAsync();
        dialog.WaitForAssertion(() => Assert.Contains("よろしいですか?", dialog.Markup));
        await dialog.InvokeAsync(() => dialog.FindAll("button").Single(b => b.TextContent.Contains("記録する")).Click());
        await submit;
        var summary = cut.Find(".form-error-summary");
        Assert.Contains("件名を入力してください。", summary.TextContent);
        Assert.Contains("変更1: 指標 2-1-(1)-2", summary.TextContent);
        Assert.Equal(["#Title", "#Changes"], summary.QuerySelectorAll("a").Select(a => a.GetAttribute("href")));
    }
}
