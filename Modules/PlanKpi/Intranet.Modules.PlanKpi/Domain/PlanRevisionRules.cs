using System.Globalization;
using Intranet.Shared.Time;

namespace Intranet.Modules.PlanKpi.Domain;

/// <summary>One change asked for by a revision, as typed in the form (or sent by another path).</summary>
/// <param name="Kind">What the change does.</param>
/// <param name="ProjectCode">The existing project (ended, moved, target changed); empty for <see cref="RevisionChangeKind.ProjectAdded"/>.</param>
/// <param name="Reason">Why (required).</param>
/// <param name="IndicatorCode">Target change: the indicator's code (an indicator of <paramref name="ProjectCode"/>).</param>
/// <param name="FiscalYear">Target change: the target's fiscal year (starting calendar year), ≥ the effective year.</param>
/// <param name="TargetValue">Target change: the new figure in the indicator's unit (≥ 0), or null for a text-only target.</param>
/// <param name="TargetText">Target change: the target as printed (「8,500人以上」); generated from the value when empty.</param>
/// <param name="MeasureCode">Added or moved project: the measure it is placed under (e.g. <c>2-4</c>).</param>
/// <param name="NewProjectCode">Added or moved project: its (new) code, unique in the plan (e.g. <c>2-4-(4)</c>).</param>
/// <param name="NewProjectName">Added project: its name.</param>
/// <param name="LeadDepartment">Added project: its lead department (主管課).</param>
public sealed record RevisionChangeInput(
    RevisionChangeKind Kind, string ProjectCode, string Reason,
    string? IndicatorCode = null, int? FiscalYear = null, decimal? TargetValue = null, string? TargetText = null,
    string? MeasureCode = null, string? NewProjectCode = null, string? NewProjectName = null, string? LeadDepartment = null);

/// <summary>A rule a revision breaks: the field (<c>EffectiveFiscalYear</c>, <c>Title</c>, <c>Reason</c>, <c>Changes</c>) and a Japanese message.</summary>
public sealed record RevisionProblem(string Field, string Message);

/// <summary>What <see cref="PlanRevisionRules.Apply"/> did: problems (nothing may be saved then) or the new entities to add.</summary>
public sealed class RevisionOutcome
{
    /// <summary>Every rule broken, header first, then per change in order. Empty when the revision is valid.</summary>
    public List<RevisionProblem> Problems { get; } = [];
    /// <summary>Entities created by the changes (projects, departments, placements, targets): the caller adds them to its context.</summary>
    public List<object> NewEntities { get; } = [];
    /// <summary>True when no rule is broken.</summary>
    public bool IsValid => Problems.Count == 0;
}

/// <summary>
/// The rules of a plan revision (計画改訂) and their effect on the plan. Source: seed 001 (Hadano):
/// 「毎年度、進行状況等の評価に応じた個別事業の見直しを行うとともに、計画の中間年度である令和5年度では事業推進計画全体の見直しを行います」;
/// seed 002 (Chigasaki): the 中間報告書 sorted projects into continued and ended ones; issue #10: 「Earlier years keep the
/// version they were evaluated against」.
/// <list type="number">
/// <item>The effective year lies inside the plan period, and no locked year (a year whose evaluation round is closed) is
/// at or after it: a revision never rewrites a year that has been evaluated.</item>
/// <item>A title, a reason, at least one change and a reason per change are required.</item>
/// <item>A target change only touches a year ≥ the effective year, inside the plan period, not locked, in which the
/// project runs: earlier targets never change, which is how earlier years keep their version.</item>
/// <item>An ended project ends at the effective year − 1 (<see cref="Project.LastFiscalYear"/>) and keeps its past
/// (targets, actuals); it must be running in that year and cannot end before the plan's first year.</item>
/// <item>A moved project gets its own (primary) placement under the new measure with the new code, and that code becomes
/// the project's code; the change keeps the old code and measure. Its indicators keep their codes.</item>
/// <item>An added project (新規) runs from the effective year (<see cref="Project.FirstFiscalYear"/>), placed under a
/// measure with a code not used in the plan, with one lead department.</item>
/// </list>
/// Messages name the change: 「変更3: 指標 2-1-(1)-1 の令和4年度の目標値は、適用年度 (令和5年度) より前の年度のため変更できません。」
/// </summary>
public static class PlanRevisionRules
{
    /// <summary>Longest title.</summary>
    public const int MaxTitleLength = 200;
    /// <summary>Longest reason (revision or change).</summary>
    public const int MaxReasonLength = 2000;
    /// <summary>Most changes in one revision.</summary>
    public const int MaxChanges = 200;

