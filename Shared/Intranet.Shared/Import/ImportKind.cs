using Intranet.Shared.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Intranet.Shared.Import;

/// <summary>What an import kind is, for pages, templates, the command line and the mapping page.</summary>
/// <param name="Kind">Name on the command line and in URLs (<c>telework-days</c>).</param>
/// <param name="Label">Japanese name (「テレワーク実施日」).</param>
/// <param name="Module">The module's display name (「テレワーク」).</param>
/// <param name="Description">One Japanese sentence: what the file holds and how rows are matched (upsert key).</param>
/// <param name="Fields">The fields, in template order.</param>
/// <param name="Feed">The <see cref="ModuleFeed.Name"/> to report to the plan after a write; null when the kind feeds nothing.</param>
/// <param name="Roles">Roles that may import this kind (the command line and jobs always may).</param>
/// <param name="ReturnUrl">The module page the import belongs to (for links back).</param>
public sealed record ImportKindInfo(string Kind, string Label, string Module, string Description, IReadOnlyList<ImportField> Fields,
    string? Feed, IReadOnlyList<string> Roles, string ReturnUrl)
{
    /// <summary>The field named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such field.</exception>
    public ImportField Field(string name) => Fields.FirstOrDefault(f => f.Name == name) ?? throw new KeyNotFoundException(name);
}

/// <summary>
/// How many records an import adds and updates. Rows that change nothing (already stored as they are, or repeated in
/// the file) are derived by the pipeline: rows − added − updated.
/// </summary>
public sealed record ImportCounts(int Added, int Updated);

/// <summary>
/// One kind of file a module imports through the shared <see cref="ImportPipeline"/>: the module says which fields it
/// has and how a row is checked and written; the pipeline reads the file, applies the mapping, counts every error,
/// writes in one transaction and reports to the plan. Register with <see cref="ImportRegistration.AddImportKind{TKind}"/>.
/// </summary>
public interface IImportKind
{
    /// <summary>What the kind is.</summary>
    ImportKindInfo Info { get; }

    /// <summary>Starts one import: loads what the rows are checked against (the roster, the cases …).</summary>
    Task<IImportSession> BeginAsync(ImportContext context, CancellationToken cancellationToken);
}

/// <summary>The run an <see cref="IImportSession"/> belongs to.</summary>
/// <param name="FileName">The file, for sources and messages.</param>
/// <param name="DryRun">Check only.</param>
/// <param name="Errors">Where row errors go (also through <see cref="ImportRow.Error"/>).</param>
/// <param name="User">Who imports (department checks).</param>
public sealed record ImportContext(string FileName, bool DryRun, ImportErrors Errors, ICurrentUser User);

/// <summary>One import of one file. The pipeline calls <see cref="Check"/> for every row, then <see cref="CompleteAsync"/>, and
/// when no error was recorded <see cref="WriteAsync"/> inside a transaction on <see cref="Database"/>.</summary>
public interface IImportSession
{
    /// <summary>The module's context the rows are written to; the pipeline opens the transaction on it.</summary>
    DbContext Database { get; }

    /// <summary>Reads and checks one row with the domain's rules, recording errors on the row; keeps what it will write.</summary>
    void Check(ImportRow row);

    /// <summary>Checks across rows after the last one (duplicates, status order …). Default: none.</summary>
    Task CompleteAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Writes what the rows hold (or, when <paramref name="dryRun"/>, only counts what would change). Must be callable
    /// twice: after a <see cref="DbUpdateException"/> (another process stored the same records meanwhile) the pipeline
    /// clears the context and calls it once more, so it builds fresh entities from the state it reads.
    /// </summary>
    /// <param name="dryRun">Count only; write nothing.</param>
    /// <param name="progress">Records written, records to write.</param>
    /// <param name="cancellationToken">Cancels the write (the transaction rolls back).</param>
    Task<ImportCounts> WriteAsync(bool dryRun, Func<int, int, Task>? progress, CancellationToken cancellationToken);

    /// <summary>
    /// After a committed import: the fiscal years (the calendar year each starts in, April) whose figures the written rows
    /// can change, so that the feed reports only those (<see cref="ModuleFeed.PublishYears"/>); empty when nothing was
    /// written; null (the default) when any year may have changed, and the feed reports every year.
    /// </summary>
    IReadOnlyCollection<int>? ChangedFiscalYears => null;
}

