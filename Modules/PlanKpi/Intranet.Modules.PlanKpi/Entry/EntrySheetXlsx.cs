using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Intranet.Modules.PlanKpi.UseCases;
using Intranet.Shared.Messaging;
using Intranet.Shared.Web;

namespace Intranet.Modules.PlanKpi.Entry;

/// <summary>One data row read back from an entry sheet.</summary>
/// <param name="SheetRow">Excel row number (header = 1, first indicator = 2).</param>
/// <param name="IndicatorCode">From the hidden key column.</param>
/// <param name="Value">The 実績値 cell as text (numbers in invariant culture; a percent-formatted cell ×100); null when empty.</param>
/// <param name="Note">The 備考 cell.</param>
/// <param name="Version">The hidden version column (null when there was no actual at download).</param>
public sealed record EntrySheetRow(int SheetRow, string IndicatorCode, string? Value, string? Note, Guid? Version);

/// <summary>What <see cref="EntrySheetXlsx.Read"/> found.</summary>
/// <param name="PlanCode">Plan code of the sheet (hidden column).</param>
/// <param name="FiscalYear">Fiscal year of the sheet (hidden column).</param>
/// <param name="Rows">Indicator rows.</param>
/// <param name="Errors">Rows that cannot be read (no key, a value in a row added by hand).</param>
public sealed record EntrySheetContent(string PlanCode, int FiscalYear, IReadOnlyList<EntrySheetRow> Rows, IReadOnlyList<EntryRowError> Errors);

/// <summary>
/// The Excel entry sheet of the 実績入力 page (.xlsx, Open XML SDK): sheet 「実績入力」, header row 1 in Japanese, one
/// row per indicator from row 2. Columns A–D are hidden keys (計画, 年度, 指標コード, 版 = the actual's version at
/// download); E–I are read-only facts (事業, 指標, 単位, 目標値, 前年度実績); J 実績値 and K 備考 are the only unlocked
/// cells (the sheet is protected without a password, so keys are not changed by accident); L 入力方法 says which
/// module feeds an indicator. Upload goes through <see cref="ImportEntrySheet"/>.
/// </summary>
public static class EntrySheetXlsx
{
    /// <summary>Largest accepted upload (bytes): 2 MB, far above a sheet of a few hundred rows (~20 KB).</summary>
    public const int MaxBytes = 2 * 1024 * 1024;

    /// <summary>Worksheet name.</summary>
    public const string SheetName = "実績入力";

    /// <summary>Header row, in column order A–L.</summary>
    public static readonly IReadOnlyList<string> Headers =
        ["計画", "年度", "指標コード", "版", "事業", "指標", "単位", "目標値", "前年度実績", "実績値", "備考", "入力方法"];

    private const int ValueColumn = 10, NoteColumn = 11;

    /// <summary>MIME type of .xlsx.</summary>
    public const string ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>Download file name: 「実績入力_令和3年度_広報広聴課.xlsx」.</summary>
    public static string FileName(EntrySheet sheet) =>
        $"実績入力_{Fmt.Year(sheet.FiscalYear)}_{sheet.Department ?? "全課"}.xlsx";

