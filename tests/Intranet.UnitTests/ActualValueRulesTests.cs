using Intranet.Modules.PlanKpi.Domain;
using Intranet.Modules.PlanKpi.Entry;
using Intranet.Modules.PlanKpi.UseCases;

namespace Intranet.UnitTests;

/// <summary>
/// ActualValueRules with the Hadano plan's indicators: 1-2-(1)-1 Twitter フォロワー数 (人), 1-2-(4)-1 ICTを活用できる
/// 教職員の割合 (%), 2-1-(1)-2 削減時間 (時間), 1-1-(3)-1 交付率 (%); the findings of issue #8 (−5 followers, 150 % teachers).
/// </summary>
public class ActualValueRulesTests
{
    private static Indicator Ind(string name, string unit, params decimal[] targets) => new()
    {
        Name = name, Unit = unit, Targets = targets.Select((t, i) => new Target { FiscalYear = 2021 + i, Value = t }).ToList(),
    };

    private static readonly Indicator Followers = Ind("Twitter フォロワー数", "人", 7000, 7300);
    private static readonly Indicator Teachers = Ind("ICTを活用できる教職員の割合", "%", 70, 75);
    private static readonly Indicator Hours = Ind("削減時間(累積)", "時間", 600, 1500);

    [Theory]
    [InlineData(0)]
    [InlineData(7100)]
    [InlineData(1_000_000)]
    public void Whole_counts_at_or_above_zero_pass(decimal value) => Assert.Null(ActualValueRules.Check(Followers, value));

    [Fact]
    public void A_negative_count_is_refused_naming_the_indicator_and_value()
    {
        var message = ActualValueRules.Check(Followers, -5);
        Assert.Equal("Twitter フォロワー数: -5人 は受け付けられません。実績値は0以上で入力してください。", message);
        Assert.NotNull(ActualValueRules.Check(Hours, -0.5m));
    }

    [Fact]
    public void A_share_lies_between_0_and_100_unless_the_indicator_says_otherwise()
    {
        Assert.Null(ActualValueRules.Check(Teachers, 0));
        Assert.Null(ActualValueRules.Check(Teachers, 100));
        Assert.Null(ActualValueRules.Check(Teachers, 92.5m));
        Assert.Equal("ICTを活用できる教職員の割合: 150% は受け付けられません。割合は0〜100%の範囲で入力してください。", ActualValueRules.Check(Teachers, 150));
        // A target above 100 or a ratio against a reference (達成率, 前年比 …) lets the figure pass 100.
        Assert.Null(ActualValueRules.Check(Ind("窓口予約の前年比", "%", 110), 130));
        Assert.Null(ActualValueRules.Check(Ind("目標達成率", "%"), 120));
        Assert.True(ActualValueRules.AllowsAbove100(Ind("利用率", "%", 80, 120)));
        Assert.False(ActualValueRules.AllowsAbove100(Ind("前年比", "件", 120)));   // not a share: no upper bound anyway
        Assert.Null(ActualValueRules.Check(Hours, 1_000_000));
    }

    [Theory]
    [InlineData("人")]
    [InlineData("件")]
    [InlineData("回")]
    [InlineData("業務")]
    [InlineData("台")]
    [InlineData("校")]
    [InlineData("団体")]
    [InlineData("種類")]
    [InlineData("箇所")]
    public void Whole_units_take_whole_numbers(string unit)
    {
        Assert.True(ActualValueRules.IsWholeUnit(unit));
        Assert.Contains("整数", ActualValueRules.Check(Ind("指標", unit), 1.5m));
        Assert.Null(ActualValueRules.Check(Ind("指標", unit), 2));
    }

    [Fact]
    public void Hours_and_percent_take_decimals_up_to_four_places()
    {
        Assert.False(ActualValueRules.IsWholeUnit("時間"));
        Assert.Null(ActualValueRules.Check(Hours, 1234.5m));
        Assert.Null(ActualValueRules.Check(Teachers, 70.8m));
        Assert.Contains("4桁", ActualValueRules.Check(Hours, 1.23456m));
        Assert.Contains("大きすぎます", ActualValueRules.Check(Hours, 2_000_000_000_000m));
    }

