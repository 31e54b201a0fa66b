using System.Text;
using Intranet.IntegrationTests.Infrastructure;
using Intranet.Modules.Telework.Import;
using Intranet.Shared.Import;
using Intranet.Shared.Import.Data;
using Intranet.Shared.Messaging;
using Intranet.Shared.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace Intranet.IntegrationTests;

/// <summary>
/// A queued import's file is kept in the database in parts of <see cref="ImportJobRunner.ChunkSize"/> (issue #11: uploads
/// streamed, not buffered whole; several hosts share the file), read back in order, and — when a host's stop or an
/// unexpected error interrupts the import — kept so the user can run it again once, without uploading it again, until
/// <see cref="ImportJobRunner.FileRetention"/> has passed.
/// </summary>
public sealed class ImportJobFileTests
{
    private const int Staff = 40;

    /// <summary>An attendance CSV of about 2.6 MB (three parts): <see cref="Staff"/> people × 65 days, rows padded by an unused column.</summary>
    private static byte[] LargeDays()
    {
        var padding = new string('x', 1000);
        var text = new StringBuilder(TeleworkTest.DaysHeader + ",memo\r\n");
        var start = new DateOnly(2024, 4, 1);
        for (var d = 0; d < 65; d++)
            for (var s = 0; s < Staff; s++)
                text.Append(TeleworkTest.DayLine($"H7{s:0000}", start.AddDays(d).ToString("yyyy-MM-dd"), fraction: "0.5")).Append(',').Append(padding).Append("\r\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static Task ImportStaffAsync(IntranetApp app) => app.ImportStaffAsync(TeleworkTest.Utf8([TeleworkTest.StaffHeader,
        .. Enumerable.Range(0, Staff).Select(s => TeleworkTest.StaffLine($"H7{s:0000}", $"職員{s}", "企画課"))]));

    private static async Task<ImportJobView> WaitForEndAsync(IntranetApp app, Guid id)
    {
        ImportJobView? job = null;
        for (var i = 0; i < 600 && job?.State is not (ImportJobState.Succeeded or ImportJobState.Failed); i++)
        {
            await Task.Delay(100);
            job = await app.SendAsAsync(new GetImportJob(id), Roles.HumanResources);
        }
        return job!;
    }

    private static async Task<int> PartsAsync(IntranetApp app, Guid job)
    {
        using var scope = app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<ImportDbContext>().JobFileChunks.CountAsync(c => c.JobId == job);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task A_file_is_stored_in_1_MiB_parts_and_a_queued_multi_part_file_is_imported_whole(Db db)
    {
        using var app = new IntranetApp(db);
        await ImportStaffAsync(app);
        var bytes = LargeDays();
        Assert.InRange(bytes.Length, 2 * ImportJobRunner.ChunkSize + 1, 3 * ImportJobRunner.ChunkSize);

        // How a file is stored: parts of exactly ChunkSize bytes, the last one shorter, numbered from 0, the bytes unchanged.
        var probe = Guid.NewGuid();
        using (var scope = app.Services.CreateScope())
        {
            var store = scope.ServiceProvider.GetRequiredService<ImportDbContext>();
            await ImportJobRunner.StoreFileAsync(store, probe, new MemoryStream(bytes), CancellationToken.None);
            var parts = await store.JobFileChunks.AsNoTracking().Where(c => c.JobId == probe).OrderBy(c => c.Number).ToListAsync();
            Assert.Equal([0, 1, 2], parts.Select(p => p.Number));
            Assert.Equal([ImportJobRunner.ChunkSize, ImportJobRunner.ChunkSize, bytes.Length - 2 * ImportJobRunner.ChunkSize], parts.Select(p => p.Content.Length));
            Assert.Equal(bytes, parts.SelectMany(p => p.Content).ToArray());
            await store.JobFileChunks.Where(c => c.JobId == probe).ExecuteDeleteAsync();

            // An empty file is one empty part (the job still has a file: the import says what is wrong with it).
            await ImportJobRunner.StoreFileAsync(store, probe, new MemoryStream(), CancellationToken.None);
            Assert.Equal([0], await store.JobFileChunks.Where(c => c.JobId == probe).Select(c => c.Content.Length).ToListAsync());
            await store.JobFileChunks.Where(c => c.JobId == probe).ExecuteDeleteAsync();
        }

        // Uploaded through the page's use case: checked, stored in parts, read back in order by the runner, imported whole.
        var started = await app.SendAsAsync(new StartImport(TeleworkImports.Days, bytes, "large-days.csv", null, CheckOnly: false), Roles.HumanResources);
        var job = await WaitForEndAsync(app, Assert.IsType<Guid>(started.JobId));
        Assert.True(job.State == ImportJobState.Succeeded, string.Join("\n", job.Errors));
        Assert.Equal(Staff * 65, job.Rows);
        Assert.Equal(Staff * 65, (await app.TeleworkCountsAsync()).Days);
        Assert.Equal(0, await PartsAsync(app, job.Id));   // a finished job's file is not kept
        Assert.False(job.CanRetry);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task An_interrupted_import_keeps_its_file_and_is_retried_once_by_its_owner_without_uploading_again(Db db)
    {
        using var app = new IntranetApp(db);
        await ImportStaffAsync(app);
        var bytes = LargeDays();
        var runner = app.Services.GetRequiredService<ImportJobRunner>();
        var owner = "humanresources@example.jp";   // the actor SendAsAsync uses for the role

        // What a host killed while importing leaves: its job running under its runner id with a lease nobody renews,
        // and the file's parts (stored here in reverse order: the runner must read them by number, not as stored).
        var dead = await StoreJobAsync(app, "large-days.csv", owner, bytes, reverse: true, job =>
        {
            (job.State, job.StartedAt, job.Runner) = (ImportJobState.Running, app.Clock.GetUtcNow(), "dead-host:1:deadbeef");
            job.HeartbeatAt = app.Clock.GetUtcNow() - runner.LeaseDuration - TimeSpan.FromSeconds(1);
        });
        await runner.FailInterruptedAsync(CancellationToken.None);

        var failed = await WaitForEndAsync(app, dead);
        Assert.Equal(ImportJobState.Failed, failed.State);
        Assert.Contains("中断されました", string.Join("\n", failed.Errors));
        Assert.True(failed.CanRetry);
        Assert.Equal(3, await PartsAsync(app, dead));
        Assert.Equal(0, (await app.TeleworkCountsAsync()).Days);

        // Someone else's job is not theirs to retry (not even visible); the owner's retry runs the kept file to the end.
        await Assert.ThrowsAsync<NotFoundException>(() => app.SendAsAsync(new RetryImportJob(dead), Roles.HumanResources, email: "other-hr@example.jp"));
        var retry = await app.SendAsAsync(new RetryImportJob(dead), Roles.HumanResources);
        Assert.NotEqual(dead, retry);
        var done = await WaitForEndAsync(app, retry);
        Assert.True(done.State == ImportJobState.Succeeded, string.Join("\n", done.Errors));
        Assert.Equal((Staff * 65, "large-days.csv", owner), (done.Rows, done.FileName, done.CreatedBy));
        Assert.Equal(Staff * 65, (await app.TeleworkCountsAsync()).Days);

        // The failed job keeps its history, points to its retry and cannot be retried again; no file is left behind.
        var history = await app.SendAsAsync(new GetImportJob(dead), Roles.HumanResources);
        Assert.Equal((ImportJobState.Failed, retry, false), (history!.State, history.RetriedAs, history.CanRetry));
        var again = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => app.SendAsAsync(new RetryImportJob(dead), Roles.HumanResources));
        Assert.Contains("すでにもう一度取り込まれた", again.Message);
        Assert.Equal(0, await PartsAsync(app, dead) + await PartsAsync(app, retry));

        // The button pressed four times at once (two tabs, two hosts): exactly one retry.
        var second = await FailedWithFileAsync(app, owner, bytes);
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            try { return (Guid?)await app.SendAsAsync(new RetryImportJob(second), Roles.HumanResources); }
            catch (ConcurrencyConflictException) { return null; }
        })));
        Assert.Single(outcomes, o => o is not null);
        Assert.Equal(ImportJobState.Succeeded, (await WaitForEndAsync(app, outcomes.Single(o => o is not null)!.Value)).State);
    }

    /// <summary>A job of <paramref name="owner"/> that failed unexpectedly, with its file kept (as the runner leaves it).</summary>
    private static Task<Guid> FailedWithFileAsync(IntranetApp app, string owner, byte[] bytes) =>
        StoreJobAsync(app, "days.csv", owner, bytes, reverse: false, job =>
            (job.State, job.Errors, job.FinishedAt) = (ImportJobState.Failed, ImportJobRunner.UnexpectedMessage, app.Clock.GetUtcNow()));

    /// <summary>
    /// Stores a telework-days job of <paramref name="owner"/> in the standard format, in the state <paramref name="shape"/>
    /// gives it, with <paramref name="bytes"/> as its file in parts of <see cref="ImportJobRunner.ChunkSize"/> (numbered in file
    /// order; inserted in reverse when <paramref name="reverse"/>, so a reader must order them by number).
    /// </summary>
    private static async Task<Guid> StoreJobAsync(IntranetApp app, string fileName, string owner, byte[] bytes, bool reverse, Action<ImportJob> shape)
    {
        using var scope = app.Services.CreateScope();
        var pipeline = scope.ServiceProvider.GetRequiredService<ImportPipeline>();
        var mapping = ImportMapping.Native(TeleworkImports.Days, pipeline.Find(TeleworkImports.Days)!.Info.Fields);
        var job = new ImportJob
        {
            Kind = TeleworkImports.Days, FileName = fileName, MappingName = mapping.Name, MappingJson = mapping.ToJson(),
            CreatedBy = owner, CreatedAt = app.Clock.GetUtcNow(),
        };
        shape(job);
        var parts = bytes.Chunk(ImportJobRunner.ChunkSize).Select((c, i) => new ImportJobFileChunk { JobId = job.Id, Number = i, Content = c }).ToList();
        if (bytes.Length == 0) parts.Add(new ImportJobFileChunk { JobId = job.Id, Number = 0, Content = [] });
        if (reverse) parts.Reverse();
        var store = scope.ServiceProvider.GetRequiredService<ImportDbContext>();
        store.Jobs.Add(job);
        store.JobFileChunks.AddRange(parts);
        await store.SaveChangesAsync();
        return job.Id;
    }

    [Fact]
    public async Task A_kept_file_is_deleted_once_its_retention_has_passed_and_the_job_then_says_to_upload_again()
    {
        using var app = new IntranetApp(Db.Sqlite);
        var runner = app.Services.GetRequiredService<ImportJobRunner>();
        var job = await FailedWithFileAsync(app, "humanresources@example.jp", Encoding.UTF8.GetBytes(TeleworkTest.DaysHeader + "\r\n"));

        Assert.Equal(0, await runner.DeleteExpiredFilesAsync(CancellationToken.None));
        Assert.True((await app.SendAsAsync(new GetImportJob(job), Roles.HumanResources))!.CanRetry);

        app.Clock.Now += runner.FileRetention + TimeSpan.FromMinutes(1);
        Assert.Equal(1, await runner.DeleteExpiredFilesAsync(CancellationToken.None));
        Assert.Equal(0, await PartsAsync(app, job));
        Assert.False((await app.SendAsAsync(new GetImportJob(job), Roles.HumanResources))!.CanRetry);
        var e = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => app.SendAsAsync(new RetryImportJob(job), Roles.HumanResources));
        Assert.Contains("保存期間を過ぎたため削除されました", e.Message);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Upgrading_keeps_the_file_of_a_job_queued_before_files_were_stored_in_parts(Db db)
    {
        using var app = new IntranetApp(db);
        _ = app.Server;   // migrated to the latest
        using var scope = app.Services.CreateScope();
        var store = scope.ServiceProvider.GetRequiredService<ImportDbContext>();
        // Back to the schema before 202612030401_Import_JobFileChunks, with a queued job's file in the old one-value table.
        string T(string table) => db == Db.Sqlite ? $"\"imports_{table}\"" : $"\"imports\".\"{table}\"";
        var history = db == Db.Sqlite ? "\"__EFMigrationsHistory_imports\"" : "\"imports\".\"__EFMigrationsHistory\"";
        var job = Guid.NewGuid();
        var blob = db == Db.Sqlite ? "X'010203'" : "'\\x010203'::bytea";
        var guid = db == Db.Sqlite ? $"'{job.ToString().ToUpperInvariant()}'" : $"'{job}'";
        foreach (var sql in new[]
                 {
                     $"DROP TABLE {T("JobFileChunks")}",
                     $"ALTER TABLE {T("Jobs")} DROP COLUMN \"RetriedAs\"",
                     $"CREATE TABLE {T("JobFiles")} (\"JobId\" {(db == Db.Sqlite ? "TEXT" : "uuid")} NOT NULL PRIMARY KEY, \"Content\" {(db == Db.Sqlite ? "BLOB" : "bytea")} NOT NULL)",
                     $"INSERT INTO {T("JobFiles")} (\"JobId\", \"Content\") VALUES ({guid}, {blob})",
                     $"DELETE FROM {history} WHERE \"MigrationId\" = '202612030401_Import_JobFileChunks'",
                 })
            await store.Database.ExecuteSqlRawAsync(sql);

        await store.GetService<IMigrator>().MigrateAsync();

        var parts = await store.JobFileChunks.AsNoTracking().Where(c => c.JobId == job).ToListAsync();
        var part = Assert.Single(parts);
        Assert.Equal(0, part.Number);
        Assert.Equal([1, 2, 3], part.Content);
        Assert.False(await store.Jobs.AnyAsync(j => j.RetriedAs != null));
    }
}
