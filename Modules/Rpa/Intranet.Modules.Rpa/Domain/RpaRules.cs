using Intranet.Shared.Time;

namespace Intranet.Modules.Rpa.Domain;

/// <summary>
/// Which lifecycle moves are allowed. Forward through 候補 → 検討 → 開発 → 試行 → 本番稼働, back one step
/// when an assessment or trial fails, 休止 and back from production, 廃止 from anywhere but itself (final).
/// </summary>
public static class CaseLifecycle
{
    private static readonly Dictionary<CaseStatus, CaseStatus[]> Next = new()
    {
        [CaseStatus.Idea] = [CaseStatus.Assessment, CaseStatus.Retired],
        [CaseStatus.Assessment] = [CaseStatus.Idea, CaseStatus.Development, CaseStatus.Retired],
        [CaseStatus.Development] = [CaseStatus.Assessment, CaseStatus.Trial, CaseStatus.Suspended, CaseStatus.Retired],
        [CaseStatus.Trial] = [CaseStatus.Development, CaseStatus.Production, CaseStatus.Suspended, CaseStatus.Retired],
        [CaseStatus.Production] = [CaseStatus.Suspended, CaseStatus.Retired],
        [CaseStatus.Suspended] = [CaseStatus.Development, CaseStatus.Production, CaseStatus.Retired],
        [CaseStatus.Retired] = [],
    };

    /// <summary>Statuses reachable from <paramref name="from"/> in one step.</summary>
    public static IReadOnlyList<CaseStatus> AllowedFrom(CaseStatus from) => Next[from];

    /// <summary>Whether <paramref name="from"/> → <paramref name="to"/> is allowed.</summary>
    public static bool CanMove(CaseStatus from, CaseStatus to) => Next[from].Contains(to);

    /// <summary>
    /// Checks a move of a case now in <paramref name="from"/> to <paramref name="to"/> dated <paramref name="on"/>: the
    /// move must be allowed (<see cref="CanMove"/>), the date not before <paramref name="lastChange"/> (the date of the
    /// case's last step: a history must read in order, and a back-dated go-live would count the case in an earlier
    /// fiscal year) and not after <paramref name="today"/> (Japan date: a move records what happened).
    /// Every path that moves a case (the move dialog's command, the cases import) calls this.
    /// </summary>
    /// <returns>The errors as (field, Japanese message), field <c>To</c> or <c>On</c>; empty when the move is valid.</returns>
    public static IReadOnlyList<(string Field, string Message)> CheckMove(CaseStatus from, CaseStatus to, DateOnly on, DateOnly? lastChange, DateOnly today)
    {
        var errors = new List<(string, string)>();
        if (!CanMove(from, to))
            errors.Add(("To", from == CaseStatus.Retired
                ? $"{Label(from)} から {Label(to)} へは変更できません (廃止した業務の状態は変更できません)。"
                : $"{Label(from)} から {Label(to)} へは変更できません。{Label(from)} から移せるのは {string.Join("・", AllowedFrom(from).Select(Label))} です。"));
        errors.AddRange(CheckDate(on, lastChange, today).Select(m => ("On", m)));
        return errors;
    }

    /// <summary>
    /// Checks the date of a status step: not before <paramref name="lastChange"/> (the case's last step) and not after
    /// <paramref name="today"/> (Japan date). <see cref="CheckMove"/> calls it for a move; the cases import calls it
    /// alone for the first status of a new case (which may start in any status, as the registry's own records do).
    /// </summary>
    /// <returns>Japanese messages; empty when the date is valid.</returns>
    public static IReadOnlyList<string> CheckDate(DateOnly on, DateOnly? lastChange, DateOnly today)
    {
        var errors = new List<string>();
        if (lastChange is { } last && on < last)
            errors.Add($"日付は直前の変更日 ({last:yyyy-MM-dd}) 以降にしてください。");
        if (on > today)
            errors.Add("未来の日付は指定できません。");
        return errors;
    }

    /// <summary>The Japanese labels in lifecycle order (候補 … 廃止): the values a file or a value translation may use.</summary>
    public static IReadOnlyList<string> AllLabels { get; } = Enum.GetValues<CaseStatus>().Select(Label).ToList();

    /// <summary>Japanese label: 候補, 検討, 開発, 試行, 本番稼働, 休止, 廃止.</summary>
    public static string Label(CaseStatus status) => status switch
    {
        CaseStatus.Idea => "候補",
        CaseStatus.Assessment => "検討",
        CaseStatus.Development => "開発",
        CaseStatus.Trial => "試行",
        CaseStatus.Production => "本番稼働",
        CaseStatus.Suspended => "休止",
        CaseStatus.Retired => "廃止",
        _ => status.ToString(),
    };

    /// <summary>Reads a status from its code name or Japanese label; null when unknown.</summary>
    public static CaseStatus? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var t = text.Trim();
        foreach (var s in Enum.GetValues<CaseStatus>())
            if (string.Equals(s.ToString(), t, StringComparison.OrdinalIgnoreCase) || Label(s) == t) return s;
        return null;
    }
}

/// <summary>
/// The savings rules of issue #3. Hours saved by a run = items processed × (manual minutes per item −
/// robot-attended minutes per item) ÷ 60, using the assessment valid on the run date; a failed run,
/// or a run before any assessment, saves nothing.
/// </summary>
public static class SavingsRules
{
    /// <summary>Upper bound for minutes per item (one working day); larger values are input errors.</summary>
    public const decimal MaxMinutesPerItem = 480;

