namespace Intranet.Shared.Import;

/// <summary>What an import did (or, for a dry run, would do).</summary>
/// <param name="Rows">Data rows read.</param>
/// <param name="Added">New records.</param>
/// <param name="Updated">Existing records changed.</param>
/// <param name="Unchanged">Rows already stored as they are (re-imports).</param>
/// <param name="EncodingName">「UTF-8」 or 「Shift_JIS」.</param>
/// <param name="DryRun">True when nothing was written.</param>
public sealed record ImportResult(int Rows, int Added, int Updated, int Unchanged, string EncodingName, bool DryRun)
{
    /// <summary>One-line Japanese summary.</summary>
    public override string ToString() =>
        $"{(DryRun ? "確認のみ (書き込みなし)" : "取り込み完了")}: {Rows}行 (追加 {Added}、更新 {Updated}、変更なし {Unchanged})、文字コード {EncodingName}";

    /// <summary>
    /// 「所要時間: 1.23 秒」: an import's own time (reading, checking, writing, reporting to the plan), as the command line and
    /// the drop folder's report give it. bench/run.sh reads it to compare an import with the bulk insert of the same rows.
    /// </summary>
    /// <param name="elapsed">From before the file was read to the result.</param>
    public static string ElapsedLine(TimeSpan elapsed) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"所要時間: {elapsed.TotalSeconds:F2} 秒");
}

/// <summary>An error in an import file: line (1-based, as in a text editor), column header, Japanese message.</summary>
public sealed record ImportError(int Line, string Column, string Message)
{
    /// <inheritdoc />
    public override string ToString() => Line > 0 ? $"{Line}行目 [{Column}]: {Message}" : $"[{Column}]: {Message}";
}

/// <summary>Thrown when a file cannot be imported; nothing has been written.</summary>
/// <param name="fileName">The file.</param>
/// <param name="errors">The errors kept (at most <see cref="ImportErrors.Kept"/>).</param>
/// <param name="total">How many errors the file has in all (at least <c>errors.Count</c>).</param>
public sealed class ImportRejectedException(string fileName, IReadOnlyList<ImportError> errors, int? total = null)
    : Exception($"{fileName}: {Math.Max(total ?? 0, errors.Count):N0}件の誤りがあるため取り込みませんでした。何も書き込んでいません。\n" + string.Join("\n", errors.Take(50).Select(e => "  " + e))
                + (Math.Max(total ?? 0, errors.Count) > 50 ? $"\n  …ほか{Math.Max(total ?? 0, errors.Count) - 50:N0}件" : ""))
{
    /// <summary>The first errors found, in file order (at most <see cref="ImportErrors.Kept"/>).</summary>
    public IReadOnlyList<ImportError> Errors { get; } = errors;

    /// <summary>How many errors the file has in all: the true count, not capped.</summary>
    public int Total { get; } = Math.Max(total ?? 0, errors.Count);
}

/// <summary>
/// The errors of one import: every error is counted (<see cref="Total"/>), the first <see cref="Kept"/> are kept
/// with line, column and message for the page and the command line.
/// </summary>
public sealed class ImportErrors
{
    /// <summary>How many errors are kept for display.</summary>
    public const int Kept = 1000;

    private readonly List<ImportError> _first = [];

    /// <summary>The first errors.</summary>
    public IReadOnlyList<ImportError> First => _first;

    /// <summary>All errors counted.</summary>
    public int Total { get; private set; }

    /// <summary>Records an error.</summary>
    public void Add(int line, string column, string message)
    {
        Total++;
        if (_first.Count < Kept) _first.Add(new ImportError(line, column, message));
    }

    /// <summary>Throws <see cref="ImportRejectedException"/> when any error was recorded.</summary>
    public void ThrowIfAny(string fileName)
    {
        if (Total > 0) throw new ImportRejectedException(fileName, _first, Total);
    }
}
