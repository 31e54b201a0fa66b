using Intranet.Shared.Web;
using Microsoft.AspNetCore.Components.Forms;

namespace Intranet.ComponentTests;

public sealed class FormErrorSummaryTests : BunitContext
{
    private sealed class Model
    {
        public string? Value { get; set; }
        public string? Note { get; set; }
    }

    public FormErrorSummaryTests() => JSInterop.Mode = JSRuntimeMode.Loose;

    [Fact]
    public void Shows_nothing_while_the_form_is_valid()
    {
        var edit = new EditContext(new Model());
        var cut = Render<FormErrorSummary>(p => p.Add(c => c.EditContext, edit));
        Assert.Empty(cut.FindAll(".form-error-summary"));
    }

    [Fact]
    public void Lists_every_message_with_a_link_to_its_field_and_moves_focus_to_the_first_field()
    {
        var model = new Model();
        var edit = new EditContext(model);
        var store = new ValidationMessageStore(edit);
        var focus = JSInterop.Setup<bool>("intranet.focusById", "Value").SetResult(true);
        var cut = Render<FormErrorSummary>(p => p.Add(c => c.EditContext, edit).Add(c => c.Other, ["他の利用者が先に保存しました。"]));

        store.Add(new FieldIdentifier(model, nameof(Model.Value)), "実績値は0以上で入力してください。");
        store.Add(new FieldIdentifier(model, nameof(Model.Note)), "備考は500文字以内で入力してください。");
        edit.NotifyValidationStateChanged();

        cut.WaitForAssertion(() => Assert.Contains("3 件", cut.Find(".form-error-summary").TextContent));
        var links = cut.FindAll(".form-error-summary a");
        Assert.Equal(["#Value", "#Note"], links.Select(a => a.GetAttribute("href")));
        Assert.Equal("実績値は0以上で入力してください。", links[0].TextContent);
        Assert.Contains("他の利用者が先に保存しました。", cut.Find(".form-error-summary li").TextContent);
        cut.WaitForAssertion(() => Assert.Single(focus.Invocations));
    }
}
