using System.Text;
using Intranet.Modules.Rpa.Import;
using Intranet.Shared.Import;

namespace Intranet.UnitTests;

/// <summary>
/// <see cref="TabularFile"/> and <see cref="ImportValues"/> on RPA tools' files: the CSV that Japanese RPA tools and Excel write (UTF-8 with or without BOM, or
/// Shift_JIS), dates as tools write them, and errors that name the line and column.
/// </summary>
public class TabularFileTests
{
    /// <summary>The file's rows joined back as CSV-ish text (for comparing what was read).</summary>
    private static (string Text, string Encoding) Decode(byte[] bytes, string name)
    {
        var file = TabularFile.Open(bytes, name);
        return (string.Join("\r\n", file.Rows().Select(r => string.Join(",", r.Cells))) + "\r\n", file.EncodingName);
    }

    private static List<TabularRow> Rows(string text) => TabularFile.Open(Encoding.UTF8.GetBytes(text), "a.csv").Rows().Where(r => !r.IsBlank).ToList();

    private static readonly Encoding ShiftJis;

    static TabularFileTests()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        ShiftJis = Encoding.GetEncoding(932);
    }

    private const string WinActorText = "シナリオ名,実行ID,開始日時,終了日時,実行結果,処理件数\r\nふるさと納税登録,W10000,2022/06/01 10:00:00,2022/06/01 10:40:00,正常終了,162\r\n";

    // ---- Decode --------------------------------------------------------------------------------------

    [Fact]
    public void Decode_reads_utf8_without_bom()
    {
        var (text, encoding) = Decode(Encoding.UTF8.GetBytes("code,title\nRPA-001,給与支払報告書の入力\n"), "a.csv");
        Assert.Equal("UTF-8", encoding);
        Assert.Equal("code,title\r\nRPA-001,給与支払報告書の入力\r\n", text);
    }

    [Fact]
    public void Decode_strips_the_utf8_bom()
    {
        var (text, encoding) = Decode([.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes("code\nRPA-001\n")], "a.csv");
        Assert.Equal("UTF-8 (BOM付き)", encoding);
        Assert.False(text.StartsWith('\uFEFF'));
    }

    [Fact]
    public void Decode_reads_shift_jis_as_windows_tools_write_it()
    {
        var bytes = ShiftJis.GetBytes(WinActorText);
        Assert.Throws<DecoderFallbackException>(() => new UTF8Encoding(false, true).GetString(bytes));   // really not UTF-8
        var (text, encoding) = Decode(bytes, "winactor.csv");
        Assert.Equal("Shift_JIS", encoding);
        Assert.Equal(WinActorText, text);
    }

    [Fact]
    public void Decode_reads_cp932_extensions_such_as_circled_digits_and_numbered_kanji()
    {
        const string s = "所管課,備考\r\n市民税課,①№㈱髙\r\n";   // NEC/IBM extensions of Windows-31J
        var (text, encoding) = Decode(ShiftJis.GetBytes(s), "x.csv");
        Assert.Equal("Shift_JIS", encoding);
        Assert.Equal(s, text);
    }

    [Fact]
    public void Decode_reads_the_shipped_winactor_sample_as_shift_jis()
    {
        var path = Path.Combine(RepoRoot(), "Modules", "Rpa", "Intranet.Modules.Rpa", "SampleData", "winactor-log-sjis.csv");
        var (text, encoding) = Decode(File.ReadAllBytes(path), "winactor-log-sjis.csv");
        Assert.Equal("Shift_JIS", encoding);
        Assert.StartsWith("シナリオ名,実行ID,開始日時,終了日時,実行結果,処理件数", text);
        Assert.Contains("ふるさと納税登録,W10043,2023/03/29 10:00:00,2023/03/29 10:40:00,正常終了,170", text);
    }

    [Theory]
    [InlineData(new byte[] { 0x61, 0x2C, 0x62, 0x0A, 0x82, 0x20 })]          // SJIS lead byte followed by a space
    [InlineData(new byte[] { 0x61, 0x2C, 0x62, 0x0A, 0x81 })]                // truncated double-byte character
    [InlineData(new byte[] { 0x61, 0x0A, 0xEF, 0xBB })]                      // truncated UTF-8, odd SJIS
    [InlineData(new byte[] { 0x63, 0x61, 0x66, 0xE9, 0x2C, 0x31, 0x0A })]    // "café,1" in Latin-1 / Windows-1252
    public void Decode_rejects_bytes_that_are_neither_utf8_nor_shift_jis(byte[] bytes)
    {
        var e = Assert.Throws<ImportRejectedException>(() => Decode(bytes, "broken.csv"));
        var error = Assert.Single(e.Errors);
        Assert.Equal("文字コード", error.Column);
        Assert.Contains("文字コードを判別できません", error.Message);
        Assert.StartsWith("broken.csv:", e.Message);
    }

    [Fact]
    public void Decode_rejects_nul_bytes_as_not_text()
    {
        // UTF-16 (what Excel's "Unicode text" writes) has NUL bytes for ASCII characters.
        var utf16 = Encoding.Unicode.GetBytes("case,items\nRPA-001,3\n");
        var e = Assert.Throws<ImportRejectedException>(() => Decode(utf16, "unicode.txt"));
        Assert.Equal("文字コード", Assert.Single(e.Errors).Column);
        Assert.Contains("NUL", e.Errors[0].Message);

        var zipLike = new byte[] { 0x50, 0x4B, 0x03, 0x04, 0x00, 0x00 };   // an .xlsx renamed to .csv
        Assert.Contains("Excelファイルとして読めません", Assert.Throws<ImportRejectedException>(() => Decode(zipLike, "x.csv")).Errors[0].Message);
    }

    // ---- Read ----------------------------------------------------------------------------------------

    [Fact]
    public void Rows_keep_their_line_and_blank_lines_are_skipped_not_renumbered()
    {
        var rows = Rows("\uFEFF Case ,Items\n RPA-001 , 12 \n\nRPA-002,3\n");
        Assert.Equal([1, 2, 4], rows.Select(r => r.Line));
        Assert.Equal(" RPA-001 ", rows[1][0]);            // trimmed (and NFKC-normalised) when read as a value
        Assert.Equal("RPA-001", ImportValues.Normalize(rows[1][0]));
        Assert.Equal("", rows[2][7]);                      // beyond the row: empty
        Assert.Equal("case", MappedFile.HeaderKey(rows[0][0]));   // headers compare without BOM, spaces and case
    }

    [Fact]
    public void Read_numbers_lines_as_an_editor_does_after_a_quoted_field_spanning_lines()
    {
        var rows = Rows("code,title\r\nRPA-001,\"二行の\r\n業務名\"\r\nRPA-002,一行\r\n");
        Assert.Equal("二行の\r\n業務名", rows[1][1]);
        Assert.Equal(2, rows[1].Line);                     // the record starts on line 2
        Assert.Equal(4, rows[2].Line);
    }

    [Fact]
    public void Header_only_and_blank_rows_give_no_data_rows()
    {
        Assert.Single(Rows("case,items\n"));
        Assert.Single(Rows("case,items\n,\n ,  \n"));
    }

    [Fact]
    public void ImportError_text_names_line_and_column()
    {
        Assert.Equal("12行目 [items]: 処理件数は整数で入力してください。", new ImportError(12, "items", "処理件数は整数で入力してください。").ToString());
        Assert.Equal("[文字コード]: x", new ImportError(0, "文字コード", "x").ToString());
    }

    // ---- Dates and numbers ---------------------------------------------------------------------------

    private static readonly TimeSpan Jst = TimeSpan.FromHours(9);

    public static TheoryData<string, DateTimeOffset> DateTimes() => new()
    {
        { "2022-04-01 09:00:00", new DateTimeOffset(2022, 4, 1, 9, 0, 0, Jst) },
        { "2022-04-01 09:00", new DateTimeOffset(2022, 4, 1, 9, 0, 0, Jst) },
        { "2022-04-01T09:00:00", new DateTimeOffset(2022, 4, 1, 9, 0, 0, Jst) },
        { "2022/06/01 10:40:00", new DateTimeOffset(2022, 6, 1, 10, 40, 0, Jst) },
        { "2022/6/1 9:05", new DateTimeOffset(2022, 6, 1, 9, 5, 0, Jst) },
        { "2022/6/1 9:05:07", new DateTimeOffset(2022, 6, 1, 9, 5, 7, Jst) },
        { "2022-04-01", new DateTimeOffset(2022, 4, 1, 0, 0, 0, Jst) },
        { "2022/4/1", new DateTimeOffset(2022, 4, 1, 0, 0, 0, Jst) },
        { " 2022-04-01 09:00:00 ", new DateTimeOffset(2022, 4, 1, 9, 0, 0, Jst) },
        // with an offset: kept as written
        { "2022-04-01T09:00:00+09:00", new DateTimeOffset(2022, 4, 1, 9, 0, 0, Jst) },
        { "2022-04-01 09:00:00+09:00", new DateTimeOffset(2022, 4, 1, 9, 0, 0, Jst) },
        { "2022-03-31T15:30:00Z", new DateTimeOffset(2022, 3, 31, 15, 30, 0, TimeSpan.Zero) },
        { "2022-03-31T20:00:00-05:00", new DateTimeOffset(2022, 3, 31, 20, 0, 0, TimeSpan.FromHours(-5)) },
        // full-width digits and punctuation (IME input, Excel)
        { "２０２２／０４／０１　０９：００", new DateTimeOffset(2022, 4, 1, 9, 0, 0, Jst) },
        { "２０２２-０４-０１", new DateTimeOffset(2022, 4, 1, 0, 0, 0, Jst) },
    };

    [Theory]
    [MemberData(nameof(DateTimes))]
    public void TryParseDateTime_reads_what_tools_write(string text, DateTimeOffset expected)
    {
        Assert.True(ImportValues.TryParseDateTime(text, out var value, out var error), error);
        Assert.Equal(expected, value);
        Assert.Equal(expected.Offset, value.Offset);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("昨日")]
    [InlineData("2022-13-01")]
    [InlineData("2022-02-30 10:00")]
    [InlineData("2022-04-01 25:00")]
    [InlineData("01/04/2022")]
    [InlineData("2022040")]
    public void TryParseDateTime_refuses_what_is_not_a_date(string text) => Assert.False(ImportValues.TryParseDateTime(text, out _, out _));

    [Theory]
    [InlineData("2022-04-01", "2022-04-01")]
    [InlineData("2022/3/31", "2022-03-31")]
    [InlineData("2022-03-31T15:00:00Z", "2022-04-01")]        // 00:00 in Japan: already FY2022
    [InlineData("2022-03-31T14:59:59Z", "2022-03-31")]        // 23:59:59 in Japan: still FY2021
    [InlineData("2022-03-31T10:00:00-05:00", "2022-04-01")]   // 00:00 JST
    public void TryParseDate_takes_the_japan_calendar_date(string text, string expected)
    {
        Assert.True(ImportValues.TryParseDate(text, out var date, out var error), error);
        Assert.Equal(DateOnly.Parse(expected), date);
    }

    [Theory]
    [InlineData("12", "12")]
    [InlineData("1,234.5", "1234.5")]
    [InlineData("１２３", "123")]
    [InlineData(" 0.5 ", "0.5")]
    [InlineData("-3", "-3")]
    public void TryParseDecimal_reads_thousands_separators_and_full_width_digits(string text, string expected)
    {
        Assert.True(ImportValues.TryParseDecimal(text, out var v));
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), v);
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("1e3")]
    public void TryParseDecimal_refuses_non_numbers(string text) => Assert.False(ImportValues.TryParseDecimal(text, out _));

    internal static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Intranet.sln"))) return dir.FullName;
        throw new InvalidOperationException("repository root (Intranet.sln) not found above " + AppContext.BaseDirectory);
    }
}
