using System.Globalization;
using System.Text;
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
/// Rows stream from <see cref="Rows"/>, so memory stays flat in file size: a file opened from a stream source (an upload
/// saved to disk, <see cref="Open(Func{Stream}, string, string?)"/>) is never held in memory; one opened from bytes holds
/// only those bytes.
/// </summary>
public sealed class TabularFile
{
    static TabularFile() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private readonly Func<Stream> _open;
    private readonly Encoding? _encoding;
    private readonly int _skip;

    private TabularFile(Func<Stream> content, string fileName, string encodingName, Encoding? encoding, int skip, IReadOnlyList<string> sheets, string? sheet)
    {
        (_open, FileName, EncodingName, _encoding, _skip, SheetNames, SheetName) = (content, fileName, encodingName, encoding, skip, sheets, sheet);
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
    public static TabularFile Open(byte[] content, string fileName, string? sheet = null) =>
        Open(() => new MemoryStream(content, writable: false), fileName, sheet);

    /// <summary>
    /// Opens the file that <paramref name="open"/> returns a new readable, seekable stream of (each call a new stream, e.g. over
    /// an upload saved to disk): as <see cref="Open(byte[], string, string?)"/>, but the content is only ever streamed — the
    /// encoding is detected in 64 KB chunks and rows are read as they are needed.
    /// </summary>
    /// <exception cref="ImportRejectedException">As <see cref="Open(byte[], string, string?)"/>.</exception>
    public static TabularFile Open(Func<Stream> open, string fileName, string? sheet = null)
    {
        var head = new byte[4];
        int headLength;
        using (var s = open())
        {
            headLength = s.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        if (headLength == 0) throw Reject(fileName, "ファイル", "ファイルが空です。");
        var span = head.AsSpan(0, headLength);
        var isZip = span.StartsWith("PK\u0003\u0004"u8);
        var isOle = span.StartsWith(new byte[] { 0xD0, 0xCF, 0x11, 0xE0 });
        if (isZip || isOle)
        {
            List<string> sheets;
            try
            {
                using var reader = OpenWorkbook(open(), isZip);
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
            return new TabularFile(open, fileName, isZip ? "Excel (.xlsx)" : "Excel (.xls)", null, 0, sheets, sheet ?? sheets[0]);
        }
        var bom = span.StartsWith("\uFEFF"u8) ? 3 : 0;
        var (hasNul, utf8) = Scan(open, bom, new UTF8Encoding(false, throwOnInvalidBytes: true));
        if (hasNul)
            throw Reject(fileName, "文字コード", "テキストファイルではありません (NULバイトを含みます)。CSV (UTF-8 または Shift_JIS) か Excel (.xlsx) で保存してください。");
        if (utf8)
            return new TabularFile(open, fileName, bom > 0 ? "UTF-8 (BOM付き)" : "UTF-8", new UTF8Encoding(false), bom, [], null);
        var sjis = Encoding.GetEncoding(932, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
        if (Scan(open, 0, sjis).Valid)
            return new TabularFile(open, fileName, "Shift_JIS", sjis, 0, [], null);
        throw Reject(fileName, "文字コード", "文字コードを判別できません。UTF-8 または Shift_JIS のCSVとして保存してください (文字コードが混在している可能性があります)。");
    }

    /// <summary>Streams the content once from <paramref name="skip"/>: whether it holds a NUL byte and whether it decodes in <paramref name="encoding"/>.</summary>
    private static (bool HasNul, bool Valid) Scan(Func<Stream> open, int skip, Encoding encoding)
    {
        using var stream = open();
        if (skip > 0) stream.Seek(skip, SeekOrigin.Begin);
        var decoder = encoding.GetDecoder();
        var bytes = new byte[64 * 1024];
        var chars = new char[encoding.GetMaxCharCount(bytes.Length)];
        var valid = true;
        int read;
        while ((read = stream.Read(bytes, 0, bytes.Length)) > 0)
        {
            var chunk = bytes.AsSpan(0, read);
            if (chunk.IndexOf((byte)0) >= 0) return (true, false);
            if (!valid) continue;
            try { decoder.GetChars(chunk, chars, flush: false); }
            catch (DecoderFallbackException) { valid = false; }
        }
        if (valid)
        {
            try { decoder.GetChars(ReadOnlySpan<byte>.Empty, chars, flush: true); }
            catch (DecoderFallbackException) { valid = false; }
        }
        return (false, valid);
    }

    private static IExcelDataReader OpenWorkbook(Stream stream, bool isZip)
    {
        return isZip ? ExcelReaderFactory.CreateOpenXmlReader(stream) : ExcelReaderFactory.CreateBinaryReader(stream);
    }

    /// <summary>Every row, blank ones included, in file order. Reading again starts over.</summary>
    /// <exception cref="ImportRejectedException">Malformed CSV (e.g. an unclosed quote) or an unreadable workbook.</exception>
    public IEnumerable<TabularRow> Rows() => _encoding is null ? WorkbookRows() : CsvRows();

    private IEnumerable<TabularRow> CsvRows()
    {
        var stream = _open();
        if (_skip > 0) stream.Seek(_skip, SeekOrigin.Begin);
        using var text = new StreamReader(stream, _encoding!, detectEncodingFromByteOrderMarks: false);
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
        using var reader = OpenWorkbook(_open(), EncodingName.Contains("xlsx"));
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
