using System.Text.RegularExpressions;
using Intranet.Modules.PlanKpi.Contracts;
using Intranet.Modules.Rpa.Contracts;
using Intranet.Modules.Rpa.Data;
using Intranet.Modules.Rpa.Domain;
using Intranet.Modules.Rpa.UseCases;
using Intranet.Shared.Import;
using Intranet.Shared.Time;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.Rpa.Import;

/// <summary>
/// <c>rpa-cases</c>: the registry's cases, upserted by <c>code</c>. Rules: code (英数字・ハイフン) unique in the file;
/// title, business process and department required; a known tool; a plan project that exists; a status step checked by
/// the same domain rules as the move dialog (<see cref="CaseLifecycle.CheckMove"/> for a stored case,
/// <see cref="CaseLifecycle.CheckDate"/> for a new one: allowed step, not before the last step, not in the future);
/// an assessment (all four numbers or none) with minutes per item 0–480 and robot minutes not above manual ones.
/// </summary>
public sealed partial class CaseImportKind(RpaDbContext db, IMediator mediator, RpaTallies tallies, TimeProvider clock) : IImportKind
{
    private static readonly string[] Numbers = ["executions_per_year", "items_per_execution", "manual_minutes_per_item", "robot_minutes_per_item"];

    /// <summary>The fields, in the module's own format's column order.</summary>
    public static readonly IReadOnlyList<ImportField> Fields =
    [
        new("code", "コード", ImportFieldType.Text, true, "台帳のコード (英数字とハイフン、例: RPA-001)。同じコードの業務は更新します。",
            Synonyms: ["コード", "業務コード", "管理番号", "Code"], Example: "RPA-001"),
        new("title", "業務名", ImportFieldType.Text, true, "業務の名前。", Synonyms: ["業務名", "件名", "名称", "Title"], Example: "給与支払報告書の入力"),
        new("business_process", "対象業務", ImportFieldType.Text, true, "ロボットが代わりに行う業務の内容。",
            Synonyms: ["対象業務", "業務内容", "内容", "概要"], Example: "給与支払報告書をOCR結果から基幹システムへ入力する"),
        new("department", "所管課", ImportFieldType.Text, true, "業務を所管する課。", Synonyms: ["所管課", "担当課", "課名", "部署"], Example: "市民税課"),
        new("tool", "ツール", ImportFieldType.Choice, false, "WinActor、UiPath、Power Automate、BizRobo!、その他 (空欄はその他)。",
            KnownValues: RpaTools.Known, Synonyms: ["ツール", "RPAツール", "製品", "Tool"], Example: "WinActor"),
        new("robot", "ロボット名", ImportFieldType.Text, false, "ツールでのロボット・シナリオ名。実行ログはコードかこの名前で業務を指します。",
            Synonyms: ["ロボット名", "シナリオ名", "Process", "Robot"], Example: "給与支払報告書入力"),
        new("contact", "連絡先", ImportFieldType.Text, false, "問い合わせ先 (任意)。", Synonyms: ["連絡先", "担当者", "問合せ先"], Example: "情報システム課 RPA担当"),
        new("plan_code", "計画コード", ImportFieldType.Text, false, "業務が寄与する計画のコード (任意、事業コードと組で指定)。", Synonyms: ["計画コード", "計画"], Example: "hadano-ict-2021"),
        new("project_code", "事業コード", ImportFieldType.Text, false, "計画の事業コード (任意、例: 2-1-(1))。", Synonyms: ["事業コード", "事業番号", "事業"], Example: "2-1-(1)"),
        new("status", "状態", ImportFieldType.Choice, false,
            "候補、検討、開発、試行、本番稼働、休止、廃止。台帳にある業務の状態を変えるときは、状態変更の画面と同じ規則 (移せる状態、直前の変更日以降、未来の日付は不可) で確かめます。",
            KnownValues: CaseLifecycle.AllLabels, Synonyms: ["状態", "ステータス", "進捗", "Status"], Example: "本番稼働"),
        new("status_date", "状態の日付", ImportFieldType.Date, false, "その状態になった日 (候補以外の状態では必須、未来の日付は不可)。本番稼働の日付が適用業務数の年度を決めます。",
            Synonyms: ["状態の日付", "変更日", "稼働日", "本番稼働日"], Example: "2023-04-03"),
        new("assessment_from", "効果の適用開始日", ImportFieldType.Date, false, "効果の見込み (下の4項目) を適用する最初の日。空欄は状態の日付。",
            Synonyms: ["適用開始日", "効果の適用開始日"], Example: "2023-04-03"),
        new("executions_per_year", "年間実行回数", ImportFieldType.Integer, false, "1年に実行する回数 (0〜100,000、回/年)。効果の4項目は全部か、どれも書かないかです。",
            Synonyms: ["年間実行回数", "実行回数"], Example: "12"),
        new("items_per_execution", "1回あたりの件数", ImportFieldType.Decimal, false, "1回の実行で処理する件数 (0〜1,000,000件/回)。", Synonyms: ["1回あたりの件数", "件数"], Example: "900"),
        new("manual_minutes_per_item", "手作業の時間 (分/件)", ImportFieldType.Decimal, false, $"自動化前に1件にかかった時間 (0〜{SavingsRules.MaxMinutesPerItem}分)。",
            Synonyms: ["手作業の時間", "手作業時間", "作業時間(分)"], Example: "4"),
        new("robot_minutes_per_item", "ロボット稼働時の人の時間 (分/件)", ImportFieldType.Decimal, false, "ロボットに任せた後も1件に残る人の作業時間 (手作業の時間以下)。",
            Synonyms: ["ロボット稼働時の時間", "確認時間"], Example: "0.5"),
    ];