    /// <summary>
    /// Checks <paramref name="revision"/> (its header: kind, effective year, title, reason) and <paramref name="changes"/>
    /// against <paramref name="plan"/>, and applies the valid changes to the plan in order (a later change sees the
    /// effect of an earlier one, e.g. a target of a project added just before), filling <c>revision.Changes</c>.
    /// The plan must be loaded with policies → measures → placements, projects → departments and placements, indicators
    /// → targets. When <see cref="RevisionOutcome.Problems"/> is not empty the plan may be partly changed in memory and
    /// must not be saved.
    /// </summary>
    /// <param name="plan">The plan, loaded as above.</param>
    /// <param name="revision">The new revision (header set; <see cref="PlanRevision.Changes"/> empty).</param>
    /// <param name="changes">The changes, in order (numbered from 1 in messages).</param>
    /// <param name="lockedYears">Fiscal years whose evaluation is closed.</param>
    public static RevisionOutcome Apply(Plan plan, PlanRevision revision, IReadOnlyList<RevisionChangeInput> changes, IReadOnlySet<int> lockedYears)
    {
        var outcome = new RevisionOutcome();
        var eff = revision.EffectiveFiscalYear;
        var period = $"{Y(plan.FirstFiscalYear)}〜{Y(plan.LastFiscalYear)}";
        if (eff < plan.FirstFiscalYear || eff > plan.LastFiscalYear)
            outcome.Problems.Add(new("EffectiveFiscalYear", $"適用年度 ({Y(eff)}) は計画期間 ({period}) の外です。"));
        else if (lockedYears.Where(y => y >= eff).Order().FirstOrDefault() is var locked && locked != 0)
            outcome.Problems.Add(new("EffectiveFiscalYear",
                $"{Y(locked)}の評価は確定しているため、適用年度を{Y(eff)}にはできません。{Y(locked + 1)}以降を選んでください。"));
        if (string.IsNullOrWhiteSpace(revision.Title))
            outcome.Problems.Add(new("Title", "件名を入力してください。"));
        else if (revision.Title.Length > MaxTitleLength)
            outcome.Problems.Add(new("Title", $"件名は{MaxTitleLength}文字以内で入力してください。"));
        if (string.IsNullOrWhiteSpace(revision.Reason))
            outcome.Problems.Add(new("Reason", "見直しの理由を入力してください。"));
        else if (revision.Reason.Length > MaxReasonLength)
            outcome.Problems.Add(new("Reason", $"見直しの理由は{MaxReasonLength}文字以内で入力してください。"));
        if (changes.Count == 0)
            outcome.Problems.Add(new("Changes", "変更を1件以上追加してください。"));
        else if (changes.Count > MaxChanges)
            outcome.Problems.Add(new("Changes", $"1回の見直しで記録できる変更は{MaxChanges}件までです。"));
        if (!outcome.IsValid && outcome.Problems.Any(p => p.Field == "EffectiveFiscalYear")) return outcome;

        for (var i = 0; i < changes.Count; i++)
        {
            var c = changes[i];
            var label = $"変更{i + 1}";
            var problems = new List<string>();
            if (string.IsNullOrWhiteSpace(c.Reason)) problems.Add("変更の理由を入力してください。");
            else if (c.Reason.Length > MaxReasonLength) problems.Add($"変更の理由は{MaxReasonLength}文字以内で入力してください。");
            var record = new PlanRevisionChange
            {
                RevisionId = revision.Id, Number = i + 1, Kind = c.Kind, ProjectCode = c.ProjectCode.Trim(), Reason = c.Reason?.Trim() ?? "",
            };
            switch (c.Kind)
            {
                case RevisionChangeKind.ProjectAdded: Add(plan, eff, c, record, problems, outcome); break;
                case RevisionChangeKind.ProjectEnded: End(plan, eff, c, record, problems); break;
                case RevisionChangeKind.ProjectMoved: Move(plan, eff, c, record, problems); break;
                case RevisionChangeKind.TargetChanged: ChangeTarget(plan, eff, c, record, problems, lockedYears, outcome); break;
                default: problems.Add("変更の種類を選んでください。"); break;
            }
            outcome.Problems.AddRange(problems.Select(p => new RevisionProblem("Changes", $"{label}: {p}")));
            if (problems.Count == 0) revision.Changes.Add(record);
        }
        return outcome;
    }

