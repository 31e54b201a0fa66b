using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Intranet.IntegrationTests;

/// <summary>
/// The paperless module's sample organizer list (<c>SampleData/organizer-meetings.xlsx</c>), built with the Open XML SDK:
/// 総合政策課's own Excel list of its FY2023 部長会議 and 部課長会議 as an organizer keeps it — a title line and a blank line
/// above the header, 会議名, 開催日 in 和暦 (令和5年4月13日), 開催形式 (対面 / オンライン / 対面・オンライン), 資料配布
/// (タブレット / 紙 / 紙・タブレット), 出席者数, 印刷枚数, 備考. <see cref="PaperlessPresetTests"/> checks that the checked-in file
/// holds exactly <see cref="Rows"/>; set <c>INTRANET_WRITE_SAMPLES=1</c> to write it again after changing them.
/// </summary>
internal static class PaperlessSampleWorkbook
{
    public const string Title = "令和5年度 会議開催一覧 (総合政策課)";
    public static readonly string[] Headers = ["会議名", "開催日", "開催形式", "資料配布", "出席者数", "印刷枚数", "備考"];

    /// <summary>One meeting of the list: the cells as the organizer typed them (numbers as numbers).</summary>
    public sealed record Row(string Body, string HeldOn, string Format, string Materials, int Attendees, int SheetsPrinted, string Note);

    public static readonly Row[] Rows =
    [
        new("部長会議", "令和5年4月13日", "対面", "タブレット", 20, 0, ""),
        new("部課長会議", "令和5年4月20日", "対面", "タブレット", 58, 0, "年度始め"),
        new("部長会議", "令和5年5月11日", "オンライン", "タブレット", 19, 0, ""),
        new("部長会議", "令和5年6月8日", "対面", "タブレット", 20, 0, ""),
        new("部長会議", "令和5年7月13日", "対面・オンライン", "タブレット", 20, 0, ""),
        new("部課長会議", "令和5年7月20日", "対面", "紙", 60, 900, "端末更新のため紙で配付"),
        new("部長会議", "令和5年8月10日", "対面", "紙", 18, 450, "端末更新のため紙で配付"),
        new("部長会議", "令和5年9月14日", "オンライン", "タブレット", 20, 0, ""),
        new("部長会議", "令和5年10月12日", "対面", "タブレット", 20, 0, ""),
        new("部課長会議", "令和5年10月19日", "対面・オンライン", "タブレット", 57, 0, ""),
        new("部長会議", "令和5年11月9日", "対面", "タブレット", 20, 0, ""),
        new("部長会議", "令和5年12月14日", "オンライン", "タブレット", 19, 0, ""),
        new("部長会議", "令和6年1月11日", "対面", "タブレット", 20, 0, ""),
        new("部課長会議", "令和6年1月18日", "対面", "紙・タブレット", 59, 300, "予算資料のみ紙"),
        new("部長会議", "令和6年2月8日", "対面", "タブレット", 20, 0, ""),
        new("部長会議", "令和6年3月14日", "対面・オンライン", "タブレット", 20, 0, ""),
    ];

    /// <summary>The workbook's bytes: one sheet 「会議一覧」, title in A1, header in row 3, data from row 4.</summary>
    public static byte[] Build()
    {
        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbook = document.AddWorkbookPart();
            workbook.Workbook = new Workbook();
            var sheetPart = workbook.AddNewPart<WorksheetPart>();
            var data = new SheetData();
            uint line = 1;
            data.Append(TextRow(line++, [Title]));
            data.Append(new DocumentFormat.OpenXml.Spreadsheet.Row { RowIndex = line++ });
            data.Append(TextRow(line++, Headers));
            foreach (var r in Rows)
            {
                var row = new DocumentFormat.OpenXml.Spreadsheet.Row { RowIndex = line };
                row.Append(Text(r.Body), Text(r.HeldOn), Text(r.Format), Text(r.Materials), Number(r.Attendees), Number(r.SheetsPrinted), Text(r.Note));
                data.Append(row);
                line++;
            }
            sheetPart.Worksheet = new Worksheet(data);
            var sheets = workbook.Workbook.AppendChild(new Sheets());
            sheets.Append(new Sheet { Id = workbook.GetIdOfPart(sheetPart), SheetId = 1, Name = "会議一覧" });
            workbook.Workbook.Save();
        }
        return stream.ToArray();
    }

    private static DocumentFormat.OpenXml.Spreadsheet.Row TextRow(uint index, IEnumerable<string> cells)
    {
        var row = new DocumentFormat.OpenXml.Spreadsheet.Row { RowIndex = index };
        foreach (var c in cells) row.Append(Text(c));
        return row;
    }

    private static Cell Text(string value) => new() { DataType = CellValues.InlineString, InlineString = new InlineString(new Text(value)) };

    private static Cell Number(int value) => new() { DataType = CellValues.Number, CellValue = new CellValue(value.ToString(System.Globalization.CultureInfo.InvariantCulture)) };
}
