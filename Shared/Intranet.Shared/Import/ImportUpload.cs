namespace Intranet.Shared.Import;

/// <summary>
/// An uploaded file kept on disk while it is checked and queued, instead of in memory: written in 256 KB chunks to the
/// data folder's temporary folder (<c>{data}/tmp/uploads</c>, folder 0700, file 0600 on Linux), read back as a stream by
/// the import pipeline, and deleted when disposed. The size limit is enforced while copying, so a larger file never fills
/// the disk or memory.
/// </summary>
public sealed class ImportUpload : IDisposable
{
    /// <summary>Largest accepted upload on the import and mapping pages (bytes): 50 MB.</summary>
    public const long MaxFileSize = 50L * 1024 * 1024;

    /// <summary>The message for a file over <see cref="MaxFileSize"/>.</summary>
    public const string TooLarge = "ファイルが大きすぎます (50 MB まで)。";

    private ImportUpload(string path, string fileName, long length) => (Path, FileName, Length) = (path, fileName, length);

    /// <summary>Where the file is (inside <see cref="TempDirectory"/>).</summary>
    public string Path { get; }

    /// <summary>The name the user's file had (for messages and the job).</summary>
    public string FileName { get; }

    /// <summary>Size in bytes.</summary>
    public long Length { get; }

    /// <summary>The uploads' temporary folder under <paramref name="dataDirectory"/>.</summary>
    public static string TempDirectory(string dataDirectory) => System.IO.Path.Combine(dataDirectory, "tmp", "uploads");

    /// <summary>
    /// Copies <paramref name="source"/> into a new file in <paramref name="directory"/> (created 0700), in 256 KB chunks,
    /// reporting the bytes copied after each.
    /// </summary>
    /// <exception cref="UploadTooLargeException">More than <paramref name="maxBytes"/> bytes; the partial file is deleted.</exception>
    /// <exception cref="IOException">The source stopped (e.g. the browser disconnected); the partial file is deleted.</exception>
    public static async Task<ImportUpload> SaveAsync(Stream source, string fileName, string directory, long maxBytes = MaxFileSize,
        Func<long, Task>? progress = null, CancellationToken ct = default)
    {
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(directory);
        else Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var path = System.IO.Path.Combine(directory, Guid.NewGuid().ToString("N") + ".upload");
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 0, Options = FileOptions.Asynchronous,
        };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        long length = 0;
        try
        {
            await using (var target = new FileStream(path, options))
            {
                var chunk = new byte[256 * 1024];
                int read;
                while ((read = await source.ReadAsync(chunk, ct)) > 0)
                {
                    length += read;
                    if (length > maxBytes) throw new UploadTooLargeException(maxBytes == MaxFileSize ? TooLarge : $"ファイルが大きすぎます ({maxBytes / 1024 / 1024} MB まで)。");
                    await target.WriteAsync(chunk.AsMemory(0, read), ct);
                    if (progress is not null) await progress(length);
                }
            }
            return new ImportUpload(path, fileName, length);
        }
        catch
        {
            TryDelete(path);
            throw;
        }
    }

    /// <summary>A new read-only stream over the file (each reader opens its own).</summary>
    public Stream OpenRead() => new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.SequentialScan);

    /// <summary>Deletes the file.</summary>
    public void Dispose() => TryDelete(Path);

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}

/// <summary>An upload over the size limit; <see cref="Exception.Message"/> is the Japanese message for the user.</summary>
public sealed class UploadTooLargeException(string message) : IOException(message);

/// <summary>
/// Saves an uploaded file's stream as an <see cref="ImportUpload"/> in the data folder's temporary folder (pages have no
/// access to the data folder; they send this). The caller disposes the result (deletes the file).
/// </summary>
/// <param name="Content">The browser's stream (read once, in chunks).</param>
/// <param name="FileName">The user's file name.</param>
/// <param name="Progress">Bytes copied so far, after each chunk.</param>
/// <exception cref="UploadTooLargeException">More than <see cref="ImportUpload.MaxFileSize"/> bytes (Japanese message).</exception>
public sealed record SaveUpload(Stream Content, string FileName, Func<long, Task>? Progress = null) : MediatR.IRequest<ImportUpload>;

internal sealed class SaveUploadHandler(Persistence.DatabaseSettings settings) : MediatR.IRequestHandler<SaveUpload, ImportUpload>
{
    public Task<ImportUpload> Handle(SaveUpload request, CancellationToken ct) =>
        ImportUpload.SaveAsync(request.Content, request.FileName, ImportUpload.TempDirectory(settings.DataDirectory), ImportUpload.MaxFileSize,
            request.Progress, ct);
}
