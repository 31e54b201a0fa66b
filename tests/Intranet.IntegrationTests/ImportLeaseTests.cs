using Intranet.IntegrationTests.Infrastructure;
using Intranet.Modules.Rpa.Jobs;
using Intranet.Shared.Import;
using Intranet.Shared.Import.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using static Intranet.IntegrationTests.RpaTest;

namespace Intranet.IntegrationTests;

/// <summary>
/// Import jobs with several hosts on one database (issue #11): one runner per host process, a lease renewed by the running
/// host, an interrupted job failed once by whichever host sees its expired lease, a live lease never touched; and the
/// RPA drop folder claiming each file before importing it.
/// </summary>
public sealed class ImportLeaseTests
{
    [Fact]
    public async Task Two_hosts_on_one_machine_are_two_runners_and_a_stale_lease_is_failed_once_while_a_live_one_is_never_touched()
    {
        using var a = new IntranetApp(Db.PostgreSql);
        _ = a.Server;
        using var b = IntranetApp.OnSameDatabase(a);
        try
        {
            _ = b.Server;
            var runnerA = a.Services.GetRequiredService<ImportJobRunner>();
            var runnerB = b.Services.GetRequiredService<ImportJobRunner>();
            Assert.NotEqual(runnerA.RunnerId, runnerB.RunnerId);
            Assert.StartsWith(Environment.MachineName + ":", runnerA.RunnerId);

            var now = a.Clock.GetUtcNow();
            var dead = Running("dead-host:1:deadbeef", now - runnerA.LeaseDuration - TimeSpan.FromSeconds(1));
            var live = Running("live-host:2:cafebabe", now - TimeSpan.FromSeconds(3));
            using (var scope = a.Services.CreateScope())
            {
                var store = scope.ServiceProvider.GetRequiredService<ImportDbContext>();
                store.Jobs.AddRange(dead, live);
                store.JobFileChunks.Add(new ImportJobFileChunk { JobId = dead.Id, Number = 0, Content = [1] });
                store.JobFileChunks.Add(new ImportJobFileChunk { JobId = live.Id, Number = 0, Content = [2] });
                await store.SaveChangesAsync();
            }

            // Both hosts look at the same time (their background loops may look too): the dead job is failed exactly once in all.
            var counts = await Task.WhenAll(runnerA.FailInterruptedAsync(CancellationToken.None), runnerB.FailInterruptedAsync(CancellationToken.None),
                runnerA.FailInterruptedAsync(CancellationToken.None), runnerB.FailInterruptedAsync(CancellationToken.None));
            Assert.InRange(counts.Sum(), 0, 1);

            using var check = a.Services.CreateScope();
            var db = check.ServiceProvider.GetRequiredService<ImportDbContext>();
            var failed = await db.Jobs.AsNoTracking().SingleAsync(j => j.Id == dead.Id);
            Assert.Equal((ImportJobState.Failed, ImportJobRunner.InterruptedMessage), (failed.State, failed.Errors));
            Assert.Contains("中断されました", failed.Errors);
            Assert.Contains("もう一度取り込む", failed.Errors);
            Assert.True(await db.JobFileChunks.AnyAsync(f => f.JobId == dead.Id));   // kept: the user can retry it

            var untouched = await db.Jobs.AsNoTracking().SingleAsync(j => j.Id == live.Id);
            Assert.Equal((ImportJobState.Running, live.HeartbeatAt, "live-host:2:cafebabe"), (untouched.State, untouched.HeartbeatAt, untouched.Runner));
            Assert.True(await db.JobFileChunks.AnyAsync(f => f.JobId == live.Id));

            // The live job's host stops renewing: once its lease is older than LeaseDuration, it is failed too.
            a.Clock.Now = now + runnerA.LeaseDuration + TimeSpan.FromSeconds(1);
            Assert.Equal(1, await runnerA.FailInterruptedAsync(CancellationToken.None) + await runnerB.FailInterruptedAsync(CancellationToken.None));
            Assert.Equal(ImportJobState.Failed, (await db.Jobs.AsNoTracking().SingleAsync(j => j.Id == live.Id)).State);
        }
        finally
        {
            b.KeepDataOnDispose = true;
            b.Dispose();
            try { Directory.Delete(b.DataDirectory, recursive: true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task A_job_queued_through_one_host_is_run_by_polling_and_its_progress_and_result_are_visible_from_the_other()
    {
        using var a = new IntranetApp(Db.PostgreSql);
        _ = a.Server;
        using var b = IntranetApp.OnSameDatabase(a);
        try
        {
            _ = b.Server;
            await a.ImportSampleCasesAsync();
            // Queued straight into the table, as a host that died right after the upload would leave it: no host's memory knows it.
            ImportJob job;
            using (var scope = b.Services.CreateScope())
            {
                var pipeline = scope.ServiceProvider.GetRequiredService<ImportPipeline>();
                var kind = pipeline.Find(Intranet.Modules.Rpa.Import.RpaImportKinds.Runs)!;
                var mapping = await pipeline.MappingAsync(kind.Info, ImportMapping.NativeName, "runs.csv", CancellationToken.None);
                job = new ImportJob
                {
                    Kind = kind.Info.Kind, FileName = "runs.csv", MappingName = mapping.Name, MappingJson = mapping.ToJson(), State = ImportJobState.Queued,
                    CreatedBy = "rpa@example.jp", CreatedAt = a.Clock.GetUtcNow(),
                };
                var store = scope.ServiceProvider.GetRequiredService<ImportDbContext>();
                store.Jobs.Add(job);
                store.JobFileChunks.Add(new ImportJobFileChunk { JobId = job.Id, Number = 0, Content = Sample("rpa-runs.csv") });
                await store.SaveChangesAsync();
            }
            ImportJob? done = null;
            for (var i = 0; i < 100 && done?.State is not (ImportJobState.Succeeded or ImportJobState.Failed); i++)
            {
                await Task.Delay(200);
                using var scope = a.Services.CreateScope();
                done = await scope.ServiceProvider.GetRequiredService<ImportDbContext>().Jobs.AsNoTracking().SingleAsync(j => j.Id == job.Id);
            }
            Assert.Equal(ImportJobState.Succeeded, done!.State);
            Assert.Contains(done.Runner, new[] { a.Services.GetRequiredService<ImportJobRunner>().RunnerId, b.Services.GetRequiredService<ImportJobRunner>().RunnerId });
            Assert.True(done.ProgressTotal > 0);
            Assert.Equal(done.ProgressTotal, done.ProgressDone);
        }
        finally
        {
            b.KeepDataOnDispose = true;
            b.Dispose();
            try { Directory.Delete(b.DataDirectory, recursive: true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task Overlapping_drop_folder_runs_import_each_file_once_and_skip_a_file_already_taken()
    {
        using var app = new IntranetApp(Db.Sqlite);
        await app.ImportSampleCasesAsync();
        var folder = Directory.CreateTempSubdirectory("rpa-drop-").FullName;
        try
        {
            for (var i = 1; i <= 4; i++)
                await File.WriteAllBytesAsync(Path.Combine(folder, $"runs-{i}.csv"), Utf8(RunsHeader,
                    $"RPA-001,D-{i:0000},2023-05-0{i} 10:00:00,2023-05-0{i} 11:00:00,success,{10 * i}"));
            var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() =>
                ImportDropFolder.ProcessFolderAsync(app.Services, folder, "rpa-runs", NullLogger.Instance, CancellationToken.None))));
            Assert.Equal(4, results.Sum(r => r.Done));
            Assert.Equal(0, results.Sum(r => r.Failed));
            var reports = Directory.GetFiles(Path.Combine(folder, "done"), "*.report.txt");
            Assert.Equal(4, reports.Length);
            foreach (var report in reports)
                Assert.Contains("追加 1", await File.ReadAllTextAsync(report));   // never a bogus 「追加 0」 for a file taken twice
            Assert.Empty(Directory.GetFiles(folder));
            Assert.Empty(Directory.GetFiles(Path.Combine(folder, ImportDropFolder.ProcessingFolder)));

            // A claim left by a killed run is put back and imported by the next run.
            var stale = Path.Combine(folder, ImportDropFolder.ProcessingFolder, "runs-5.csv");
            await File.WriteAllBytesAsync(stale, Utf8(RunsHeader, "RPA-001,D-0005,2023-05-05 10:00:00,2023-05-05 11:00:00,success,50"));
            File.SetLastWriteTimeUtc(stale, DateTime.UtcNow - ImportDropFolder.StaleClaim - TimeSpan.FromMinutes(1));
            Assert.Equal((1, 0), await ImportDropFolder.ProcessFolderAsync(app.Services, folder, "rpa-runs", NullLogger.Instance, CancellationToken.None));
            Assert.Contains("追加 1", await File.ReadAllTextAsync(Path.Combine(folder, "done", "runs-5.csv.report.txt")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static ImportJob Running(string runner, DateTimeOffset heartbeat) => new()
    {
        Kind = "telework-days", FileName = "days.csv", MappingName = "standard", MappingJson = "{}", State = ImportJobState.Running,
        CreatedBy = "hr@example.jp", CreatedAt = heartbeat, StartedAt = heartbeat, Runner = runner, HeartbeatAt = heartbeat,
    };
}
