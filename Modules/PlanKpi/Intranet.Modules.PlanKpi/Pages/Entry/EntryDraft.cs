using Intranet.Modules.PlanKpi.UseCases;

namespace Intranet.Modules.PlanKpi.Pages.Entry;

/// <summary>
/// What the user has typed into the 実績入力 grid and not yet saved. JSON-serializable, so it is kept with
/// <c>[PersistentState]</c>: it survives a reconnect to the same circuit and a new circuit after the old one was
/// evicted (.NET 10 persists it with the circuit), but not a host restart.
/// </summary>
public sealed class EntryDraft
{
    /// <summary>Plan code the draft belongs to.</summary>
    public string PlanCode { get; set; } = "";
    /// <summary>Fiscal year the draft belongs to.</summary>
    public int FiscalYear { get; set; }
    /// <summary>Department the draft belongs to (null = all).</summary>
    public string? Department { get; set; }
    /// <summary>One row per indicator, in sheet order.</summary>
    public List<EntryDraftRow> Rows { get; set; } = [];

    /// <summary>Whether this draft was made for the given sheet.</summary>
    public bool IsFor(string planCode, int fiscalYear, string? department) =>
        PlanCode == planCode && FiscalYear == fiscalYear && Department == department;

    /// <summary>A fresh draft holding the stored values of <paramref name="sheet"/>.</summary>
    public static EntryDraft From(EntrySheet sheet) => new()
    {
        PlanCode = sheet.PlanCode, FiscalYear = sheet.FiscalYear, Department = sheet.Department,
        Rows = sheet.Rows.Select(EntryDraftRow.From).ToList(),
    };

    /// <summary>The rows that differ from what was loaded, as batch inputs.</summary>
    public List<ActualInput> Changes() => Rows.Where(r => r.IsDirty)
        .Select(r => new ActualInput(r.IndicatorCode, r.Value, r.Note, r.Version)).ToList();
}

/// <summary>One row of the draft: the loaded value and note (as text) and what the user typed.</summary>
public sealed class EntryDraftRow
{
    /// <summary>Indicator code.</summary>
    public string IndicatorCode { get; set; } = "";
    /// <summary>The value as typed.</summary>
    public string? Value { get; set; }
    /// <summary>The note as typed.</summary>
    public string? Note { get; set; }
    /// <summary>The stored value when loaded, as text.</summary>
    public string? OriginalValue { get; set; }
    /// <summary>The stored note when loaded.</summary>
    public string? OriginalNote { get; set; }
    /// <summary>The stored actual's version when loaded.</summary>
    public Guid? Version { get; set; }

    /// <summary>True when the value or note differs from what was loaded.</summary>
    public bool IsDirty => Norm(Value) != Norm(OriginalValue) || Norm(Note) != Norm(OriginalNote);

    /// <summary>True when a stored value is being cleared (a removal, asked for confirmation).</summary>
    public bool IsRemoval => Norm(OriginalValue) is not null && Norm(Value) is null;

    private static string? Norm(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    /// <summary>The row of a loaded sheet.</summary>
    public static EntryDraftRow From(EntryRow row)
    {
        var value = row.Value?.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture);
        return new EntryDraftRow
        {
            IndicatorCode = row.IndicatorCode, Value = value, OriginalValue = value, Note = row.Note, OriginalNote = row.Note, Version = row.Version,
        };
    }
}
