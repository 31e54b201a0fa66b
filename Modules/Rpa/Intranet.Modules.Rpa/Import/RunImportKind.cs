using Intranet.Modules.Rpa.Contracts;
using Intranet.Modules.Rpa.Data;
using Intranet.Modules.Rpa.Domain;
using Intranet.Modules.Rpa.UseCases;
using Intranet.Shared.Import;
using Intranet.Shared.Persistence;
using Intranet.Shared.Security;
using Intranet.Shared.Time;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.Rpa.Import;

/// <summary>Import kinds of the module.</summary>
public static class RpaImportKinds
{
    /// <summary>Automation cases (<see cref="CaseImportKind"/>).</summary>
    public const string Cases = "rpa-cases";
    /// <summary>Run logs (<see cref="RunImportKind"/>).</summary>
    public const string Runs = "rpa-runs";
    /// <summary>The feed the kinds report to (<see cref="RpaFeed"/>).</summary>
    public const string Feed = "rpa";
    /// <summary>Roles that may import (the command line, the drop folder and seed-demo always may).</summary>
    public static readonly IReadOnlyList<string> ImportRoles = [Roles.RpaTeam, Roles.Administrator];
}

/// <summary>How a run ended, as the import reads it: the native words of the module's own format.</summary>
public static class RunOutcomes
{
    /// <summary>The suite's two values a value translation maps to: <c>success</c>, <c>failure</c>.</summary>
    public static readonly IReadOnlyList<string> Known = ["success", "failure"];

    /// <summary>Words of the module's own format meaning success (case ignored).</summary>
    public static readonly IReadOnlyList<string> SuccessWords = ["success", "succeeded", "ok", "成功", "正常", "正常終了"];

    /// <summary>Words of the module's own format meaning failure (case ignored).</summary>
    public static readonly IReadOnlyList<string> FailureWords = ["failure", "failed", "error", "ng", "失敗", "異常", "異常終了", "エラー"];

    /// <summary>
    /// Reads an outcome: a success word → <see cref="RunOutcome.Succeeded"/>, a failure word → <see cref="RunOutcome.Failed"/>,
    /// anything else null (the import reports it with the known values; a tool's own words, e.g. UiPath 「Faulted」, need a
    /// value translation in the mapping).
    /// </summary>
    public static RunOutcome? Parse(string text) =>
        SuccessWords.Contains(text.Trim(), StringComparer.OrdinalIgnoreCase) ? RunOutcome.Succeeded
        : FailureWords.Contains(text.Trim(), StringComparer.OrdinalIgnoreCase) ? RunOutcome.Failed
        : null;
}

/// <summary>
/// <c>rpa-runs</c>: run logs exported by RPA tools (WinActor, UiPath Orchestrator …) through a saved mapping, or the
/// module's own format (<c>case,run_id,started_at,ended_at,outcome,items</c>). Rules: the case must be in the registry
/// (by code, or by robot name; the code wins); the run date (Japan calendar) must lie in a fiscal year of the plan
/// period the RPA indicators are bound to; the end may not be before the start; items are a whole number 0–1,000,000.
/// A run already stored (same case and run id, or same case and start instant when the file has no run id) is not
/// stored twice: an identical one counts as unchanged, a corrected one (other items, outcome or end) is updated.
/// </summary>
public sealed class RunImportKind(RpaDbContext db, RpaFeed feed, RpaTallies tallies, TimeProvider clock) : IImportKind
{
    /// <summary>Most items one run may process (件).</summary>
    public const long MaxItems = 1_000_000;

    /// <summary>Runs added per <c>SaveChanges</c> inside the import's transaction (progress is reported after each).</summary>
    public const int BatchSize = 2000;