    /// <summary>Writes <paramref name="sheet"/> as an .xlsx workbook.</summary>
    public static byte[] Write(EntrySheet sheet)
    {
        using var buffer = new MemoryStream();
        using (var doc = SpreadsheetDocument.Create(buffer, SpreadsheetDocumentType.Workbook))
        {
            var workbook = doc.AddWorkbookPart();
            workbook.Workbook = new Workbook();
            var styles = workbook.AddNewPart<WorkbookStylesPart>();
            styles.Stylesheet = new Stylesheet(
                new Fonts(new Font(), new Font(new Bold())) { Count = 2 },
                new Fills(new Fill(new PatternFill { PatternType = PatternValues.None }), new Fill(new PatternFill { PatternType = PatternValues.Gray125 }),
                    new Fill(new PatternFill(new ForegroundColor { Rgb = "FFFFF7D6" }) { PatternType = PatternValues.Solid })) { Count = 3 },
                new Borders(new Border()) { Count = 1 },
                new CellStyleFormats(new CellFormat()) { Count = 1 },
                new CellFormats(
                    new CellFormat(),                                                                // 0 locked
                    new CellFormat { FontId = 1, ApplyFont = true },                                 // 1 header
                    new CellFormat(new Protection { Locked = false }) { FillId = 2, ApplyFill = true, ApplyProtection = true }) // 2 input
                { Count = 3 });
            var part = workbook.AddNewPart<WorksheetPart>();
            var data = new SheetData();
            data.Append(new Row(Headers.Select(h => Text(h, 1))) { RowIndex = 1 });
            uint index = 2;
            foreach (var r in sheet.Rows)
            {
                var row = new Row { RowIndex = index++ };
                row.Append(Text(sheet.PlanCode), Number(sheet.FiscalYear), Text(r.IndicatorCode), Text(r.Version?.ToString() ?? ""),
                    Text(r.ProjectCode.Length > 0 ? $"{r.ProjectCode} {r.ProjectName}" : r.ProjectName), Text(r.IndicatorName), Text(r.Unit),
                    Text(r.Target), r.LastYearValue is { } last ? Number(last) : Text(""));
                if (r.IsFed)
                    row.Append(r.Value is { } fedValue ? Number(fedValue) : Text(""), Text(""), Text($"{r.FedBy}から自動反映 (入力不要)"));
                else
                    row.Append(r.Value is { } v ? Number(v, 2) : Text("", 2), Text(r.Note ?? "", 2), Text("手入力"));
                data.Append(row);
            }
            var columns = new Columns(
                new Column { Min = 1, Max = 4, Width = 12, Hidden = true, CustomWidth = true },
                new Column { Min = 5, Max = 5, Width = 36, CustomWidth = true },
                new Column { Min = 6, Max = 6, Width = 40, CustomWidth = true },
                new Column { Min = 7, Max = 7, Width = 8, CustomWidth = true },
                new Column { Min = 8, Max = 9, Width = 16, CustomWidth = true },
                new Column { Min = 10, Max = 10, Width = 14, CustomWidth = true },
                new Column { Min = 11, Max = 11, Width = 40, CustomWidth = true },
                new Column { Min = 12, Max = 12, Width = 28, CustomWidth = true });
            part.Worksheet = new Worksheet(
                new SheetViews(new SheetView(new Pane { VerticalSplit = 1, TopLeftCell = "A2", ActivePane = PaneValues.BottomLeft, State = PaneStateValues.Frozen })
                    { WorkbookViewId = 0 }),
                columns, data,
                new SheetProtection { Sheet = true, Objects = true, Scenarios = true, FormatColumns = false, AutoFilter = false, Sort = false });
            workbook.Workbook.AppendChild(new Sheets(new Sheet { Id = workbook.GetIdOfPart(part), SheetId = 1, Name = SheetName }));
            workbook.Workbook.Save();
        }
        return buffer.ToArray();
    }

    private static Cell Text(string text, uint style = 0) => new()
    {
        DataType = CellValues.InlineString, StyleIndex = style,
        InlineString = new InlineString(new DocumentFormat.OpenXml.Spreadsheet.Text(text) { Space = SpaceProcessingModeValues.Preserve }),
    };

    private static Cell Number(decimal value, uint style = 0) => new()
    {
        DataType = CellValues.Number, StyleIndex = style, CellValue = new CellValue(value.ToString(CultureInfo.InvariantCulture)),
    };

