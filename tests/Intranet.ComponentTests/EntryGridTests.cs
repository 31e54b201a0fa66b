using Intranet.Modules.PlanKpi.Pages.Entry;
using Intranet.Modules.PlanKpi.UseCases;
using Intranet.Shared.Web;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Radzen;

namespace Intranet.ComponentTests;

/// <summary>
/// The 実績入力 grid with a fake <see cref="IUseCases"/>: it lists the department's indicators with the owed count, sends
/// only the changed rows in one <see cref="RecordActuals"/>, and shows the use case's per-row errors beside the rows and
/// in a summary at the top.
/// </summary>
public sealed class EntryGridTests : BunitContext
{
    private static readonly EntrySheet Sheet = new("hadano-ict-2021", "はだのICT活用推進計画", 2021, [2021, 2022, 2023], "広報広聴課",
        ["広報広聴課"], CanChooseDepartment: false, IsAdministrator: false,
        [
            new EntryRow("1-2-(1)-1", "Twitter フォロワー数", "1-2-(1)", "SNSによる情報発信", "人", "7,000", 7000, null, null, null, null, null, true, ["広報広聴課"]),
            new EntryRow("1-2-(1)-2", "YouTube チャンネル登録者数", "1-2-(1)", "SNSによる情報発信", "人", "2,100", 2100, 1900, 2000, "前回", Guid.NewGuid(), null, false, ["広報広聴課"]),
            new EntryRow("2-1-(1)-1", "適用業務数(累積)", "2-1-(1)", "RPA", "業務", "4業務", 4, null, 5, null, null, "RPA台帳", false, ["広報広聴課"]),
        ]);

    public EntryGridTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddRadzenComponents();
    }

    /// <summary>Renders the grid as the interactive server renderer would (after the services are registered).</summary>
    private IRenderedComponent<EntryGrid> RenderGrid()
    {
        Renderer.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
        return Render<EntryGrid>(p => p.Add(c => c.PlanCode, "hadano-ict-2021").Add(c => c.FiscalYear, 2021));
    }

    [Fact]
    public void Shows_the_rows_the_owed_count_and_fed_values_read_only()
    {
        Services.AddSingleton<IUseCases>(new FakeUseCases { Answer = _ => Sheet });
        var cut = RenderGrid();

        Assert.Contains("未入力 1件", cut.Find(".entry-owed").TextContent);
        Assert.Equal("2021:広報広聴課", cut.Find("[data-entry-ready]").GetAttribute("data-entry-ready"));
        Assert.Equal(2, cut.FindAll("input.entry-value").Count);                  // the fed row has no input
        Assert.Contains("RPA台帳から自動反映", cut.Markup);
        Assert.Equal("2000", cut.Find("input[data-indicator='1-2-(1)-2'].entry-value").GetAttribute("value"));
        Assert.Equal("Twitter フォロワー数 の実績値 (人)", cut.Find("#value-0").GetAttribute("aria-label"));
        Assert.True(cut.Find("#entry-save").HasAttribute("disabled"));            // nothing changed yet
        Assert.DoesNotContain("1-2-(1)-1:", cut.Markup);                          // codes only in the administrator's details
    }

    [Fact]
    public void Sends_only_changed_rows_and_shows_each_rows_error_and_a_summary()
    {
        var useCases = new FakeUseCases { Answer = request => request switch
        {
            GetEntrySheet => Sheet,
            RecordActuals => new EntrySaveResult(false, [],
            [
                new EntryRowError("1-2-(1)-1", "実績値", "Twitter フォロワー数: -5人 は受け付けられません。実績値は0以上で入力してください。"),
                new EntryRowError("1-2-(1)-2", "実績値", "YouTube チャンネル登録者数: 他の利用者が先に更新しました (現在の値: 2,050人)。", EntryErrorKind.Conflict),
            ]),
            _ => throw new InvalidOperationException(request.GetType().Name),
        } };
        Services.AddSingleton<IUseCases>(useCases);
        var cut = RenderGrid();

        cut.Find("#value-0").Change("-5");
        cut.Find("#value-1").Change("2100");
        cut.Find("#note-1").Change("確定値");
        Assert.Contains("(2件)", cut.Find("#entry-save").TextContent);
        cut.Find("#entry-save").Click();

        var sent = Assert.IsType<RecordActuals>(useCases.Sent.Last());
        Assert.Equal((2021, 2), (sent.FiscalYear, sent.Rows.Count));
        Assert.Equal(new ActualInput("1-2-(1)-1", "-5", null, null), sent.Rows[0]);
        Assert.Equal(("2100", "確定値", Sheet.Rows[1].Version), (sent.Rows[1].Value, sent.Rows[1].Note, sent.Rows[1].ExpectedVersion));

        cut.WaitForAssertion(() => Assert.Contains("何も保存していません", cut.Find("#entry-errors").TextContent));
        Assert.Equal(["#value-0", "#value-1"], cut.FindAll("#entry-errors li a").Select(a => a.GetAttribute("href")));
        Assert.Contains("0以上で入力してください", cut.Find("#value-error-0").TextContent);
        Assert.Equal("true", cut.Find("#value-0").GetAttribute("aria-invalid"));
        Assert.Contains("先に更新しました", cut.Find("#value-error-1").TextContent);
        Assert.Contains("最新の値を読み込む", cut.Find("#entry-errors button").TextContent);
        // The typed values stay in the grid to be corrected.
        Assert.Equal("-5", cut.Find("#value-0").GetAttribute("value"));
    }
}
