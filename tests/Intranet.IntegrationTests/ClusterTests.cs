using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Intranet.Host.Infrastructure.Migrations;
using Intranet.IntegrationTests.Infrastructure;
using Intranet.Shared.Security;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Quartz;

namespace Intranet.IntegrationTests;

/// <summary>
/// Several hosts on one database (issue #11): the data-protection key ring is shared, a scheduled job fires on one host
/// only, and <c>/health/ready</c> reports each database context and the scheduler.
/// </summary>
public sealed class ClusterTests
{
    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task An_antiforgery_token_and_a_cookie_of_one_host_are_accepted_by_another_with_its_own_data_folder(Db db)
    {
        using var a = new IntranetApp(db);
        _ = a.Server;
        using var b = IntranetApp.OnSameDatabase(a);
        try
        {
            Assert.NotEqual(a.DataDirectory, b.DataDirectory);
            const string email = "cluster-user@example.jp", password = "test-password-2026";
            await a.CreateUserAsync(email, password, Roles.Administrator);
            var clientA = a.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
            var clientB = b.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

            // The login form (antiforgery cookie + token) comes from host A …
            var form = await clientA.GetAsync("/account/login");
            var antiforgery = Cookies(form);
            var token = HttpClientForms.Token(await form.Content.ReadAsStringAsync());
            // … and is posted to host B, which must accept the token and sign the user in.
            var post = new HttpRequestMessage(HttpMethod.Post, "/account/login")
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["_handler"] = "login", ["__RequestVerificationToken"] = token, ["Input.Email"] = email, ["Input.Password"] = password,
                }),
            };
            post.Headers.Add("Cookie", antiforgery);
            var signedIn = await clientB.SendAsync(post);
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
            var auth = Cookies(signedIn);
            Assert.Contains("Intranet.Auth=", auth);

            // The authentication cookie issued by B opens a page on A.
            var home = new HttpRequestMessage(HttpMethod.Get, "/");
            home.Headers.Add("Cookie", auth);
            var page = await clientA.SendAsync(home);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.False(Directory.Exists(Path.Combine(b.DataDirectory, "keys")), "keys must not be written to the data folder");
        }
        finally
        {
            b.KeepDataOnDispose = true;
            b.Dispose();
            try { Directory.Delete(b.DataDirectory, recursive: true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task A_scheduled_job_fires_once_across_two_hosts_on_PostgreSql()
    {
        // Quartz takes the application's TimeProvider; these two hosts run on the wall clock so triggers fire.
        using var a = new IntranetApp(Db.PostgreSql, WallClock);
        _ = a.Server;
        using var b = IntranetApp.OnSameDatabase(a, WallClock);
        try
        {
            _ = b.Server;
            var schedulerA = await a.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
            var schedulerB = await b.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
            Assert.NotEqual(schedulerA.SchedulerInstanceId, schedulerB.SchedulerInstanceId);
            Assert.True((await schedulerA.GetMetadata()).JobStoreClustered);
            Assert.True((await schedulerB.GetMetadata()).JobStoreClustered);

            var run = Guid.NewGuid().ToString("N");
            const int fires = 8;
            var job = JobBuilder.Create<CountingJob>().WithIdentity("counting-" + run, "test").UsingJobData("run", run).Build();
            var trigger = TriggerBuilder.Create().WithIdentity("counting-" + run, "test").StartNow()
                .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromMilliseconds(400)).WithRepeatCount(fires - 1)).Build();
            await schedulerA.ScheduleJob(job, trigger);

            var deadline = DateTime.UtcNow.AddSeconds(40);
            while (CountingJob.Fires.Count(f => f.Run == run) < fires && DateTime.UtcNow < deadline) await Task.Delay(200);
            await Task.Delay(TimeSpan.FromSeconds(2));   // time for a wrongly doubled fire to show up
            var mine = CountingJob.Fires.Where(f => f.Run == run).ToList();
            Assert.Equal(fires, mine.Count);
            Assert.Equal(fires, mine.Select(f => f.Scheduled).Distinct().Count());
            Assert.All(mine, f => Assert.Contains(f.Instance, new[] { schedulerA.SchedulerInstanceId, schedulerB.SchedulerInstanceId }));
        }
        finally
        {
            b.KeepDataOnDispose = true;
            b.Dispose();
            try { Directory.Delete(b.DataDirectory, recursive: true); } catch (IOException) { }
        }
    }

    [Theory]
    [InlineData(Db.Sqlite, false)]
    [InlineData(Db.PostgreSql, true)]
    public async Task Ready_reports_each_database_context_and_the_scheduler_as_json(Db db, bool clustered)
    {
        using var app = new IntranetApp(db);
        var (response, body) = await app.ReadyAsync(app.NewClient());
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"/health/ready answered {(int)response.StatusCode}: {body}");
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString());
        using var json = JsonDocument.Parse(body);
        Assert.Equal("Healthy", json.RootElement.GetProperty("status").GetString());
        var entries = json.RootElement.GetProperty("entries");
        foreach (var schema in new[] { "identity", "host", "imports", "plankpi", "rpa", "paperless", "telework" })
            Assert.Equal("Healthy", entries.GetProperty("database:" + schema).GetProperty("status").GetString());
        var scheduler = entries.GetProperty("scheduler");
        Assert.Equal("Healthy", scheduler.GetProperty("status").GetString());
        Assert.True(scheduler.GetProperty("data").GetProperty("running").GetBoolean());
        Assert.Equal(clustered, scheduler.GetProperty("data").GetProperty("clustered").GetBoolean());
        Assert.False(string.IsNullOrEmpty(scheduler.GetProperty("data").GetProperty("instanceId").GetString()));
    }

    [Fact]
    public void The_official_Quartz_DDL_is_adapted_to_the_quartz_schema()
    {
        var postgres = QuartzSchema.PostgresStatements();
        Assert.All(postgres, s => Assert.DoesNotContain("{", s));
        Assert.All(postgres, s => Assert.DoesNotContain("DROP ", s));
        Assert.Contains(postgres, s => s.Contains("CREATE TABLE IF NOT EXISTS quartz.qrtz_paused_job_grps"));
        Assert.Contains(postgres, s => s.Contains("CREATE INDEX IF NOT EXISTS idx_qrtz_t_j ON quartz.qrtz_triggers"));
        Assert.Equal(15, postgres.Count(s => s.Contains("CREATE TABLE IF NOT EXISTS quartz.qrtz_")));

        var sqlServer = QuartzSchema.SqlServerStatements();
        Assert.All(sqlServer, s => Assert.DoesNotContain("{", s));
        Assert.All(sqlServer, s => Assert.DoesNotMatch(@"(?m)^\s*GO\s*$", s));
        Assert.Equal(15, sqlServer.Count(s => s.Contains("CREATE TABLE quartz.QRTZ_")));
        Assert.Contains(sqlServer, s => s.Contains("CONSTRAINT PK_QRTZ_JOB_DETAILS PRIMARY KEY"));
    }

    private static void WallClock(IServiceCollection services)
    {
        services.RemoveAll<TimeProvider>();
        services.AddSingleton(TimeProvider.System);
    }

    private static string Cookies(HttpResponseMessage response) =>
        string.Join("; ", response.Headers.TryGetValues("Set-Cookie", out var values) ? values.Select(v => v.Split(';')[0]) : []);
}

/// <summary>A job that records each execution (which run, which scheduled fire time, which node).</summary>
public sealed class CountingJob : IJob
{
    /// <summary>Every execution in this test process.</summary>
    public static readonly ConcurrentBag<(string Run, DateTimeOffset? Scheduled, string Instance)> Fires = [];

    /// <inheritdoc />
    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        Fires.Add((context.MergedJobDataMap.GetString("run") ?? "", context.ScheduledFireTimeUtc, context.Scheduler.SchedulerInstanceId));
        return ValueTask.CompletedTask;
    }
}
