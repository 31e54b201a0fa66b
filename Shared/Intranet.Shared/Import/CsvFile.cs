using System.Globalization;
using System.Text;
using CsvHelper;

namespace Intranet.Shared.Import;

/// <summary>What an import did (or, for a dry run, would do).</summary>
/// <param name="Rows">Data rows read.</param>
/// <param name="Added">New records.</param>
/// <param name="Updated">Existing records changed.</param>
/// <param name="Unchanged">Rows already stored as they are (re-imports).</param>
/// <param name="EncodingName">「UTF-8」 or 「Shift_JIS」.</param>
/// <param name="DryRun">True when nothing was written.</param>
public sealed record ImportResult(int Rows, int Added, int Updated, int Unchanged, string EncodingName, bool DryRun)
{
    /// <summary>One-line Japanese summary.</summary>
    public override string ToString() =>
        $"{(DryRun ? "確認のみ (書き込みなし)" : "取り込み完了")}: {Rows}行 (追加 {Added}、更新 {Updated}、変更なし {Unchanged})、文字コード {EncodingName}";
}

/// <summary>An error in an import file: line (1-based, as in a text editor), column header, Japanese message.</summary>
public sealed record ImportError(int Line, string Column, string Message)
{
    /// <inheritdoc />
    public override string ToString() => Line > 0 ? $"{Line}行目 [{Column}]: {Message}" : $"[{Column}]: {Message}";
}

/// <summary>Thrown when a file cannot be imported; nothing has been written.</summary>
/// <param name="fileName">The file.</param>
/// <param name="errors">The errors kept (at most <see cref="ImportErrors.Kept"/>).</param>
/// <param name="total">How many errors the file has in all (at least <c>errors.Count</c>).</param>
public sealed class ImportRejectedException(string fileName, IReadOnlyList<ImportError> errors, int? total = null)
    : Exception($"{fileName}: {Math.Max(total ?? 0, errors.Count):N0}件の誤りがあるため取り込みませんでした。何も書き込んでいません。\n" + string.Join("\n", errors.Take(50).Select(e => "  " + e))
                + (Math.Max(total ?? 0, errors.Count) > 50 ? $"\n  …ほか{Math.Max(total ?? 0, errors.Count) - 50:N0}件" : ""))
{
    /// <summary>The first errors found, in file order (at most <see cref="ImportErrors.Kept"/>).</summary>
    public IReadOnlyList<ImportError> Errors { get; } = errors;

    /// <summary>How many errors the file has in all: the true count, not capped.</summary>
    public int Total { get; } = Math.Max(total ?? 0, errors.Count);
}

/// <summary>
/// The errors of one import: every error is counted (<see cref="Total"/>), the first <see cref="Kept"/> are kept
/// with line, column and message for the page and the command line.
/// </summary>
public sealed class ImportErrors
{
    /// <summary>How many errors are kept for display.</summary>
    public const int Kept = 1000;

    private readonly List<ImportError> _first = [];

    /// <summary>The first errors.</summary>
    public IReadOnlyList<ImportError> First => _first;

    /// <summary>All errors counted.</summary>
    public int Total { get; private set; }

    /// <summary>Records an error.</summary>
    public void Add(int line, string column, string message)
    {
        Total++;
        if (_first.Count < Kept) _first.Add(new ImportError(line, column, message));
    }

    /// <summary>Throws <see cref="ImportRejectedException"/> when any error was recorded.</summary>
    public void ThrowIfAny(string fileName)
    {
        if (Total > 0) throw new ImportRejectedException(fileName, _first, Total);
    }
}

/// <summary>One data row: its line in the file and its fields by header (headers trimmed, compared case-insensitively).</summary>
public sealed class CsvRow(int line, Dictionary<string, string> fields)
{
    /// <summary>1-based line where the record starts.</summary>
    public int Line { get; } = line;

    /// <summary>The field under <paramref name="header"/>, trimmed; empty when the column is missing or empty.</summary>
    public string this[string header] => fields.TryGetValue(header, out var v) ? v.Trim() : "";
}

