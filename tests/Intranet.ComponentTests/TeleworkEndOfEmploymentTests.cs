using Intranet.Modules.Telework.Pages;
using Intranet.Modules.Telework.UseCases;
using Intranet.Shared.Web;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Radzen;
using Radzen.Blazor;

namespace Intranet.ComponentTests;

/// <summary>
/// Issue #8 (人事担当): ending an employment is an explicit action — no date pre-filled, a confirmation before anything is
/// sent, and 「元に戻す」 offered afterwards.
/// </summary>
public sealed class TeleworkEndOfEmploymentTests : BunitContext
{
    private readonly FakeUseCases _useCases = new();
    private static readonly Guid Version = Guid.NewGuid();

    public TeleworkEndOfEmploymentTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddRadzenComponents();
        Services.AddSingleton<IUseCases>(_useCases);
    }

    private (IRenderedComponent<RadzenDialog> Dialogs, IRenderedComponent<StaffEndOfEmployment> Cut) RenderStaff()
    {
        var dialogs = Render<RadzenDialog>();
        var cut = Render<StaffEndOfEmployment>(p => p.Add(c => c.EmployeeNumber, "S001").Add(c => c.Name, "総務 花子1")
            .Add(c => c.ActiveFrom, new DateOnly(2020, 4, 1)).Add(c => c.ActiveTo, null).Add(c => c.Version, Version));
        return (dialogs, cut);
    }

    private static void Click(IRenderedComponent<RadzenDialog> dialogs, string text) =>
        dialogs.WaitForElement($"button:contains('{text}')").Click();

    [Fact]
    public void The_dialog_starts_without_a_date_and_refuses_to_save_none()
    {
        var (dialogs, cut) = RenderStaff();
        Assert.Empty(cut.FindAll("input[type=date]"));                 // no date field on the page itself
        cut.Find("button:contains('退職の処理')").Click();

        var input = dialogs.WaitForElement("#LastDay");
        Assert.Equal("", input.GetAttribute("value") ?? "");            // nothing pre-filled (not today)
        dialogs.Find("form").Submit();
        dialogs.WaitForAssertion(() => Assert.Contains("退職日を入力してください。", dialogs.Markup));
        Assert.Empty(_useCases.Sent);
    }

    [Fact]
    public void Saving_asks_for_confirmation_and_then_offers_undo()
    {
        var ended = new EmploymentEnded("S001", new DateOnly(2025, 3, 31), null, false, Guid.NewGuid());
        _useCases.Answer = r => r is EndDateStaff ? ended : r is UndoEndEmployment ? Guid.NewGuid() : null;
        var (dialogs, cut) = RenderStaff();
        cut.Find("button:contains('退職の処理')").Click();
        dialogs.WaitForElement("#LastDay").Change("2025-03-31");

        // Cancelled confirmation: nothing sent, the dialog stays with the typed date.
        dialogs.Find("form").Submit();
        dialogs.WaitForAssertion(() => Assert.Contains("2025/03/31 として保存します", dialogs.Markup));
        Click(dialogs, "キャンセル");
        Assert.Empty(_useCases.Sent);

        // Confirmed: the typed date and the version read are sent.
        dialogs.Find("form").Submit();
        Click(dialogs, "保存する");
        cut.WaitForAssertion(() => Assert.Equal([new EndDateStaff("S001", new DateOnly(2025, 3, 31), Version)], _useCases.Sent));

        // 「元に戻す」 is offered and sends the undo of exactly that end.
        var undo = cut.WaitForElement("button:contains('元に戻す')");
        Assert.Contains("退職日を 2025/03/31 として保存しました。", cut.Markup);
        undo.Click();
        cut.WaitForAssertion(() => Assert.Equal(new UndoEndEmployment(ended), _useCases.Sent[^1]));
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("button:contains('元に戻す')")));
    }

    [Fact]
    public void A_refused_date_is_shown_in_the_dialog()
    {
        _useCases.Answer = r => r is EndDateStaff
            ? new Intranet.Shared.Messaging.RequestValidationException("ActiveTo", "退職日より後のテレワーク勤務日が1日記録されています。日付を確認してください。")
            : null;
        var (dialogs, cut) = RenderStaff();
        cut.Find("button:contains('退職の処理')").Click();
        dialogs.WaitForElement("#LastDay").Change("2025-05-01");
        dialogs.Find("form").Submit();
        Click(dialogs, "保存する");
        dialogs.WaitForAssertion(() => Assert.Contains("退職日より後のテレワーク勤務日が1日記録されています。", dialogs.Find(".form-error-summary").TextContent));
        Assert.Empty(cut.FindAll("button:contains('元に戻す')"));
    }
}
