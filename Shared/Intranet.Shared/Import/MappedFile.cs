using System.Text;

namespace Intranet.Shared.Import;

/// <summary>
/// A <see cref="TabularFile"/> read through an <see cref="ImportMapping"/>: finds the header row (skipping title
/// lines above it), resolves each field's column, and yields one <see cref="ImportRow"/> per data row with values
/// already translated. Problems of the file itself (a mapped column missing) are reported with the header line.
/// </summary>
public sealed class MappedFile
{
    private readonly TabularFile _file;
    private readonly IReadOnlyList<ImportField> _fields;
    private readonly ImportErrors _errors;
    private readonly Dictionary<string, ResolvedField> _resolved = new(StringComparer.Ordinal);

    /// <summary>How many leading rows are searched for the header.</summary>
    public const int HeaderSearchRows = 30;

    private sealed record ResolvedField(ImportField Field, int Column, int TimeColumn, string Header, string? Fixed,
        Dictionary<string, string>? Values, string? Otherwise);

    private MappedFile(TabularFile file, IReadOnlyList<ImportField> fields, ImportErrors errors, int headerLine, IReadOnlyList<string> headers)
    {
        (_file, _fields, _errors, HeaderLine, Headers) = (file, fields, errors, headerLine, headers);
    }

    /// <summary>1-based line of the header row; 0 when the file has no rows.</summary>
    public int HeaderLine { get; }

    /// <summary>The header row's cells as written.</summary>
    public IReadOnlyList<string> Headers { get; }

    /// <summary>The file read.</summary>
    public TabularFile File => _file;

    /// <summary>Normalised header for comparisons: NFKC, no spaces, lower case (「職員 番号」 = 「職員番号」).</summary>
    public static string HeaderKey(string? header) =>
        new string(ImportValues.Normalize(header).TrimStart('\uFEFF').Where(c => !char.IsWhiteSpace(c)).ToArray()).ToLowerInvariant();