    /// <summary>The assessment valid on <paramref name="date"/>: the latest with ValidFrom ≤ date; null when none.</summary>
    public static CaseAssessment? ValidOn(IEnumerable<CaseAssessment> assessments, DateOnly date) =>
        assessments.Where(a => a.ValidFrom <= date).MaxBy(a => a.ValidFrom);

    /// <summary>Hours saved by one run (時間), never negative: <see cref="MinutesSaved"/> ÷ 60.</summary>
    public static decimal HoursSaved(RunOutcome outcome, long itemsProcessed, CaseAssessment? assessment) =>
        ToHours(MinutesSaved(outcome, itemsProcessed, assessment));

    /// <summary>
    /// Minutes saved (分) by runs of one outcome under one assessment that processed <paramref name="itemsProcessed"/> items
    /// (件): items × (manual − robot-attended minutes per item), never negative; 0 for failed runs, without an assessment, or
    /// for no items. An exact decimal (the minutes have 4 decimals), and linear in the items: the minutes of several runs with
    /// the same outcome and assessment, each with items &gt; 0, are the minutes of their summed items. That is why sums of
    /// savings (a month, a year, the plan period) add minutes and divide by 60 once (<see cref="ToHours"/>): the result is
    /// exact whether the runs are added one by one or summed by the database first (<c>RpaSavings</c>), where adding the
    /// rounded hours of each run (1 item × 2.5 分 = 0.041666… 時間) could round a total that is exactly half-way the other way.
    /// </summary>
    public static decimal MinutesSaved(RunOutcome outcome, long itemsProcessed, CaseAssessment? assessment)
    {
        if (outcome == RunOutcome.Failed || assessment is null || itemsProcessed <= 0) return 0;
        return itemsProcessed * Math.Max(0, assessment.ManualMinutesPerItem - assessment.RobotAttendedMinutesPerItem);
    }

    /// <summary>Minutes (分) to hours (時間), unrounded.</summary>
    public static decimal ToHours(decimal minutes) => minutes / 60m;

    /// <summary>Estimated hours saved per year by an assessment: executions × items × (manual − attended) ÷ 60.</summary>
    public static decimal EstimatedHoursPerYear(CaseAssessment a) =>
        a.ExecutionsPerYear * a.ItemsPerExecution * Math.Max(0, a.ManualMinutesPerItem - a.RobotAttendedMinutesPerItem) / 60m;

    /// <summary>Overtime cost avoided (円) = hours saved × hourly cost (円/時間), rounded to the yen.</summary>
    public static decimal OvertimeCostAvoided(decimal hoursSaved, decimal hourlyCostYen) =>
        Math.Round(hoursSaved * hourlyCostYen, 0, MidpointRounding.AwayFromZero);

    /// <summary>
    /// Automated process count (適用業務数, 累積) for fiscal year <paramref name="year"/> of a plan starting
    /// in <paramref name="planStart"/>: cases that entered production on a date from the plan's first
    /// April 1 to the year's March 31. A case retired later still counts: it was automated in the plan period.
    /// </summary>
    public static int AutomatedProcessCount(IEnumerable<DateOnly?> productionSince, FiscalYear planStart, FiscalYear year) =>
        productionSince.Count(d => d is { } since && since >= planStart.Start && since <= year.End);

    /// <summary>
    /// Whether the automated process count of <paramref name="year"/> is measured (issue #9: a year without source data is not
    /// measured, never 0): at least one case of the registry had entered production (本番稼働) on or before the year's March 31,
    /// before the plan start included. A registry without any case in production yet — e.g. only ideas, or nothing — measures
    /// nothing; once one is, a count of 0 new processes since the plan start is a real figure.
    /// </summary>
    public static bool ProcessCountMeasured(IEnumerable<DateOnly?> productionSince, FiscalYear year) =>
        productionSince.Any(d => d is { } since && since <= year.End);

    /// <summary>
    /// Whether the hours saved of <paramref name="year"/> are measured (issue #9): at least one run — any outcome, a monthly
    /// entry included — is dated in the fiscal year. Without any, the robots' logs of that year are not in the registry (not
    /// imported yet), so the cumulative figure is not reported rather than repeated from the year before.
    /// </summary>
    public static bool HoursMeasured(IEnumerable<DateOnly> runDates, FiscalYear year) => runDates.Any(year.Contains);
}

/// <summary>Names of the RPA tools, as pages, exports and imports write them.</summary>
public static class RpaTools
{
    /// <summary>The names a cases file may use (a value translation maps others to one of them).</summary>
    public static readonly IReadOnlyList<string> Known = ["WinActor", "UiPath", "Power Automate", "BizRobo!", "その他"];

    /// <summary>Reads a tool name: WinActor, UiPath, Power Automate (Desktop), BizRobo!, その他/Other (case and spaces ignored); empty is その他; null when unknown.</summary>
    public static RpaTool? Parse(string text) => text.Replace(" ", "").Replace("!", "").ToLowerInvariant() switch
    {
        "winactor" => RpaTool.WinActor,
        "uipath" => RpaTool.UiPath,
        "powerautomate" or "powerautomatedesktop" => RpaTool.PowerAutomate,
        "bizrobo" => RpaTool.BizRobo,
        "other" or "その他" or "" => RpaTool.Other,
        _ => null,
    };

    /// <summary>Display name of a tool (Power Automate, BizRobo!, その他 …).</summary>
    public static string Label(RpaTool tool) => tool switch
    {
        RpaTool.PowerAutomate => "Power Automate",
        RpaTool.BizRobo => "BizRobo!",
        RpaTool.Other => "その他",
        _ => tool.ToString(),
    };
}
