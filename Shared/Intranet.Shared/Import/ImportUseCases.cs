using Intranet.Shared.Import.Data;
using Intranet.Shared.Messaging;
using Intranet.Shared.Security;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Shared.Import;

/// <summary>A saved mapping as listed: name, description, who saved it when.</summary>
public sealed record MappingSummary(string Name, string? Description, string UpdatedBy, DateTimeOffset UpdatedAt);

/// <summary>An import kind on the pages: what it is, whether the user may import it, its saved mappings (the standard format first).</summary>
public sealed record ImportKindView(ImportKindInfo Info, bool CanImport, IReadOnlyList<MappingSummary> Mappings);

/// <summary>Every import kind the suite has, with the user's rights and saved mappings.</summary>
public sealed record ListImportKinds : IRequest<IReadOnlyList<ImportKindView>>;

/// <summary>One import kind; null when unknown.</summary>
public sealed record GetImportKind(string Kind) : IRequest<ImportKindView?>;

/// <summary>A saved mapping (or the standard format for <see cref="ImportMapping.NativeName"/>).</summary>
/// <exception cref="ImportRejectedException">Not saved.</exception>
public sealed record GetMapping(string Kind, string Name) : IRequest<ImportMapping>;

/// <summary>Saves a mapping (計画事務局, 管理者, or anyone who may import the kind).</summary>
/// <exception cref="ImportRejectedException">Problems of the mapping (required fields unmapped, translations to unknown values …).</exception>
/// <exception cref="ForbiddenException">The user may not import the kind.</exception>
public sealed record SaveMapping(ImportMapping Mapping) : IRequest<Unit>;

/// <summary>Deletes a saved mapping.</summary>
/// <exception cref="ForbiddenException">The user may not import the kind.</exception>
public sealed record DeleteMapping(string Kind, string Name) : IRequest<Unit>;

/// <summary>
/// What a sample file looks like through a (draft) mapping, for the mapping page: encoding, sheets, the header row
/// found, the first rows, suggested columns per field, the distinct values of translated fields' columns, and the
/// result of a full check (errors with the true total) without writing.
/// </summary>
/// <param name="Kind">The import kind.</param>
/// <param name="Content">The sample file.</param>
/// <param name="FileName">Its name.</param>
/// <param name="Mapping">The draft mapping; null to start from suggestions.</param>
/// <param name="Upload">The sample saved to disk by the page (<see cref="ImportUpload"/>); when set, it is read instead of <paramref name="Content"/> (pass empty).</param>
public sealed record PreviewImportFile(string Kind, byte[] Content, string FileName, ImportMapping? Mapping, ImportUpload? Upload = null) : IRequest<ImportFilePreview>
{
    /// <summary>New streams over the file.</summary>
    internal Func<Stream> Open => Upload is { } u ? u.OpenRead : () => new MemoryStream(Content, writable: false);
}

/// <summary>See <see cref="PreviewImportFile"/>.</summary>
/// <param name="EncodingName">「UTF-8」「Shift_JIS」「Excel (.xlsx)」….</param>
/// <param name="SheetNames">Sheets of a workbook.</param>
/// <param name="Sheet">The sheet read.</param>
/// <param name="HeaderLine">1-based line of the header row (0: none found).</param>
/// <param name="Headers">The header row's cells.</param>
/// <param name="Rows">The first data rows (line, cells).</param>
/// <param name="Mapping">The mapping previewed: the draft, or one built from suggestions.</param>
/// <param name="Suggestions">Field → suggested column header (by name, label or synonyms).</param>
/// <param name="Values">Field → distinct values of its column in the file (first 50), for translated fields (Choice, Flag).</param>
/// <param name="Result">The check's result when the file passes.</param>
/// <param name="Errors">The first errors (at most 200).</param>
/// <param name="ErrorTotal">Every error counted.</param>
public sealed record ImportFilePreview(string EncodingName, IReadOnlyList<string> SheetNames, string? Sheet, int HeaderLine, IReadOnlyList<string> Headers,
    IReadOnlyList<TabularRow> Rows, ImportMapping Mapping, IReadOnlyDictionary<string, string> Suggestions, IReadOnlyDictionary<string, IReadOnlyList<string>> Values,
    ImportResult? Result, IReadOnlyList<ImportError> Errors, int ErrorTotal);