    /// <summary>
    /// Reads an entry sheet written by <see cref="Write"/> and filled in Excel (or any tool that writes .xlsx).
    /// </summary>
    /// <exception cref="RequestValidationException">Not an .xlsx file, or not an entry sheet (header row or keys missing).</exception>
    public static EntrySheetContent Read(byte[] content)
    {
        SpreadsheetDocument doc;
        try
        {
            doc = SpreadsheetDocument.Open(new MemoryStream(content), false);
        }
        catch (Exception e) when (e is OpenXmlPackageException or InvalidDataException or IOException or FileFormatException)
        {
            throw new RequestValidationException("Content", "Excelファイル (.xlsx) として読めません。このページでダウンロードした入力シートを使ってください。");
        }
        using (doc)
        {
            var workbook = doc.WorkbookPart ?? throw NotASheet();
            var sheet = workbook.Workbook.Sheets?.Elements<Sheet>().FirstOrDefault(s => s.Name == SheetName)
                ?? workbook.Workbook.Sheets?.Elements<Sheet>().FirstOrDefault() ?? throw NotASheet();
            var part = (WorksheetPart)workbook.GetPartById(sheet.Id!);
            var strings = workbook.SharedStringTablePart?.SharedStringTable.Elements<SharedStringItem>().Select(i => i.InnerText).ToList() ?? [];
            var percentStyles = PercentStyles(workbook);
            var rows = part.Worksheet.Descendants<Row>().ToList();
            var header = rows.FirstOrDefault(r => (r.RowIndex?.Value ?? 0) == 1);
            if (header is null || Cells(header, strings, percentStyles).GetValueOrDefault(ValueColumn) != "実績値"
                || Cells(header, strings, percentStyles).GetValueOrDefault(3) != "指標コード")
                throw NotASheet();

            string? planCode = null;
            int? year = null;
            var result = new List<EntrySheetRow>();
            var errors = new List<EntryRowError>();
            foreach (var row in rows.Where(r => (r.RowIndex?.Value ?? 0) > 1))
            {
                var number = (int)row.RowIndex!.Value;
                var cells = Cells(row, strings, percentStyles);
                var code = cells.GetValueOrDefault(3)?.Trim();
                var value = Blank(cells.GetValueOrDefault(ValueColumn));
                var note = Blank(cells.GetValueOrDefault(NoteColumn));
                if (string.IsNullOrEmpty(code))
                {
                    if (value is not null || note is not null)
                        errors.Add(new EntryRowError("", "指標", "この行は入力シートの指標の行ではありません (手で追加した行は読み込めません)。", SheetRow: number));
                    continue;
                }
                planCode ??= cells.GetValueOrDefault(1)?.Trim();
                year ??= int.TryParse(cells.GetValueOrDefault(2), NumberStyles.Integer, CultureInfo.InvariantCulture, out var y) ? y : null;
                Guid? version = Guid.TryParse(cells.GetValueOrDefault(4), out var v) ? v : null;
                result.Add(new EntrySheetRow(number, code, value, note, version));
            }
            if (planCode is null || year is null) throw NotASheet();
            return new EntrySheetContent(planCode, year.Value, result, errors);
        }
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static RequestValidationException NotASheet() =>
        new("Content", "実績入力シートではありません。このページの「Excelでダウンロード」で取得したファイルに入力してください。");

    /// <summary>Cell texts by 1-based column number.</summary>
    private static Dictionary<int, string> Cells(Row row, List<string> strings, HashSet<uint> percentStyles)
    {
        var cells = new Dictionary<int, string>();
        var next = 1;
        foreach (var cell in row.Elements<Cell>())
        {
            var column = cell.CellReference?.Value is { } reference ? ColumnNumber(reference) : next;
            next = column + 1;
            string? text;
            if (cell.DataType?.Value == CellValues.SharedString)
                text = int.TryParse(cell.CellValue?.Text, out var i) && i >= 0 && i < strings.Count ? strings[i] : null;
            else if (cell.DataType?.Value == CellValues.InlineString)
                text = cell.InlineString?.InnerText;
            else if (cell.DataType?.Value == CellValues.String || cell.DataType?.Value == CellValues.Boolean)
                text = cell.CellValue?.Text;
            else if (cell.CellValue?.Text is { Length: > 0 } raw
                     && double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
            {
                // Excel stores doubles; 15 significant digits drop binary noise (70.799999999999997 → 70.8).
                var number = (decimal)d;
                if (cell.StyleIndex?.Value is { } s && percentStyles.Contains(s)) number *= 100m;   // 92.5% typed in a % cell is 0.925
                text = number.ToString(CultureInfo.InvariantCulture);
            }
            else text = cell.CellValue?.Text;
            if (text is not null) cells[column] = text;
        }
        return cells;
    }

    private static int ColumnNumber(string reference)
    {
        var n = 0;
        foreach (var c in reference.TakeWhile(char.IsLetter)) n = n * 26 + (char.ToUpperInvariant(c) - 'A' + 1);
        return n;
    }

    /// <summary>Cell format indexes whose number format shows a percentage (built-in 9, 10, or a custom one with %).</summary>
    private static HashSet<uint> PercentStyles(WorkbookPart workbook)
    {
        var result = new HashSet<uint>();
        var stylesheet = workbook.WorkbookStylesPart?.Stylesheet;
        if (stylesheet?.CellFormats is null) return result;
        var custom = stylesheet.NumberingFormats?.Elements<NumberingFormat>()
            .Where(f => f.FormatCode?.Value?.Contains('%') == true).Select(f => f.NumberFormatId!.Value).ToHashSet() ?? [];
        uint index = 0;
        foreach (var format in stylesheet.CellFormats.Elements<CellFormat>())
        {
            var id = format.NumberFormatId?.Value ?? 0;
            if (id is 9 or 10 || custom.Contains(id)) result.Add(index);
            index++;
        }
        return result;
    }
}
