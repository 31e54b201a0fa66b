using Intranet.Modules.Rpa.Data;
using Intranet.Modules.Rpa.Domain;
using Intranet.Modules.Rpa.UseCases;
using Intranet.Shared.Time;
using Microsoft.EntityFrameworkCore;
using Intranet.Shared.Import;

namespace Intranet.Modules.Rpa.Import;

/// <summary>Column headers of the run fields, from a saved mapping or the module's own format.</summary>
/// <param name="Case">Case code (RPA-001) or robot name.</param>
/// <param name="RunId">The tool's run id (optional).</param>
/// <param name="StartedAt">Start date-time.</param>
/// <param name="EndedAt">End date-time (optional).</param>
/// <param name="Outcome">Outcome text.</param>
/// <param name="Items">Items processed.</param>
/// <param name="SuccessValues">Outcome texts meaning success; any other non-empty text is a failure.</param>
public sealed record RunColumns(string Case, string? RunId, string StartedAt, string? EndedAt, string Outcome, string Items, IReadOnlyList<string> SuccessValues)
{
    /// <summary>The module's own run format: <c>case,run_id,started_at,ended_at,outcome,items</c>.</summary>
    public static readonly RunColumns Native = new("case", "run_id", "started_at", "ended_at", "outcome", "items",
        ["success", "succeeded", "ok", "成功", "正常", "正常終了"]);

    /// <summary>Failure words of the native format (anything else is an error there).</summary>
    public static readonly string[] NativeFailureValues = ["failure", "failed", "error", "ng", "失敗", "異常", "異常終了", "エラー"];

    /// <summary>Columns of a saved mapping.</summary>
    public static RunColumns From(RunColumnMapping m) => new(m.CaseColumn, m.RunIdColumn, m.StartedAtColumn, m.EndedAtColumn, m.OutcomeColumn,
        m.ItemsColumn, m.SuccessValues.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}

/// <summary>
/// <c>import rpa-runs</c>: run logs exported by RPA tools. Checks every row first (unknown case, unreadable
/// or out-of-plan dates, end before start, bad outcome or item count) and rejects the whole file on any
/// error; then writes the new runs in one transaction. A run already stored (same case and run id, or
/// same case and start time) is skipped, so re-imports and overlapping exports never double-count; when
/// the stored run differs (a corrected export: other item count, outcome or end), it is updated instead.
/// Imports run one at a time per process; an import of another process that stores the same runs
/// meanwhile makes the unique index refuse them, and the import deduplicates once more and retries.
/// Readers are never blocked.
/// </summary>
public sealed class RunImporter(RpaDbContext db, RpaFeed feed, TimeProvider clock)
{
    private static readonly SemaphoreSlim Writer = new(1, 1);

    /// <summary>Rows written per batch inside the import's transaction (progress is reported after each).</summary>
    public const int BatchSize = 2000;

