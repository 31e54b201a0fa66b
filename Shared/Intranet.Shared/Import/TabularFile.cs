using System.Globalization;
using System.Text;
using System.Text.Unicode;
using CsvHelper;
using ExcelDataReader;

namespace Intranet.Shared.Import;

/// <summary>One row of a file: its 1-based line (CSV: the line where the record starts; Excel: the row number) and its cells.</summary>
public readonly record struct TabularRow(int Line, string[] Cells)
{
    /// <summary>True when every cell is empty or blank (such rows are skipped: trailing blank lines, spacer rows).</summary>
    public bool IsBlank => Cells.All(string.IsNullOrWhiteSpace);

    /// <summary>The cell at <paramref name="index"/>, or "" when the row is shorter.</summary>
    public string this[int index] => index >= 0 && index < Cells.Length ? Cells[index] : "";
}

/// <summary>
/// A file another system wrote, read row by row without holding its text: CSV in UTF-8 (with or without BOM) or
/// Shift_JIS (CP932), or an Excel workbook (.xlsx, .xls; the first sheet or a named one) through ExcelDataReader.
/// Rows stream from <see cref="Rows"/>, so memory stays flat in file size (only the file's bytes are held).
/// </summary>
public sealed class TabularFile
{
    static TabularFile() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private readonly byte[] _content;
    private readonly Encoding? _encoding;
    private readonly int _skip;

    private TabularFile(byte[] content, string fileName, string encodingName, Encoding? encoding, int skip, IReadOnlyList<string> sheets, string? sheet)
    {
        (_content, FileName, EncodingName, _encoding, _skip, SheetNames, SheetName) = (content, fileName, encodingName, encoding, skip, sheets, sheet);
    }

    /// <summary>The file name, for messages.</summary>
    public string FileName { get; }

    /// <summary>「UTF-8」「UTF-8 (BOM付き)」「Shift_JIS」 or 「Excel (.xlsx)」.</summary>
    public string EncodingName { get; }

    /// <summary>Sheet names of a workbook (empty for CSV).</summary>
    public IReadOnlyList<string> SheetNames { get; }

    /// <summary>The sheet read (null for CSV).</summary>
    public string? SheetName { get; }

    /// <summary>True for Excel workbooks.</summary>
    public bool IsWorkbook => _encoding is null;

    /// <summary>Largest CSV record read (bytes); a longer record (e.g. an unclosed quote) rejects the file.</summary>
    public const int MaxRecordBytes = 16 * 1024 * 1024;