    /// <inheritdoc />
    public ImportKindInfo Info { get; } = new(RpaImportKinds.Cases, "RPA適用業務", RpaModuleInfo.DisplayName,
        "RPA適用業務の一覧。コードで見分け、ある業務は更新、ない業務は追加します。状態の変更は状態変更の画面と同じ規則で確かめます。",
        Fields, RpaImportKinds.Feed, RpaImportKinds.ImportRoles, "/rpa");

    /// <inheritdoc />
    public async Task<IImportSession> BeginAsync(ImportContext context, CancellationToken cancellationToken)
    {
        var projects = (await mediator.Send(new ListPlanProjects(), cancellationToken)).Select(p => (p.PlanCode, p.ProjectCode)).ToHashSet();
        var existing = (await db.Cases.AsNoTracking()
                .Select(c => new { c.Code, c.Status, Dates = c.Transitions.Select(t => t.On).ToList() })
                .ToListAsync(cancellationToken))
            .ToDictionary(c => c.Code, c => (c.Status, c.Dates.Count == 0 ? (DateOnly?)null : c.Dates.Max()));
        return new Session(db, tallies, context, projects, existing, clock.TodayInJapan(), clock.GetUtcNow());
    }

    private sealed record ParsedCase(AutomationCase Values, CaseStatus? Status, DateOnly? StatusDate, CaseAssessment? Assessment);

