using Microsoft.AspNetCore.Components.Forms;

namespace Intranet.Host.Imports;

/// <summary>Reading a file chosen in an import page's <see cref="InputFile"/> into memory, with progress.</summary>
public static class Uploads
{
    /// <summary>Largest accepted file on the import and mapping pages (bytes): 50 MB.</summary>
    public const long MaxFileSize = 50L * 1024 * 1024;

    /// <summary>The message for a file over <see cref="MaxFileSize"/>.</summary>
    public const string TooLarge = "ファイルが大きすぎます (50 MB まで)。";

    /// <summary>Reads <paramref name="file"/> in 256 KB chunks, reporting the percentage read after each.</summary>
    /// <exception cref="IOException">The browser stopped sending or the file exceeds <see cref="MaxFileSize"/>.</exception>
    public static async Task<byte[]> ReadAsync(IBrowserFile file, Func<double, Task> progress, CancellationToken ct = default)
    {
        await using var stream = file.OpenReadStream(MaxFileSize, ct);
        using var buffer = new MemoryStream((int)Math.Min(file.Size, MaxFileSize));
        var chunk = new byte[256 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            await progress(file.Size == 0 ? 100 : Math.Round(100.0 * buffer.Length / file.Size, 0));
        }
        return buffer.ToArray();
    }
}