/// <summary>
/// An <see cref="IImportSession"/> for files of millions of rows (issue #12), which keeps at most about
/// <see cref="BatchSize"/> pending rows. The pipeline reads such a file twice with the same session: first it checks
/// every row (<see cref="Discard"/>ing each full batch), so that errors are found before anything is written; then,
/// after <see cref="BeginSecondPass"/>, it reads the rows again and <see cref="FlushAsync"/>es each batch, inside one
/// transaction for an import (all-or-nothing as ever) or only counting for a dry run. Neither the file nor its rows are
/// held in memory. The pipeline never calls <see cref="IImportSession.WriteAsync"/> on such a session.
/// <para>A record repeated in the file is one record, the last row winning: what the first pass learns (e.g. the last
/// line of each key) lets the second pass keep only that row, so batches never meet the same record twice.</para>
/// </summary>
public interface IBatchedImportSession : IImportSession
{
    /// <summary>Rows per flush (e.g. 5,000).</summary>
    int BatchSize { get; }

    /// <summary>Rows checked and kept since the last flush or discard.</summary>
    int Pending { get; }

    /// <summary>Forgets the pending rows (first pass).</summary>
    void Discard();

    /// <summary>
    /// The rows come again from the first: forget pending rows and anything a write attempt left (the pipeline calls it
    /// again when it retries the pass), keep what the first pass learned.
    /// </summary>
    void BeginSecondPass();

    /// <summary>
    /// Writes the pending rows (or, when <paramref name="dryRun"/>, only counts what would change) inside the pipeline's
    /// transaction and forgets them.
    /// </summary>
    /// <exception cref="DbUpdateException">Another process stored the same records meanwhile; the pipeline runs the second pass again once.</exception>
    Task<ImportCounts> FlushAsync(bool dryRun, CancellationToken cancellationToken);

    /// <summary>
    /// After the last flush of the second pass, still inside the pipeline's transaction: writes what the session summed over
    /// every batch (e.g. the month tallies of the days it wrote), once. Default: nothing.
    /// </summary>
    Task FinishAsync(bool dryRun, CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>
/// A module's figures reported to the plan (e.g. <c>TeleworkFeed.PublishAsync</c>): recomputed from the module's data,
/// so publishing twice does no harm. The import pipeline publishes through <see cref="FeedOutbox"/> so a crash between
/// commit and report is completed at the next start.
/// </summary>
/// <param name="Name">The feed's name (<c>telework</c>).</param>
/// <param name="Publish">Recomputes and reports every year.</param>
/// <param name="PublishYears">Recomputes and reports the given fiscal years only (start years), for writes known to
/// change no other year (<see cref="IImportSession.ChangedFiscalYears"/>): a new day in a drop folder costs one year's
/// figures, not every year's (issue #12). Null: the feed always reports every year.</param>
public sealed record ModuleFeed(string Name, Func<IServiceProvider, CancellationToken, Task> Publish,
    Func<IServiceProvider, IReadOnlyCollection<int>, CancellationToken, Task>? PublishYears = null);

/// <summary>Registration of import kinds and feeds.</summary>
public static class ImportRegistration
{
    /// <summary>Registers an import kind (scoped: it may use the module's DbContext).</summary>
    public static IServiceCollection AddImportKind<TKind>(this IServiceCollection services) where TKind : class, IImportKind =>
        services.AddScoped<IImportKind, TKind>();

    /// <summary>Registers a module's feed under <paramref name="name"/> (<see cref="ModuleFeed"/>).</summary>
    public static IServiceCollection AddModuleFeed(this IServiceCollection services, string name, Func<IServiceProvider, CancellationToken, Task> publish,
        Func<IServiceProvider, IReadOnlyCollection<int>, CancellationToken, Task>? publishYears = null) =>
        services.AddSingleton(new ModuleFeed(name, publish, publishYears));
}

/// <summary>Registration of the import pipeline itself (the host calls it once).</summary>
public static class ImportPipelineRegistration
{
    /// <summary>
    /// Registers the pipeline, its tables (schema <c>imports</c>), the feed outbox with its start-up replay, and the one
    /// background runner.
    /// </summary>
    public static IServiceCollection AddImportPipeline(this IServiceCollection services)
    {
        Intranet.Shared.Persistence.IntranetDatabase.AddModuleDbContext<Data.ImportDbContext>(services, Data.ImportDbContext.SchemaName);
        services.AddScoped<ImportPipeline>();
        services.AddSingleton<SampleImports>();
        services.AddScoped<FeedOutbox>();
        services.AddHostedService<FeedOutboxReplay>();
        services.AddSingleton<ImportJobRunner>();
        services.AddHostedService(sp => sp.GetRequiredService<ImportJobRunner>());
        return services;
    }
}