    /// <summary>The fields, in the module's own format's column order.</summary>
    public static readonly IReadOnlyList<ImportField> Fields =
    [
        new("case", "業務 (コードまたはロボット名)", ImportFieldType.Text, true,
            "台帳のコード (例: RPA-001) か、台帳に登録したロボット・シナリオ名。どちらでもない値は誤りです。",
            Synonyms: ["シナリオ名", "ロボット名", "シナリオ", "業務コード", "コード", "Process", "Process Name", "プロセス", "プロセス名"], Example: "RPA-001"),
        new("run_id", "実行ID", ImportFieldType.Text, false,
            "ツールが振る実行の識別子。あれば同じ実行を二重に数えないために使います。なければ開始日時で見分けます。",
            Synonyms: ["実行ID", "ジョブID", "Job Id", "JobId", "Key", "Id"], Example: "RPA-001-202304031000"),
        new("started_at", "開始日時", ImportFieldType.DateTime, true,
            "実行を開始した日時。日本時間 (2023/04/03 10:00、2023-04-03 10:00:00) かオフセット付き (2023-04-03T10:00:00+09:00)。実行日は計画期間の年度内であること。",
            Synonyms: ["開始日時", "開始時刻", "実行開始", "Start Time", "Started", "StartTime"], Example: "2023-04-03 10:00:00"),
        new("ended_at", "終了日時", ImportFieldType.DateTime, false,
            "実行が終わった日時 (任意)。開始日時より前は誤りです。",
            Synonyms: ["終了日時", "終了時刻", "実行終了", "End Time", "Ended", "EndTime"], Example: "2023-04-03 10:40:00"),
        new("outcome", "実行結果", ImportFieldType.Choice, true,
            "success (成功、正常終了) か failure (失敗、異常終了)。ツール独自の書き方 (UiPath の Successful / Faulted / Stopped など) は対応付けの「値の変換」で success / failure に変換します。",
            KnownValues: RunOutcomes.Known, Synonyms: ["実行結果", "結果", "終了状態", "ステータス", "State", "Status", "Result"], Example: "success"),
        new("items", "処理件数", ImportFieldType.Integer, true,
            $"1回の実行で処理した件数 (0〜{MaxItems:N0}の整数)。削減時間 = 件数 × (手作業の分 − ロボット稼働時の分) ÷ 60。",
            Synonyms: ["処理件数", "件数", "処理数", "Items", "Items Processed", "Processed Items", "Transactions"], Example: "120"),
    ];

    /// <inheritdoc />
    public ImportKindInfo Info { get; } = new(RpaImportKinds.Runs, "RPAの実行ログ", RpaModuleInfo.DisplayName,
        "RPAツールが出力した実行ログ。業務 (コードまたはロボット名) と実行ID (なければ開始日時) で見分け、同じ実行は二重に数えません。",
        Fields, RpaImportKinds.Feed, RpaImportKinds.ImportRoles, "/rpa");

    /// <inheritdoc />
    public async Task<IImportSession> BeginAsync(ImportContext context, CancellationToken cancellationToken)
    {
        var period = await feed.PeriodAsync(cancellationToken);
        var cases = await db.Cases.AsNoTracking().Select(c => new { c.Id, c.Code, c.RobotName }).ToListAsync(cancellationToken);
        var byName = new Dictionary<string, Guid>(StringComparer.OrdinalIgnoreCase);
        foreach (var c in cases.Where(c => c.RobotName is not null)) byName.TryAdd(ImportValues.Normalize(c.RobotName), c.Id);
        foreach (var c in cases) byName[ImportValues.Normalize(c.Code)] = c.Id;   // the code wins over a robot of the same name
        return new Session(db, tallies, context, period, byName, clock.GetUtcNow());
    }

    private sealed record ParsedRun(Guid CaseId, string RunKey, DateOnly RunDate, DateTimeOffset StartedAt, DateTimeOffset? EndedAt, RunOutcome Outcome, int Items);