    /// <summary>
    /// Finds the header row for <paramref name="mapping"/>: its <see cref="ImportMapping.HeaderRow"/> when set; otherwise
    /// the row among the first <see cref="HeaderSearchRows"/> that holds most of the mapped columns (or field
    /// synonyms), falling back to the first row with the most filled cells.
    /// </summary>
    public static (int Line, IReadOnlyList<string> Headers) FindHeader(IReadOnlyList<TabularRow> firstRows, ImportMapping mapping, IReadOnlyList<ImportField> fields)
    {
        var rows = firstRows.Where(r => !r.IsBlank).ToList();
        if (rows.Count == 0) return (0, []);
        if (mapping.HeaderRow is { } fixedLine)
        {
            var row = firstRows.FirstOrDefault(r => r.Line == fixedLine);
            return row.Cells is null ? (fixedLine, []) : (fixedLine, row.Cells);
        }
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, m) in mapping.Fields)
        {
            if (m.Column is { Length: > 0 } c) wanted.Add(HeaderKey(c));
            if (m.TimeColumn is { Length: > 0 } t) wanted.Add(HeaderKey(t));
        }
        foreach (var f in fields)
        {
            if (!mapping.Fields.ContainsKey(f.Name)) wanted.Add(HeaderKey(f.Name));
            foreach (var s in f.Synonyms ?? []) wanted.Add(HeaderKey(s));
            wanted.Add(HeaderKey(f.Label));
        }
        var best = rows.Select(r => (Row: r, Score: r.Cells.Count(c => wanted.Contains(HeaderKey(c))))).MaxBy(x => x.Score);
        if (best.Score > 0)
        {
            var first = rows.First(r => r.Cells.Count(c => wanted.Contains(HeaderKey(c))) == best.Score);
            return (first.Line, first.Cells);
        }
        var widest = rows.Max(r => r.Cells.Count(c => !string.IsNullOrWhiteSpace(c)));
        var header = rows.First(r => r.Cells.Count(c => !string.IsNullOrWhiteSpace(c)) == widest);
        return (header.Line, header.Cells);
    }

    /// <summary>
    /// Opens <paramref name="file"/> through <paramref name="mapping"/>. Missing columns are recorded in
    /// <paramref name="errors"/> (with the header line and the headers found) and make <see cref="Rows"/> empty.
    /// </summary>
    public static MappedFile Open(TabularFile file, ImportMapping mapping, IReadOnlyList<ImportField> fields, ImportErrors errors)
    {
        var first = file.Rows().Take(HeaderSearchRows).ToList();
        var (line, headers) = FindHeader(first, mapping, fields);
        var mapped = new MappedFile(file, fields, errors, line, headers);
        if (line == 0)
        {
            errors.Add(0, "ファイル", "データがありません (見出し行もデータ行もありません)。");
            return mapped;
        }
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < headers.Count; i++) index.TryAdd(HeaderKey(headers[i]), i);
        var found = string.Join("、", headers.Where(h => !string.IsNullOrWhiteSpace(h)).Take(30));
        foreach (var field in fields)
        {
            var explicitMapping = mapping.Fields.TryGetValue(field.Name, out var given) && mapping.Name != ImportMapping.NativeName;
            var m = given ?? new FieldMapping { Column = field.Name };
            var column = string.IsNullOrWhiteSpace(m.Column) || !index.TryGetValue(HeaderKey(m.Column), out var at) ? -1 : at;
            if (column < 0 && !string.IsNullOrWhiteSpace(m.Column) && (explicitMapping || field.Required && m.Fixed is null))
                errors.Add(line, m.Column, $"列「{m.Column}」({field.Label}) がありません。{line}行目の見出し: {found}");
            else if (column < 0 && field.Required && m.Fixed is null)
                errors.Add(line, field.Label, $"「{field.Label}」は必須ですが、列も固定値も対応付けられていません。");
            var time = -1;
            if (!string.IsNullOrWhiteSpace(m.TimeColumn) && !index.TryGetValue(HeaderKey(m.TimeColumn), out time))
            {
                time = -1;
                errors.Add(line, m.TimeColumn, $"列「{m.TimeColumn}」({field.Label}の時刻) がありません。{line}行目の見出し: {found}");
            }
            var values = m.Values?.ToDictionary(kv => ImportValues.Normalize(kv.Key), kv => ImportValues.Normalize(kv.Value), StringComparer.OrdinalIgnoreCase);
            mapped._resolved[field.Name] = new ResolvedField(field, column, time, column >= 0 ? headers[column] : m.Column ?? field.Label, m.Fixed, values, m.Otherwise);
        }
        mapped.Usable = errors.Total == 0;
        return mapped;
    }

    /// <summary>True when the header and columns were resolved without error.</summary>
    public bool Usable { get; private set; }

    /// <summary>The data rows below the header, blank rows skipped; nothing when the file is not <see cref="Usable"/>.</summary>
    public IEnumerable<ImportRow> Rows()
    {
        if (!Usable) yield break;
        var width = Headers.Count;
        foreach (var row in _file.Rows())
        {
            if (row.Line <= HeaderLine || row.IsBlank) continue;
            yield return new ImportRow(this, row, width);
        }
    }

    internal string Header(string field) => _resolved.TryGetValue(field, out var r) ? r.Header : field;

    internal string Label(string field) => _resolved.TryGetValue(field, out var r) ? r.Field.Label : field;

    internal ImportErrors Errors => _errors;

    internal (string? Value, string? Time, string? Error) Raw(string field, TabularRow row)
    {
        if (!_resolved.TryGetValue(field, out var r)) return (null, null, null);
        var cell = r.Column >= 0 ? row[r.Column] : "";
        if (cell.Length > ImportValues.MaxCellLength) return (null, null, $"値が長すぎます ({cell.Length:N0}文字、{ImportValues.MaxCellLength:N0}文字まで)。");
        var value = ImportValues.Normalize(cell);
        if (value.Length == 0 && r.Fixed is not null) value = ImportValues.Normalize(r.Fixed);
        if (value.Length > 0 && r.Values is { Count: > 0 } table)
        {
            if (table.TryGetValue(value, out var translated)) value = translated;
            else if (r.Field.TranslationTargets.Contains(value, StringComparer.OrdinalIgnoreCase)) { }
            else if (r.Otherwise is not null) value = ImportValues.Normalize(r.Otherwise);
            else
                return (null, null, $"値「{ImportValues.Shorten(value)}」は値の変換表にありません (変換表: {string.Join("、", table.Select(kv => kv.Key + "→" + kv.Value).Take(12))})。");
        }
        else if (value.Length > 0 && r.Otherwise is not null && !r.Field.TranslationTargets.Contains(value, StringComparer.OrdinalIgnoreCase))
        {
            value = ImportValues.Normalize(r.Otherwise);
        }
        var time = r.TimeColumn >= 0 ? ImportValues.Normalize(row[r.TimeColumn]) : null;
        return (value, time, null);
    }

    internal bool Mapped(string field) => _resolved.TryGetValue(field, out var r) && (r.Column >= 0 || r.Fixed is not null);
}

