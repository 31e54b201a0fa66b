using System.Text.Json;
using System.Text.RegularExpressions;
using Intranet.Modules.PlanKpi.Domain;

namespace Intranet.Modules.PlanKpi.Import;

/// <summary>An error in a plan file: the JSON path (and line when the JSON itself is broken) and a Japanese message.</summary>
public sealed record PlanFileError(string Path, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>Thrown when a plan file cannot be imported; nothing has been written.</summary>
public sealed class PlanFileException(string fileName, IReadOnlyList<PlanFileError> errors)
    : Exception($"{fileName}: 計画ファイルに{errors.Count}件の誤りがあります。\n" + string.Join("\n", errors.Select(e => "  " + e)))
{
    /// <summary>Every error found.</summary>
    public IReadOnlyList<PlanFileError> Errors { get; } = errors;
}

/// <summary>
/// Reads and checks a plan file (<c>PlanFiles/README.md</c> lists the rules). All errors are collected,
/// each with the JSON path of the offending value.
/// </summary>
public static partial class PlanFileValidator
{
    /// <summary>Parses JSON into a <see cref="PlanFile"/> and validates it.</summary>
    /// <exception cref="PlanFileException">Broken JSON (with line and position) or any rule failed.</exception>
    public static PlanFile Parse(Stream json, string fileName)
    {
        PlanFile? file;
        try
        {
            file = JsonSerializer.Deserialize<PlanFile>(json, PlanFile.JsonOptions);
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $"{e.Path ?? "$"} ({line + 1}行目 {e.BytePositionInLine + 1}バイト目)" : e.Path ?? "$";
            throw new PlanFileException(fileName, [new PlanFileError(where, "JSONとして読めません: " + FirstLine(e.Message))]);
        }
        if (file is null) throw new PlanFileException(fileName, [new PlanFileError("$", "ファイルが空です。")]);
        var errors = Validate(file);
        if (errors.Count > 0) throw new PlanFileException(fileName, errors);
        return file;
    }

    private static string FirstLine(string s) => s.Split('\n')[0];

    /// <summary>
    /// Checks every rule and returns all failures (empty when the file is valid). A list written as
    /// JSON <c>null</c> is read as an empty list first (so <c>"relatedDepartments": null</c> means none).
    /// </summary>
    public static IReadOnlyList<PlanFileError> Validate(PlanFile f)
    {
        Normalize(f);
        var errors = new List<PlanFileError>();
        void Error(string path, string message) => errors.Add(new PlanFileError(path, message));
        void Required(string path, string? value, string label)
        {
            if (string.IsNullOrWhiteSpace(value)) Error(path, $"{label}は必須です。");
        }

        if (f.FormatVersion != PlanFile.CurrentFormatVersion)
            Error("$.formatVersion", $"formatVersion {f.FormatVersion} には対応していません ({PlanFile.CurrentFormatVersion} のみ)。");
        Required("$.code", f.Code, "計画コード");
        if (f.Code is { Length: > 0 } && !CodePattern().IsMatch(f.Code))
            Error("$.code", "計画コードは半角英小文字・数字・ハイフンで指定してください。");
        Required("$.title", f.Title, "計画名");
        Required("$.municipality", f.Municipality, "自治体名");
        if (f.Period is null) Error("$.period", "計画期間は必須です。");
        else
        {
            if (f.Period.FirstFiscalYear is < 1990 or > 2100) Error("$.period.firstFiscalYear", "開始年度が不正です (1990〜2100)。");
            if (f.Period.LastFiscalYear < f.Period.FirstFiscalYear || f.Period.LastFiscalYear > 2100)
                Error("$.period.lastFiscalYear", "終了年度は開始年度以降にしてください。");
        }
        if (f.LevelNames is null) Error("$.levelNames", "階層名 (policy/measure/project) は必須です。");
        else
        {
            Required("$.levelNames.policy", f.LevelNames.Policy, "第1階層名");
            Required("$.levelNames.measure", f.LevelNames.Measure, "第2階層名");
            Required("$.levelNames.project", f.LevelNames.Project, "第3階層名");
        }
        if (f.Policies.Count == 0) Error("$.policies", "少なくとも1つの基本方針が必要です。");

        var first = f.Period?.FirstFiscalYear ?? int.MinValue;
        var last = f.Period?.LastFiscalYear ?? int.MaxValue;
        var policyCodes = new HashSet<string>();
        var measureCodes = new HashSet<string>();
        var projectCodes = new HashSet<string>();
        var placementCodes = new HashSet<string>();
        var indicatorCodes = new HashSet<string>();
        var crossListings = new List<(string Path, string Target)>();

        void CheckIndicator(string path, PlanFileIndicator ind, bool onMeasure)
        {
            Required(path + ".code", ind.Code, "指標コード");
            if (ind.Code is { Length: > 0 } && !indicatorCodes.Add(ind.Code)) Error(path + ".code", $"指標コード {ind.Code} が重複しています。");
            Required(path + ".name", ind.Name, "指標名");
            var kind = ParseKind(ind.Kind);
            if (kind is null)
                Error(path + ".kind", $"kind '{ind.Kind}' は不明です (outcome / measureTarget / action、省略時は outcome)。");
            else if (kind == IndicatorKind.MeasureTarget && !onMeasure)
                Error(path + ".kind", "施策目標値 (measureTarget) は施策の indicators にだけ書けます。");
            else if (kind == IndicatorKind.Action && onMeasure)
                Error(path + ".kind", "行動目標 (action) は事業の indicators にだけ書けます。");
            if (kind == IndicatorKind.Action)
            {
                for (var i = 0; i < ind.Targets.Count; i++)
                    if (ind.Targets[i].Value is not null)
                        Error($"{path}.targets[{i}].value", "行動目標は文章の目標です。value を書かず text に書いてください。");
            }
            else if (ind.Targets.Any(t => t.Value is not null))
                Required(path + ".unit", ind.Unit, "数値の目標値がある指標の単位");
            if (ParseDirection(ind.Direction) is null) Error(path + ".direction", $"direction '{ind.Direction}' は不明です (higher / lower)。");
            if (ParseComparator(ind.Comparator) is null) Error(path + ".comparator", $"comparator '{ind.Comparator}' は不明です (exact / atLeast / atMost)。");
            if (ind.MetricKey is { } key && !MetricKeyPattern().IsMatch(key))
                Error(path + ".metricKey", $"metricKey '{key}' の形式が不正です (例: rpa.hours-saved)。");
            var years = new HashSet<int>();
            for (var i = 0; i < ind.Targets.Count; i++)
            {
                var t = ind.Targets[i];
                var tp = $"{path}.targets[{i}]";
                if (t.FiscalYear < first || t.FiscalYear > last)
                    Error(tp + ".fiscalYear", $"年度 {t.FiscalYear} は計画期間 ({first}〜{last}) の外です。");
                if (!years.Add(t.FiscalYear)) Error(tp + ".fiscalYear", $"年度 {t.FiscalYear} の目標値が重複しています。");
                if (t.Value is null && string.IsNullOrWhiteSpace(t.Text)) Error(tp, "目標値には value か text のどちらかが必要です。");
            }
        }

        for (var pi = 0; pi < f.Policies.Count; pi++)
        {
            var policy = f.Policies[pi];
            var pp = $"$.policies[{pi}]";
            Required(pp + ".code", policy.Code, "基本方針コード");
            if (policy.Code is { Length: > 0 } && !policyCodes.Add(policy.Code)) Error(pp + ".code", $"コード {policy.Code} が重複しています。");
            Required(pp + ".title", policy.Title, "基本方針名");
            for (var mi = 0; mi < policy.Measures.Count; mi++)
            {
                var measure = policy.Measures[mi];
                var mp = $"{pp}.measures[{mi}]";
                Required(mp + ".code", measure.Code, "施策コード");
                if (measure.Code is { Length: > 0 } && !measureCodes.Add(measure.Code)) Error(mp + ".code", $"コード {measure.Code} が重複しています。");
                Required(mp + ".title", measure.Title, "施策名");
                for (var ii = 0; ii < measure.Indicators.Count; ii++) CheckIndicator($"{mp}.indicators[{ii}]", measure.Indicators[ii], onMeasure: true);
                for (var ji = 0; ji < measure.Projects.Count; ji++)
                {
                    var project = measure.Projects[ji];
                    var jp = $"{mp}.projects[{ji}]";
                    Required(jp + ".code", project.Code, "事業コード");
                    if (project.Code is { Length: > 0 } && !placementCodes.Add(measure.Code + "|" + project.Code))
                        Error(jp + ".code", $"コード {project.Code} が同じ施策内で重複しています。");
                    if (project.CrossListingOf is { } target)
                    {
                        if (project.Name is not null || project.Continuity is not null || project.Summary is not null || project.Aim is not null
                            || project.OfficialSummary is not null || project.OfficialAim is not null || project.Indicators.Count > 0
                            || project.LeadDepartments.Count > 0 || project.RelatedDepartments.Count > 0 || project.AnnualActivities.Count > 0)
                            Error(jp, "再掲 (crossListingOf) の項目には code と crossListingOf 以外を書かないでください。");
                        crossListings.Add((jp + ".crossListingOf", target));
                        continue;
                    }
                    if (project.Code is { Length: > 0 } && !projectCodes.Add(project.Code)) Error(jp + ".code", $"事業コード {project.Code} が重複しています。");
                    Required(jp + ".name", project.Name, "事業名");
                    if (project.Continuity is not null && ParseContinuity(project.Continuity) is null)
                        Error(jp + ".continuity", $"continuity '{project.Continuity}' は不明です (new / continuing / null)。");
                    for (var d = 0; d < project.LeadDepartments.Count; d++)
                        Required($"{jp}.leadDepartments[{d}]", project.LeadDepartments[d], "主管課名");
                    for (var d = 0; d < project.RelatedDepartments.Count; d++)
                        Required($"{jp}.relatedDepartments[{d}]", project.RelatedDepartments[d], "関係課名");
                    for (var ai = 0; ai < project.AnnualActivities.Count; ai++)
                    {
                        var a = project.AnnualActivities[ai];
                        Required($"{jp}.annualActivities[{ai}].name", a.Name, "取組名");
                        foreach (var y in a.FiscalYears.Where(y => y < first || y > last))
                            Error($"{jp}.annualActivities[{ai}].fiscalYears", $"年度 {y} は計画期間 ({first}〜{last}) の外です。");
                    }
                    for (var ii = 0; ii < project.Indicators.Count; ii++) CheckIndicator($"{jp}.indicators[{ii}]", project.Indicators[ii], onMeasure: false);
                }
            }
        }
        foreach (var (path, target) in crossListings.Where(c => !projectCodes.Contains(c.Target)))
            Error(path, $"再掲元の事業 {target} がファイルにありません。");
        return errors;
    }

    /// <summary>Replaces lists deserialized as null with empty lists, throughout the file.</summary>
    private static void Normalize(PlanFile f)
    {
        f.Policies ??= [];
        foreach (var policy in f.Policies.OfType<PlanFilePolicy>())
        {
            policy.Measures ??= [];
            foreach (var measure in policy.Measures.OfType<PlanFileMeasure>())
            {
                measure.Indicators ??= [];
                measure.Projects ??= [];
                foreach (var ind in measure.Indicators.OfType<PlanFileIndicator>()) ind.Targets ??= [];
                foreach (var project in measure.Projects.OfType<PlanFileProject>())
                {
                    project.LeadDepartments ??= [];
                    project.RelatedDepartments ??= [];
                    project.AnnualActivities ??= [];
                    project.Indicators ??= [];
                    foreach (var a in project.AnnualActivities.OfType<PlanFileActivity>()) a.FiscalYears ??= [];
                    foreach (var ind in project.Indicators.OfType<PlanFileIndicator>()) ind.Targets ??= [];
                }
            }
        }
        f.Policies.RemoveAll(p => p is null);
        foreach (var policy in f.Policies)
        {
            policy.Measures.RemoveAll(m => m is null);
            foreach (var measure in policy.Measures)
            {
                measure.Projects.RemoveAll(p => p is null);
                measure.Indicators.RemoveAll(i => i is null);
                foreach (var project in measure.Projects)
                {
                    project.Indicators.RemoveAll(i => i is null);
                    project.AnnualActivities.RemoveAll(a => a is null);
                    foreach (var ind in project.Indicators) ind.Targets.RemoveAll(t => t is null);
                }
                foreach (var ind in measure.Indicators) ind.Targets.RemoveAll(t => t is null);
            }
        }
    }

    /// <summary>Reads a file's direction word.</summary>
    public static Direction? ParseDirection(string? s) => s switch { "higher" => Direction.Higher, "lower" => Direction.Lower, _ => null };

    /// <summary>Reads a file's comparator word.</summary>
    public static Comparator? ParseComparator(string? s) => s switch
    {
        "exact" => Comparator.Exact, "atLeast" => Comparator.AtLeast, "atMost" => Comparator.AtMost, _ => null,
    };

    /// <summary>
    /// Reads a file's indicator kind: absent/null or <c>"outcome"</c> → <see cref="IndicatorKind.Outcome"/>,
    /// <c>"measureTarget"</c> → <see cref="IndicatorKind.MeasureTarget"/>, <c>"action"</c> → <see cref="IndicatorKind.Action"/>;
    /// any other word (case matters, as for the other words of the format) → null.
    /// </summary>
    public static IndicatorKind? ParseKind(string? s) => s switch
    {
        null or "outcome" => IndicatorKind.Outcome, "measureTarget" => IndicatorKind.MeasureTarget, "action" => IndicatorKind.Action, _ => null,
    };

    /// <summary>Reads a file's continuity word.</summary>
    public static Continuity? ParseContinuity(string? s) => s switch
    {
        "new" => Continuity.New, "continuing" => Continuity.Continuing, _ => null,
    };

    [GeneratedRegex("^[a-z0-9][a-z0-9-]*$")]
    private static partial Regex CodePattern();

    [GeneratedRegex(@"^[a-z0-9-]+(\.[a-z0-9-]+)+$")]
    private static partial Regex MetricKeyPattern();
}
