namespace Intranet.Shared.Modules;

/// <summary>
/// A file import a module offers on the host's command line as <c>import KIND FILE [--option value …]</c>
/// (e.g. <c>import rpa-runs runs.csv --mapping winactor</c>) and to its own upload page. Imports are
/// all-or-nothing: any bad row rejects the whole file and nothing is written.
/// </summary>
public interface IFileImporter
{
    /// <summary>The kind named on the command line, e.g. <c>rpa-cases</c>.</summary>
    string Kind { get; }

    /// <summary>Japanese description for the usage text.</summary>
    string Description { get; }

    /// <summary>Option names the import accepts (without <c>--</c>), e.g. <c>mapping</c>.</summary>
    IReadOnlyList<string> Options { get; }

    /// <summary>Imports the file (or only checks it when <paramref name="dryRun"/>) and returns a one-line Japanese summary.</summary>
    /// <exception cref="InvalidOperationException">The file was rejected; the message lists every error with line and column.</exception>
    Task<string> ImportAsync(byte[] content, string fileName, IReadOnlyDictionary<string, string> options, bool dryRun,
        Action<int, int>? progress, CancellationToken cancellationToken);
}
