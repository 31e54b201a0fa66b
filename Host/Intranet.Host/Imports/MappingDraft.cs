using Intranet.Shared.Import;

namespace Intranet.Host.Imports;

/// <summary>
/// The mapping page's unsaved input: a JSON-serializable copy of an <see cref="ImportMapping"/> in the page's shape (one
/// row per field, translation tables as lists), kept with <c>[PersistentState]</c> so a dropped connection does not
/// lose it, plus the sample file's headers so the column selects still work after a reconnect (the sample's bytes are not kept).
/// </summary>
public sealed class MappingDraft
{
    /// <summary>The import kind.</summary>
    public string Kind { get; set; } = "";

    /// <summary>The saved mapping being edited; null for a new one.</summary>
    public string? OriginalName { get; set; }

    /// <summary>The name to save under.</summary>
    public string Name { get; set; } = "";

    /// <summary>What the mapping is for (「勤怠システムの月次出力」).</summary>
    public string? Description { get; set; }

    /// <summary>Workbook sheet; null: the first.</summary>
    public string? Sheet { get; set; }

    /// <summary>1-based header line; null: found in the file.</summary>
    public int? HeaderRow { get; set; }

    /// <summary>One entry per field of the kind, in the kind's order.</summary>
    public List<FieldDraft> Fields { get; set; } = [];

    /// <summary>The sample file's header cells (for the column selects).</summary>
    public List<string> Headers { get; set; } = [];

    /// <summary>The sample file's name, when one was read.</summary>
    public string? SampleName { get; set; }

    /// <summary>The draft of <paramref name="field"/> (created when missing).</summary>
    public FieldDraft Field(string field)
    {
        var draft = Fields.FirstOrDefault(f => f.Name == field);
        if (draft is null) Fields.Add(draft = new FieldDraft { Name = field });
        return draft;
    }

    /// <summary>An empty draft for a new mapping of <paramref name="kind"/>.</summary>
    public static MappingDraft New(ImportKindInfo kind) =>
        new() { Kind = kind.Kind, Fields = kind.Fields.Select(f => new FieldDraft { Name = f.Name }).ToList() };

    /// <summary>The draft of a saved mapping.</summary>
    public static MappingDraft From(ImportMapping mapping, ImportKindInfo kind) => new()
    {
        Kind = kind.Kind, OriginalName = mapping.Name, Name = mapping.Name, Description = mapping.Description, Sheet = mapping.Sheet,
        HeaderRow = mapping.HeaderRow,
        Fields = kind.Fields.Select(f => mapping.Fields.GetValueOrDefault(f.Name) is { } m
            ? new FieldDraft
            {
                Name = f.Name, Column = m.Column, TimeColumn = m.TimeColumn, Fixed = m.Fixed, Otherwise = m.Otherwise,
                Values = (m.Values ?? []).Select(v => new ValueDraft { From = v.Key, To = v.Value }).ToList(),
            }
            : new FieldDraft { Name = f.Name }).ToList(),
        Headers = kind.Fields.Select(f => mapping.Fields.GetValueOrDefault(f.Name)).SelectMany(m => new[] { m?.Column, m?.TimeColumn })
            .OfType<string>().Where(c => c.Length > 0).Distinct().ToList(),
    };

    /// <summary>
    /// The mapping this draft describes: fields with neither column, time column, fixed value nor translation are left
    /// out; translation rows without a target (「読み替えない」) are left out.
    /// </summary>
    public ImportMapping ToMapping() => new()
    {
        Kind = Kind, Name = Name.Trim(), Description = string.IsNullOrWhiteSpace(Description) ? null : Description.Trim(), Sheet = Sheet,
        HeaderRow = HeaderRow is > 0 ? HeaderRow : null,
        Fields = Fields.Select(f => (f.Name, Mapping: f.ToFieldMapping())).Where(x => x.Mapping is not null)
            .ToDictionary(x => x.Name, x => x.Mapping!),
    };
}

/// <summary>One field's row of the mapping page.</summary>
public sealed class FieldDraft
{
    /// <summary>The field's name.</summary>
    public string Name { get; set; } = "";
    /// <summary>Source column header; null or empty: none.</summary>
    public string? Column { get; set; }
    /// <summary>Time column of a date-time field.</summary>
    public string? TimeColumn { get; set; }
    /// <summary>Fixed value (or value of empty cells).</summary>
    public string? Fixed { get; set; }
    /// <summary>Value translations (source → suite value; an empty target means none).</summary>
    public List<ValueDraft> Values { get; set; } = [];
    /// <summary>Target of every other source value; null: an unknown value is an error.</summary>
    public string? Otherwise { get; set; }

    /// <summary>The field's <see cref="FieldMapping"/>, or null when nothing is set.</summary>
    public FieldMapping? ToFieldMapping()
    {
        var values = Values.Where(v => !string.IsNullOrWhiteSpace(v.From) && !string.IsNullOrWhiteSpace(v.To))
            .GroupBy(v => v.From.Trim()).ToDictionary(g => g.Key, g => g.First().To!);
        var m = new FieldMapping
        {
            Column = Blank(Column), TimeColumn = Blank(TimeColumn), Fixed = Blank(Fixed), Otherwise = Blank(Otherwise),
            Values = values.Count > 0 ? values : null,
        };
        return m.Column is null && m.TimeColumn is null && m.Fixed is null && m.Otherwise is null && m.Values is null ? null : m;
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}

/// <summary>One row of a translation table.</summary>
public sealed class ValueDraft
{
    /// <summary>The value in the source file (「在宅勤務」).</summary>
    public string From { get; set; } = "";
    /// <summary>The suite's value (「在宅」); null or empty: not translated.</summary>
    public string? To { get; set; }
    /// <summary>Whether the value was found in the sample file (else typed by the user).</summary>
    public bool InSample { get; set; }
}