/// <summary>
/// Checks an uploaded file as the user (every row, all-or-nothing) and, unless <see cref="CheckOnly"/>, queues it for the
/// background runner. The result says either why it was rejected (first errors and the true total) or the job's id.
/// </summary>
/// <param name="Kind">The import kind.</param>
/// <param name="Content">The file.</param>
/// <param name="FileName">Its name.</param>
/// <param name="MappingName">A saved mapping's name, or null/<see cref="ImportMapping.NativeName"/> for the standard format.</param>
/// <param name="CheckOnly">確認のみ: check and report, queue nothing.</param>
/// <param name="Upload">The file saved to disk by the page (<see cref="ImportUpload"/>): checked as a stream instead of
/// <paramref name="Content"/> (pass empty). The page deletes it (disposes) when done.</param>
public sealed record StartImport(string Kind, byte[] Content, string FileName, string? MappingName, bool CheckOnly, ImportUpload? Upload = null) : IRequest<ImportStarted>
{
    /// <summary>New streams over the file.</summary>
    internal Func<Stream> Open => Upload is { } u ? u.OpenRead : () => new MemoryStream(Content, writable: false);
}

/// <summary>See <see cref="StartImport"/>.</summary>
/// <param name="Check">The check's result when the file passed.</param>
/// <param name="Errors">The first errors when rejected.</param>
/// <param name="ErrorTotal">All errors counted.</param>
/// <param name="JobId">The queued job, when queued.</param>
public sealed record ImportStarted(ImportResult? Check, IReadOnlyList<ImportError> Errors, int ErrorTotal, Guid? JobId);

/// <summary>A job as the status page shows it.</summary>
/// <param name="Id">The job.</param>
/// <param name="Kind">The import kind.</param>
/// <param name="KindLabel">The kind's Japanese label (the kind itself when unknown).</param>
/// <param name="FileName">The uploaded file's name.</param>
/// <param name="MappingName">The mapping's name as chosen.</param>
/// <param name="State">Queued, running, succeeded or failed.</param>
/// <param name="Rows">Data rows in the file (known when done).</param>
/// <param name="Summary">The one-line summary on success.</param>
/// <param name="ErrorCount">How many errors the file had.</param>
/// <param name="Errors">The first errors, or the reason of a failure.</param>
/// <param name="CreatedBy">The uploading user.</param>
/// <param name="CreatedAt">When queued (UTC).</param>
/// <param name="FinishedAt">When it ended.</param>
/// <param name="ProgressDone">Records written so far.</param>
/// <param name="ProgressTotal">Records to write (0 when unknown).</param>
/// <param name="ReturnUrl">The module page to go back to.</param>
/// <param name="CanRetry">A failed job whose file is still kept and not yet retried, of a kind the user may import (<see cref="RetryImportJob"/>).</param>
/// <param name="RetriedAs">The job that re-ran this one's file, if any.</param>
public sealed record ImportJobView(Guid Id, string Kind, string KindLabel, string FileName, string MappingName, ImportJobState State, int Rows,
    string? Summary, int ErrorCount, IReadOnlyList<string> Errors, string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt,
    int ProgressDone, int ProgressTotal, string ReturnUrl, bool CanRetry = false, Guid? RetriedAs = null);

/// <summary>One job; null when unknown.</summary>
public sealed record GetImportJob(Guid Id) : IRequest<ImportJobView?>;

/// <summary>
/// Runs the file of a failed job (interrupted by a host's stop, or an unexpected error) again as a new job of the current
/// user, with the same kind and mapping; returns the new job's id. The file is not uploaded again: it was kept in the
/// database (<see cref="ImportJobRunner.FileRetention"/>).
/// </summary>
/// <exception cref="NotFoundException">No such job visible to the user (own jobs; administrators: all).</exception>
/// <exception cref="ForbiddenException">The user may not import the kind.</exception>
/// <exception cref="ConcurrencyConflictException">Already retried, not failed, or its file is no longer kept (Japanese message).</exception>
public sealed record RetryImportJob(Guid Id) : IRequest<Guid>;

/// <summary>The latest jobs (newest first), of one kind or all.</summary>
public sealed record ListImportJobs(string? Kind, int Count = 20) : IRequest<IReadOnlyList<ImportJobView>>;

/// <summary>A template of a kind's standard format, with the fields as headers and one example row.</summary>
/// <param name="Kind">The import kind.</param>
/// <param name="Xlsx">True for Excel, false for CSV (UTF-8 with BOM, opens in Excel).</param>
public sealed record GetImportTemplate(string Kind, bool Xlsx) : IRequest<(byte[] Content, string FileName, string ContentType)?>;

