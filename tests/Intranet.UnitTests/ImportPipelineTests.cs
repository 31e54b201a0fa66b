using System.Globalization;
using System.Text;
using Intranet.Shared.Export;
using Intranet.Shared.Import;
using Intranet.Shared.Security;

namespace Intranet.UnitTests;

/// <summary>
/// The shared import pipeline's reading side: <see cref="ImportValues"/> (the values real exports write),
/// <see cref="TabularFile"/> (CSV in UTF-8/Shift_JIS, Excel) and <see cref="MappedFile"/> (header row, columns,
/// value translations, row errors).
/// </summary>
public class ImportPipelineTests
{
    private static readonly Encoding ShiftJis;

    static ImportPipelineTests()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        ShiftJis = Encoding.GetEncoding(932);
    }

    // ---- values ---------------------------------------------------------------------------------------

    [Theory]
    [InlineData("2023/04/03", 2023, 4, 3)]
    [InlineData("2023-4-3", 2023, 4, 3)]
    [InlineData("2023.04.03", 2023, 4, 3)]
    [InlineData("20230403", 2023, 4, 3)]
    [InlineData("2023年4月3日", 2023, 4, 3)]
    [InlineData("令和5年4月3日", 2023, 4, 3)]
    [InlineData("令和元年5月1日", 2019, 5, 1)]
    [InlineData("R5.4.3", 2023, 4, 3)]
    [InlineData("R05/04/03", 2023, 4, 3)]
    [InlineData("H31.4.30", 2019, 4, 30)]
    [InlineData("平成27年4月1日", 2015, 4, 1)]
    [InlineData("２０２３／０４／０３", 2023, 4, 3)]
    [InlineData("2023/04/03 9:15", 2023, 4, 3)]
    [InlineData("2023-04-03T23:30:00+00:00", 2023, 4, 4)]   // 08:30 the next day in Japan
    public void Dates_are_read_as_japanese_offices_write_them(string text, int y, int m, int d)
    {
        Assert.True(ImportValues.TryParseDate(text, out var date, out var error), error);
        Assert.Equal(new DateOnly(y, m, d), date);
    }

    [Fact]
    public void Iso_dates_read_the_same_as_every_other_form_of_the_same_day()
    {
        // yyyy-MM-dd has a path of its own; every day of 1999–2030 must come out as the slash form (the general path) does.
        for (var day = new DateOnly(1999, 1, 1); day.Year <= 2030; day = day.AddDays(1))
        {
            Assert.True(ImportValues.TryParseDate(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), out var iso, out _));
            Assert.True(ImportValues.TryParseDate(day.ToString("yyyy/MM/dd", CultureInfo.InvariantCulture), out var slash, out _));
            Assert.Equal((day, day), (iso, slash));
        }
    }

    [Fact]
    public void Iso_date_times_read_the_same_as_the_slash_form_of_the_same_instant()
    {
        // yyyy-MM-dd HH:mm:ss has a path of its own; every hour of 1999–2030 (minutes and seconds varied) must come out as
        // the slash form (the general path) does: Japan time.
        var i = 0;
        for (var at = new DateTime(1999, 1, 1); at.Year <= 2030; at = at.AddHours(1).AddSeconds(i++ % 61 == 0 ? 0 : 1))
        {
            Assert.True(ImportValues.TryParseDateTime(at.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), out var iso, out _));
            Assert.True(ImportValues.TryParseDateTime(at.ToString("yyyy/MM/dd HH:mm:ss", CultureInfo.InvariantCulture), out var slash, out _));
            Assert.Equal(slash, iso);
            Assert.Equal(TimeSpan.FromHours(9), iso.Offset);
        }
    }

    [Theory]
    [InlineData("2023-02-30 10:00:00", "存在しない日付です: 2023-02-30 10:00:00")]
    [InlineData("1899-12-31 10:00:00", "存在しない日付です: 1899-12-31 10:00:00")]
    [InlineData("2023-04-03 25:00:00", "存在しない時刻です: 25:00:00")]
    [InlineData("2023-04-03 10:60:00", "存在しない時刻です: 10:60:00")]
    public void An_impossible_iso_date_time_says_so_and_names_the_value(string text, string message)
    {
        Assert.False(ImportValues.TryParseDateTime(text, out _, out var error));
        Assert.StartsWith(message, error);
    }

    [Theory]
    [InlineData("2023-02-30", "存在しない日付です: 2023-02-30")]
    [InlineData("2023-13-01", "存在しない日付です: 2023-13-01")]
    [InlineData("1899-12-31", "存在しない日付です: 1899-12-31")]
    [InlineData("2023-0a-01", "日付として読めません: 2023-0a-01")]
    [InlineData("2023/02/30", "存在しない日付です: 2023/02/30")]
    [InlineData("2023/13/01", "存在しない日付です: 2023/13/01")]
    [InlineData("令和5年2月29日", "存在しない日付です: 令和5年2月29日")]
    [InlineData("来年", "日付として読めません: 来年")]
    [InlineData("2023/04/03 25:00", "存在しない時刻です: 25:00")]
    public void An_impossible_date_says_so_and_names_the_value(string text, string message)
    {
        Assert.False(ImportValues.TryParseDate(text, out _, out var error));
        Assert.StartsWith(message, error);
    }

    [Fact]
    public void Date_times_without_an_offset_are_japan_time_and_with_one_are_kept()
    {
        Assert.True(ImportValues.TryParseDateTime("2022/06/01 10:00:00", out var local, out _));
        Assert.Equal(new DateTimeOffset(2022, 6, 1, 10, 0, 0, TimeSpan.FromHours(9)), local);
        Assert.True(ImportValues.TryParseDateTime("2022-06-01T01:00:00Z", out var utc, out _));
        Assert.Equal(new DateTimeOffset(2022, 6, 1, 1, 0, 0, TimeSpan.Zero), utc);
        Assert.True(ImportValues.TryParseDateTime("R4.6.1 10:00", out var era, out _));
        Assert.Equal(local, era);
    }

    [Theory]
    [InlineData("7:45", "7.75")]
    [InlineData("7.75", "7.75")]
    [InlineData("3:52:30", "3.875")]
    [InlineData("7時間45分", "7.75")]
    [InlineData("45分", "0.75")]
    [InlineData("０７：４５", "7.75")]
    public void Hours_are_read_as_decimal_or_h_mm(string text, string hours)
    {
        Assert.True(ImportValues.TryParseHours(text, out var h, out var error), error);
        Assert.Equal(decimal.Parse(hours, System.Globalization.CultureInfo.InvariantCulture), h);
    }

    [Fact]
    public void Minutes_over_59_are_not_hours()
    {
        Assert.False(ImportValues.TryParseHours("7:60", out _, out var error));
        Assert.Contains("7:60", error);
    }

    [Theory]
    [InlineData("2147483648")]
    [InlineData("99999999999999999999999999999999999999")]
    [InlineData("1e400")]
    public void A_number_too_large_is_a_range_error_never_an_overflow(string text)
    {
        Assert.False(ImportValues.TryParseInteger(text, 0, 1_000_000, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void Numbers_take_thousands_separators_and_full_width_digits()
    {
        Assert.True(ImportValues.TryParseInteger("1,234", 0, 10_000, out var a, out _));
        Assert.Equal(1234, a);
        Assert.True(ImportValues.TryParseInteger("１，２３４", 0, 10_000, out var b, out _));
        Assert.Equal(1234, b);
        Assert.False(ImportValues.TryParseInteger("12.5", 0, 100, out _, out var error));
        Assert.Contains("整数", error);
    }

    // ---- files ----------------------------------------------------------------------------------------

    [Fact]
    public void Csv_encodings_are_detected_utf8_with_and_without_bom_and_shift_jis()
    {
        const string text = "職員番号,勤務区分\r\nH1,在宅勤務\r\n";
        Assert.Equal("UTF-8", TabularFile.Open(Encoding.UTF8.GetBytes(text), "a.csv").EncodingName);
        Assert.Equal("UTF-8 (BOM付き)", TabularFile.Open([.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text)], "a.csv").EncodingName);
        var sjis = TabularFile.Open(ShiftJis.GetBytes(text), "a.csv");
        Assert.Equal("Shift_JIS", sjis.EncodingName);
        Assert.Equal(["H1", "在宅勤務"], sjis.Rows().Last().Cells);
    }

    [Theory]
    [InlineData(new byte[0], "空です")]
    [InlineData(new byte[] { 0x41, 0x00, 0x42 }, "NULバイト")]
    [InlineData(new byte[] { 0x50, 0x4B, 0x03, 0x04, 0x00, 0x01 }, "Excelファイルとして読めません")]
    [InlineData(new byte[] { 0xE3, 0x81, 0x82, 0x82, 0xA0, 0x81, 0x20 }, "文字コードを判別できません")]   // UTF-8 あ, Shift_JIS あ, then neither
    public void A_file_that_is_not_a_table_is_rejected_with_the_reason(byte[] content, string reason)
    {
        var e = Assert.Throws<ImportRejectedException>(() => TabularFile.Open(content, "x.csv").Rows().ToList());
        Assert.Contains(reason, Assert.Single(e.Errors).Message);
    }

    [Fact]
    public void An_excel_workbook_is_read_sheet_by_name_with_dates_and_numbers_as_text()
    {
        var xlsx = TableExport.ToXlsx(new ExportTable("会議一覧", ["会議名", "開催日", "出席者数"],
            [["庁議", new DateOnly(2023, 4, 3), 12], ["部長会議", new DateOnly(2023, 4, 10), 1234.5m]]));
        var file = TabularFile.Open(xlsx, "list.xlsx", "会議一覧");
        Assert.Equal("Excel (.xlsx)", file.EncodingName);
        Assert.Equal(["会議一覧"], file.SheetNames);
        var rows = file.Rows().ToList();
        Assert.Equal(["会議名", "開催日", "出席者数"], rows[0].Cells);
        Assert.Equal(["庁議", "2023-04-03", "12"], rows[1].Cells);
        Assert.Equal("1234.5", rows[2].Cells[2]);
        var missing = Assert.Throws<ImportRejectedException>(() => TabularFile.Open(xlsx, "list.xlsx", "Sheet9"));
        Assert.Contains("会議一覧", Assert.Single(missing.Errors).Message);
    }

    // ---- mapping --------------------------------------------------------------------------------------

    private static readonly IReadOnlyList<ImportField> Fields =
    [
        new("employee_number", "職員番号", ImportFieldType.Text, true, "", Synonyms: ["職員番号"]),
        new("date", "日付", ImportFieldType.Date, true, "", Synonyms: ["勤務日"]),
        new("type", "種類", ImportFieldType.Choice, true, "", ["在宅", "サテライト", "モバイル"], ["勤務区分"]),
        new("hours", "時間", ImportFieldType.Hours, false, ""),
    ];

    private static readonly ImportMapping Kintai = new()
    {
        Kind = "telework-days", Name = "kintai",
        Fields = new()
        {
            ["employee_number"] = new() { Column = "職員番号" }, ["date"] = new() { Column = "勤務日" },
            ["type"] = new() { Column = "勤務区分", Values = new() { ["在宅勤務"] = "在宅", ["サテライト勤務"] = "サテライト" } },
            ["hours"] = new() { Column = "在宅勤務時間" },
        },
    };

    private static (List<(int Line, string Number, DateOnly? Date, string Type, decimal? Hours)> Rows, ImportErrors Errors, MappedFile File) Read(string text, ImportMapping mapping)
    {
        var errors = new ImportErrors();
        var file = MappedFile.Open(TabularFile.Open(ShiftJis.GetBytes(text), "kintai.csv"), mapping, Fields, errors);
        var rows = file.Rows().Where(r => !r.IsShort)
            .Select(r => (r.Line, r.Text("employee_number"), r.Date("date"), r.Text("type"), r.Hours("hours", 0, 24, required: false))).ToList();
        return (rows, errors, file);
    }

    [Fact]
    public void Title_lines_above_the_header_are_skipped_and_values_translated_and_normalised()
    {
        var (rows, errors, file) = Read("勤怠実績データ,出力日時,2025/04/01\r\n\r\n職員番号,氏名,勤務日,勤務区分,在宅勤務時間\r\n" +
                                        "H1,秦野 太郎,2025/05/12,在宅勤務,7:45\r\nH2,秦野 花子,R7.5.13,ｻﾃﾗｲﾄ勤務,3.5\r\n\r\n\r\n", Kintai);
        Assert.Equal(3, file.HeaderLine);
        Assert.Equal(0, errors.Total);
        Assert.Equal([(4, "H1", new DateOnly(2025, 5, 12), "在宅", 7.75m), (5, "H2", new DateOnly(2025, 5, 13), "サテライト", 3.5m)],
            rows.Select(r => (r.Line, r.Number, r.Date, r.Type, r.Hours)).ToList());
    }

    [Fact]
    public void An_untranslated_value_is_an_error_naming_line_value_and_table()
    {
        var (_, errors, _) = Read("職員番号,勤務日,勤務区分,在宅勤務時間\r\nH1,2025/05/12,モバイル勤務,7:45\r\nH2,2025/05/12,在宅,7:45\r\n", Kintai);
        var error = Assert.Single(errors.First);   // 「在宅」 is itself a known value: no translation needed
        Assert.Equal((2, "勤務区分"), (error.Line, error.Column));
        Assert.Contains("「モバイル勤務」は値の変換表にありません", error.Message);
        Assert.Contains("在宅勤務→在宅", error.Message);
    }

    [Fact]
    public void Otherwise_translates_every_other_value()
    {
        var fields = new ImportField[] { new("manager", "管理職", ImportFieldType.Flag, false, "") };
        var mapping = new ImportMapping
        {
            Kind = "staff", Name = "hr",
            Fields = new() { ["manager"] = new() { Column = "職位", Values = new() { ["課長"] = "1", ["部長"] = "1" }, Otherwise = "0" } },
        };
        var errors = new ImportErrors();
        var file = MappedFile.Open(TabularFile.Open(Encoding.UTF8.GetBytes("職位\n課長\n主事\n部長\n係長\n"), "hr.csv"), mapping, fields, errors);
        Assert.Equal([true, false, true, false], file.Rows().Select(r => r.Flag("manager")!.Value).ToList());
        Assert.Equal(0, errors.Total);
    }

    [Fact]
    public void A_short_row_names_the_real_cause_and_a_missing_column_names_the_headers_found()
    {
        var (_, errors, _) = Read("職員番号,勤務日,勤務区分,在宅勤務時間\r\nH1,2025/05/12\r\n", Kintai);
        Assert.Equal("4列のうち2列しかありません。列が欠けているか、区切り文字 (,) が正しくありません。", Assert.Single(errors.First).Message);

        var (_, missing, _) = Read("職員番号,日付,勤務区分\r\nH1,2025/05/12,在宅勤務\r\n", Kintai);
        Assert.Equal(["勤務日", "在宅勤務時間"], missing.First.Select(e => e.Column));   // no row errors after a missing column
        var error = missing.First[0];
        Assert.Contains("見出し: 職員番号、日付、勤務区分", error.Message);
    }

    [Fact]
    public void Errors_are_all_counted_though_only_the_first_thousand_are_kept()
    {
        var text = new StringBuilder("職員番号,勤務日,勤務区分,在宅勤務時間\r\n");
        for (var i = 0; i < 1102; i++) text.Append($"H{i},2025/05/12,出張,7:45\r\n");
        var (_, errors, _) = Read(text.ToString(), Kintai);
        Assert.Equal(1102, errors.Total);
        Assert.Equal(ImportErrors.Kept, errors.First.Count);
        var e = Assert.Throws<ImportRejectedException>(() => errors.ThrowIfAny("kintai.csv"));
        Assert.Equal(1102, e.Total);
        Assert.StartsWith("kintai.csv: 1,102件の誤りがあるため取り込みませんでした。", e.Message);
    }

    [Fact]
    public void A_mapping_round_trips_through_json_and_its_problems_are_named()
    {
        var json = Kintai.ToJson();
        Assert.Contains("\"在宅勤務\": \"在宅\"", json);   // Japanese stays readable
        var back = ImportMapping.FromJson(json, "kintai.json");
        Assert.Equal(Kintai.ToJson(), back.ToJson());
        var broken = Kintai with
        {
            Fields = new(Kintai.Fields) { ["type"] = new() { Column = "勤務区分", Values = new() { ["出張"] = "外出" } }, ["date"] = new() },
        };
        var problems = broken.Check(Fields);
        Assert.Contains(problems, p => p.Contains("「日付」は必須です"));
        Assert.Contains(problems, p => p.Contains("出張→外出"));
        var bad = Assert.Throws<ImportRejectedException>(() => ImportMapping.FromJson("{ \"kind\": ", "broken.json"));
        Assert.Contains("JSONとして読めません", Assert.Single(bad.Errors).Message);
    }
}
