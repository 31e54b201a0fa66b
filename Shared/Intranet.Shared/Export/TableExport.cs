using System.Globalization;
using System.Text;
using CsvHelper;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Microsoft.AspNetCore.Http;

namespace Intranet.Shared.Export;

/// <summary>A table to download: header row and data rows (string, number, date or null cells).</summary>
/// <param name="SheetName">Worksheet name (≤ 31 characters).</param>
/// <param name="Headers">Column headers (Japanese).</param>
/// <param name="Rows">Data rows; each as long as <paramref name="Headers"/>.</param>
public sealed record ExportTable(string SheetName, IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<object?>> Rows);

/// <summary>
/// Writes an <see cref="ExportTable"/> as CSV (UTF-8 with BOM, so Excel reads Japanese correctly) or as an
/// Excel workbook (.xlsx, Open XML SDK) with numbers as numbers and dates as dates.
/// </summary>
public static class TableExport
{
    /// <summary>
    /// CSV bytes: UTF-8 with BOM, RFC 4180, invariant numbers, dates as yyyy-MM-dd. Headers and text cells go through
    /// <see cref="CsvSafety.Text"/> (a text cell starting with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, tab or CR gets a
    /// leading <c>'</c>); numbers and dates are written as they are.
    /// </summary>
    public static byte[] ToCsv(ExportTable table)
    {
        using var buffer = new MemoryStream();
        using (var text = new StreamWriter(buffer, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), leaveOpen: true))
        using (var csv = CsvWriter.Create(text, new CsvWriterOptions { NewLine = "\r\n" }, leaveOpen: true))
        {
            foreach (var h in table.Headers) csv.WriteField(CsvSafety.Text(h));
            csv.EndRecord();
            foreach (var row in table.Rows)
            {
                foreach (var cell in row) csv.WriteField(CsvCell(cell));
                csv.EndRecord();
            }
            csv.Flush();
        }
        return buffer.ToArray();
    }

    private static string CsvCell(object? cell) => cell switch
    {
        null => "",
        int or long or decimal or double or float or DateOnly or DateTimeOffset => Text(cell),
        _ => CsvSafety.Text(Text(cell)),
    };

    private static string Text(object? cell) => cell switch
    {
        null => "",
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.ToOffset(Time.FiscalYear.JapanOffset).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => cell.ToString() ?? "",
    };

    /// <summary>
    /// An .xlsx workbook with one sheet: bold header row, numbers as numbers, dates as yyyy/mm/dd. Text is written as
    /// inline strings, never as a formula cell, so text starting with <c>=</c> is shown as text (no CSV-style quoting
    /// needed).
    /// </summary>
    public static byte[] ToXlsx(ExportTable table) => ToXlsx([table]);

    /// <summary>An .xlsx workbook with one sheet per table, in order (sheet names must differ): as <see cref="ToXlsx(ExportTable)"/>.</summary>
    public static byte[] ToXlsx(IReadOnlyList<ExportTable> tables)
    {
        using var buffer = new MemoryStream();
        using (var doc = SpreadsheetDocument.Create(buffer, SpreadsheetDocumentType.Workbook))
        {
            var workbook = doc.AddWorkbookPart();
            workbook.Workbook = new Workbook();
            var styles = workbook.AddNewPart<WorkbookStylesPart>();
            styles.Stylesheet = new Stylesheet(
                new NumberingFormats(new NumberingFormat { NumberFormatId = 164, FormatCode = "yyyy/mm/dd" }) { Count = 1 },
                new Fonts(new Font(), new Font(new Bold())) { Count = 2 },
                new Fills(new Fill(new PatternFill { PatternType = PatternValues.None }), new Fill(new PatternFill { PatternType = PatternValues.Gray125 })) { Count = 2 },
                new Borders(new Border()) { Count = 1 },
                new CellStyleFormats(new CellFormat()) { Count = 1 },
                new CellFormats(
                    new CellFormat(),
                    new CellFormat { FontId = 1, ApplyFont = true },
                    new CellFormat { NumberFormatId = 164, ApplyNumberFormat = true }) { Count = 3 });
            var sheets = workbook.Workbook.AppendChild(new Sheets());
            uint sheetId = 1;
            foreach (var table in tables)
            {
                var sheetPart = workbook.AddNewPart<WorksheetPart>();
                var data = new SheetData();
                data.Append(new Row(table.Headers.Select(h => new Cell { DataType = CellValues.InlineString, InlineString = new InlineString(new Text(h)), StyleIndex = 1 })));
                foreach (var row in table.Rows) data.Append(new Row(row.Select(CellOf)));
                sheetPart.Worksheet = new Worksheet(data);
                sheets.AppendChild(new Sheet
                {
                    Id = workbook.GetIdOfPart(sheetPart), SheetId = sheetId++, Name = table.SheetName.Length > 31 ? table.SheetName[..31] : table.SheetName,
                });
            }
            workbook.Workbook.Save();
        }
        return buffer.ToArray();
    }

    private static Cell CellOf(object? value) => value switch
    {
        null => new Cell(),
        int or long or decimal or double or float => new Cell
        {
            DataType = CellValues.Number, CellValue = new CellValue(((IFormattable)value).ToString(null, CultureInfo.InvariantCulture)),
        },
        DateOnly d => new Cell { CellValue = new CellValue((d.ToDateTime(TimeOnly.MinValue) - new DateTime(1899, 12, 30)).TotalDays.ToString(CultureInfo.InvariantCulture)), StyleIndex = 2 },
        _ => new Cell { DataType = CellValues.InlineString, InlineString = new InlineString(new Text(Text(value)) { Space = SpaceProcessingModeValues.Preserve }) },
    };

    /// <summary>An HTTP download of <paramref name="table"/> as <c>csv</c> or <c>xlsx</c>, named <paramref name="baseName"/>.</summary>
    /// <exception cref="ArgumentException">Any other format.</exception>
    public static IResult Download(ExportTable table, string format, string baseName) => format switch
    {
        "csv" => Results.File(ToCsv(table), "text/csv; charset=utf-8", baseName + ".csv"),
        "xlsx" => Results.File(ToXlsx(table), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", baseName + ".xlsx"),
        _ => Results.BadRequest("形式は csv か xlsx です。"),
    };
}