/// <summary>
/// One data row of a <see cref="MappedFile"/>: typed readers per field that record a Japanese error with the row's line
/// and the user's own column header, and return null (or the fallback) instead of throwing.
/// </summary>
public sealed class ImportRow
{
    private readonly MappedFile _file;
    private readonly TabularRow _row;

    internal ImportRow(MappedFile file, TabularRow row, int width)
    {
        (_file, _row) = (file, row);
        if (row.Cells.Length < width && width > 1)
        {
            // A short row: name the real cause instead of reporting the first empty field as malformed.
            var filled = row.Cells.Length;
            Error(null, $"{width}列のうち{filled}列しかありません。列が欠けているか、区切り文字 (,) が正しくありません。");
            IsShort = true;
        }
    }

    /// <summary>1-based line of the row in the file.</summary>
    public int Line => _row.Line;

    /// <summary>True when the row has fewer cells than the header (an error has been recorded).</summary>
    public bool IsShort { get; }

    /// <summary>Whether the mapping gives <paramref name="field"/> a column or a fixed value.</summary>
    public bool Has(string field) => _file.Mapped(field);

    private HashSet<string>? _failed;

    /// <summary>Records an error on this row under the field's column (the user's own header); null field: the whole row.</summary>
    public void Error(string? field, string message)
    {
        // One error per field and row: a value the translation table lacks is not also reported as missing.
        if (field is not null && !(_failed ??= []).Add(field)) return;
        _file.Errors.Add(Line, field is null ? "行" : _file.Header(field), message);
    }

    /// <summary>The field's value after NFKC and translation; "" when empty or unmapped. Records a length or translation error.</summary>
    public string Text(string field, bool required = false, int maxLength = 400)
    {
        var (value, _, error) = _file.Raw(field, _row);
        if (error is not null) { Error(field, error); return ""; }
        value ??= "";
        if (value.Length > maxLength) { Error(field, $"{maxLength:N0}文字以内で入力してください ({value.Length:N0}文字)。"); return ""; }
        if (required && value.Length == 0 && !IsShort) Error(field, $"{_file.Label(field)}は必須です。");
        return value;
    }

    /// <summary>A date; null (with an error when <paramref name="required"/> or unreadable) when empty or unreadable.</summary>
    public DateOnly? Date(string field, bool required = true)
    {
        var text = Text(field);
        if (text.Length == 0) { if (required && !IsShort) Error(field, $"{_file.Label(field)}は必須です。"); return null; }
        if (ImportValues.TryParseDate(text, out var d, out var error)) return d;
        Error(field, $"{_file.Label(field)}: {error}");
        return null;
    }

    /// <summary>A date-time, the time taken from the mapping's time column when it has one.</summary>
    public DateTimeOffset? DateTime(string field, bool required = true)
    {
        var (value, time, rawError) = _file.Raw(field, _row);
        if (rawError is not null) { Error(field, rawError); return null; }
        if (string.IsNullOrEmpty(value)) { if (required && !IsShort) Error(field, $"{_file.Label(field)}は必須です。"); return null; }
        var text = string.IsNullOrEmpty(time) ? value : value + " " + time;
        if (ImportValues.TryParseDateTime(text, out var dt, out var error)) return dt;
        Error(field, $"{_file.Label(field)}: {error}");
        return null;
    }

