using Intranet.Modules.Rpa.Domain;
using Intranet.Modules.Rpa.Pages;
using Intranet.Modules.Rpa.Pages.Shared;
using Intranet.Modules.Rpa.UseCases;
using Intranet.Shared.Messaging;
using Intranet.Shared.Web;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Radzen;
using Radzen.Blazor;

namespace Intranet.ComponentTests;

/// <summary>
/// The pipeline board's one-step move (issue #8, RPA推進チーム): the card offers only the allowed next statuses; the
/// dialog asks for date (default today) and reason and sends <see cref="MoveCase"/>; a refused move shows the rule's
/// message inside the dialog (summary at its top and beside the field) and leaves the card where it was; an accepted
/// move closes the dialog, moves the card and notifies. The use cases are faked: the rules themselves are tested in
/// the unit and use-case tests.
/// </summary>
public sealed class RpaMoveDialogTests : BunitContext
{
    private static readonly DateOnly Today = new(2026, 11, 30);
    private static readonly Guid Version = Guid.NewGuid();

    private readonly FakeUseCases _useCases = new();

    public RpaMoveDialogTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddRadzenComponents();
        Services.AddSingleton<IUseCases>(_useCases);
        SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
    }

    private static BoardCard Card(CaseStatus status) => new("RPA-006", "研修受講者名簿の作成", "人事課", status, Version, new DateOnly(2026, 4, 1),
        CaseLifecycle.AllowedFrom(status).Select(s => new BoardMove(s, CaseLifecycle.Label(s))).ToList(), null);

    private static PipelineBoard Board(CaseStatus status) => new(
        BoardOrder.Columns.Select(s => new BoardColumn(s, CaseLifecycle.Label(s), s == status ? [Card(status)] : [], s == status ? 1 : 0)).ToList(),
        [], 2500, CanMove: true, Today);

    [Fact]
    public void A_long_column_shows_its_first_cards_its_total_and_where_the_rest_are()
    {
        var cards = Enumerable.Range(1, BoardColumn.MaxCards).Select(i => Card(CaseStatus.Production) with { Code = $"RPA-{i:000}" }).ToList();
        _useCases.Answer = r => r is GetPipelineBoard
            ? new PipelineBoard(BoardOrder.Columns.Select(s => s == CaseStatus.Production
                ? new BoardColumn(s, CaseLifecycle.Label(s), cards, 2_000) : new BoardColumn(s, CaseLifecycle.Label(s), [], 0)).ToList(), [], 2500, CanMove: true, Today)
            : throw new InvalidOperationException(r.GetType().Name);
        var board = Render<Pipeline>();
        var column = board.Find(".rpa-board-column[data-status=Production]");
        Assert.Equal("2000", column.QuerySelector(".count")!.TextContent);
        Assert.Equal(BoardColumn.MaxCards, column.QuerySelectorAll(".rpa-card").Length);
        Assert.Equal("ほか 1,950 件は一覧で確認できます。", column.QuerySelector(".rpa-board-more")!.TextContent);
        Assert.Equal("/rpa?status=Production", column.QuerySelector("a.rpa-board-all")!.GetAttribute("href"));
        // A column that shows every card says nothing more; an empty one offers no list.
        Assert.Empty(board.FindAll(".rpa-board-more[data-status=Idea]"));
        Assert.Empty(board.FindAll(".rpa-board-column[data-status=Idea] a.rpa-board-all"));
    }

    [Fact]
    public void A_refused_date_is_shown_in_the_dialog_at_its_top_and_beside_the_field()
    {
        _useCases.Answer = r => r is MoveCase ? throw new RequestValidationException("On", "未来の日付は指定できません。") : throw new InvalidOperationException();
        var dialog = Render<MoveCaseDialog>(p => p
            .Add(d => d.Code, "RPA-006").Add(d => d.Title, "研修受講者名簿の作成").Add(d => d.From, CaseStatus.Idea)
            .Add(d => d.To, CaseStatus.Assessment).Add(d => d.Moves, Card(CaseStatus.Idea).Moves).Add(d => d.Version, Version)
            .Add(d => d.Today, Today));

        // Only the allowed next statuses are offered; the date defaults to today.
        Assert.Equal(["Assessment", "Retired"], dialog.FindAll("#move-to option").Select(o => o.GetAttribute("value")));
        Assert.Equal("2026-11-30", dialog.Find("#move-on").GetAttribute("value"));

        dialog.Find("#move-on").Change("2026-12-01");
        dialog.Find("#move-reason").Change("効果と実現性の検討を開始");
        dialog.Find("form").Submit();

        var sent = Assert.IsType<MoveCase>(Assert.Single(_useCases.Sent));
        Assert.Equal(new MoveCase("RPA-006", CaseStatus.Assessment, new DateOnly(2026, 12, 1), "効果と実現性の検討を開始", Version), sent);
        dialog.WaitForAssertion(() => Assert.Contains("未来の日付は指定できません。", dialog.Find(".form-error-summary").TextContent));
        Assert.Equal("#move-on", dialog.Find(".form-error-summary a").GetAttribute("href"));
        Assert.Equal("未来の日付は指定できません。", dialog.Find(".validation-message").TextContent);
    }

    [Fact]
    public void A_refused_move_keeps_the_card_and_an_accepted_one_moves_it_and_notifies()
    {
        var moved = false;
        _useCases.Answer = r => r switch
        {
            GetPipelineBoard => Board(moved ? CaseStatus.Assessment : CaseStatus.Idea),
            MoveCase { On: var on } when on > Today => throw new RequestValidationException("On", "未来の日付は指定できません。"),
            MoveCase => Accept(),
            _ => throw new InvalidOperationException(r.GetType().Name),
        };
        object Accept()
        {
            moved = true;
            return Unit.Value;
        }
        var dialogs = Render<RadzenDialog>();
        var board = Render<Pipeline>();
        var card = board.Find(".rpa-board-column[data-status=Idea] .rpa-card[data-code=RPA-006]");

        // The card offers 検討 and 廃止 only (候補's allowed moves).
        Assert.Equal(["Assessment", "Retired"], card.QuerySelectorAll("button.rpa-move").Select(b => b.GetAttribute("data-to")));
        card.QuerySelector("button.rpa-move[data-to=Assessment]")!.Click();
        dialogs.WaitForAssertion(() => Assert.NotNull(dialogs.Find("[data-move-dialog=RPA-006]")));
        Assert.Equal("Assessment", dialogs.Find("#move-to").GetAttribute("value"));

        // A future date: refused, the message is in the dialog, the card stays in 候補.
        dialogs.Find("#move-on").Change("2026-12-24");
        dialogs.Find("form").Submit();
        dialogs.WaitForAssertion(() => Assert.Contains("未来の日付は指定できません。", dialogs.Find("[data-move-dialog] .form-error-summary").TextContent));
        Assert.Single(board.FindAll(".rpa-board-column[data-status=Idea] .rpa-card[data-code=RPA-006]"));
        Assert.Empty(board.FindAll(".rpa-board-column[data-status=Assessment] .rpa-card"));

        // Today's date: accepted; the dialog closes, the card is in 検討, a notification says so.
        dialogs.Find("#move-on").Change("2026-11-30");
        dialogs.Find("#move-reason").Change("検討を開始");
        dialogs.Find("form").Submit();
        board.WaitForAssertion(() => Assert.Single(board.FindAll(".rpa-board-column[data-status=Assessment] .rpa-card[data-code=RPA-006]")));
        Assert.Empty(board.FindAll(".rpa-board-column[data-status=Idea] .rpa-card"));
        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("[data-move-dialog]")));
        var note = Assert.Single(Services.GetRequiredService<NotificationService>().Messages);
        Assert.Equal(("状態を変更しました", NotificationSeverity.Success), (note.Summary, note.Severity));
        Assert.Contains("RPA-006 を「検討」に変更しました", note.Detail);
        Assert.Equal(2, _useCases.Sent.OfType<MoveCase>().Count());
    }
}