    private sealed class Session(RpaDbContext db, RpaTallies tallies, ImportContext context, ReportingPeriod? period, Dictionary<string, Guid> byName, DateTimeOffset now)
        : IImportSession
    {
        private readonly List<ParsedRun> _runs = [];

        public DbContext Database => db;

        public void Check(ImportRow row)
        {
            var caseText = row.Text("case");
            var caseId = Guid.Empty;
            if (caseText.Length == 0) row.Error("case", "業務 (コードまたはロボット名) は必須です。");
            else if (!byName.TryGetValue(caseText, out caseId)) row.Error("case", $"業務「{ImportValues.Shorten(caseText)}」は台帳にありません (コードかロボット名で指定してください)。");
            var started = row.DateTime("started_at");
            var ended = row.DateTime("ended_at", required: false);
            DateOnly runDate = default;
            if (started is { } s)
            {
                runDate = DateOnly.FromDateTime(s.ToOffset(FiscalYear.JapanOffset).DateTime);
                if (period is not null && (runDate < period.Start.Start || runDate > period.End.End))
                    row.Error("started_at", $"実行日 {runDate:yyyy-MM-dd} は計画期間 ({period}) のどの年度にも入りません。");
                if (ended is { } e && e < s)
                {
                    row.Error("ended_at", "終了日時が開始日時より前です。");
                    ended = null;
                }
            }
            var outcome = row.Choice("outcome", RunOutcomes.Parse, RunOutcomes.Known);
            var items = row.Integer("items", 0, MaxItems);
            if (caseId == Guid.Empty || started is null || outcome is null || items is null) return;
            var runId = row.Text("run_id");
            _runs.Add(new ParsedRun(caseId,
                runId.Length > 0 ? "id:" + runId : "start:" + started.Value.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
                runDate, started.Value.ToUniversalTime(), ended?.ToUniversalTime(), outcome.Value, (int)items.Value));
        }

        public async Task<ImportCounts> WriteAsync(bool dryRun, Func<int, int, Task>? progress, CancellationToken ct)
        {
            var caseIds = _runs.Select(r => r.CaseId).Distinct().ToList();
            // The plan's tallies (RpaTallies) change with the runs, in this transaction: the cases are locked before their runs
            // are read; a corrected run counts again with its new values.
            var changes = dryRun ? null : await tallies.BeginChangesAsync(caseIds, ct);
            var stored = await db.Runs.Where(r => caseIds.Contains(r.CaseId)).ToDictionaryAsync(r => (r.CaseId, r.RunKey), ct);
            var fresh = new List<Run>();
            var seen = new HashSet<(Guid, string)>();
            var updated = 0;
            var source = "import:" + context.FileName;
            foreach (var run in _runs)
            {
                if (!seen.Add((run.CaseId, run.RunKey))) continue;   // the same run twice in one file
                if (stored.TryGetValue((run.CaseId, run.RunKey), out var old))
                {
                    // A corrected export (other item count, outcome or end) updates the stored run; an identical one is skipped.
                    if (old.ItemsProcessed == run.Items && old.Outcome == run.Outcome && old.EndedAt == run.EndedAt) continue;
                    changes?.Removed(old.CaseId, old.RunDate, old.Outcome, old.ItemsProcessed);
                    changes?.Added(old.CaseId, old.RunDate, run.Outcome, run.Items);
                    (old.ItemsProcessed, old.Outcome, old.EndedAt, old.Source, old.RecordedAt) = (run.Items, run.Outcome, run.EndedAt, source, now);
                    updated++;
                    continue;
                }
                changes?.Added(run.CaseId, run.RunDate, run.Outcome, run.Items);
                // Fresh entities on every call: a retried write must not re-attach the failed attempt's runs.
                fresh.Add(new Run
                {
                    CaseId = run.CaseId, RunKey = run.RunKey, RunDate = run.RunDate, StartedAt = run.StartedAt, EndedAt = run.EndedAt,
                    Outcome = run.Outcome, ItemsProcessed = run.Items, Executions = 1, Source = source, RecordedAt = now,
                });
            }
            var counts = new ImportCounts(fresh.Count, updated);
            if (dryRun) return counts;
            if (updated > 0) await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            // New runs in bulk (issue #12: tracked batches wrote about 1,000 runs/s).
            for (var i = 0; i < fresh.Count; i += BatchSize)
            {
                await db.BulkInsertAsync(fresh.Skip(i).Take(BatchSize), ct);
                if (progress is not null) await progress(Math.Min(i + BatchSize, fresh.Count), fresh.Count);
            }
            if (changes is not null) await tallies.ApplyAsync(changes, ct);
            return counts;
        }
    }
}