    /// <summary>A number in [<paramref name="min"/>, <paramref name="max"/>]; null when empty (error when required) or bad.</summary>
    /// <param name="field">The field.</param>
    /// <param name="min">Smallest allowed.</param>
    /// <param name="max">Largest allowed.</param>
    /// <param name="required">Whether empty is an error.</param>
    /// <param name="rangeMessage">The domain's own message for a value out of range (e.g. 「0より大きく1以下」).</param>
    public decimal? Decimal(string field, decimal min, decimal max, bool required = true, string? rangeMessage = null)
    {
        var text = Text(field);
        if (text.Length == 0) { if (required && !IsShort) Error(field, $"{_file.Label(field)}は必須です。"); return null; }
        if (!ImportValues.TryParseDecimal(text, out var v)) { Error(field, $"{_file.Label(field)}: 数値として読めません: {ImportValues.Shorten(text)}"); return null; }
        if (v < min || v > max) { Error(field, rangeMessage ?? $"{_file.Label(field)}は{min:#,0.##}〜{max:#,0.##}の範囲で入力してください (値: {ImportValues.Shorten(text)})。"); return null; }
        return v;
    }

    /// <summary>A whole number in [<paramref name="min"/>, <paramref name="max"/>]; never overflows.</summary>
    public long? Integer(string field, long min, long max, bool required = true)
    {
        var text = Text(field);
        if (text.Length == 0) { if (required && !IsShort) Error(field, $"{_file.Label(field)}は必須です。"); return null; }
        if (ImportValues.TryParseInteger(text, min, max, out var v, out var error)) return v;
        Error(field, $"{_file.Label(field)}: {error}");
        return null;
    }

    /// <summary>A duration in hours (7.75 or 7:45) in [<paramref name="min"/>, <paramref name="max"/>]; <paramref name="rangeMessage"/> as for <see cref="Decimal"/>.</summary>
    public decimal? Hours(string field, decimal min, decimal max, bool required = true, string? rangeMessage = null)
    {
        var text = Text(field);
        if (text.Length == 0) { if (required && !IsShort) Error(field, $"{_file.Label(field)}は必須です。"); return null; }
        if (!ImportValues.TryParseHours(text, out var h, out var error)) { Error(field, $"{_file.Label(field)}: {error}"); return null; }
        if (h < min || h > max) { Error(field, rangeMessage ?? $"{_file.Label(field)}は{min:0.##}〜{max:0.##}時間の範囲で入力してください (値: {text})。"); return null; }
        return h;
    }

    /// <summary>Yes/no (<see cref="ImportValues.ParseFlag"/>); empty is <paramref name="fallback"/>.</summary>
    public bool? Flag(string field, bool fallback = false)
    {
        var text = Text(field);
        if (text.Length == 0) return fallback;
        var flag = ImportValues.ParseFlag(text);
        if (flag is null) Error(field, $"{_file.Label(field)}: 「{ImportValues.Shorten(text)}」は はい/いいえ (1/0) として読めません。値の変換で 1 か 0 に対応付けてください。");
        return flag;
    }

    /// <summary>
    /// A choice read by <paramref name="parse"/> (the domain's own parser); an unknown value records an error naming
    /// the value and <paramref name="known"/>.
    /// </summary>
    public T? Choice<T>(string field, Func<string, T?> parse, IEnumerable<string> known, bool required = true) where T : struct
    {
        var text = Text(field);
        if (text.Length == 0) { if (required && !IsShort) Error(field, $"{_file.Label(field)}は必須です ({string.Join("、", known)})。"); return null; }
        var value = parse(text);
        if (value is null) Error(field, $"{_file.Label(field)}「{ImportValues.Shorten(text)}」は不明な値です。使える値: {string.Join("、", known)}。別の書き方なら対応付けの「値の変換」に登録してください。");
        return value;
    }
}