    /// <summary>Validates and (unless <paramref name="dryRun"/>) stores the runs; <paramref name="progress"/> gets (rows done, total).</summary>
    /// <exception cref="ImportRejectedException">Any bad row (every error listed), unknown mapping, missing columns, unreadable encoding.</exception>
    public async Task<ImportResult> ImportAsync(byte[] content, string fileName, string? mappingName, bool dryRun,
        Func<int, int, Task>? progress, CancellationToken ct)
    {
        RunColumns columns;
        if (mappingName is null) columns = RunColumns.Native;
        else
        {
            var mapping = await db.Mappings.AsNoTracking().SingleOrDefaultAsync(m => m.Name == mappingName, ct)
                ?? throw new ImportRejectedException(fileName, [new ImportError(0, "mapping", $"列の対応付け「{mappingName}」は登録されていません。")]);
            columns = RunColumns.From(mapping);
        }
        var (text, encoding) = CsvFile.Decode(content, fileName);
        var required = new[] { columns.Case, columns.StartedAt, columns.Outcome, columns.Items };
        var rows = CsvFile.Read(text, fileName, required);
        var period = await feed.PeriodAsync(ct);

        var cases = await db.Cases.AsNoTracking().Select(c => new { c.Id, c.Code, c.RobotName }).ToListAsync(ct);
        var byName = new Dictionary<string, Guid>(StringComparer.OrdinalIgnoreCase);
        foreach (var c in cases.Where(c => c.RobotName is not null)) byName.TryAdd(c.RobotName!, c.Id);
        foreach (var c in cases) byName[c.Code] = c.Id;   // the code wins over a robot of the same name

        var errors = new List<ImportError>();
        var runs = new List<Run>(rows.Count);
        var now = clock.GetUtcNow();
        foreach (var row in rows)
        {
            void Error(string column, string message) { if (errors.Count < 1000) errors.Add(new ImportError(row.Line, column, message)); }
            var caseText = row[columns.Case];
            if (!byName.TryGetValue(caseText, out var caseId)) Error(columns.Case, caseText.Length == 0 ? "業務 (コードまたはロボット名) は必須です。" : $"業務「{caseText}」は台帳にありません。");
            if (!CsvFile.TryParseDateTime(row[columns.StartedAt], out var started)) { Error(columns.StartedAt, "開始日時の形式が正しくありません (例: 2022-04-01 09:00)。"); continue; }
            DateTimeOffset? ended = null;
            if (columns.EndedAt is { } endColumn && row[endColumn].Length > 0)
            {
                if (!CsvFile.TryParseDateTime(row[endColumn], out var e)) Error(endColumn, "終了日時の形式が正しくありません。");
                else if (e < started) Error(endColumn, "終了日時が開始日時より前です。");
                else ended = e;
            }
            var runDate = DateOnly.FromDateTime(started.ToOffset(FiscalYear.JapanOffset).DateTime);
            if (period is not null && (runDate < period.Start.Start || runDate > period.End.End))
                Error(columns.StartedAt, $"実行日 {runDate:yyyy-MM-dd} は計画期間 ({period}) のどの年度にも入りません。");
            var outcomeText = row[columns.Outcome];
            RunOutcome? outcome = columns.SuccessValues.Contains(outcomeText, StringComparer.OrdinalIgnoreCase) ? RunOutcome.Succeeded
                : outcomeText.Length == 0 ? null
                : ReferenceEquals(columns, RunColumns.Native) && !RunColumns.NativeFailureValues.Contains(outcomeText, StringComparer.OrdinalIgnoreCase) ? null
                : RunOutcome.Failed;
            if (outcome is null) Error(columns.Outcome, outcomeText.Length == 0 ? "結果は必須です。" : $"結果「{outcomeText}」は不明です (success / failure)。");
            if (!CsvFile.TryParseDecimal(row[columns.Items], out var items) || items != Math.Floor(items))
                Error(columns.Items, "処理件数は整数で入力してください。");
            else if (items is < 0 or > 1_000_000) Error(columns.Items, "処理件数は0〜1,000,000の範囲で入力してください。");
            if (caseId == Guid.Empty || outcome is null) continue;
            var runId = columns.RunId is { } idColumn ? row[idColumn] : "";
            runs.Add(new Run
            {
                CaseId = caseId, RunKey = runId.Length > 0 ? "id:" + runId : "start:" + started.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ"),
                RunDate = runDate, StartedAt = started.ToUniversalTime(), EndedAt = ended?.ToUniversalTime(), Outcome = outcome.Value,
                ItemsProcessed = (int)items, Executions = 1, Source = "import:" + fileName, RecordedAt = now,
            });
        }
        if (rows.Count == 0) errors.Add(new ImportError(0, "ファイル", "データ行がありません。"));
        if (errors.Count > 0) throw new ImportRejectedException(fileName, errors);

        await Writer.WaitAsync(ct);
        try
        {
            try
            {
                return await StoreAsync(runs, rows.Count, encoding, dryRun, progress, ct);
            }
            catch (DbUpdateException) when (!dryRun)
            {
                // Another process (the CLI, a second host) stored some of the same runs meanwhile: the unique
                // index refused them and the transaction rolled back. Deduplicate against the new state once more.
                db.ChangeTracker.Clear();
                return await StoreAsync(runs, rows.Count, encoding, dryRun, progress, ct);
            }
        }
        finally
        {
            Writer.Release();
        }
    }

    private async Task<ImportResult> StoreAsync(List<Run> runs, int rowCount, string encoding, bool dryRun, Func<int, int, Task>? progress, CancellationToken ct)
    {
        var caseIds = runs.Select(r => r.CaseId).Distinct().ToList();
        var stored = await db.Runs.Where(r => caseIds.Contains(r.CaseId)).ToDictionaryAsync(r => (r.CaseId, r.RunKey), ct);
        var fresh = new List<Run>();
        var seen = new HashSet<(Guid, string)>();
        var updated = 0;
        foreach (var run in runs)
        {
            if (!seen.Add((run.CaseId, run.RunKey))) continue;   // the same run twice in one file
            if (stored.TryGetValue((run.CaseId, run.RunKey), out var old))
            {
                // A corrected export (other item count or outcome) updates the stored run; an identical one is skipped.
                if (old.ItemsProcessed == run.ItemsProcessed && old.Outcome == run.Outcome && old.EndedAt == run.EndedAt) continue;
                (old.ItemsProcessed, old.Outcome, old.EndedAt, old.Source, old.RecordedAt) = (run.ItemsProcessed, run.Outcome, run.EndedAt, run.Source, run.RecordedAt);
                updated++;
                continue;
            }
            fresh.Add(run);
        }
        var result = new ImportResult(rowCount, fresh.Count, updated, rowCount - fresh.Count - updated, encoding, dryRun);
        if (dryRun || (fresh.Count == 0 && updated == 0))
        {
            db.ChangeTracker.Clear();
            return result;
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.SaveChangesAsync(ct);   // the updates
        db.ChangeTracker.Clear();
        for (var i = 0; i < fresh.Count; i += BatchSize)
        {
            db.Runs.AddRange(fresh.Skip(i).Take(BatchSize));
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            if (progress is not null) await progress(Math.Min(i + BatchSize, fresh.Count), fresh.Count);
        }
        await tx.CommitAsync(ct);
        await feed.PublishAsync(ct);
        return result;
    }
}