    private static void Add(Plan plan, int eff, RevisionChangeInput c, PlanRevisionChange record, List<string> problems, RevisionOutcome outcome)
    {
        var code = c.NewProjectCode?.Trim() ?? "";
        var name = c.NewProjectName?.Trim() ?? "";
        var dept = c.LeadDepartment?.Trim() ?? "";
        if (code.Length == 0) problems.Add("追加する事業の番号を入力してください。");
        else if (plan.Projects.Any(p => p.Code == code)) problems.Add($"事業番号 {code} は既にこの計画にあります。別の番号を入力してください。");
        if (name.Length == 0) problems.Add("追加する事業の名称を入力してください。");
        if (dept.Length == 0) problems.Add("追加する事業の主管課を入力してください。");
        var measure = FindMeasure(plan, c.MeasureCode, problems);
        if (measure is not null && code.Length > 0 && measure.Placements.Any(p => p.Code == code))
            problems.Add($"{plan.MeasureLevelName} {measure.Code} には番号 {code} の事業が既にあります。");
        if (problems.Count > 0 || measure is null) return;

        var project = new Project
        {
            PlanId = plan.Id, Code = code, Name = name, Continuity = Continuity.New, FirstFiscalYear = eff,
            SortOrder = plan.Projects.Count == 0 ? 0 : plan.Projects.Max(p => p.SortOrder) + 1,
        };
        var department = new ProjectDepartment { ProjectId = project.Id, Role = DepartmentRole.Lead, Department = dept };
        var placement = new Placement
        {
            MeasureId = measure.Id, ProjectId = project.Id, Code = code, Project = project,
            SortOrder = measure.Placements.Count == 0 ? 0 : measure.Placements.Max(p => p.SortOrder) + 1,
        };
        project.Departments.Add(department);
        project.Placements.Add(placement);
        plan.Projects.Add(project);
        measure.Placements.Add(placement);
        outcome.NewEntities.AddRange([project, department, placement]);
        record.ProjectId = project.Id;
        record.ProjectCode = code;
        record.After = $"{Where(plan, measure, code)} に「{name}」を追加 (主管課: {dept}、{Y(eff)}から)";
    }

    private static void End(Plan plan, int eff, RevisionChangeInput c, PlanRevisionChange record, List<string> problems)
    {
        var project = FindProject(plan, c.ProjectCode, problems);
        if (project is null) return;
        var last = eff - 1;
        if (last < plan.FirstFiscalYear)
            problems.Add($"事業 {project.Code} は、計画の初年度 ({Y(plan.FirstFiscalYear)}) から適用する見直しでは終了できません (終了年度が計画期間の前になります)。");
        else if (project.LastFiscalYear is { } ended && ended < eff)
            problems.Add($"事業 {project.Code} は既に{Y(ended)}で終了しています。");
        else if (project.FirstFiscalYear is { } first && first > last)
            problems.Add($"事業 {project.Code} は{Y(first)}からの事業のため、{Y(last)}で終了することはできません。");
        if (problems.Count > 0) return;
        record.ProjectId = project.Id;
        record.ProjectCode = project.Code;
        record.Before = project.LastFiscalYear is { } l ? $"{Y(l)}まで実施" : "実施中";
        record.After = $"{Y(last)}で終了";
        project.LastFiscalYear = last;
    }

    private static void Move(Plan plan, int eff, RevisionChangeInput c, PlanRevisionChange record, List<string> problems)
    {
        var project = FindProject(plan, c.ProjectCode, problems);
        var measure = FindMeasure(plan, c.MeasureCode, problems);
        var code = c.NewProjectCode?.Trim() ?? "";
        if (code.Length == 0) problems.Add("移動後の事業番号を入力してください。");
        if (project is null || measure is null || problems.Count > 0) return;
        if (project.LastFiscalYear is { } ended && ended < eff)
        {
            problems.Add($"事業 {project.Code} は{Y(ended)}で終了しているため、移動できません。");
            return;
        }
        var measures = plan.Policies.SelectMany(p => p.Measures).ToList();
        var placement = measures.SelectMany(m => m.Placements).Where(p => p.ProjectId == project.Id && !p.IsCrossListing)
            .OrderBy(p => p.SortOrder).FirstOrDefault();
        var from = placement is null ? null : measures.First(m => m.Id == placement.MeasureId);
        if (placement is null || from is null)
        {
            problems.Add($"事業 {project.Code} の掲載箇所が見つかりません。");
            return;
        }
        if (from.Id == measure.Id && placement.Code == code)
            problems.Add($"移動先 ({measure.Code}、{code}) が現在の掲載箇所と同じです。");
        else if (plan.Projects.Any(p => p.Code == code && p.Id != project.Id))
            problems.Add($"事業番号 {code} は既にこの計画の別の事業が使っています。");
        else if (measure.Placements.Any(p => p.Code == code && p.Id != placement.Id))
            problems.Add($"{plan.MeasureLevelName} {measure.Code} には番号 {code} の事業が既にあります。");
        if (problems.Count > 0) return;

        record.ProjectId = project.Id;
        record.ProjectCode = project.Code;
        record.Before = Where(plan, from, placement.Code);
        record.After = Where(plan, measure, code);
        if (from.Id != measure.Id)
        {
            from.Placements.Remove(placement);
            placement.SortOrder = measure.Placements.Count == 0 ? 0 : measure.Placements.Max(p => p.SortOrder) + 1;
            measure.Placements.Add(placement);
            placement.MeasureId = measure.Id;
        }
        placement.Code = code;
        project.Code = code;
    }

