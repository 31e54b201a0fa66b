namespace Intranet.Modules.Rpa.Domain;

/// <summary>How often a process runs, from the assessment's executions per year (回/年).</summary>
public enum FrequencyBand
{
    /// <summary>Fewer than 12 a year (随時・年数回).</summary>
    Rare,
    /// <summary>12–49 a year (毎月程度).</summary>
    Monthly,
    /// <summary>50–239 a year (毎週程度).</summary>
    Weekly,
    /// <summary>240 or more a year (毎日程度).</summary>
    Daily,
}

/// <summary>How hard a process is to automate, judged from the assessment's minutes per item.</summary>
public enum ComplexityLevel
{
    /// <summary>低: short, routine items.</summary>
    Low,
    /// <summary>中.</summary>
    Medium,
    /// <summary>高: long items, or much human work left beside the robot.</summary>
    High,
}

/// <summary>Priority class shown on the board: 高 (score ≥ 200), 中 (≥ 50), 低.</summary>
public enum PriorityLevel
{
    Low,
    Medium,
    High,
}

/// <summary>
/// The priority of an automation candidate (候補), computed from its assessment; cases without an assessment
/// have none and are shown last as 「未評価」 (<see cref="Unassessed"/>).
/// <para>
/// <b>Rule</b> (documented in the module README, 「候補の優先度」):
/// score = H × F × C, rounded to one decimal, where
/// </para>
/// <list type="bullet">
/// <item>H = estimated hours saved per year (時間/年, <see cref="SavingsRules.EstimatedHoursPerYear"/>):
/// executions per year × items per execution × (manual − robot-attended minutes per item) ÷ 60.
/// It is the benefit itself and scales the score linearly.</item>
/// <item>F = frequency factor from executions per year: ≥ 240 (毎日) 1.2, ≥ 50 (毎週) 1.0, ≥ 12 (毎月) 0.9,
/// fewer (随時) 0.7. A robot that runs often is exercised often: breakages (screen changes of the business
/// system) surface at once, staff keep the routine of starting it and checking its results, and the build
/// cost is repaid over more runs. A robot run twice a year tends to fail unnoticed and be forgotten.</item>
/// <item>C = complexity factor: 高 0.6 when manual work exceeds 30 minutes per item or the human share left
/// beside the robot (robot-attended ÷ manual minutes) is 50 % or more; 中 0.8 when it exceeds 10 minutes per
/// item or the share is 20 % or more; else 低 1.0. Long items mean many screens, branches and judgements,
/// i.e. more development effort and more exceptions; much remaining human work signals the same.</item>
/// </list>
/// <para>
/// Level: 高 for a score of 200 or more, 中 for 50 or more, else 低 (200 hours a year is about 0.1 of a full-time
/// post; 50 hours about a working week). Candidates are listed by score, highest first, then by code.
/// </para>
/// </summary>
public sealed record CasePriority(decimal Score, PriorityLevel Level, decimal HoursPerYear, FrequencyBand Frequency, ComplexityLevel Complexity)
{
    /// <summary>Shown for a case without an assessment: 「未評価」.</summary>
    public const string Unassessed = "未評価";

    /// <summary>Score from which a candidate is 高.</summary>
    public const decimal HighFrom = 200;

    /// <summary>Score from which a candidate is 中.</summary>
    public const decimal MediumFrom = 50;

    /// <summary>Computes the priority of <paramref name="assessment"/>; null when there is none (未評価).</summary>
    public static CasePriority? Of(CaseAssessment? assessment)
    {
        if (assessment is null) return null;
        var hours = SavingsRules.EstimatedHoursPerYear(assessment);
        var frequency = FrequencyOf(assessment.ExecutionsPerYear);
        var complexity = ComplexityOf(assessment.ManualMinutesPerItem, assessment.RobotAttendedMinutesPerItem);
        var score = Math.Round(hours * FrequencyFactor(frequency) * ComplexityFactor(complexity), 1, MidpointRounding.AwayFromZero);
        var level = score >= HighFrom ? PriorityLevel.High : score >= MediumFrom ? PriorityLevel.Medium : PriorityLevel.Low;
        return new CasePriority(score, level, Math.Round(hours, 1, MidpointRounding.AwayFromZero), frequency, complexity);
    }

    /// <summary>
    /// The assessment a candidate is ranked by on <paramref name="today"/>: the one valid today, else the earliest
    /// one (an assessment may be dated from the planned go-live, after today); null when the case has none.
    /// </summary>
    public static CaseAssessment? AssessmentFor(IEnumerable<CaseAssessment> assessments, DateOnly today)
    {
        var list = assessments as IReadOnlyCollection<CaseAssessment> ?? assessments.ToList();
        return SavingsRules.ValidOn(list, today) ?? list.MinBy(a => a.ValidFrom);
    }

    /// <summary>Band of <paramref name="executionsPerYear"/> (回/年): ≥ 240 毎日, ≥ 50 毎週, ≥ 12 毎月, else 随時.</summary>
    public static FrequencyBand FrequencyOf(int executionsPerYear) => executionsPerYear switch
    {
        >= 240 => FrequencyBand.Daily,
        >= 50 => FrequencyBand.Weekly,
        >= 12 => FrequencyBand.Monthly,
        _ => FrequencyBand.Rare,
    };

    /// <summary>Complexity from manual minutes per item and the robot-attended minutes per item left to people.</summary>
    public static ComplexityLevel ComplexityOf(decimal manualMinutesPerItem, decimal attendedMinutesPerItem)
    {
        var share = manualMinutesPerItem > 0 ? attendedMinutesPerItem / manualMinutesPerItem : 0;
        if (manualMinutesPerItem > 30 || share >= 0.5m) return ComplexityLevel.High;
        if (manualMinutesPerItem > 10 || share >= 0.2m) return ComplexityLevel.Medium;
        return ComplexityLevel.Low;
    }

    /// <summary>F: 1.2 (毎日), 1.0 (毎週), 0.9 (毎月), 0.7 (随時).</summary>
    public static decimal FrequencyFactor(FrequencyBand band) => band switch
    {
        FrequencyBand.Daily => 1.2m,
        FrequencyBand.Weekly => 1.0m,
        FrequencyBand.Monthly => 0.9m,
        _ => 0.7m,
    };

    /// <summary>C: 1.0 (低), 0.8 (中), 0.6 (高).</summary>
    public static decimal ComplexityFactor(ComplexityLevel level) => level switch
    {
        ComplexityLevel.Low => 1.0m,
        ComplexityLevel.Medium => 0.8m,
        _ => 0.6m,
    };

    /// <summary>「高」「中」「低」.</summary>
    public string LevelLabel => Level switch { PriorityLevel.High => "高", PriorityLevel.Medium => "中", _ => "低" };

    /// <summary>「毎日」「毎週」「毎月」「随時」.</summary>
    public string FrequencyLabel => Frequency switch
    {
        FrequencyBand.Daily => "毎日",
        FrequencyBand.Weekly => "毎週",
        FrequencyBand.Monthly => "毎月",
        _ => "随時",
    };

    /// <summary>「高」「中」「低」.</summary>
    public string ComplexityLabel => Complexity switch { ComplexityLevel.High => "高", ComplexityLevel.Medium => "中", _ => "低" };
}
