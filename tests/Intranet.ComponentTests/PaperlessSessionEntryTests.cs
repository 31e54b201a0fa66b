using Intranet.Modules.Paperless.Domain;
using Intranet.Modules.Paperless.Pages;
using Intranet.Modules.Paperless.UseCases;
using Intranet.Shared.Time;
using Intranet.Shared.Web;
using Microsoft.Extensions.DependencyInjection;
using Radzen;
using Radzen.Blazor;

namespace Intranet.ComponentTests;

/// <summary>
/// Issue #8 (会議主管課): the session form starts on the default date inside the selected year as a copy of the last
/// session, and a date outside the plan period is saved only after the user confirms it.
/// </summary>
public sealed class PaperlessSessionEntryTests : BunitContext
{
    private readonly FakeUseCases _useCases = new();

    public PaperlessSessionEntryTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddRadzenComponents();
        Services.AddSingleton<IUseCases>(_useCases);
    }

    private static readonly SessionRow Last = new(new DateOnly(2025, 6, 16), 1, MeetingFormat.Hybrid, MaterialsDistribution.Mixed, 14, 120, 440, false, false, null,
        "seisaku@example.jp", Guid.NewGuid());

    private static BodySessions View(int year, DateOnly defaultDate) => new(
        new BodyInfo("MTG-001", "政策会議", MeetingCategory.Executive, "庁議", "総合政策課", 12), new FiscalYear(year),
        Enumerable.Range(2021, 6).Select(y => new FiscalYear(y)).ToList(), [], Last, defaultDate,
        new PlanPeriod(new FiscalYear(2021), new FiscalYear(2025)), []);

    private (IRenderedComponent<RadzenDialog>, IRenderedComponent<SessionEntry>) RenderEntry(BodySessions view) =>
        (Render<RadzenDialog>(), Render<SessionEntry>(p => p.Add(c => c.View, view)));

    [Fact]
    public void A_new_session_starts_on_the_default_date_as_a_copy_of_the_last_one()
    {
        var (_, cut) = RenderEntry(View(2022, new DateOnly(2022, 4, 1)));
        Assert.Equal("2022-04-01", cut.Find("#HeldOn").GetAttribute("value"));
        Assert.Equal("Hybrid", cut.Find("#Format").GetAttribute("value"));
        Assert.Equal("Mixed", cut.Find("#Materials").GetAttribute("value"));
        Assert.Equal("14", cut.Find("#Attendees").GetAttribute("value"));
        Assert.Contains("前回 (2025/06/16) の内容を写してあります。", cut.Markup);
    }

    [Fact]
    public void A_date_inside_the_plan_is_saved_without_asking()
    {
        var (dialogs, cut) = RenderEntry(View(2025, new DateOnly(2025, 4, 1)));
        cut.Find("#HeldOn").Change("2025-06-30");
        cut.Find("form").Submit();
        cut.WaitForAssertion(() => Assert.Single(_useCases.Sent));
        var sent = Assert.IsType<RecordSession>(_useCases.Sent[0]);
        Assert.Equal((new DateOnly(2025, 6, 30), false, MeetingFormat.Hybrid, 14), (sent.HeldOn, sent.OutsidePlanConfirmed, sent.Format, sent.Attendees));
        Assert.DoesNotContain("計画期間外", dialogs.Markup);
    }

    [Fact]
    public void A_date_outside_the_plan_asks_first_and_is_sent_confirmed_only_after_yes()
    {
        var (dialogs, cut) = RenderEntry(View(2026, new DateOnly(2026, 11, 21)));
        Assert.Equal("2026-11-21", cut.Find("#HeldOn").GetAttribute("value"));

        cut.Find("form").Submit();
        dialogs.WaitForAssertion(() => Assert.Contains("計画期間 (令和3年度(2021)〜令和7年度(2025)) の外です", dialogs.Markup));
        dialogs.WaitForElement("button:contains('日付を直す')").Click();
        Assert.Empty(_useCases.Sent);

        cut.Find("form").Submit();
        dialogs.WaitForElement("button:contains('この日付で記録する')").Click();
        cut.WaitForAssertion(() => Assert.Single(_useCases.Sent));
        var sent = Assert.IsType<RecordSession>(_useCases.Sent[0]);
        Assert.Equal((new DateOnly(2026, 11, 21), true, "MTG-001"), (sent.HeldOn, sent.OutsidePlanConfirmed, sent.BodyCode));
    }
}
