using System.Text;
using Intranet.Modules.PlanKpi.Export;
using Intranet.Shared.Export;
using Xunit;

namespace Intranet.UnitTests;

/// <summary>
/// CSV injection (issue #11): every CSV writer neutralises TEXT cells that begin with =, +, -, @, tab or CR with a
/// leading quote, and leaves numeric columns numeric (a negative number stays -5).
/// </summary>
public sealed class CsvInjectionTests
{
    /// <summary>Hostile values a user can type into a text field.</summary>
    public static readonly string[] Hostile = ["=HYPERLINK(\"http://x\")", "@SUM(A1)", "+1", "-1+1", "\tcmd", "\rcmd"];

    public static TheoryData<string> HostileValues() => new(Hostile);

    [Theory]
    [MemberData(nameof(HostileValues))]
    public void Text_cells_starting_with_a_formula_character_get_a_quote(string value)
    {
        Assert.Equal("'" + value, CsvSafety.Text(value));
        Assert.False(CsvSafety.IsFormulaLike(CsvSafety.Text(value)));
    }

    [Theory]
    [InlineData("情報システム課")]
    [InlineData("a=b")]
    [InlineData("")]
    [InlineData("'already")]
    public void Harmless_text_is_unchanged(string value) => Assert.Equal(value, CsvSafety.Text(value));

    [Fact]
    public void Table_csv_quotes_text_but_keeps_numbers_and_dates()
    {
        var table = new ExportTable("t", ["=header", "n", "d"],
            Hostile.Select(h => (IReadOnlyList<object?>)[h, -5m, new DateOnly(2026, 4, 1)]).Append([-5, -1.5m, null]).Append(["-5", 0, null]).ToList());
        var rows = Parse(Encoding.UTF8.GetString(TableExport.ToCsv(table)));
        Assert.Equal("'=header", rows[0][0]);
        foreach (var row in rows.Skip(1).Take(Hostile.Length))
        {
            AssertSafe(row[0]);
            Assert.Equal("-5", row[1]);
            Assert.Equal("2026-04-01", row[2]);
        }
        Assert.Equal(["-5", "-1.5", ""], rows[Hostile.Length + 1]);   // numbers written as numbers stay numbers
        Assert.Equal("'-5", rows[Hostile.Length + 2][0]);             // the same characters typed as text are neutralised
    }

    [Fact]
    public void Xlsx_writes_text_as_strings_never_as_formulas()
    {
        var table = new ExportTable("t", ["h"], Hostile.Select(h => (IReadOnlyList<object?>)[h]).ToList());
        using var doc = DocumentFormat.OpenXml.Packaging.SpreadsheetDocument.Open(new MemoryStream(TableExport.ToXlsx(table)), false);
        var cells = doc.WorkbookPart!.WorksheetParts.Single().Worksheet.Descendants<DocumentFormat.OpenXml.Spreadsheet.Cell>().ToList();
        Assert.All(cells, c => Assert.Null(c.CellFormula));
        Assert.Contains(cells, c => c.InnerText == Hostile[0]);
    }

    [Fact]
    public void Kpi_csv_quotes_text_columns_and_keeps_negative_numbers()
    {
        var rows = Hostile.Select(h => new KpiExportRow(h, h, h, h, h, h, h, h, "higher", "exact", "false", 2024, -5m, h, -1.5m, -20m, h)).ToList();
        var text = new StringWriter();
        KpiExport.WriteCsv(text, rows);
        var parsed = Parse(text.ToString());
        var columns = KpiExport.Columns.ToList();
        foreach (var row in parsed.Skip(1))
        {
            for (var i = 0; i < row.Count; i++)
            {
                if (columns[i] is "target_value") Assert.Equal("-5", row[i]);
                else if (columns[i] is "actual_value") Assert.Equal("-1.5", row[i]);
                else if (columns[i] is "achievement_rate") Assert.Equal("-20", row[i]);
                else AssertSafe(row[i]);
            }
        }
    }

    [Fact]
    public void Evaluation_csv_quotes_every_text_column()
    {
        var rows = Hostile.Select(h => new EvaluationExportRow(h, 2024, h, h, h, 1, h, h, h, h, h)).ToList();
        var text = new StringWriter();
        EvaluationExport.WriteCsv(text, rows);
        foreach (var row in Parse(text.ToString()).Skip(1))
        {
            Assert.Equal("2024", row[1]);
            Assert.Equal("1", row[5]);
            foreach (var cell in row) AssertSafe(cell);
        }
    }

    /// <summary>No cell may begin with a formula character.</summary>
    internal static void AssertSafe(string cell) =>
        Assert.False(CsvSafety.IsFormulaLike(cell), $"cell starts with a formula character: {cell.Replace("\t", "\\t").Replace("\r", "\\r")}");

    /// <summary>Cells of a CSV (RFC 4180, quoted fields may hold tabs and CRs).</summary>
    internal static List<List<string>> Parse(string csv)
    {
        csv = csv.TrimStart('\uFEFF');
        var rows = new List<List<string>>();
        using var reader = CsvHelper.CsvReader.Create(new StringReader(csv), new CsvHelper.CsvReaderOptions { HasHeader = false });
        while (reader.Read())
        {
            var row = new List<string>();
            for (var i = 0; i < reader.FieldCount; i++) row.Add(reader.GetString(i));
            rows.Add(row);
        }
        return rows;
    }
}