    /// <summary>Opens <paramref name="content"/>: an Excel workbook when it starts like one (ZIP or OLE signature), otherwise CSV.</summary>
    /// <param name="content">The file's bytes.</param>
    /// <param name="fileName">Shown in messages.</param>
    /// <param name="sheet">Sheet name for workbooks; null for the first sheet.</param>
    /// <exception cref="ImportRejectedException">Empty file, binary content, an encoding that is neither UTF-8 nor
    /// Shift_JIS, a workbook that cannot be read or has no sheet <paramref name="sheet"/>.</exception>
    public static TabularFile Open(byte[] content, string fileName, string? sheet = null)
    {
        if (content.Length == 0) throw Reject(fileName, "ファイル", "ファイルが空です。");
        var span = content.AsSpan();
        var isZip = span.StartsWith("PK\u0003\u0004"u8);
        var isOle = span.StartsWith(new byte[] { 0xD0, 0xCF, 0x11, 0xE0 });
        if (isZip || isOle)
        {
            List<string> sheets;
            try
            {
                using var reader = OpenWorkbook(content, isZip);
                sheets = [];
                do sheets.Add(reader.Name ?? ""); while (reader.NextResult());
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw Reject(fileName, "ファイル", "Excelファイルとして読めません。ファイルが壊れているか、Excel形式 (.xlsx) ではありません。");
            }
            if (sheets.Count == 0) throw Reject(fileName, "シート", "ブックにシートがありません。");
            if (sheet is not null && !sheets.Contains(sheet))
                throw Reject(fileName, "シート", $"シート「{sheet}」がありません (あるシート: {string.Join("、", sheets)})。");
            return new TabularFile(content, fileName, isZip ? "Excel (.xlsx)" : "Excel (.xls)", null, 0, sheets, sheet ?? sheets[0]);
        }
        if (span.IndexOf((byte)0) >= 0)
            throw Reject(fileName, "文字コード", "テキストファイルではありません (NULバイトを含みます)。CSV (UTF-8 または Shift_JIS) か Excel (.xlsx) で保存してください。");
        var bom = span.StartsWith("\uFEFF"u8) ? 3 : 0;
        if (Utf8.IsValid(span[bom..]))
            return new TabularFile(content, fileName, bom > 0 ? "UTF-8 (BOM付き)" : "UTF-8", new UTF8Encoding(false), bom, [], null);
        var sjis = Encoding.GetEncoding(932, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
        if (IsValid(sjis, span))
            return new TabularFile(content, fileName, "Shift_JIS", sjis, 0, [], null);
        throw Reject(fileName, "文字コード", "文字コードを判別できません。UTF-8 または Shift_JIS のCSVとして保存してください (文字コードが混在している可能性があります)。");
    }

    private static bool IsValid(Encoding encoding, ReadOnlySpan<byte> bytes)
    {
        var decoder = encoding.GetDecoder();
        var buffer = new char[8192];
        try
        {
            for (var i = 0; i < bytes.Length; i += 4096)
            {
                var chunk = bytes.Slice(i, Math.Min(4096, bytes.Length - i));
                decoder.GetChars(chunk, buffer, flush: i + 4096 >= bytes.Length);
            }
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private static IExcelDataReader OpenWorkbook(byte[] content, bool isZip)
    {
        var stream = new MemoryStream(content, writable: false);
        return isZip ? ExcelReaderFactory.CreateOpenXmlReader(stream) : ExcelReaderFactory.CreateBinaryReader(stream);
    }

    /// <summary>Every row, blank ones included, in file order. Reading again starts over.</summary>
    /// <exception cref="ImportRejectedException">Malformed CSV (e.g. an unclosed quote) or an unreadable workbook.</exception>
    public IEnumerable<TabularRow> Rows() => _encoding is null ? WorkbookRows() : CsvRows();

    private IEnumerable<TabularRow> CsvRows()
    {
        using var text = new StreamReader(new MemoryStream(_content, _skip, _content.Length - _skip, writable: false), _encoding!, detectEncodingFromByteOrderMarks: false);
        using var reader = CsvReader.Create(text, new CsvReaderOptions
        {
            HasHeader = false, TrackLineNumbers = true, SkipEmptyLines = true, MaxRecordSize = MaxRecordBytes,
        });
        while (true)
        {
            TabularRow row;
            try
            {
                if (!reader.Read()) yield break;
                var cells = new string[reader.FieldCount];
                for (var i = 0; i < cells.Length; i++) cells[i] = reader.GetString(i);
                row = new TabularRow((int)Math.Min(reader.LineNumber, int.MaxValue), cells);
            }
            catch (Exception e) when (e is CsvFormatException or DecoderFallbackException or InvalidDataException or ArgumentException)
            {
                throw Reject(FileName, "CSV", $"CSVとして読めません ({Math.Max(1, reader.LineNumber)}行目付近): {e.Message}");
            }
            yield return row;
        }
    }

    private IEnumerable<TabularRow> WorkbookRows()
    {
        using var reader = OpenWorkbook(_content, EncodingName.Contains("xlsx"));
        while (reader.Name != SheetName && reader.NextResult())
        {
        }
        var line = 0;
        while (true)
        {
            TabularRow row;
            try
            {
                if (!reader.Read()) yield break;
                line++;
                var cells = new string[reader.FieldCount];
                for (var i = 0; i < cells.Length; i++) cells[i] = CellText(reader.GetValue(i));
                row = new TabularRow(line, cells);
            }
            catch (Exception e) when (e is not OutOfMemoryException and not ImportRejectedException)
            {
                throw Reject(FileName, "シート", $"シート「{SheetName}」の{line}行目を読めません: {e.Message}");
            }
            yield return row;
        }
    }

    /// <summary>A cell as text: dates as <c>yyyy-MM-dd</c> (with <c>HH:mm:ss</c> when there is a time), numbers invariant, booleans 1/0.</summary>
    public static string CellText(object? value) => value switch
    {
        null => "",
        string s => s,
        DateTime d when d.Year < 1900 => d.ToString("H:mm", CultureInfo.InvariantCulture),   // a time-only cell (Excel's day 0)
        DateTime d when d.TimeOfDay == TimeSpan.Zero => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime d => d.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        TimeSpan t => t.ToString(@"h\:mm", CultureInfo.InvariantCulture),
        double n when n == Math.Floor(n) && Math.Abs(n) < 1e15 => n.ToString("0", CultureInfo.InvariantCulture),
        double n => n.ToString("0.############", CultureInfo.InvariantCulture),
        bool b => b ? "1" : "0",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static ImportRejectedException Reject(string fileName, string column, string message) =>
        new(fileName, [new ImportError(0, column, message)]);
}
