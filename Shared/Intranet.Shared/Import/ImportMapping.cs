using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;

namespace Intranet.Shared.Import;

/// <summary>What a field holds, which decides how its cells are read (<see cref="ImportValues"/>).</summary>
public enum ImportFieldType
{
    /// <summary>Free text (at most <see cref="ImportValues.MaxCellLength"/> characters).</summary>
    Text,
    /// <summary>A whole number.</summary>
    Integer,
    /// <summary>A decimal number.</summary>
    Decimal,
    /// <summary>A date (和暦 accepted).</summary>
    Date,
    /// <summary>A date-time; the mapping may take the time from a second column.</summary>
    DateTime,
    /// <summary>A duration in hours (7.75 or 7:45).</summary>
    Hours,
    /// <summary>Yes/no (1/0, はい/いいえ, 有/無 …).</summary>
    Flag,
    /// <summary>One of <see cref="ImportField.KnownValues"/>; other source values need a value translation.</summary>
    Choice,
}

/// <summary>
/// A field an import kind expects, as shown on the import and mapping pages and in templates.
/// </summary>
/// <param name="Name">The field's name: the header in the module's own format (<c>employee_number</c>).</param>
/// <param name="Label">Japanese label (職員番号).</param>
/// <param name="Type">How cells are read.</param>
/// <param name="Required">Whether every row needs a value (from a column or the mapping's fixed value).</param>
/// <param name="Description">Japanese description with an example, shown on the pages and in the template.</param>
/// <param name="KnownValues">For <see cref="ImportFieldType.Choice"/> and <see cref="ImportFieldType.Flag"/>: the suite's values a translation may map to.</param>
/// <param name="Synonyms">Header names other systems use for this field (職員番号, 社員番号 …); the mapping page suggests a column by them.</param>
/// <param name="Example">An example value for the template's example row.</param>
public sealed record ImportField(string Name, string Label, ImportFieldType Type, bool Required, string Description,
    IReadOnlyList<string>? KnownValues = null, IReadOnlyList<string>? Synonyms = null, string? Example = null)
{
    /// <summary>The suite's values a translation may produce: <see cref="KnownValues"/>, or 1/0 for flags.</summary>
    public IReadOnlyList<string> TranslationTargets => KnownValues ?? (Type == ImportFieldType.Flag ? ["1", "0"] : []);
}

/// <summary>Where one field's value comes from in a source file, and how its values translate.</summary>
public sealed record FieldMapping
{
    /// <summary>The source column's header (compared after NFKC, ignoring case and spaces); null when the field takes <see cref="Fixed"/>.</summary>
    public string? Column { get; init; }

    /// <summary>For date-time fields: a second column holding the time (date and time in separate columns).</summary>
    public string? TimeColumn { get; init; }

    /// <summary>A fixed value for every row, or the value of rows whose cell is empty.</summary>
    public string? Fixed { get; init; }

    /// <summary>
    /// Value translations: source value → the suite's value (e.g. 「在宅勤務」→「在宅」, 「課長」→「1」). Keys are compared
    /// after NFKC and trimming. A source value not in the table, that is not itself one of the field's known values,
    /// is an error naming the line and the value, never a silent default.
    /// </summary>
    public Dictionary<string, string>? Values { get; init; }

    /// <summary>
    /// For translated fields: the suite's value for every source value not in <see cref="Values"/> (e.g. 職位 → manager
    /// flag: 課長, 部長 → 1, anything else → 0). Null: an unknown value is an error.
    /// </summary>
    public string? Otherwise { get; init; }
}

/// <summary>
/// A saved mapping of a city's export to an import kind: which column feeds each field, fixed values, value
/// translations, and where the table starts. Stored in the database by name per kind, exported to and imported from
/// JSON files (<see cref="ToJson"/>, <see cref="FromJson"/>; format in the README) so IT can keep them under version control.
/// </summary>
public sealed record ImportMapping
{
    /// <summary>Format version of the JSON file; 1.</summary>
    public int FormatVersion { get; init; } = 1;

    /// <summary>The import kind (<c>telework-days</c>).</summary>
    public required string Kind { get; init; }

    /// <summary>The mapping's name, unique per kind (<c>kintai-monthly</c>).</summary>
    public required string Name { get; init; }

    /// <summary>What the mapping is for, in Japanese (「勤怠システムの月次出力」).</summary>
    public string? Description { get; init; }

    /// <summary>Workbook sheet to read; null for the first sheet.</summary>
    public string? Sheet { get; init; }

    /// <summary>1-based line of the header row; null to find it (title lines above the header are skipped).</summary>
    public int? HeaderRow { get; init; }

    /// <summary>Field name → where it comes from. Fields not listed are read from a column named like the field.</summary>
    public Dictionary<string, FieldMapping> Fields { get; init; } = [];

    /// <summary>The module's own format: every field from the column of its own name.</summary>
    public static ImportMapping Native(string kind, IEnumerable<ImportField> fields) => new()
    {
        Kind = kind, Name = NativeName, Description = "標準の形式 (見出しはフィールド名)",
        Fields = fields.ToDictionary(f => f.Name, f => new FieldMapping { Column = f.Name }),
    };

    /// <summary>Name under which the module's own format is offered.</summary>
    public const string NativeName = "standard";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>The mapping as an indented JSON document (Japanese kept readable).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a mapping JSON document.</summary>
    /// <exception cref="ImportRejectedException">Not JSON, or without kind or name; the message says where.</exception>
    public static ImportMapping FromJson(string json, string fileName)
    {
        try
        {
            var mapping = JsonSerializer.Deserialize<ImportMapping>(json, Json);
            if (mapping is null || string.IsNullOrWhiteSpace(mapping.Kind) || string.IsNullOrWhiteSpace(mapping.Name))
                throw new ImportRejectedException(fileName, [new ImportError(0, "mapping", "kind と name が必要です。")]);
            return mapping with { Fields = mapping.Fields ?? [] };
        }
        catch (JsonException e)
        {
            throw new ImportRejectedException(fileName, [new ImportError((int)(e.LineNumber ?? -1) + 1, e.Path ?? "JSON", "JSONとして読めません: " + e.Message.Split(" Path:")[0])]);
        }
    }

    /// <summary>
    /// Problems of this mapping against the kind's fields: unknown fields, required fields with neither column nor
    /// fixed value, translations to values the field does not know. Empty when the mapping can be saved.
    /// </summary>
    public IReadOnlyList<string> Check(IReadOnlyList<ImportField> fields)
    {
        var problems = new List<string>();
        foreach (var name in Fields.Keys.Where(n => fields.All(f => f.Name != n)))
            problems.Add($"項目「{name}」はこの取込にありません。");
        foreach (var field in fields)
        {
            var m = Fields.GetValueOrDefault(field.Name);
            if (field.Required && string.IsNullOrWhiteSpace(m?.Column) && string.IsNullOrWhiteSpace(m?.Fixed))
                problems.Add($"「{field.Label}」は必須です。列か固定値を指定してください。");
            var targets = field.TranslationTargets;
            if (targets.Count == 0) continue;
            foreach (var (from, to) in m?.Values ?? [])
            {
                if (!targets.Contains(ImportValues.Normalize(to)))
                    problems.Add($"「{field.Label}」の値の変換「{from}→{to}」: 変換先は {string.Join("、", targets)} のいずれかです。");
            }
            if (m?.Otherwise is { } other && !targets.Contains(ImportValues.Normalize(other)))
                problems.Add($"「{field.Label}」のその他の値の変換先「{other}」は {string.Join("、", targets)} のいずれかです。");
        }
        return problems;
    }
}
