using Intranet.Shared.Auditing;

namespace Intranet.Modules.PlanKpi.Domain;

/// <summary>
/// Which review produced a revision. Source: seed 001 (Hadano, 計画の構成): 「毎年度、個別事業の見直しを行うとともに、計画の
/// 中間である令和5年度では事業推進計画の見直しを行います」; seed 002 (Chigasaki): 中間報告書 with projects continued or ended.
/// </summary>
public enum RevisionKind
{
    /// <summary>年次見直し: the yearly revision of individual projects (個別事業).</summary>
    Yearly,
    /// <summary>中間見直し: the mid-term revision of the measures (事業推進計画) in the plan's middle year.</summary>
    MidTerm,
}

/// <summary>What one change of a revision does.</summary>
public enum RevisionChangeKind
{
    /// <summary>事業の追加: a new project, active from the effective year.</summary>
    ProjectAdded,
    /// <summary>事業の終了: the project ends at the effective year − 1 and keeps its past.</summary>
    ProjectEnded,
    /// <summary>事業の移動: the project's own placement moves under another measure with a new code.</summary>
    ProjectMoved,
    /// <summary>目標値の変更: one indicator's target for one year at or after the effective year.</summary>
    TargetChanged,
}

/// <summary>
/// 計画改訂 (版): a new version of a plan that takes effect from <see cref="EffectiveFiscalYear"/>. The plan's tables hold
/// the current version; earlier years keep what they were evaluated against because a revision never touches a year
/// before its effective year (<see cref="PlanRevisionRules"/>). The revision records what it changed, before and after.
/// </summary>
public sealed class PlanRevision : IAudited
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid PlanId { get; set; }
    /// <summary>版: 1, 2, … per plan, in the order the revisions were recorded (the plan as imported is 版 0).</summary>
    public int Number { get; set; }
    /// <summary>適用年度: the first fiscal year (starting calendar year) the revision applies to.</summary>
    public int EffectiveFiscalYear { get; set; }
    public RevisionKind Kind { get; set; }
    /// <summary>e.g. 「令和5年度 中間見直し」.</summary>
    public string Title { get; set; } = "";
    /// <summary>見直しの理由 (free text).</summary>
    public string Reason { get; set; } = "";
    /// <summary>Who recorded it (user name / e-mail).</summary>
    public string RecordedBy { get; set; } = "";
    /// <summary>When it was recorded (UTC).</summary>
    public DateTimeOffset RecordedAt { get; set; }

    public List<PlanRevisionChange> Changes { get; set; } = [];
}

/// <summary>
/// One change of a <see cref="PlanRevision"/>, with the state before and after written as text for people (so the record
/// stays readable when the project or measure changes again later).
/// </summary>
public sealed class PlanRevisionChange : IAudited
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid RevisionId { get; set; }
    /// <summary>Position in the revision, from 1 (「変更3」).</summary>
    public int Number { get; set; }
    public RevisionChangeKind Kind { get; set; }
    /// <summary>The project concerned (kept when its code changes; no foreign key, so the record outlives the project).</summary>
    public Guid? ProjectId { get; set; }
    /// <summary>The project's code when the change was made (for a move: the old code; for an addition: the new code).</summary>
    public string ProjectCode { get; set; } = "";
    /// <summary>For <see cref="RevisionChangeKind.TargetChanged"/>: the indicator's code.</summary>
    public string? IndicatorCode { get; set; }
    /// <summary>For <see cref="RevisionChangeKind.TargetChanged"/>: the target's fiscal year (starting calendar year).</summary>
    public int? FiscalYear { get; set; }
    /// <summary>Before, as text (「7,900人」, 「2-1 ICT活用による業務の効率化 (2-1-(2))」); null for an addition.</summary>
    public string? Before { get; set; }
    /// <summary>After, as text (「8,500人」, 「令和5年度で終了」).</summary>
    public string? After { get; set; }
    /// <summary>The reason of this change.</summary>
    public string Reason { get; set; } = "";
}

/// <summary>Japanese labels of revision and change kinds.</summary>
public static class RevisionLabels
{
    /// <summary>「年次見直し」 or 「中間見直し」.</summary>
    public static string Of(RevisionKind kind) => kind switch
    {
        RevisionKind.Yearly => "年次見直し",
        RevisionKind.MidTerm => "中間見直し",
        _ => kind.ToString(),
    };

    /// <summary>「事業の追加」, 「事業の終了」, 「事業の移動」, 「目標値の変更」.</summary>
    public static string Of(RevisionChangeKind kind) => kind switch
    {
        RevisionChangeKind.ProjectAdded => "事業の追加",
        RevisionChangeKind.ProjectEnded => "事業の終了",
        RevisionChangeKind.ProjectMoved => "事業の移動",
        RevisionChangeKind.TargetChanged => "目標値の変更",
        _ => kind.ToString(),
    };
}
