using Intranet.Shared.Auditing;

namespace Intranet.Modules.PlanKpi.Domain;

/// <summary>Which way is better.</summary>
public enum Direction
{
    /// <summary>More is better (counts, rates).</summary>
    Higher,
    /// <summary>Less is better (incidents, cost).</summary>
    Lower,
}

/// <summary>How a target is worded.</summary>
public enum Comparator
{
    /// <summary>A plain figure; met when the actual reaches it in the indicator's direction.</summary>
    Exact,
    /// <summary>以上: met when actual ≥ target.</summary>
    AtLeast,
    /// <summary>以下: met when actual ≤ target.</summary>
    AtMost,
}

/// <summary>
/// What kind of indicator a plan names (Sagamihara's 第2次ICT総合戦略, seed 004, sets all three: 施策目標値 per
/// measure, 行動目標 and 成果指標 per project). Stored as its name (string column <c>Kind</c>, default
/// <c>Outcome</c>); the plan file writes it camelCase (<c>"outcome"</c>, <c>"measureTarget"</c>, <c>"action"</c>).
/// </summary>
public enum IndicatorKind
{
    /// <summary>成果指標 / 評価指標: the outcome a project (or measure) achieves; the default when a plan file says nothing.</summary>
    Outcome,
    /// <summary>施策目標値: a measure-level target that shows objectively how far the measure has got. Only on a measure.</summary>
    MeasureTarget,
    /// <summary>行動目標: what a project must do in a fiscal year, written as words (text-only targets, no number). Only on a project.</summary>
    Action,
}

/// <summary>Japanese labels of <see cref="IndicatorKind"/>.</summary>
public static class IndicatorKinds
{
    /// <summary>成果指標, 施策目標値 or 行動目標.</summary>
    public static string Label(IndicatorKind kind) => kind switch
    {
        IndicatorKind.MeasureTarget => "施策目標値",
        IndicatorKind.Action => "行動目標",
        _ => "成果指標",
    };
}

/// <summary>
/// 評価指標 / 成果指標: a measurable outcome of a project, or of a measure (施策目標値, as in
/// Sagamihara's plan). Exactly one of <see cref="ProjectId"/> and <see cref="MeasureId"/> is set.
/// </summary>
public sealed class Indicator : IAudited
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid PlanId { get; set; }
    public Guid? ProjectId { get; set; }
    public Guid? MeasureId { get; set; }
    /// <summary>Unique within the plan, e.g. <c>2-1-(1)-1</c>.</summary>
    public string Code { get; set; } = "";
    public string Name { get; set; } = "";
    /// <summary>単位, e.g. %, 件, 時間, 業務; empty when no target has a number (行動目標, or a plan that gives no figures).</summary>
    public string Unit { get; set; } = "";
    /// <summary>成果指標 (default), 施策目標値 or 行動目標; see <see cref="IndicatorKind"/>.</summary>
    public IndicatorKind Kind { get; set; } = IndicatorKind.Outcome;
    public Direction Direction { get; set; }
    public Comparator Comparator { get; set; }
    /// <summary>累積: each year's target and actual count everything since the plan start.</summary>
    public bool Cumulative { get; set; }
    /// <summary>指標の考え方 (one line).</summary>
    public string? Rationale { get; set; }
    public string? OfficialRationale { get; set; }
    /// <summary>How an ambiguous row of the source was read (which years its targets belong to).</summary>
    public string? ReadingNote { get; set; }
    /// <summary>When set, the actual comes from this metric feed (a <c>MetricKeys</c> value) and is not typed in.</summary>
    public string? MetricKey { get; set; }
    public int SortOrder { get; set; }

    public List<Target> Targets { get; set; } = [];
    public List<Actual> Actuals { get; set; } = [];
}

/// <summary>目標値 for one fiscal year: a number, a text only (「検討を踏まえ設定」), or both.</summary>
public sealed class Target : IAudited
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid IndicatorId { get; set; }
    /// <summary>Starting calendar year.</summary>
    public int FiscalYear { get; set; }
    /// <summary>In the indicator's unit; null for a text-only target.</summary>
    public decimal? Value { get; set; }
    /// <summary>The cell as printed, e.g. 「70%以上」.</summary>
    public string? Text { get; set; }
}

/// <summary>実績値 typed in by a person for one fiscal year (fed actuals are <see cref="FedMetricValue"/>).</summary>
public sealed class Actual : IAudited, IVersioned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid IndicatorId { get; set; }
    /// <summary>Starting calendar year.</summary>
    public int FiscalYear { get; set; }
    /// <summary>In the indicator's unit.</summary>
    public decimal Value { get; set; }
    public string? Note { get; set; }
    /// <summary>Who entered it last (user name / e-mail).</summary>
    public string EnteredBy { get; set; } = "";
    /// <summary>When it was entered last (UTC).</summary>
    public DateTimeOffset EnteredAt { get; set; }
    /// <inheritdoc />
    public Guid Version { get; set; }
}

/// <summary>A figure reported by a module through the metric feed, per key and fiscal year.</summary>
public sealed class FedMetricValue : IAudited
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public string Key { get; set; } = "";
    public int FiscalYear { get; set; }
    public decimal Value { get; set; }
    public string Unit { get; set; } = "";
    /// <summary>Japanese module name, e.g. 「RPA台帳」.</summary>
    public string SourceModule { get; set; } = "";
    /// <summary>When the module computed the figure (UTC).</summary>
    public DateTimeOffset MeasuredAt { get; set; }
}
