using Intranet.Shared.Import;
using Intranet.Shared.Web;
using Microsoft.AspNetCore.Components.Forms;

namespace Intranet.Host.Imports;

/// <summary>
/// A file chosen in an import page's <see cref="InputFile"/>, streamed to the data folder's temporary folder
/// (<see cref="ImportUpload"/>: 0600, deleted when the page is done with it) with progress, never held whole in memory.
/// </summary>
public static class Uploads
{
    /// <summary>Largest accepted file on the import and mapping pages (bytes): 50 MB.</summary>
    public const long MaxFileSize = ImportUpload.MaxFileSize;

    /// <summary>The message for a file over <see cref="MaxFileSize"/>.</summary>
    public const string TooLarge = ImportUpload.TooLarge;

    /// <summary>Streams <paramref name="file"/> to disk in 256 KB chunks, reporting the percentage read after each.</summary>
    /// <exception cref="UploadTooLargeException">The file exceeds <see cref="MaxFileSize"/> (its message is for the user).</exception>
    /// <exception cref="IOException">The browser stopped sending.</exception>
    public static async Task<ImportUpload> SaveAsync(IBrowserFile file, IUseCases useCases, Func<double, Task> progress, CancellationToken ct = default)
    {
        await using var stream = file.OpenReadStream(MaxFileSize, ct);
        return await useCases.Send(new SaveUpload(stream, file.Name, read => progress(file.Size == 0 ? 100 : Math.Round(100.0 * read / file.Size, 0))), ct);
    }
}
