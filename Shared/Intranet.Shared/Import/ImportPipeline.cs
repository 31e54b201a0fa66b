using System.Collections.Concurrent;
using Intranet.Shared.Import.Data;
using Intranet.Shared.Messaging;
using Intranet.Shared.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Intranet.Shared.Import;

/// <summary>
/// The one way every module imports a file: read (CSV in UTF-8/Shift_JIS or Excel) → map (saved
/// <see cref="ImportMapping"/>) → check every row with the module's rules (every error counted) → write in one
/// transaction → report to the plan (through <see cref="FeedOutbox"/>). Nothing is written when any row is wrong.
/// Used by the command line, the upload pages (through <see cref="ImportJobRunner"/>), the drop folder and seed-demo.
/// </summary>
public sealed class ImportPipeline(IEnumerable<IImportKind> kinds, ImportDbContext store, FeedOutbox outbox, ICurrentUser user, TimeProvider clock,
    ILogger<ImportPipeline> logger)
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Writers = new();

    /// <summary>Every registered kind, by module then label.</summary>
    public IReadOnlyList<IImportKind> Kinds { get; } = kinds.OrderBy(k => k.Info.Module, StringComparer.Ordinal).ThenBy(k => k.Info.Kind, StringComparer.Ordinal).ToList();

    /// <summary>The kind named <paramref name="kind"/>, or null.</summary>
    public IImportKind? Find(string kind) => Kinds.FirstOrDefault(k => k.Info.Kind == kind);

    /// <summary>Whether the current user may import <paramref name="kind"/>.</summary>
    public bool CanImport(ImportKindInfo kind) => user.IsSystem || kind.Roles.Any(user.IsInRole);

    /// <summary>
    /// The mapping named <paramref name="name"/> for <paramref name="kind"/>: the module's own format for null or
    /// <see cref="ImportMapping.NativeName"/>, otherwise a saved one.
    /// </summary>
    /// <exception cref="ImportRejectedException">No mapping of that name is saved for the kind (the message lists the saved ones).</exception>
    public async Task<ImportMapping> MappingAsync(ImportKindInfo kind, string? name, string fileName, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(name) || name == ImportMapping.NativeName) return ImportMapping.Native(kind.Kind, kind.Fields);
        var saved = await store.Mappings.AsNoTracking().Where(m => m.Kind == kind.Kind).ToListAsync(ct);
        var found = saved.FirstOrDefault(m => m.Name == name)
            ?? throw new ImportRejectedException(fileName, [new ImportError(0, "mapping",
                $"「{kind.Label}」の対応付け「{name}」は登録されていません (登録済み: {(saved.Count == 0 ? "なし" : string.Join("、", saved.Select(m => m.Name)))})。")]);
        return ImportMapping.FromJson(found.Json, name);
    }

    /// <summary>Imports (or only checks) a file.</summary>
    /// <param name="kind">The import kind.</param>
    /// <param name="content">The file's bytes.</param>
    /// <param name="fileName">Shown in messages and stored as the records' source.</param>
    /// <param name="mapping">How the file maps to the kind's fields.</param>
    /// <param name="dryRun">Check only; nothing is written.</param>
    /// <param name="progress">Records written / to write (for an <see cref="IBatchedImportSession"/>: rows of the file written through / rows in the file).</param>
    /// <param name="ct">Cancels; the transaction rolls back.</param>
    /// <returns>What was (or would be) written.</returns>
    /// <exception cref="ImportRejectedException">Any error in the file: every error counted, the first kept with line and column; nothing written.</exception>
    /// <exception cref="ForbiddenException">The user may not import this kind.</exception>
    public Task<ImportResult> RunAsync(IImportKind kind, byte[] content, string fileName, ImportMapping mapping, bool dryRun,
        Func<int, int, Task>? progress, CancellationToken ct) =>
        RunAsync(kind, () => new MemoryStream(content, writable: false), fileName, mapping, dryRun, progress, ct);

    /// <summary>
    /// Imports (or only checks) the file that <paramref name="open"/> streams (each call a new readable, seekable stream, e.g.
    /// <see cref="ImportUpload.OpenRead"/>): as <see cref="RunAsync(IImportKind, byte[], string, ImportMapping, bool, Func{int, int, Task}?, CancellationToken)"/>,
    /// without holding the file in memory. All-or-nothing as ever: every row is checked before anything is written.
    /// </summary>
    /// <exception cref="ImportRejectedException">Any error in the file; nothing written.</exception>
    /// <exception cref="ForbiddenException">The user may not import this kind.</exception>
    public async Task<ImportResult> RunAsync(IImportKind kind, Func<Stream> open, string fileName, ImportMapping mapping, bool dryRun,
        Func<int, int, Task>? progress, CancellationToken ct)
    {
        // Traced and counted (issue #11, Diagnostics.IntranetTelemetry); the work itself is RunUntracedAsync.
        using var activity = Diagnostics.IntranetTelemetry.Source.StartActivity("import " + kind.Info.Kind);
        activity?.SetTag("intranet.import.kind", kind.Info.Kind);
        activity?.SetTag("intranet.import.dry_run", dryRun);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var outcome = "failed";
        try
        {
            var result = await RunUntracedAsync(kind, open, fileName, mapping, dryRun, progress, ct);
            outcome = "succeeded";
            activity?.SetTag("intranet.import.rows", result.Rows);
            return result;
        }
        catch (ImportRejectedException)
        {
            outcome = "rejected";
            throw;
        }
        finally
        {
            activity?.SetTag("intranet.import.outcome", outcome);
            if (outcome == "failed") activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error);
            var tags = new System.Diagnostics.TagList { { "kind", kind.Info.Kind }, { "dry_run", dryRun }, { "outcome", outcome } };
            Diagnostics.IntranetTelemetry.Imports.Add(1, tags);
            Diagnostics.IntranetTelemetry.ImportDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
        }
    }

    private async Task<ImportResult> RunUntracedAsync(IImportKind kind, Func<Stream> open, string fileName, ImportMapping mapping, bool dryRun,
        Func<int, int, Task>? progress, CancellationToken ct)
    {
        if (!CanImport(kind.Info)) throw new ForbiddenException($"「{kind.Info.Label}」を取り込む権限がありません。");
        if (mapping.Kind != kind.Info.Kind)
            throw new ImportRejectedException(fileName, [new ImportError(0, "mapping", $"対応付け「{mapping.Name}」は「{mapping.Kind}」用です。")]);
        var problems = mapping.Check(kind.Info.Fields);
        if (problems.Count > 0) throw new ImportRejectedException(fileName, problems.Select(p => new ImportError(0, "mapping", p)).ToList());

        var errors = new ImportErrors();
        var file = TabularFile.Open(open, fileName, mapping.Sheet);
        var mapped = MappedFile.Open(file, mapping, kind.Info.Fields, errors);
        errors.ThrowIfAny(fileName);
        var session = await kind.BeginAsync(new ImportContext(fileName, dryRun, errors, user), ct);
        if (session is IBatchedImportSession batched) return await RunBatchedAsync(kind, batched, open, file, mapping, mapped, errors, dryRun, progress, ct);
        var rows = 0;
        foreach (var row in mapped.Rows())
        {
            if (++rows % 1000 == 0) ct.ThrowIfCancellationRequested();
            if (!row.IsShort) session.Check(row);
        }
        if (rows == 0) errors.Add(mapped.HeaderLine, "ファイル", $"データ行がありません ({mapped.HeaderLine}行目を見出しとして読みました)。");
        else await session.CompleteAsync(ct);
        errors.ThrowIfAny(fileName);

        var writer = Writers.GetOrAdd(kind.Info.Kind, _ => new SemaphoreSlim(1, 1));
        await writer.WaitAsync(ct);
        try
        {
            ImportCounts counts;
            if (dryRun)
            {
                counts = await session.WriteAsync(true, null, ct);
                session.Database.ChangeTracker.Clear();
            }
            else
            {
                var othersPending = kind.Info.Feed is { } feed && await outbox.MarkAsync(feed, ct);
                counts = await WriteAsync(session, progress, ct);
                if (kind.Info.Feed is { } done) await PublishAfterCommitAsync(done, othersPending ? null : session.ChangedFiscalYears, fileName, kind, ct);
            }
            // Rows that changed nothing: already stored as they are, or repeated in the file.
            return new ImportResult(rows, counts.Added, counts.Updated, Math.Max(0, rows - counts.Added - counts.Updated), file.EncodingName, dryRun);
        }
        finally
        {
            writer.Release();
        }
    }

    /// <summary>
    /// The two passes of an <see cref="IBatchedImportSession"/>: check every row, holding at most a batch; then, when no
    /// row was wrong, read the file again and flush batch by batch: a dry run only counts; an import writes in one
    /// transaction (all-or-nothing as ever, with the writer lock held for the second pass only). A unique index refusing
    /// a batch (another process stored the same records meanwhile) rolls the pass back and runs it once more.
    /// </summary>
    private async Task<ImportResult> RunBatchedAsync(IImportKind kind, IBatchedImportSession session, Func<Stream> open, TabularFile file,
        ImportMapping mapping, MappedFile mapped, ImportErrors errors, bool dryRun, Func<int, int, Task>? progress, CancellationToken ct)
    {
        var rows = 0;
        foreach (var row in mapped.Rows())
        {
            if (++rows % 1000 == 0) ct.ThrowIfCancellationRequested();
            if (!row.IsShort) session.Check(row);
            if (session.Pending >= session.BatchSize) session.Discard();
        }
        if (rows == 0) errors.Add(mapped.HeaderLine, "ファイル", $"データ行がありません ({mapped.HeaderLine}行目を見出しとして読みました)。");
        else await session.CompleteAsync(ct);
        errors.ThrowIfAny(file.FileName);
        var db = session.Database;
        if (dryRun)
        {
            var would = await SecondPassAsync(kind, session, open, file, mapping, errors, true, rows, null, ct);
            return new ImportResult(rows, would.Added, would.Updated, Math.Max(0, rows - would.Added - would.Updated), file.EncodingName, true);
        }

        var writer = Writers.GetOrAdd(kind.Info.Kind, _ => new SemaphoreSlim(1, 1));
        await writer.WaitAsync(ct);
        try
        {
            var othersPending = kind.Info.Feed is { } feed && await outbox.MarkAsync(feed, ct);
            ImportCounts counts;
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await using var tx = await db.Database.BeginTransactionAsync(ct);
                    counts = await SecondPassAsync(kind, session, open, file, mapping, errors, false, rows, progress, ct);
                    await tx.CommitAsync(ct);
                    break;
                }
                catch (DbUpdateException) when (attempt == 1)
                {
                    db.ChangeTracker.Clear();
                }
            }
            if (kind.Info.Feed is { } done) await PublishAfterCommitAsync(done, othersPending ? null : session.ChangedFiscalYears, file.FileName, kind, ct);
            return new ImportResult(rows, counts.Added, counts.Updated, Math.Max(0, rows - counts.Added - counts.Updated), file.EncodingName, false);
        }
        finally
        {
            writer.Release();
        }
    }

    /// <summary>Reads the file again and flushes the session batch by batch (written, or counted when <paramref name="dryRun"/>).</summary>
    /// <exception cref="ImportRejectedException">A row became wrong since the first pass (e.g. a person left the roster meanwhile).</exception>
    private static async Task<ImportCounts> SecondPassAsync(IImportKind kind, IBatchedImportSession session, Func<Stream> open, TabularFile file,
        ImportMapping mapping, ImportErrors errors, bool dryRun, int rows, Func<int, int, Task>? progress, CancellationToken ct)
    {
        session.BeginSecondPass();
        var counts = new ImportCounts(0, 0);
        var read = 0;
        var again = TabularFile.Open(open, file.FileName, file.SheetName);
        foreach (var row in MappedFile.Open(again, mapping, kind.Info.Fields, errors).Rows())
        {
            read++;
            if (!row.IsShort) session.Check(row);
            if (errors.Total > 0) break;
            if (session.Pending < session.BatchSize) continue;
            counts = Add(counts, await session.FlushAsync(dryRun, ct));
            session.Database.ChangeTracker.Clear();
            if (progress is not null) await progress(read, rows);
        }
        errors.ThrowIfAny(file.FileName);
        counts = Add(counts, await session.FlushAsync(dryRun, ct));
        session.Database.ChangeTracker.Clear();
        await session.FinishAsync(dryRun, ct);
        session.Database.ChangeTracker.Clear();
        if (progress is not null) await progress(rows, rows);
        return counts;
    }

    private async Task PublishAfterCommitAsync(string feed, IReadOnlyCollection<int>? years, string fileName, IImportKind kind, CancellationToken ct)
    {
        try
        {
            await outbox.PublishAsync(feed, years, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The rows are committed: the import succeeded. The feed stays marked, so the next start (or the
            // nightly recompute) reports it; the user must not be told that nothing was written.
            logger.LogError(e, "Import of {File} ({Kind}) committed but the {Feed} feed could not report to the plan; it stays pending",
                fileName, kind.Info.Kind, feed);
        }
    }

    private static ImportCounts Add(ImportCounts a, ImportCounts b) => new(a.Added + b.Added, a.Updated + b.Updated);

    private static async Task<ImportCounts> WriteAsync(IImportSession session, Func<int, int, Task>? progress, CancellationToken ct)
    {
        var db = session.Database;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                var counts = await session.WriteAsync(false, progress, ct);
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
                db.ChangeTracker.Clear();
                return counts;
            }
            catch (DbUpdateException) when (attempt == 1)
            {
                // Another process (the command line, a second host, a form) stored some of the same records meanwhile:
                // a unique index refused them and the transaction rolled back. Read the new state and apply once more.
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>Saves <paramref name="preset"/> unless its kind already has a mapping of that name (kept as the city edited it); true when saved.</summary>
    /// <exception cref="ImportRejectedException">As <see cref="SaveMappingAsync"/>.</exception>
    public async Task<bool> InstallPresetAsync(ImportMapping preset, CancellationToken ct)
    {
        if (await store.Mappings.AnyAsync(m => m.Kind == preset.Kind && m.Name == preset.Name, ct)) return false;
        await SaveMappingAsync(preset, ct);
        return true;
    }

    /// <summary>Saves <paramref name="mapping"/> under its kind and name (replacing one of the same name).</summary>
    /// <exception cref="ImportRejectedException">Unknown kind, the reserved name, or problems from <see cref="ImportMapping.Check"/>.</exception>
    public async Task SaveMappingAsync(ImportMapping mapping, CancellationToken ct)
    {
        var kind = Find(mapping.Kind)
            ?? throw new ImportRejectedException(mapping.Name, [new ImportError(0, "kind", $"取込の種類「{mapping.Kind}」はありません (種類: {string.Join("、", Kinds.Select(k => k.Info.Kind))})。")]);
        var problems = new List<string>(mapping.Check(kind.Info.Fields));
        if (mapping.Name == ImportMapping.NativeName) problems.Add($"名前「{ImportMapping.NativeName}」は標準の形式のために予約されています。");
        if (mapping.Name.Length is 0 or > 100) problems.Add("名前は1〜100文字で指定してください。");
        if (problems.Count > 0) throw new ImportRejectedException(mapping.Name, problems.Select(p => new ImportError(0, "mapping", p)).ToList());
        var row = await store.Mappings.SingleOrDefaultAsync(m => m.Kind == mapping.Kind && m.Name == mapping.Name, ct);
        if (row is null) store.Mappings.Add(row = new SavedMapping { Kind = mapping.Kind, Name = mapping.Name });
        (row.Json, row.UpdatedBy, row.UpdatedAt) = (mapping.ToJson(), user.Name, clock.GetUtcNow());
        await store.SaveChangesAsync(ct);
    }
}

/// <summary>
/// Reports a module's figures to the plan after an import so that a crash cannot leave the plan stale: the feed is
/// marked pending before the import's transaction, published after its commit and then unmarked; a feed still
/// marked at start-up (the process died in between) is published by <see cref="FeedOutboxReplay"/>.
/// </summary>
public sealed class FeedOutbox(ImportDbContext store, IEnumerable<ModuleFeed> feeds, IServiceProvider services, TimeProvider clock)
{
    /// <summary>
    /// Marks <paramref name="feed"/> pending. Returns true when it already was: an earlier import's report may be
    /// outstanding (its process died, or another host's import runs), so the next publish must report every year.
    /// </summary>
    public async Task<bool> MarkAsync(string feed, CancellationToken ct)
    {
        if (await store.PendingFeeds.AnyAsync(f => f.Feed == feed, ct)) return true;
        var mark = new PendingFeed { Feed = feed, Since = clock.GetUtcNow() };
        store.PendingFeeds.Add(mark);
        try
        {
            await store.SaveChangesAsync(ct);
            return false;
        }
        catch (DbUpdateException)
        {
            return true;   // another import marked it meanwhile
        }
        finally
        {
            store.Entry(mark).State = EntityState.Detached;   // removed by a bulk delete after the report
        }
    }

    /// <summary>Publishes <paramref name="feed"/> (every year) and unmarks it.</summary>
    /// <exception cref="InvalidOperationException">No feed of that name is registered.</exception>
    public Task PublishAsync(string feed, CancellationToken ct) => PublishAsync(feed, null, ct);

    /// <summary>
    /// Publishes <paramref name="feed"/> and unmarks it: only <paramref name="years"/> (fiscal start years; none when empty)
    /// when the write is known to change no other year and the feed can report years (<see cref="ModuleFeed.PublishYears"/>),
    /// else every year.
    /// </summary>
    /// <exception cref="InvalidOperationException">No feed of that name is registered.</exception>
    public async Task PublishAsync(string feed, IReadOnlyCollection<int>? years, CancellationToken ct)
    {
        var module = feeds.FirstOrDefault(f => f.Name == feed) ?? throw new InvalidOperationException($"No feed named {feed}.");
        if (years is not null && module.PublishYears is { } publishYears)
        {
            if (years.Count > 0) await publishYears(services, years, ct);
        }
        else
        {
            await module.Publish(services, ct);
        }
        await store.PendingFeeds.Where(f => f.Feed == feed).ExecuteDeleteAsync(ct);
    }

    /// <summary>Publishes every pending feed; returns their names.</summary>
    public async Task<IReadOnlyList<string>> PublishPendingAsync(CancellationToken ct)
    {
        var pending = await store.PendingFeeds.AsNoTracking().Select(f => f.Feed).ToListAsync(ct);
        foreach (var feed in pending.Where(p => feeds.Any(f => f.Name == p))) await PublishAsync(feed, ct);
        return pending;
    }
}

/// <summary>At start-up, completes the reports of imports whose process died between commit and report.</summary>
public sealed class FeedOutboxReplay(IServiceScopeFactory scopes, ILogger<FeedOutboxReplay> logger) : IHostedService
{
    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var scope = scopes.CreateScope();
            var done = await scope.ServiceProvider.GetRequiredService<FeedOutbox>().PublishPendingAsync(cancellationToken);
            if (done.Count > 0) logger.LogInformation("Reported pending feeds to the plan: {Feeds}", string.Join(", ", done));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Could not report pending feeds; the nightly recompute will");
        }
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
