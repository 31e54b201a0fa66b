using Intranet.Modules.Rpa.Domain;
using Intranet.Modules.Rpa.Import;
using Intranet.Shared.Import;

namespace Intranet.UnitTests;

/// <summary>
/// The pure rules the RPA imports share with the forms (issue #9): a status step's date (<see cref="CaseLifecycle.CheckDate"/>,
/// called by <see cref="CaseLifecycle.CheckMove"/> and by the cases import), the run outcome words of the module's own
/// format (<see cref="RunOutcomes"/>), tool names (<see cref="RpaTools"/>), and the fields the kinds declare.
/// </summary>
public class RpaImportRulesTests
{
    private static readonly DateOnly Today = new(2026, 11, 21);

    [Fact]
    public void A_step_may_not_be_dated_in_the_future_nor_before_the_last_step()
    {
        Assert.Empty(CaseLifecycle.CheckDate(Today, new DateOnly(2023, 1, 10), Today));
        Assert.Equal(["未来の日付は指定できません。"], CaseLifecycle.CheckDate(new DateOnly(2031, 4, 1), null, Today));
        Assert.Equal(["日付は直前の変更日 (2023-01-10) 以降にしてください。"], CaseLifecycle.CheckDate(new DateOnly(2022, 1, 1), new DateOnly(2023, 1, 10), Today));
        // CheckMove reports the date rule under the field On, after the step rule.
        Assert.Equal([("To", false), ("On", true)],
            CaseLifecycle.CheckMove(CaseStatus.Idea, CaseStatus.Production, new DateOnly(2031, 4, 1), null, Today)
                .Select(e => (e.Field, e.Message == "未来の日付は指定できません。")));
    }

    [Theory]
    [InlineData("success", RunOutcome.Succeeded)]
    [InlineData("正常終了", RunOutcome.Succeeded)]
    [InlineData("SUCCEEDED", RunOutcome.Succeeded)]
    [InlineData("failure", RunOutcome.Failed)]
    [InlineData("異常終了", RunOutcome.Failed)]
    [InlineData("エラー", RunOutcome.Failed)]
    [InlineData("Faulted", null)]      // a tool's own word: needs a value translation
    [InlineData("Successful", null)]
    [InlineData("", null)]
    public void Outcome_words_of_the_standard_format(string text, RunOutcome? expected) => Assert.Equal(expected, RunOutcomes.Parse(text));

    [Theory]
    [InlineData("WinActor", RpaTool.WinActor)]
    [InlineData("Power Automate Desktop", RpaTool.PowerAutomate)]
    [InlineData("BizRobo!", RpaTool.BizRobo)]
    [InlineData("", RpaTool.Other)]
    [InlineData("Excelマクロ", null)]
    public void Tool_names(string text, RpaTool? expected) => Assert.Equal(expected, RpaTools.Parse(text));

    [Fact]
    public void Every_known_value_a_translation_may_produce_is_read_by_the_kinds_parsers()
    {
        Assert.All(RpaTools.Known, v => Assert.NotNull(RpaTools.Parse(ImportValues.Normalize(v))));
        Assert.All(RunOutcomes.Known, v => Assert.NotNull(RunOutcomes.Parse(v)));
        Assert.All(CaseLifecycle.AllLabels, v => Assert.NotNull(CaseLifecycle.Parse(v)));
        Assert.Equal(["case", "run_id", "started_at", "ended_at", "outcome", "items"], RunImportKind.Fields.Select(f => f.Name));
        Assert.All(RunImportKind.Fields.Concat(CaseImportKind.Fields), f => Assert.False(string.IsNullOrWhiteSpace(f.Label + f.Description + f.Example)));
    }
}