/// <summary>
/// Reads the CSV files Japanese tools and Excel write: UTF-8 (with or without BOM) or Shift_JIS (CP932),
/// comma-separated, with a header row.
/// </summary>
public static class CsvFile
{
    static CsvFile() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>
    /// Decodes <paramref name="bytes"/>: UTF-8 when it has a BOM or is valid UTF-8, otherwise Shift_JIS when it
    /// is valid Shift_JIS. Returns the text and the encoding's Japanese name.
    /// </summary>
    /// <exception cref="ImportRejectedException">The bytes are neither valid UTF-8 nor valid Shift_JIS, or hold NUL bytes (not a text file).</exception>
    public static (string Text, string EncodingName) Decode(byte[] bytes, string fileName)
    {
        if (Array.IndexOf(bytes, (byte)0) >= 0)
            throw new ImportRejectedException(fileName, [new ImportError(0, "文字コード", "テキストファイルではありません (NULバイトを含みます)。CSV形式で保存してください。")]);
        var span = bytes.AsSpan();
        if (span.StartsWith(new byte[] { 0xEF, 0xBB, 0xBF })) span = span[3..];
        try
        {
            return (new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(span), "UTF-8");
        }
        catch (DecoderFallbackException)
        {
        }
        try
        {
            var sjis = Encoding.GetEncoding(932, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
            return (sjis.GetString(span), "Shift_JIS");
        }
        catch (DecoderFallbackException)
        {
            throw new ImportRejectedException(fileName, [new ImportError(0, "文字コード",
                "文字コードを判別できません。UTF-8 または Shift_JIS のCSVとして保存してください。")]);
        }
    }

    /// <summary>Parses CSV text with a header row into rows.</summary>
    /// <exception cref="ImportRejectedException">No header, missing <paramref name="requiredHeaders"/>, or malformed CSV.</exception>
    public static List<CsvRow> Read(string text, string fileName, IReadOnlyCollection<string> requiredHeaders)
    {
        var rows = new List<CsvRow>();
        try
        {
            using var reader = CsvReader.FromText(text, new CsvReaderOptions { HasHeader = true, TrackLineNumbers = true });
            var headers = reader.Headers.Select(h => h.Trim().TrimStart('\uFEFF')).ToList();
            var missing = requiredHeaders.Where(r => !headers.Contains(r, StringComparer.OrdinalIgnoreCase)).ToList();
            if (missing.Count > 0)
                throw new ImportRejectedException(fileName, missing.Select(m => new ImportError(1, m, $"列「{m}」がありません。見出し行を確認してください。")).ToList());
            while (reader.Read())
            {
                var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                for (var i = 0; i < headers.Count && i < reader.FieldCount; i++) fields[headers[i]] = reader.GetString(i);
                if (fields.Values.All(string.IsNullOrWhiteSpace)) continue;
                rows.Add(new CsvRow((int)reader.LineNumber, fields));
            }
        }
        catch (CsvFormatException e)
        {
            throw new ImportRejectedException(fileName, [new ImportError(0, "CSV", "CSVとして読めません: " + e.Message)]);
        }
        return rows;
    }

    private static readonly string[] DateTimeFormats =
    [
        "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm",
        "yyyy/MM/dd HH:mm:ss", "yyyy/MM/dd HH:mm", "yyyy/M/d H:mm:ss", "yyyy/M/d H:mm", "yyyy-MM-dd", "yyyy/MM/dd", "yyyy/M/d",
    ];

    /// <summary>
    /// Reads a date-time as tools write it; without an offset it is Japan time (+09:00). Full-width digits are accepted.
    /// </summary>
    public static bool TryParseDateTime(string text, out DateTimeOffset value)
    {
        var s = text.Normalize(NormalizationForm.FormKC).Trim();
        if (s.Length == 0) { value = default; return false; }
        if ((s.Contains('+') || s.EndsWith('Z') || System.Text.RegularExpressions.Regex.IsMatch(s, @"[+-]\d\d:\d\d$"))
            && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out value))
            return true;
        if (DateTime.TryParseExact(s, DateTimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            value = new DateTimeOffset(local, Intranet.Shared.Time.FiscalYear.JapanOffset);
            return true;
        }
        value = default;
        return false;
    }

    /// <summary>Reads a date (yyyy-MM-dd, yyyy/M/d).</summary>
    public static bool TryParseDate(string text, out DateOnly value)
    {
        if (TryParseDateTime(text, out var dt))
        {
            value = DateOnly.FromDateTime(dt.ToOffset(Intranet.Shared.Time.FiscalYear.JapanOffset).DateTime);
            return true;
        }
        value = default;
        return false;
    }

    /// <summary>Reads a number written with optional thousands separators and full-width digits.</summary>
    public static bool TryParseDecimal(string text, out decimal value) =>
        decimal.TryParse(text.Normalize(NormalizationForm.FormKC).Replace(",", "").Trim(), NumberStyles.Number, CultureInfo.InvariantCulture, out value);
}
