using System.Text;
using Intranet.Modules.PlanKpi.Export;
using Intranet.Modules.PlanKpi.UseCases.Evaluation;
using Intranet.Shared.Export;
using Intranet.Shared.Messaging;
using MediatR;

namespace Intranet.Host.CommandLine;

/// <summary>
/// <c>export-evaluation --plan CODE --fy YEAR [--format csv|xlsx] [--out FILE]</c>: the evaluation round of a plan year,
/// one row per project and stage with the columns of <see cref="EvaluationExport.Columns"/> (issue #10). CSV goes to
/// standard output (UTF-8 without BOM, LF) unless <c>--out</c> names a file; xlsx needs <c>--out</c>. Runs as the
/// system, so every sheet and stage is included.
/// </summary>
public static partial class AdminCommands
{
    /// <summary>
    /// Runs <c>export-evaluation</c> (arguments after the verb) against <paramref name="services"/> (a started host's or a
    /// test host's) in a new scope, writing CSV to <paramref name="output"/> when no <c>--out</c> is given and messages to
    /// <paramref name="error"/>. Returns 0, 1 (unknown plan, no round) or 2 (usage).
    /// </summary>
    public static async Task<int> RunExportEvaluationAsync(IServiceProvider services, string[] args, Stream output, TextWriter error)
    {
        try
        {
            await using var scope = services.CreateAsyncScope();
            return await ExportEvaluationAsync(scope.ServiceProvider, ParsedArgs.Parse(args), output, error);
        }
        catch (UsageException e)
        {
            await error.WriteLineAsync(e.Message + "\n" + Usage);
            return 2;
        }
        catch (Exception e) when (e is NotFoundException or ForbiddenException or RequestValidationException or IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync("エラー: " + e.Message);
            return 1;
        }
    }

    private static async Task<int> ExportEvaluationAsync(IServiceProvider sp, ParsedArgs a, Stream output, TextWriter error)
    {
        var plan = a.Single("plan") is { Length: > 0 } p ? p : throw new UsageException("export-evaluation には --plan が必要です。");
        var fyText = a.Single("fy") ?? throw new UsageException("export-evaluation には --fy (年度の開始年、例: 2023) が必要です。");
        if (!int.TryParse(fyText, out var fy) || fy is < 1900 or > 9999)
            throw new UsageException($"--fy は年度の開始年 (例: 2023) で指定してください ('{fyText}' は使えません)。");
        var format = a.Single("format") ?? "csv";
        if (format is not ("csv" or "xlsx")) throw new UsageException($"--format は csv か xlsx です ('{format}' は使えません)。");
        var file = a.Single("out");
        if (format == "xlsx" && string.IsNullOrWhiteSpace(file)) throw new UsageException("--format xlsx には --out (書き出すファイル) が必要です。");

        var report = await sp.GetRequiredService<IMediator>().Send(new GetEvaluationReport(plan, fy));
        var rows = EvaluationExport.Rows(report).ToList();
        if (format == "xlsx")
        {
            await File.WriteAllBytesAsync(file!, TableExport.ToXlsx(EvaluationExport.Table(rows)));
        }
        else
        {
            await using var target = file is null ? null : File.Create(file);
            await using (var writer = new StreamWriter(target ?? output, new UTF8Encoding(false), leaveOpen: true))
                EvaluationExport.WriteCsv(writer, rows);
        }
        if (file is not null) await error.WriteLineAsync($"{file} に書き出しました ({rows.Count}行)。");
        return 0;
    }
}
