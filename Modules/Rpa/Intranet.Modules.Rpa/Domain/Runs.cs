namespace Intranet.Modules.Rpa.Domain;

/// <summary>How a run ended.</summary>
public enum RunOutcome
{
    /// <summary>正常終了.</summary>
    Succeeded,
    /// <summary>異常終了: saves nothing.</summary>
    Failed,
}

/// <summary>
/// 実行ログ: one robot execution from a tool's log, or one month's summary entered by hand
/// (<see cref="Executions"/> &gt; 1). Keyed by (<see cref="CaseId"/>, <see cref="RunKey"/>), the run's identity within its
/// case, so the same run imported twice (same file again, overlapping exports) is stored once (issue #12: no id of its
/// own, migration <c>RunsKey</c>).
/// </summary>
public sealed class Run
{
    /// <summary>The case the run belongs to (<see cref="AutomationCase.Id"/>).</summary>
    public Guid CaseId { get; set; }
    /// <summary>Identity within the case: the tool's run id (<c>id:…</c>), else the start time (<c>start:…</c>), or <c>month:yyyy-MM</c> for a monthly entry.</summary>
    public string RunKey { get; set; } = "";
    /// <summary>Business date of the run (Japan calendar); decides the fiscal year and the assessment used.</summary>
    public DateOnly RunDate { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
    public RunOutcome Outcome { get; set; }
    /// <summary>Items processed (件).</summary>
    public int ItemsProcessed { get; set; }
    /// <summary>Executions this row stands for: 1 for a log row, the count for a monthly entry.</summary>
    public int Executions { get; set; } = 1;
    /// <summary>Where it came from: <c>import:FILE</c>, <c>manual</c>.</summary>
    public string Source { get; set; } = "";
    public DateTimeOffset RecordedAt { get; set; }
}

/// <summary>
/// How one RPA tool's exported log maps to run fields: for each field, the header of the column that
/// holds it. Saved once per source and chosen by name at import (<c>--mapping NAME</c>).
/// </summary>
public sealed class RunColumnMapping : Intranet.Shared.Auditing.IAudited
{
    public Guid Id { get; set; } = Guid.NewGuid();
    /// <summary>Unique name, e.g. <c>winactor-manager</c>.</summary>
    public string Name { get; set; } = "";
    /// <summary>Header of the column holding the case code or robot name.</summary>
    public string CaseColumn { get; set; } = "";
    public string? RunIdColumn { get; set; }
    public string StartedAtColumn { get; set; } = "";
    public string? EndedAtColumn { get; set; }
    public string OutcomeColumn { get; set; } = "";
    public string ItemsColumn { get; set; } = "";
    /// <summary>Comma-separated values of the outcome column that mean success, e.g. 「正常終了,成功」.</summary>
    public string SuccessValues { get; set; } = "";
    public string UpdatedBy { get; set; } = "";
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A setting of the module, e.g. the hourly cost for overtime avoided.</summary>
public sealed class RpaSetting : Intranet.Shared.Auditing.IAudited
{
    /// <summary>Setting name (primary key).</summary>
    public string Key { get; set; } = "";
    public string Value { get; set; } = "";
    public string UpdatedBy { get; set; } = "";
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Hourly labour cost in yen used for overtime cost avoided (円/時間).</summary>
    public const string HourlyCostYen = "HourlyCostYen";
}

/// <summary>State of a background import.</summary>
public enum ImportState
{
    Queued,
    Running,
    Succeeded,
    Failed,
}

/// <summary>One import of a file, run in the background with progress for the status page.</summary>
public sealed class ImportJob
{
    public Guid Id { get; set; } = Guid.NewGuid();
    /// <summary><c>rpa-cases</c> or <c>rpa-runs</c>.</summary>
    public string Kind { get; set; } = "";
    public string FileName { get; set; } = "";
    public string? MappingName { get; set; }
    public ImportState State { get; set; }
    public int TotalRows { get; set; }
    public int ProcessedRows { get; set; }
    /// <summary>One error per line, <c>行 N, 列 X: message</c>.</summary>
    public string? Errors { get; set; }
    public string? Summary { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
}

/// <summary>
/// Maintained tally (issue #12) of one case's runs in one fiscal year, kept up to date by every write path of runs and
/// assessments (<see cref="UseCases.RpaTallies"/>) in the same transaction, so the plan's figures (<see cref="UseCases.RpaFeed"/>)
/// read a few rows per case instead of every run. A row exists exactly when the case has at least one run dated in the
/// fiscal year (any outcome, a monthly entry included).
/// </summary>
public sealed class RunYearTally
{
    /// <summary>The case (<see cref="AutomationCase.Id"/>).</summary>
    public Guid CaseId { get; set; }
    /// <summary>Start year of the fiscal year of the runs' <see cref="Run.RunDate"/> (令和5年度 = 2023).</summary>
    public int FiscalYear { get; set; }
    /// <summary>Run rows dated in the year (a monthly entry is one row).</summary>
    public int Runs { get; set; }
    /// <summary>
    /// Minutes saved (分) by those runs: the sum of <see cref="SavingsRules.MinutesSaved"/> of each run under the assessment
    /// valid on its date (<see cref="SavingsRules.ValidOn"/>). Exact (4 decimals), so the year's hours are this sum ÷ 60.
    /// </summary>
    public decimal MinutesSaved { get; set; }
}
