using Intranet.Modules.PlanKpi.Domain;

namespace Intranet.Modules.PlanKpi.Pages.Revisions;

/// <summary>
/// What the plan office has typed into the revision form and not yet recorded: the header, the changes added so far and
/// the change being typed. JSON-serializable, kept with <c>[PersistentState]</c> so it survives a reconnect (not a host
/// restart). Field names are the input ids (FormErrorSummary links to them).
/// </summary>
public sealed class RevisionDraft
{
    /// <summary>Plan the draft belongs to.</summary>
    public string PlanCode { get; set; } = "";
    /// <summary>年次見直し / 中間見直し.</summary>
    public RevisionKind Kind { get; set; } = RevisionKind.Yearly;
    /// <summary>適用年度 (starting calendar year).</summary>
    public int EffectiveFiscalYear { get; set; }
    /// <summary>件名.</summary>
    public string Title { get; set; } = "";
    /// <summary>見直しの理由.</summary>
    public string Reason { get; set; } = "";
    /// <summary>Changes added so far, in order.</summary>
    public List<RevisionChangeInput> Changes { get; set; } = [];
    /// <summary>The change being typed.</summary>
    public ChangeDraft Next { get; set; } = new();
}

/// <summary>The change being typed (flat, so every input binds to one property).</summary>
public sealed class ChangeDraft
{
    public RevisionChangeKind ChangeKind { get; set; } = RevisionChangeKind.TargetChanged;
    /// <summary>Existing project (ended, moved, target changed).</summary>
    public string ProjectCode { get; set; } = "";
    public string IndicatorCode { get; set; } = "";
    public int TargetYear { get; set; }
    /// <summary>The new target as typed (full-width digits, separators and a trailing unit accepted).</summary>
    public string TargetValue { get; set; } = "";
    /// <summary>The target as printed (optional).</summary>
    public string TargetText { get; set; } = "";
    public string MeasureCode { get; set; } = "";
    public string NewProjectCode { get; set; } = "";
    public string NewProjectName { get; set; } = "";
    public string LeadDepartment { get; set; } = "";
    public string ChangeReason { get; set; } = "";
}
