using Intranet.Modules.PlanKpi.Domain;
using Intranet.Modules.PlanKpi.Pages.Shared;

namespace Intranet.ComponentTests;

/// <summary>Issue #10: the indicator kind label pages put beside an indicator's name (nothing for the default 成果指標).</summary>
public sealed class IndicatorKindLabelTests : BunitContext
{
    [Theory]
    [InlineData(IndicatorKind.MeasureTarget, "施策目標値", "kind-measuretarget")]
    [InlineData(IndicatorKind.Action, "行動目標", "kind-action")]
    public void A_non_default_kind_is_labelled_in_words(IndicatorKind kind, string label, string css)
    {
        var cut = Render<KindLabel>(p => p.Add(c => c.Kind, kind));
        var span = cut.Find("span.kind-label");
        Assert.Equal(label, span.TextContent);
        Assert.Contains(css, span.ClassList);
    }

    [Fact]
    public void The_default_outcome_kind_renders_nothing()
    {
        var cut = Render<KindLabel>(p => p.Add(c => c.Kind, IndicatorKind.Outcome));
        Assert.Equal("", cut.Markup.Trim());
        Assert.Equal("成果指標", IndicatorKinds.Label(IndicatorKind.Outcome));
    }
}
