using System.Text;
using Intranet.IntegrationTests.Infrastructure;
using Intranet.Modules.Telework.Import;
using Intranet.Shared.Import;
using Intranet.Shared.Import.Data;
using Intranet.Shared.Security;
using Xunit;

namespace Intranet.IntegrationTests;

/// <summary>
/// Uploads are streamed to a temporary file, not buffered whole (issue #11): the page saves the browser's stream to the
/// data folder's temp (0600) through <see cref="ImportUpload"/>, the check reads it as a stream, the size limit is kept
/// with a Japanese message, and the file is deleted afterwards. Behaviour is asserted (rows imported, file removed),
/// not timing or memory.
/// </summary>
public sealed class StreamedUploadTests
{
    /// <summary>A ~30 MB attendance CSV: <paramref name="staff"/> people × <paramref name="days"/> days, each row padded by an unused column.</summary>
    private static string WriteLargeDays(string path, int staff, int days)
    {
        var padding = new string('x', 1000);
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
        writer.Write(TeleworkTest.DaysHeader + ",memo\r\n");
        var start = new DateOnly(2024, 4, 1);
        for (var d = 0; d < days; d++)
            for (var s = 0; s < staff; s++)
                writer.Write($"{TeleworkTest.DayLine($"H8{s:0000}", start.AddDays(d).ToString("yyyy-MM-dd"), fraction: "0.5")},{padding}\r\n");
        return path;
    }

    [Fact]
    public async Task A_30_MB_upload_is_saved_to_a_private_temp_file_checked_as_a_stream_imported_and_removed()
    {
        using var app = new IntranetApp(Db.Sqlite);
        const int staff = 100, days = 300;
        await app.ImportStaffAsync(TeleworkTest.Utf8([TeleworkTest.StaffHeader,
            .. Enumerable.Range(0, staff).Select(s => TeleworkTest.StaffLine($"H8{s:0000}", $"職員{s}", "企画課"))]));
        var source = WriteLargeDays(Path.Combine(app.DataDirectory, "large-days.csv"), staff, days);
        Assert.True(new FileInfo(source).Length > 30_000_000);

        var temp = ImportUpload.TempDirectory(app.DataDirectory);
        ImportUpload upload;
        await using (var stream = File.OpenRead(source))
            upload = await ImportUpload.SaveAsync(stream, "large-days.csv", temp);
        using (upload)
        {
            Assert.StartsWith(temp, upload.Path);
            Assert.Equal(new FileInfo(source).Length, upload.Length);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(upload.Path));
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(temp));
            }
            var check = await app.SendAsAsync(new StartImport(TeleworkImports.Days, [], upload.FileName, null, CheckOnly: true, upload), Roles.HumanResources);
            Assert.Empty(check.Errors);
            Assert.Equal(staff * days, check.Check!.Rows);
            var started = await app.SendAsAsync(new StartImport(TeleworkImports.Days, [], upload.FileName, null, CheckOnly: false, upload), Roles.HumanResources);
            var id = Assert.IsType<Guid>(started.JobId);
            ImportJobView? job = null;
            for (var i = 0; i < 1200 && job?.State is not (ImportJobState.Succeeded or ImportJobState.Failed); i++)
            {
                await Task.Delay(100);
                job = await app.SendAsAsync(new GetImportJob(id), Roles.HumanResources);
            }
            Assert.Equal(ImportJobState.Succeeded, job!.State);
            Assert.Equal(staff * days, job.Rows);
        }
        Assert.False(File.Exists(upload.Path));
        Assert.Equal(staff * days, (await app.TeleworkCountsAsync()).Days);
    }

    [Fact]
    public async Task An_upload_over_the_limit_is_refused_in_Japanese_and_leaves_no_file()
    {
        var dir = Directory.CreateTempSubdirectory("intranet-upload-").FullName;
        try
        {
            using var source = new MemoryStream(new byte[3 * 1024 * 1024]);
            var e = await Assert.ThrowsAsync<UploadTooLargeException>(() => ImportUpload.SaveAsync(source, "big.csv", dir, maxBytes: 1024 * 1024));
            Assert.Equal("ファイルが大きすぎます (1 MB まで)。", e.Message);
            Assert.Empty(Directory.GetFiles(dir));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task A_streamed_file_is_read_like_the_same_bytes_utf8_shift_jis_and_xlsx()
    {
        var dir = Directory.CreateTempSubdirectory("intranet-upload-").FullName;
        try
        {
            foreach (var (name, bytes) in new[]
                     {
                         ("utf8.csv", TeleworkTest.Utf8("a,b", "1,日本")), ("sjis.csv", TeleworkTest.Sjis("a,b", "1,日本")),
                         ("bom.csv", Encoding.UTF8.GetPreamble().Concat(TeleworkTest.Utf8("a,b", "1,日本")).ToArray()),
                         ("t.xlsx", Intranet.Shared.Export.TableExport.ToXlsx(new Intranet.Shared.Export.ExportTable("s", ["a", "b"], [[1, "日本"]]))),
                     })
            {
                using var upload = await ImportUpload.SaveAsync(new MemoryStream(bytes), name, dir);
                var streamed = TabularFile.Open(upload.OpenRead, name);
                var buffered = TabularFile.Open(bytes, name);
                Assert.Equal(buffered.EncodingName, streamed.EncodingName);
                Assert.Equal(buffered.Rows().Select(r => string.Join("|", r.Cells)), streamed.Rows().Select(r => string.Join("|", r.Cells)));
            }
            using var binary = await ImportUpload.SaveAsync(new MemoryStream([1, 0, 2]), "bin.csv", dir);
            Assert.Throws<ImportRejectedException>(() => TabularFile.Open(binary.OpenRead, "bin.csv"));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
