using Intranet.Shared.Import;
using Intranet.Shared.Web;

namespace Intranet.ComponentTests;

public sealed class ImportErrorListTests : BunitContext
{
    [Fact]
    public void Lists_each_error_with_line_and_column_and_says_nothing_was_written()
    {
        var cut = Render<ImportErrorList>(p => p.Add(c => c.Errors, new List<ImportError>
        {
            new(3, "実績値", "数値で入力してください。"),
            new(0, "ファイル", "空のファイルです。"),
        }));
        Assert.Contains("2 件の誤りがあります。何も書き込んでいません。", cut.Find("[role=alert] p").TextContent);
        var rows = cut.FindAll("tbody tr");
        Assert.Equal(2, rows.Count);
        Assert.Equal(["3", "実績値", "数値で入力してください。"], rows[0].QuerySelectorAll("td").Select(td => td.TextContent));
        Assert.Equal("—", rows[1].QuerySelector("td")!.TextContent);
    }

    [Fact]
    public void Renders_nothing_without_errors()
    {
        var cut = Render<ImportErrorList>(p => p.Add(c => c.Errors, Array.Empty<ImportError>()));
        Assert.Empty(cut.Markup.Trim());
    }
}
