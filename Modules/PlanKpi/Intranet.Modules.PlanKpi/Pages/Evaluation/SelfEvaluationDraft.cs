using Intranet.Modules.PlanKpi.Domain.Evaluation;
using Intranet.Modules.PlanKpi.UseCases.Evaluation;

namespace Intranet.Modules.PlanKpi.Pages.Evaluation;

/// <summary>
/// What the department is typing into a sheet's self-evaluation, kept across a reconnect (<c>[PersistentState]</c>:
/// JSON-serializable, settable properties). Property names equal <see cref="SelfEvaluationInput"/>'s so the use case's
/// field errors land on the right input (input id = property name).
/// </summary>
public sealed class SelfEvaluationDraft
{
    /// <summary>Plan code the draft belongs to.</summary>
    public string PlanCode { get; set; } = "";
    /// <summary>Evaluated year.</summary>
    public int FiscalYear { get; set; }
    /// <summary>Project code.</summary>
    public string ProjectCode { get; set; } = "";
    /// <summary>The sheet's version when read (sent as the expected version).</summary>
    public Guid Version { get; set; }
    /// <summary>取組実績.</summary>
    public string? Achievements { get; set; }
    /// <summary>評価 A–D.</summary>
    public Grade? Grade { get; set; }
    /// <summary>課題.</summary>
    public string? Issues { get; set; }
    /// <summary>次年度の方向性.</summary>
    public ProjectDirection? NextYear { get; set; }
    /// <summary>事業費 (千円).</summary>
    public decimal? CostThousandYen { get; set; }
    /// <summary>人工.</summary>
    public decimal? StaffEffort { get; set; }

    /// <summary>A draft holding the sheet as saved.</summary>
    public static SelfEvaluationDraft From(SheetView sheet) => new()
    {
        PlanCode = sheet.PlanCode, FiscalYear = sheet.FiscalYear, ProjectCode = sheet.ProjectCode, Version = sheet.Version,
        Achievements = sheet.Self.Achievements, Grade = sheet.Self.Grade, Issues = sheet.Self.Issues, NextYear = sheet.Self.NextYear,
        CostThousandYen = Plain(sheet.Self.CostThousandYen), StaffEffort = Plain(sheet.Self.StaffEffort),
    };

    /// <summary>
    /// The number without the trailing zeros the database's scale adds (18,4 stores 1500 as 1500.0000), so the field shows
    /// 「1500」 and 「0.3」 as typed, not 「1500.0」.
    /// </summary>
    private static decimal? Plain(decimal? value) => value / 1.0000000000000000000000000000m;

    /// <summary>True when the draft was typed for this sheet at this version (else the saved sheet wins).</summary>
    public bool IsFor(SheetView sheet) =>
        PlanCode == sheet.PlanCode && FiscalYear == sheet.FiscalYear && ProjectCode == sheet.ProjectCode && Version == sheet.Version;

    /// <summary>The use case's input.</summary>
    public SelfEvaluationInput ToInput() => new(Achievements, Grade, Issues, NextYear, CostThousandYen, StaffEffort);
}
