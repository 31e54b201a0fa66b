using System.Net;
using System.Net.Sockets;
using Intranet.IntegrationTests.Infrastructure;
using Intranet.Shared.Persistence;
using Intranet.Shared.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace Intranet.IntegrationTests;

/// <summary>
/// PostgreSQL unreachable (issue #11): pages answer 503 with the Japanese 「一時的に利用できません」 page and Retry-After,
/// JSON and text clients a 503 too, and the host serves again when the database is back, without a restart.
/// </summary>
public sealed class DatabaseOutageTests
{
    [Fact]
    public async Task Pages_answer_503_in_Japanese_while_PostgreSql_is_unreachable_and_recover_without_a_restart()
    {
        var server = new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable("INTRANET_TEST_POSTGRES"));
        await using var relay = new TcpRelay(server.Port);
        using var app = new IntranetApp(Db.PostgreSql, services =>
        {
            // The host reaches PostgreSQL through the relay, which the test cuts like a network or server outage.
            var real = (DatabaseSettings)services.Single(d => d.ServiceType == typeof(DatabaseSettings)).ImplementationInstance!;
            var throughRelay = new NpgsqlConnectionStringBuilder(real.ConnectionString) { Host = "127.0.0.1", Port = relay.Port, Timeout = 2 };
            services.RemoveAll<DatabaseSettings>();
            services.AddSingleton(real with { ConnectionString = throughRelay.ConnectionString });
        });
        var client = await app.SignedInAsync(Roles.PlanOffice);
        Assert.Equal(HttpStatusCode.OK, (await Get(client, "/plans", "text/html")).StatusCode);

        await relay.Cut();
        NpgsqlConnection.ClearAllPools();

        var page = await Get(client, "/plans", "text/html,application/xhtml+xml");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
        Assert.Equal("10", page.Headers.GetValues("Retry-After").Single());
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("一時的に利用できません", html);
        Assert.Contains("もう一度読み込む", html);
        Assert.Contains("http-equiv=\"refresh\" content=\"10\"", html);

        var json = await Get(client, "/plans/hadano-ict-2021/kpis.csv", "application/json");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, json.StatusCode);
        Assert.StartsWith("application/json", json.Content.Headers.ContentType!.ToString());
        Assert.Contains("一時的に利用できません", await json.Content.ReadAsStringAsync());

        var text = await Get(client, "/plans/hadano-ict-2021/kpis.csv", "*/*");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, text.StatusCode);
        Assert.StartsWith("text/plain", text.Content.Headers.ContentType!.ToString());

        var ready = await Get(client, "/health/ready", "application/json");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Get(client, "/health/live", "*/*")).StatusCode);

        // PostgreSQL is back: the same host serves again.
        relay.Restore();
        Assert.Equal(HttpStatusCode.OK, (await Get(client, "/plans", "text/html")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Get(client, "/health/ready", "application/json")).StatusCode);
    }

    [Fact]
    public void Only_connection_failures_count_as_an_outage()
    {
        Assert.True(Intranet.Host.Infrastructure.DatabaseOutage.IsOutage(new InvalidOperationException("wrapped", new NpgsqlException("refused", new SocketException(111)))));
        Assert.True(Intranet.Host.Infrastructure.DatabaseOutage.IsOutage(new TimeoutException()));
        Assert.False(Intranet.Host.Infrastructure.DatabaseOutage.IsOutage(new InvalidOperationException("a bug")));
        Assert.False(Intranet.Host.Infrastructure.DatabaseOutage.IsOutage(null));
    }

    private static Task<HttpResponseMessage> Get(HttpClient client, string url, string accept)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("Accept", accept);
        return client.SendAsync(request);
    }
}
