using System.Text.RegularExpressions;
using Intranet.Modules.PlanKpi.Contracts;
using Intranet.Modules.Rpa.Data;
using Intranet.Modules.Rpa.Domain;
using Intranet.Shared.Security;
using Intranet.Shared.Time;
using MediatR;
using Microsoft.EntityFrameworkCore;
using Intranet.Shared.Import;

namespace Intranet.Modules.Rpa.Import;

/// <summary>
/// <c>import rpa-cases</c>: the registry's own CSV format (documented in the module's README), upserted by
/// <c>code</c>. Every row is checked first; a file with any bad row is rejected whole with each error's line
/// and column, and nothing is written.
/// </summary>
public sealed partial class CaseImporter(RpaDbContext db, IMediator mediator, ICurrentUser user, TimeProvider clock, UseCases.RpaFeed feed)
{
    /// <summary>Columns of the cases file; the first five are required in the header.</summary>
    public static readonly string[] Columns =
    [
        "code", "title", "business_process", "department", "tool", "robot", "contact", "plan_code", "project_code",
        "status", "status_date", "assessment_from", "executions_per_year", "items_per_execution",
        "manual_minutes_per_item", "robot_minutes_per_item",
    ];

    /// <summary>Validates and (unless <paramref name="dryRun"/>) imports the file in one transaction.</summary>
    /// <exception cref="ImportRejectedException">Any bad row (all errors listed), unreadable encoding, missing columns.</exception>
    public async Task<ImportResult> ImportAsync(byte[] content, string fileName, bool dryRun, CancellationToken ct)
    {
        var (text, encoding) = CsvFile.Decode(content, fileName);
        var rows = CsvFile.Read(text, fileName, Columns[..5]);
        var errors = new List<ImportError>();
        var projects = (await mediator.Send(new ListPlanProjects(), ct)).Select(p => (p.PlanCode, p.ProjectCode)).ToHashSet();
        var existing = await db.Cases.Include(c => c.Assessments).Include(c => c.Transitions).AsSplitQuery().ToDictionaryAsync(c => c.Code, ct);
        var seen = new HashSet<string>();
        var parsed = new List<(CsvRow Row, AutomationCase Values, CaseStatus? Status, DateOnly? StatusDate, CaseAssessment? Assessment)>();

        foreach (var row in rows)
        {
            void Error(string column, string message) => errors.Add(new ImportError(row.Line, column, message));
            var code = row["code"];
            if (code.Length == 0) Error("code", "コードは必須です。");
            else if (!CodePattern().IsMatch(code)) Error("code", "コードは英数字・ハイフンで指定してください (例: RPA-001)。");
            else if (!seen.Add(code)) Error("code", $"コード {code} がファイル内で重複しています。");
            foreach (var required in new[] { ("title", "業務名"), ("business_process", "対象業務"), ("department", "所管課") })
                if (row[required.Item1].Length == 0) Error(required.Item1, $"{required.Item2}は必須です。");
            var tool = ParseTool(row["tool"]);
            if (row["tool"].Length > 0 && tool is null) Error("tool", $"ツール「{row["tool"]}」は不明です (WinActor, UiPath, Power Automate, BizRobo!, その他)。");

            var planCode = row["plan_code"];
            var projectCode = row["project_code"];
            if (planCode.Length > 0 || projectCode.Length > 0)
            {
                if (!projects.Contains((planCode, projectCode)))
                    Error("project_code", $"計画 {planCode} に事業 {projectCode} はありません。");
            }

            CaseStatus? status = null;
            if (row["status"].Length > 0)
            {
                status = CaseLifecycle.Parse(row["status"]);
                if (status is null) Error("status", $"状態「{row["status"]}」は不明です (候補, 検討, 開発, 試行, 本番稼働, 休止, 廃止)。");
            }
            DateOnly? statusDate = null;
            if (row["status_date"].Length > 0)
            {
                if (CsvFile.TryParseDate(row["status_date"], out var d)) statusDate = d;
                else Error("status_date", "日付の形式が正しくありません (例: 2022-04-01)。");
            }
            else if (status is { } s && s != CaseStatus.Idea)
            {
                Error("status_date", "状態を指定するときは、その状態になった日付 (status_date) が必要です。");
            }
            if (status is { } st && existing.TryGetValue(code, out var current) && current.Status != st)
            {
                var last = current.Transitions.Select(t => t.On).DefaultIfEmpty(DateOnly.MinValue).Max();
                if (!CaseLifecycle.CanMove(current.Status, st))
                    Error("status", $"{CaseLifecycle.Label(current.Status)} から {CaseLifecycle.Label(st)} へは変更できません。");
                else if (statusDate is { } sd && sd < last)
                    Error("status_date", $"日付は直前の変更日 ({last:yyyy-MM-dd}) 以降にしてください。");
            }

            CaseAssessment? assessment = null;
            var numbers = new[] { "executions_per_year", "items_per_execution", "manual_minutes_per_item", "robot_minutes_per_item" };
            if (numbers.Any(n => row[n].Length > 0))
            {
                var values = new Dictionary<string, decimal>();
                foreach (var n in numbers)
                {
                    if (!CsvFile.TryParseDecimal(row[n], out var v)) Error(n, "数値で入力してください。");
                    else if (v < 0) Error(n, "負の値は指定できません。");
                    else values[n] = v;
                }
                if (values.TryGetValue("manual_minutes_per_item", out var manual) && manual > SavingsRules.MaxMinutesPerItem)
                    Error("manual_minutes_per_item", $"1件あたりの手作業時間が大きすぎます ({SavingsRules.MaxMinutesPerItem}分以下)。");
                if (values.TryGetValue("robot_minutes_per_item", out var robot) && values.TryGetValue("manual_minutes_per_item", out var m) && robot > m)
                    Error("robot_minutes_per_item", "ロボット稼働時の人の作業時間が、手作業の時間を超えています。");
                if (values.TryGetValue("executions_per_year", out var e) && (e > 100_000 || e != Math.Floor(e)))
                    Error("executions_per_year", "年間実行回数は0〜100,000の整数で入力してください。");
                DateOnly validFrom = statusDate ?? clock.TodayInJapan();
                if (row["assessment_from"].Length > 0)
                {
                    if (CsvFile.TryParseDate(row["assessment_from"], out var af)) validFrom = af;
                    else Error("assessment_from", "日付の形式が正しくありません (例: 2022-04-01)。");
                }
                if (values.Count == 4)
                    assessment = new CaseAssessment
                    {
                        ValidFrom = validFrom, ExecutionsPerYear = (int)values["executions_per_year"], ItemsPerExecution = values["items_per_execution"],
                        ManualMinutesPerItem = values["manual_minutes_per_item"], RobotAttendedMinutesPerItem = values["robot_minutes_per_item"],
                    };
            }

            parsed.Add((row, new AutomationCase
            {
                Code = code, Title = row["title"], BusinessProcess = row["business_process"], OwningDepartment = row["department"],
                Tool = tool ?? RpaTool.Other, RobotName = NullIfEmpty(row["robot"]), ContactPerson = NullIfEmpty(row["contact"]),
                PlanCode = NullIfEmpty(planCode), ProjectCode = NullIfEmpty(projectCode),
            }, status, statusDate, assessment));
        }
        if (rows.Count == 0) errors.Add(new ImportError(0, "ファイル", "データ行がありません。"));
        if (errors.Count > 0) throw new ImportRejectedException(fileName, errors);

        int added = 0, updated = 0, unchanged = 0;
        var now = clock.GetUtcNow();
        foreach (var (row, v, status, statusDate, assessment) in parsed)
        {
            var isNew = !existing.TryGetValue(v.Code, out var c);
            if (c is null)
            {
                c = new AutomationCase { Code = v.Code, Status = CaseStatus.Idea, CreatedAt = now, CreatedBy = user.Name };
                c.Transitions.Add(new StatusTransition { CaseId = c.Id, To = CaseStatus.Idea, On = statusDate ?? clock.TodayInJapan(), By = user.Name, Reason = $"取込: {fileName}", RecordedAt = now });
                db.Cases.Add(c);
            }
            var changed = isNew || c.Title != v.Title || c.BusinessProcess != v.BusinessProcess || c.OwningDepartment != v.OwningDepartment
                          || c.Tool != v.Tool || c.RobotName != v.RobotName || c.ContactPerson != v.ContactPerson
                          || c.PlanCode != v.PlanCode || c.ProjectCode != v.ProjectCode;
            (c.Title, c.BusinessProcess, c.OwningDepartment, c.Tool, c.RobotName, c.ContactPerson, c.PlanCode, c.ProjectCode) =
                (v.Title, v.BusinessProcess, v.OwningDepartment, v.Tool, v.RobotName, v.ContactPerson, v.PlanCode, v.ProjectCode);
            if (status is { } to && to != c.Status)
            {
                var on = statusDate!.Value;
                c.Transitions.Add(new StatusTransition { CaseId = c.Id, From = isNew ? null : c.Status, To = to, On = on, By = user.Name, Reason = $"取込: {fileName}", RecordedAt = now });
                if (isNew) c.Transitions.RemoveAll(t => t.To == CaseStatus.Idea && to != CaseStatus.Idea);
                c.Status = to;
                if (to == CaseStatus.Production && (c.ProductionSince is null || on < c.ProductionSince)) c.ProductionSince = on;
                changed = true;
            }
            if (assessment is not null)
            {
                var same = c.Assessments.FirstOrDefault(a => a.ValidFrom == assessment.ValidFrom);
                if (same is null)
                {
                    assessment.CaseId = c.Id;
                    assessment.By = user.Name;
                    assessment.RecordedAt = now;
                    c.Assessments.Add(assessment);
                    changed = true;
                }
                else if (same.ExecutionsPerYear != assessment.ExecutionsPerYear || same.ItemsPerExecution != assessment.ItemsPerExecution
                         || same.ManualMinutesPerItem != assessment.ManualMinutesPerItem || same.RobotAttendedMinutesPerItem != assessment.RobotAttendedMinutesPerItem)
                {
                    (same.ExecutionsPerYear, same.ItemsPerExecution, same.ManualMinutesPerItem, same.RobotAttendedMinutesPerItem, same.By, same.RecordedAt) =
                        (assessment.ExecutionsPerYear, assessment.ItemsPerExecution, assessment.ManualMinutesPerItem, assessment.RobotAttendedMinutesPerItem, user.Name, now);
                    changed = true;
                }
            }
            if (isNew) added++;
            else if (changed) updated++;
            else unchanged++;
        }
        var result = new ImportResult(rows.Count, added, updated, unchanged, encoding, dryRun);
        if (dryRun)
        {
            db.ChangeTracker.Clear();
            return result;
        }
        await db.SaveChangesAsync(ct);
        await feed.PublishAsync(ct);   // a status or assessment in the file changes the plan's figures at once
        return result;
    }

    /// <summary>Reads a tool name: WinActor, UiPath, Power Automate, BizRobo!, その他/Other (case and spaces ignored).</summary>
    public static RpaTool? ParseTool(string text) => text.Replace(" ", "").Replace("!", "").ToLowerInvariant() switch
    {
        "winactor" => RpaTool.WinActor,
        "uipath" => RpaTool.UiPath,
        "powerautomate" or "powerautomatedesktop" => RpaTool.PowerAutomate,
        "bizrobo" => RpaTool.BizRobo,
        "other" or "その他" or "" => RpaTool.Other,
        _ => null,
    };

    /// <summary>Display name of a tool.</summary>
    public static string ToolLabel(RpaTool tool) => tool switch
    {
        RpaTool.PowerAutomate => "Power Automate",
        RpaTool.BizRobo => "BizRobo!",
        RpaTool.Other => "その他",
        _ => tool.ToString(),
    };

    private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9-]*$")]
    private static partial Regex CodePattern();
}
