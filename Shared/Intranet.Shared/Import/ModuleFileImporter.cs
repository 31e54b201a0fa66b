using System.Text.Json;
using Intranet.Shared.Modules;
using Microsoft.Extensions.DependencyInjection;

namespace Intranet.Shared.Import;

/// <summary>Arguments of one import run, as the command line or an upload passes them.</summary>
/// <param name="Services">The scope's services.</param>
/// <param name="Content">The file's bytes.</param>
/// <param name="FileName">Shown in errors.</param>
/// <param name="Options">Options such as <c>mapping</c>.</param>
/// <param name="DryRun">Check only, write nothing.</param>
/// <param name="Progress">Rows written / rows to write.</param>
public sealed record ImportRequest(IServiceProvider Services, byte[] Content, string FileName, IReadOnlyDictionary<string, string> Options,
    bool DryRun, Func<int, int, Task>? Progress);

/// <summary>
/// An <see cref="IFileImporter"/> made of a delegate: how modules offer each of their imports to the command line
/// and the background runner. A rejected file surfaces as <see cref="InvalidOperationException"/> with every error.
/// </summary>
public sealed class ModuleFileImporter(string kind, string description, IReadOnlyList<string> options, Func<ImportRequest, CancellationToken, Task<ImportResult>> run,
    IServiceProvider services) : IFileImporter
{
    /// <inheritdoc />
    public string Kind => kind;

    /// <inheritdoc />
    public string Description => description;

    /// <inheritdoc />
    public IReadOnlyList<string> Options => options;

    /// <inheritdoc />
    public async Task<string> ImportAsync(byte[] content, string fileName, IReadOnlyDictionary<string, string> options, bool dryRun,
        Action<int, int>? progress, CancellationToken cancellationToken)
    {
        try
        {
            var result = await run(new ImportRequest(services, content, fileName, options, dryRun,
                progress is null ? null : (done, total) => { progress(done, total); return Task.CompletedTask; }), cancellationToken);
            return result.ToString();
        }
        catch (ImportRejectedException e)
        {
            throw new InvalidOperationException(e.Message, e);
        }
    }

    /// <summary>Registers an import under <paramref name="kind"/> (scoped, like the importers it calls).</summary>
    public static void Register(IServiceCollection services, string kind, string description, IReadOnlyList<string> options,
        Func<ImportRequest, CancellationToken, Task<ImportResult>> run) =>
        services.AddScoped<IFileImporter>(sp => new ModuleFileImporter(kind, description, options, run, sp));
}

/// <summary>
/// A saved column mapping: which header holds each field of an import, plus fixed values for fields the source
/// does not export. Stored by modules as two JSON objects (field → header, field → value).
/// </summary>
public sealed class ColumnMap
{
    private readonly Dictionary<string, string> _headers;
    private readonly Dictionary<string, string> _defaults;

    private ColumnMap(Dictionary<string, string> headers, Dictionary<string, string> defaults) => (_headers, _defaults) = (headers, defaults);

    /// <summary>The module's own format: every field's header is its name.</summary>
    public static ColumnMap Native(IEnumerable<string> fields) => new(fields.ToDictionary(f => f, f => f), []);

    /// <summary>A saved mapping over <paramref name="fields"/>; fields it does not name keep their own name as header.</summary>
    public static ColumnMap FromJson(IEnumerable<string> fields, string columnsJson, string? defaultsJson)
    {
        var map = Native(fields);
        foreach (var (field, header) in JsonSerializer.Deserialize<Dictionary<string, string>>(columnsJson) ?? []) map._headers[field] = header;
        foreach (var (field, value) in JsonSerializer.Deserialize<Dictionary<string, string>>(defaultsJson ?? "{}") ?? []) map._defaults[field] = value;
        return map;
    }

    /// <summary>The header of <paramref name="field"/> (used in error messages: the user sees their own column name).</summary>
    public string Header(string field) => _headers[field];

    /// <summary>Headers that must be present: those of <paramref name="fields"/> that have no default.</summary>
    public IReadOnlyList<string> RequiredHeaders(IEnumerable<string> fields) => fields.Where(f => !_defaults.ContainsKey(f)).Select(f => _headers[f]).ToList();

    /// <summary>The row's value of <paramref name="field"/>, or the mapping's default when the cell is empty.</summary>
    public string Value(CsvRow row, string field) => row[_headers[field]] is { Length: > 0 } v ? v : _defaults.GetValueOrDefault(field, "");
}