    [Theory]
    [InlineData("7,100", "人", 7100)]
    [InlineData("７，１００", "人", 7100)]
    [InlineData(" 7100人 ", "人", 7100)]
    [InlineData("92.5%", "%", 92.5)]
    [InlineData("９２．５％", "%", 92.5)]
    [InlineData("−5", "人", -5)]
    [InlineData("3データ", "データ", 3)]
    public void Typed_values_are_read_leniently(string text, string unit, decimal expected)
    {
        Assert.True(ActualValueRules.TryParse(text, unit, out var value, out var error), error);
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("7,100件")]
    [InlineData("1e3")]
    public void Text_that_is_not_a_number_is_refused(string text)
    {
        Assert.False(ActualValueRules.TryParse(text, "人", out _, out var error));
        Assert.Contains("数値で入力", error);
    }

    [Fact]
    public void An_empty_text_is_no_value()
    {
        Assert.True(ActualValueRules.TryParse("  ", "人", out var value, out _));
        Assert.Null(value);
    }

    [Fact]
    public void Only_typed_in_indicators_with_a_target_and_no_actual_owe_a_value()
    {
        Assert.True(ActualValueRules.Owes(isFed: false, hasTargetForYear: true, hasActual: false));
        Assert.False(ActualValueRules.Owes(isFed: true, hasTargetForYear: true, hasActual: false));
        Assert.False(ActualValueRules.Owes(isFed: false, hasTargetForYear: false, hasActual: false));
        Assert.False(ActualValueRules.Owes(isFed: false, hasTargetForYear: true, hasActual: true));
    }

    [Fact]
    public void The_entry_sheet_reads_back_what_it_wrote()
    {
        var version = Guid.NewGuid();
        var sheet = new EntrySheet("hadano-ict-2021", "はだのICT活用推進計画", 2021, [2021, 2022], "広報広聴課", ["広報広聴課"], false, false,
        [
            new EntryRow("1-2-(1)-1", "Twitter フォロワー数", "1-2-(1)", "SNS", "人", "7,000", 7000, null, 6500, "速報", version, null, false, ["広報広聴課"]),
            new EntryRow("2-1-(1)-1", "適用業務数(累積)", "2-1-(1)", "RPA", "業務", "4", 4, null, 5, null, null, "RPA台帳", false, ["広報広聴課"]),
            new EntryRow("1-2-(1)-2", "YouTube チャンネル登録者数", "1-2-(1)", "SNS", "人", "2,100", 2100, 1900, null, null, null, null, true, ["広報広聴課"]),
        ]);
        var content = EntrySheetXlsx.Read(EntrySheetXlsx.Write(sheet));
        Assert.Equal(("hadano-ict-2021", 2021), (content.PlanCode, content.FiscalYear));
        Assert.Empty(content.Errors);
        Assert.Equal(
            [new EntrySheetRow(2, "1-2-(1)-1", "6500", "速報", version), new EntrySheetRow(3, "2-1-(1)-1", "5", null, null), new EntrySheetRow(4, "1-2-(1)-2", null, null, null)],
            content.Rows);
        Assert.Equal("実績入力_令和3年度_広報広聴課.xlsx", EntrySheetXlsx.FileName(sheet));
    }

    [Fact]
    public void A_file_that_is_not_an_entry_sheet_is_refused()
    {
        var e = Assert.Throws<Intranet.Shared.Messaging.RequestValidationException>(() => EntrySheetXlsx.Read("not a zip"u8.ToArray()));
        Assert.Contains(".xlsx", e.Message);
        var table = Intranet.Shared.Export.TableExport.ToXlsx(new Intranet.Shared.Export.ExportTable("x", ["a", "b"], [["1", "2"]]));
        Assert.Contains("実績入力シートではありません", Assert.Throws<Intranet.Shared.Messaging.RequestValidationException>(() => EntrySheetXlsx.Read(table)).Message);
    }
}