    private sealed class Session(RpaDbContext db, RpaTallies tallies, ImportContext context, HashSet<(string, string)> projects,
        Dictionary<string, (CaseStatus Status, DateOnly? Last)> existing, DateOnly today, DateTimeOffset now) : IImportSession
    {
        private readonly List<ParsedCase> _cases = [];
        private readonly HashSet<string> _seen = [];

        public DbContext Database => db;

        public void Check(ImportRow row)
        {
            var code = row.Text("code", required: true);
            if (code.Length > 0 && !CodePattern().IsMatch(code)) row.Error("code", "コードは英数字・ハイフンで指定してください (例: RPA-001)。");
            else if (code.Length > 0 && !_seen.Add(code)) row.Error("code", $"コード {code} がファイル内で重複しています。");
            var title = row.Text("title");
            if (title.Length == 0) row.Error("title", "業務名は必須です。");
            var process = row.Text("business_process");
            if (process.Length == 0) row.Error("business_process", "対象業務は必須です。");
            var department = row.Text("department");
            if (department.Length == 0) row.Error("department", "所管課は必須です。");
            var tool = row.Choice("tool", RpaTools.Parse, RpaTools.Known, required: false);

            var planCode = row.Text("plan_code");
            var projectCode = row.Text("project_code");
            if ((planCode.Length > 0 || projectCode.Length > 0) && !projects.Contains((planCode, projectCode)))
                row.Error("project_code", $"計画 {planCode} に事業 {projectCode} はありません。");

            var status = row.Choice("status", CaseLifecycle.Parse, CaseLifecycle.AllLabels, required: false);
            var statusDate = row.Date("status_date", required: false);
            if (statusDate is null && status is { } s0 && s0 != CaseStatus.Idea && row.Text("status_date").Length == 0)
                row.Error("status_date", "状態を指定するときは、その状態になった日付 (状態の日付) が必要です。");
            if (status is { } st && statusDate is { } on)
            {
                // The same rules as the move dialog (MoveCase): one source for both paths.
                if (existing.TryGetValue(code, out var current))
                {
                    if (current.Status != st)
                        foreach (var (field, message) in CaseLifecycle.CheckMove(current.Status, st, on, current.Last, today))
                            row.Error(field == "To" ? "status" : "status_date", message);
                }
                else
                {
                    foreach (var message in CaseLifecycle.CheckDate(on, null, today)) row.Error("status_date", message);
                }
            }

            CaseAssessment? assessment = null;
            if (Numbers.Any(n => row.Text(n).Length > 0))
            {
                var executions = row.Integer("executions_per_year", 0, 100_000);
                // Bounded like a run's items, so that the estimate (executions × items × minutes) can never overflow.
                var items = row.Decimal("items_per_execution", 0, RunImportKind.MaxItems);
                var manual = NonNegative(row, "manual_minutes_per_item");
                var robot = NonNegative(row, "robot_minutes_per_item");
                if (manual > SavingsRules.MaxMinutesPerItem)
                    row.Error("manual_minutes_per_item", $"1件あたりの手作業時間が大きすぎます ({SavingsRules.MaxMinutesPerItem}分以下)。");
                else if (robot is { } r && manual is { } m && r > m)
                    row.Error("robot_minutes_per_item", "ロボット稼働時の人の作業時間が、手作業の時間を超えています。");
                var validFrom = row.Date("assessment_from", required: false) ?? statusDate ?? today;
                if (executions is { } e && items is { } i && manual is { } mm && robot is { } rr && mm <= SavingsRules.MaxMinutesPerItem && rr <= mm)
                    assessment = new CaseAssessment
                    {
                        ValidFrom = validFrom, ExecutionsPerYear = (int)e, ItemsPerExecution = i, ManualMinutesPerItem = mm, RobotAttendedMinutesPerItem = rr,
                    };
            }
            _cases.Add(new ParsedCase(new AutomationCase
            {
                Code = code, Title = title, BusinessProcess = process, OwningDepartment = department, Tool = tool ?? RpaTool.Other,
                RobotName = NullIfEmpty(row.Text("robot")), ContactPerson = NullIfEmpty(row.Text("contact")),
                PlanCode = NullIfEmpty(planCode), ProjectCode = NullIfEmpty(projectCode),
            }, status, statusDate, assessment));
        }

        private static decimal? NonNegative(ImportRow row, string field)
        {
            var v = row.Decimal(field, decimal.MinValue, decimal.MaxValue);
            if (v < 0) { row.Error(field, "負の値は指定できません。"); return null; }
            return v;
        }

        public async Task<ImportCounts> WriteAsync(bool dryRun, Func<int, int, Task>? progress, CancellationToken ct)
        {
            var user = context.User.Name;
            var reason = $"取込: {context.FileName}";
            var stored = await db.Cases.Include(c => c.Assessments).Include(c => c.Transitions).AsSplitQuery().ToDictionaryAsync(c => c.Code, ct);
            int added = 0, updated = 0;
            var fresh = new List<AutomationCase>();   // new cases, inserted in bulk with their first transition and assessment
            var assessed = new List<Guid>();   // stored cases whose assessments changed: their runs' minutes change
            foreach (var (v, status, statusDate, parsedAssessment) in _cases)
            {
                var isNew = !stored.TryGetValue(v.Code, out var c);
                if (c is null)
                {
                    c = new AutomationCase { Code = v.Code, Status = CaseStatus.Idea, CreatedAt = now, CreatedBy = user };
                    c.Transitions.Add(new StatusTransition { CaseId = c.Id, To = CaseStatus.Idea, On = statusDate ?? today, By = user, Reason = reason, RecordedAt = now });
                    fresh.Add(c);
                    stored[v.Code] = c;
                }
                var changed = isNew || c.Title != v.Title || c.BusinessProcess != v.BusinessProcess || c.OwningDepartment != v.OwningDepartment
                              || c.Tool != v.Tool || c.RobotName != v.RobotName || c.ContactPerson != v.ContactPerson
                              || c.PlanCode != v.PlanCode || c.ProjectCode != v.ProjectCode;
                (c.Title, c.BusinessProcess, c.OwningDepartment, c.Tool, c.RobotName, c.ContactPerson, c.PlanCode, c.ProjectCode) =
                    (v.Title, v.BusinessProcess, v.OwningDepartment, v.Tool, v.RobotName, v.ContactPerson, v.PlanCode, v.ProjectCode);
                if (status is { } to && to != c.Status)
                {
                    var on = statusDate!.Value;
                    c.Transitions.Add(new StatusTransition { CaseId = c.Id, From = isNew ? null : c.Status, To = to, On = on, By = user, Reason = reason, RecordedAt = now });
                    if (isNew) c.Transitions.RemoveAll(t => t.To == CaseStatus.Idea && to != CaseStatus.Idea);
                    c.Status = to;
                    if (to == CaseStatus.Production && (c.ProductionSince is null || on < c.ProductionSince)) c.ProductionSince = on;
                    changed = true;
                }
                if (parsedAssessment is { } a)
                {
                    var same = c.Assessments.FirstOrDefault(x => x.ValidFrom == a.ValidFrom);
                    if (same is null)
                    {
                        // A fresh entity on every call: a retried write must not re-attach the failed attempt's.
                        c.Assessments.Add(new CaseAssessment
                        {
                            CaseId = c.Id, ValidFrom = a.ValidFrom, ExecutionsPerYear = a.ExecutionsPerYear, ItemsPerExecution = a.ItemsPerExecution,
                            ManualMinutesPerItem = a.ManualMinutesPerItem, RobotAttendedMinutesPerItem = a.RobotAttendedMinutesPerItem, By = user, RecordedAt = now,
                        });
                        changed = true;
                        if (!isNew) assessed.Add(c.Id);
                    }
                    else if (same.ExecutionsPerYear != a.ExecutionsPerYear || same.ItemsPerExecution != a.ItemsPerExecution
                             || same.ManualMinutesPerItem != a.ManualMinutesPerItem || same.RobotAttendedMinutesPerItem != a.RobotAttendedMinutesPerItem)
                    {
                        (same.ExecutionsPerYear, same.ItemsPerExecution, same.ManualMinutesPerItem, same.RobotAttendedMinutesPerItem, same.By, same.RecordedAt) =
                            (a.ExecutionsPerYear, a.ItemsPerExecution, a.ManualMinutesPerItem, a.RobotAttendedMinutesPerItem, user, now);
                        changed = true;
                        assessed.Add(c.Id);
                    }
                }
                if (isNew) added++;
                else if (changed) updated++;
            }
            if (!dryRun)
            {
                // The changed cases as tracked entities; the new ones (all of them on a first import) in bulk with the audit
                // entries a save writes (issue #12: a tracked save of 2,000 new cases, their transitions, assessments and
                // 6,000 audit rows took 3 s on SQLite). Then the plan's tallies (RpaTallies) of the stored cases whose
                // assessments changed are recomputed under their new assessments, all in the import's transaction.
                await db.SaveChangesAsync(ct);
                db.ChangeTracker.Clear();
                await db.BulkInsertAuditedAsync(fresh, ct);
                await db.BulkInsertAuditedAsync(fresh.SelectMany(c => c.Transitions), ct);
                await db.BulkInsertAuditedAsync(fresh.SelectMany(c => c.Assessments), ct);
                if (assessed.Count > 0) await tallies.CasesChangedAsync(assessed, ct);
            }
            return new ImportCounts(added, updated);
        }
    }

    private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9-]*$")]
    private static partial Regex CodePattern();
}
