using Intranet.Shared.Web;
using Microsoft.Extensions.DependencyInjection;
using Radzen;
using Radzen.Blazor;

namespace Intranet.ComponentTests;

/// <summary>The suite's confirmation (UiFeedback.ConfirmAsync over Radzen's dialog): Japanese buttons, true only on 「実行する」.</summary>
public sealed class ConfirmationTests : BunitContext
{
    public ConfirmationTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddRadzenComponents();
    }

    private (IRenderedComponent<RadzenDialog> Host, DialogService Dialogs) Dialog() =>
        (Render<RadzenDialog>(), Services.GetRequiredService<DialogService>());

    [Fact]
    public async Task Confirming_returns_true()
    {
        var (host, dialogs) = Dialog();
        var answer = host.InvokeAsync(() => dialogs.ConfirmAsync("職員 H10001 の退職日を 2026/03/31 にします。よろしいですか?", "退職日の確定"));
        host.WaitForAssertion(() => Assert.Contains("よろしいですか?", host.Markup));
        Assert.Contains("退職日の確定", host.Markup);
        var ok = host.FindAll("button").Single(b => b.TextContent.Contains("実行する"));
        await host.InvokeAsync(() => ok.Click());
        Assert.True(await answer);
    }

    [Fact]
    public async Task Cancelling_returns_false()
    {
        var (host, dialogs) = Dialog();
        var answer = host.InvokeAsync(() => dialogs.ConfirmAsync("削除します。よろしいですか?"));
        host.WaitForAssertion(() => Assert.Contains("削除します。", host.Markup));
        var cancel = host.FindAll("button").Single(b => b.TextContent.Contains("キャンセル"));
        await host.InvokeAsync(() => cancel.Click());
        Assert.False(await answer);
    }
}