internal sealed class ImportUseCaseHandlers(ImportPipeline pipeline, ImportDbContext store, ImportJobRunner runner, ICurrentUser user) :
    IRequestHandler<ListImportKinds, IReadOnlyList<ImportKindView>>,
    IRequestHandler<GetImportKind, ImportKindView?>,
    IRequestHandler<GetMapping, ImportMapping>,
    IRequestHandler<SaveMapping, Unit>,
    IRequestHandler<DeleteMapping, Unit>,
    IRequestHandler<PreviewImportFile, ImportFilePreview>,
    IRequestHandler<StartImport, ImportStarted>,
    IRequestHandler<GetImportJob, ImportJobView?>,
    IRequestHandler<RetryImportJob, Guid>,
    IRequestHandler<ListImportJobs, IReadOnlyList<ImportJobView>>,
    IRequestHandler<GetImportTemplate, (byte[] Content, string FileName, string ContentType)?>
{
    private static ImportMapping? TryRead(string json)
    {
        try { return ImportMapping.FromJson(json, "mapping"); }
        catch (ImportRejectedException) { return null; }
    }

    private ImportKindView View(IImportKind kind, IReadOnlyList<SavedMapping> saved) =>
        new(kind.Info, pipeline.CanImport(kind.Info),
            [new MappingSummary(ImportMapping.NativeName, "標準の形式 (見出しはフィールド名)", "", default),
             ..saved.Where(m => m.Kind == kind.Info.Kind).OrderBy(m => m.Name, StringComparer.Ordinal)
                 .Select(m => new MappingSummary(m.Name, TryRead(m.Json)?.Description, m.UpdatedBy, m.UpdatedAt))]);

    public async Task<IReadOnlyList<ImportKindView>> Handle(ListImportKinds request, CancellationToken ct)
    {
        var saved = await store.Mappings.AsNoTracking().ToListAsync(ct);
        return pipeline.Kinds.Select(k => View(k, saved)).ToList();
    }

    public async Task<ImportKindView?> Handle(GetImportKind request, CancellationToken ct)
    {
        if (pipeline.Find(request.Kind) is not { } kind) return null;
        var saved = await store.Mappings.AsNoTracking().Where(m => m.Kind == request.Kind).ToListAsync(ct);
        return View(kind, saved);
    }

    private IImportKind KindOrThrow(string kind, string fileName) => pipeline.Find(kind)
        ?? throw new ImportRejectedException(fileName, [new ImportError(0, "kind", $"取込の種類「{kind}」はありません。")]);

    public Task<ImportMapping> Handle(GetMapping request, CancellationToken ct) =>
        pipeline.MappingAsync(KindOrThrow(request.Kind, request.Name).Info, request.Name, request.Name, ct);

    public async Task<Unit> Handle(SaveMapping request, CancellationToken ct)
    {
        var kind = KindOrThrow(request.Mapping.Kind, request.Mapping.Name);
        if (!pipeline.CanImport(kind.Info)) throw new ForbiddenException($"「{kind.Info.Label}」の対応付けを保存する権限がありません。");
        await pipeline.SaveMappingAsync(request.Mapping, ct);
        return Unit.Value;
    }

    public async Task<Unit> Handle(DeleteMapping request, CancellationToken ct)
    {
        var kind = KindOrThrow(request.Kind, request.Name);
        if (!pipeline.CanImport(kind.Info)) throw new ForbiddenException($"「{kind.Info.Label}」の対応付けを削除する権限がありません。");
        var row = await store.Mappings.SingleOrDefaultAsync(m => m.Kind == request.Kind && m.Name == request.Name, ct);
        if (row is not null)
        {
            store.Mappings.Remove(row);
            await store.SaveChangesAsync(ct);
        }
        return Unit.Value;
    }

    public async Task<ImportFilePreview> Handle(PreviewImportFile request, CancellationToken ct)
    {
        var kind = KindOrThrow(request.Kind, request.FileName);
        if (!pipeline.CanImport(kind.Info)) throw new ForbiddenException($"「{kind.Info.Label}」を取り込む権限がありません。");
        var fields = kind.Info.Fields;
        TabularFile file;
        try
        {
            file = TabularFile.Open(request.Open, request.FileName, request.Mapping?.Sheet);
        }
        catch (ImportRejectedException e)
        {
            return new ImportFilePreview("", [], null, 0, [], [], request.Mapping ?? new ImportMapping { Kind = request.Kind, Name = "" },
                new Dictionary<string, string>(), new Dictionary<string, IReadOnlyList<string>>(), null, e.Errors, e.Total);
        }
        List<TabularRow> first;
        try
        {
            first = file.Rows().Take(MappedFile.HeaderSearchRows + 10).ToList();
        }
        catch (ImportRejectedException e)
        {
            return new ImportFilePreview(file.EncodingName, file.SheetNames, file.SheetName, 0, [], [], request.Mapping ?? new ImportMapping { Kind = request.Kind, Name = "" },
                new Dictionary<string, string>(), new Dictionary<string, IReadOnlyList<string>>(), null, e.Errors, e.Total);
        }
        var draft = request.Mapping ?? new ImportMapping { Kind = request.Kind, Name = "" };
        var (line, headers) = MappedFile.FindHeader(first, draft, fields);
        var suggestions = Suggest(fields, headers);
        if (request.Mapping is null)
            draft = draft with { Fields = fields.Where(f => suggestions.ContainsKey(f.Name)).ToDictionary(f => f.Name, f => new FieldMapping { Column = suggestions[f.Name] }) };

        // Distinct values of the columns feeding choice and flag fields, for the translation tables.
        var values = new Dictionary<string, IReadOnlyList<string>>();
        var index = headers.Select((h, i) => (Key: MappedFile.HeaderKey(h), i)).GroupBy(x => x.Key).ToDictionary(g => g.Key, g => g.First().i);
        var translated = fields.Where(f => f.Type is ImportFieldType.Choice or ImportFieldType.Flag)
            .Select(f => (f.Name, Column: draft.Fields.GetValueOrDefault(f.Name)?.Column))
            .Where(x => x.Column is not null && index.ContainsKey(MappedFile.HeaderKey(x.Column))).ToList();
        if (translated.Count > 0)
        {
            var sets = translated.ToDictionary(t => t.Name, _ => new SortedSet<string>(StringComparer.Ordinal));
            foreach (var row in file.Rows().Where(r => r.Line > line && !r.IsBlank).Take(100_000))
                foreach (var (name, column) in translated)
                    if (sets[name].Count < 50 && ImportValues.Normalize(row[index[MappedFile.HeaderKey(column)]]) is { Length: > 0 } v) sets[name].Add(v);
            foreach (var (name, set) in sets) values[name] = set.ToList();
        }

        ImportResult? result = null;
        IReadOnlyList<ImportError> errors = [];
        var total = 0;
        var problems = draft.Check(fields);
        if (problems.Count > 0)
        {
            errors = problems.Select(p => new ImportError(0, "対応付け", p)).ToList();
            total = errors.Count;
        }
        else
        {
            try
            {
                result = await pipeline.RunAsync(kind, request.Open, request.FileName, draft with { Kind = request.Kind }, dryRun: true, null, ct);
            }
            catch (ImportRejectedException e)
            {
                (errors, total) = (e.Errors.Take(200).ToList(), e.Total);
            }
        }
        var sample = first.Where(r => r.Line > line && !r.IsBlank).Take(10).ToList();
        return new ImportFilePreview(file.EncodingName, file.SheetNames, file.SheetName, line, headers, sample, draft, suggestions, values, result, errors, total);
    }

    /// <summary>Field → the header that best matches its name, label or synonyms (exact after normalising, then containing).</summary>
    internal static Dictionary<string, string> Suggest(IReadOnlyList<ImportField> fields, IReadOnlyList<string> headers)
    {
        var result = new Dictionary<string, string>();
        var used = new HashSet<int>();
        var keys = headers.Select(MappedFile.HeaderKey).ToList();
        foreach (var exact in new[] { true, false })
        {
            foreach (var f in fields.Where(f => !result.ContainsKey(f.Name)))
            {
                var names = new[] { f.Name, f.Label }.Concat(f.Synonyms ?? []).Select(MappedFile.HeaderKey).Where(n => n.Length > 0).ToList();
                for (var i = 0; i < keys.Count; i++)
                {
                    if (used.Contains(i) || keys[i].Length == 0) continue;
                    if (exact ? names.Contains(keys[i]) : names.Any(n => n.Length >= 2 && keys[i].Contains(n, StringComparison.Ordinal)))
                    {
                        result[f.Name] = headers[i];
                        used.Add(i);
                        break;
                    }
                }
            }
        }
        return result;
    }

    public async Task<ImportStarted> Handle(StartImport request, CancellationToken ct)
    {
        var kind = KindOrThrow(request.Kind, request.FileName);
        try
        {
            var mapping = await pipeline.MappingAsync(kind.Info, request.MappingName, request.FileName, ct);
            var check = await pipeline.RunAsync(kind, request.Open, request.FileName, mapping, dryRun: true, null, ct);
            if (request.CheckOnly) return new ImportStarted(check, [], 0, null);
            // Stored in the database in parts (several hosts share it), streamed from the upload: never whole in memory.
            var id = await runner.EnqueueAsync(kind.Info.Kind, request.Open, request.FileName, mapping, user.Name, ct);
            return new ImportStarted(check, [], 0, id);
        }
        catch (ImportRejectedException e)
        {
            return new ImportStarted(null, e.Errors, e.Total, null);
        }
    }

    private ImportJobView View(ImportJob j)
    {
        // This host's own running job: live figures from memory; another host's: as stored with its last heartbeat.
        var progress = runner.Progress(j.Id) ?? (j.ProgressTotal > 0 ? (j.ProgressDone, j.ProgressTotal) : null);
        var kind = pipeline.Find(j.Kind)?.Info;
        return new ImportJobView(j.Id, j.Kind, kind?.Label ?? j.Kind, j.FileName, j.MappingName, j.State, j.Rows, j.Summary, j.ErrorCount,
            j.Errors?.Split('\n', StringSplitOptions.RemoveEmptyEntries) ?? [], j.CreatedBy, j.CreatedAt, j.FinishedAt,
            progress?.Done ?? 0, progress?.Total ?? 0, kind?.ReturnUrl ?? "/");
    }

    public async Task<ImportJobView?> Handle(GetImportJob request, CancellationToken ct)
    {
        var job = await store.Jobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == request.Id, ct);
        if (job is null) return null;
        // Users see their own jobs (errors may name staff: telework records are HR's only); administrators see all.
        if (!user.IsSystem && job.CreatedBy != user.Name && !user.IsInRole(Roles.Administrator)) return null;
        var canRetry = job is { State: ImportJobState.Failed, RetriedAs: null } && pipeline.Find(job.Kind) is { } kind && pipeline.CanImport(kind.Info)
            && await store.JobFileChunks.AnyAsync(c => c.JobId == job.Id, ct);
        return View(job) with { CanRetry = canRetry, RetriedAs = job.RetriedAs };
    }

    public async Task<Guid> Handle(RetryImportJob request, CancellationToken ct)
    {
        var job = await Handle(new GetImportJob(request.Id), ct) ?? throw new NotFoundException("この取込は見つかりません。");
        var kind = KindOrThrow(job.Kind, job.FileName);
        if (!pipeline.CanImport(kind.Info)) throw new ForbiddenException($"「{kind.Info.Label}」を取り込む権限がありません。");
        return await runner.RetryAsync(request.Id, user.Name, ct)
            ?? throw new ConcurrencyConflictException(job.RetriedAs is not null || job.State != ImportJobState.Failed
                ? "この取込はすでにもう一度取り込まれたか、失敗していません。"
                : "この取込のファイルは保存期間を過ぎたため削除されました。ファイルをもう一度アップロードしてください。");
    }

    public async Task<IReadOnlyList<ImportJobView>> Handle(ListImportJobs request, CancellationToken ct)
    {
        var all = user.IsSystem || user.IsInRole(Roles.Administrator);
        var jobs = await store.Jobs.AsNoTracking()
            .Where(j => (request.Kind == null || j.Kind == request.Kind) && (all || j.CreatedBy == user.Name))
            .Select(j => new ImportJob
            {
                Id = j.Id, Kind = j.Kind, FileName = j.FileName, MappingName = j.MappingName, State = j.State, Rows = j.Rows, Summary = j.Summary,
                ErrorCount = j.ErrorCount, CreatedBy = j.CreatedBy, CreatedAt = j.CreatedAt, FinishedAt = j.FinishedAt,
                ProgressDone = j.ProgressDone, ProgressTotal = j.ProgressTotal,
            }).ToListAsync(ct);
        return jobs.OrderByDescending(j => j.CreatedAt).Take(Math.Clamp(request.Count, 1, 500)).Select(View).ToList();
    }

    public Task<(byte[] Content, string FileName, string ContentType)?> Handle(GetImportTemplate request, CancellationToken ct)
    {
        if (pipeline.Find(request.Kind) is not { } kind) return Task.FromResult<(byte[], string, string)?>(null);
        return Task.FromResult<(byte[], string, string)?>(request.Xlsx
            ? (ImportTemplates.Xlsx(kind.Info), $"{kind.Info.Kind}-template.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            : (ImportTemplates.Csv(kind.Info), $"{kind.Info.Kind}-template.csv", "text/csv; charset=utf-8"));
    }
}