    private static void ChangeTarget(Plan plan, int eff, RevisionChangeInput c, PlanRevisionChange record, List<string> problems,
        IReadOnlySet<int> lockedYears, RevisionOutcome outcome)
    {
        var project = FindProject(plan, c.ProjectCode, problems);
        if (project is null) return;
        var code = c.IndicatorCode?.Trim() ?? "";
        var indicator = plan.Indicators.FirstOrDefault(i => i.Code == code);
        if (code.Length == 0) { problems.Add("目標値を変更する指標を選んでください。"); return; }
        if (indicator is null || indicator.ProjectId != project.Id) { problems.Add($"指標 {code} は事業 {project.Code} の指標ではありません。"); return; }
        if (c.FiscalYear is not { } year) { problems.Add($"指標 {code} の目標値を変更する年度を選んでください。"); return; }
        if (year < plan.FirstFiscalYear || year > plan.LastFiscalYear)
            problems.Add($"指標 {code} の{Y(year)}は計画期間 ({Y(plan.FirstFiscalYear)}〜{Y(plan.LastFiscalYear)}) の外です。");
        else if (year < eff)
            problems.Add($"指標 {code} の{Y(year)}の目標値は、適用年度 ({Y(eff)}) より前の年度のため変更できません。");
        else if (lockedYears.Contains(year))
            problems.Add($"指標 {code} の{Y(year)}は評価が確定しているため、目標値を変更できません。");
        else if (!project.IsActiveIn(year))
            problems.Add($"事業 {project.Code} は{Y(year)}に実施されないため、指標 {code} の目標値を設定できません。");
        var text = c.TargetText?.Trim();
        if (c.TargetValue is null && string.IsNullOrEmpty(text))
            problems.Add($"指標 {code} の{Y(year)}の新しい目標値を入力してください。");
        else if (c.TargetValue is { } v && (v < 0 || v > ActualValueRules.MaxValue || decimal.Round(v, 4) != v))
            problems.Add($"指標 {code} の目標値 {Num(v)} は受け付けられません。0以上、小数点以下4桁までで入力してください。");
        if (problems.Count > 0) return;

        var target = indicator.Targets.FirstOrDefault(t => t.FiscalYear == year);
        record.ProjectId = project.Id;
        record.ProjectCode = project.Code;
        record.IndicatorCode = code;
        record.FiscalYear = year;
        record.Before = target is null ? "目標値なし" : Shown(target.Value, target.Text, indicator.Unit);
        var newText = string.IsNullOrEmpty(text) ? c.TargetValue is { } tv ? Num(tv) + indicator.Unit : null : text;
        if (target is null)
        {
            target = new Target { IndicatorId = indicator.Id, FiscalYear = year };
            indicator.Targets.Add(target);
            outcome.NewEntities.Add(target);
        }
        target.Value = c.TargetValue;
        target.Text = newText;
        record.After = Shown(target.Value, target.Text, indicator.Unit);
    }

    private static Project? FindProject(Plan plan, string? code, List<string> problems)
    {
        var c = code?.Trim() ?? "";
        if (c.Length == 0) { problems.Add($"対象の{plan.ProjectLevelName}を選んでください。"); return null; }
        var project = plan.Projects.FirstOrDefault(p => p.Code == c);
        if (project is null) problems.Add($"事業 {c} はこの計画にありません。");
        return project;
    }

    private static Measure? FindMeasure(Plan plan, string? code, List<string> problems)
    {
        var c = code?.Trim() ?? "";
        if (c.Length == 0) { problems.Add($"{plan.MeasureLevelName}を選んでください。"); return null; }
        var measure = plan.Policies.SelectMany(p => p.Measures).FirstOrDefault(m => m.Code == c);
        if (measure is null) problems.Add($"{plan.MeasureLevelName} {c} はこの計画にありません。");
        return measure;
    }

    private static string Where(Plan plan, Measure measure, string code) => $"{plan.MeasureLevelName} {measure.Code} {measure.Title} ({code})";

    /// <summary>A target as people read it: its printed text, else the figure with the unit.</summary>
    private static string Shown(decimal? value, string? text, string unit) =>
        !string.IsNullOrWhiteSpace(text) ? text : value is { } v ? Num(v) + unit : "目標値なし";

    private static string Num(decimal v) => v.ToString("#,0.####", CultureInfo.InvariantCulture);

    private static string Y(int year) => new FiscalYear(year).EraLabel;
}
