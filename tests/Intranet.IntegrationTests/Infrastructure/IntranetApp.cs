using System.Net;
using System.Text.RegularExpressions;
using Intranet.Host.Identity;
using Intranet.Shared.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace Intranet.IntegrationTests.Infrastructure;

/// <summary>The database a test host runs on.</summary>
public enum Db { Sqlite, PostgreSql }

/// <summary>
/// The real host over HTTP (<see cref="WebApplicationFactory{TEntryPoint}"/>) on a fresh database: a new SQLite
/// file in a temp folder, or a new database on the PostgreSQL server named by <c>INTRANET_TEST_POSTGRES</c>
/// (started by <c>infra/test.sh</c>). Start-up runs as in production: migrations, first administrator, bundled plans.
/// </summary>
public sealed partial class IntranetApp : WebApplicationFactory<Program>
{
    private readonly Action<IServiceCollection>? _services;
    private readonly string? _databaseName;
    private readonly bool _ownsDatabase = true;

    public Db Db { get; }
    public string DataDirectory { get; } = "";

    /// <summary>When set, disposing leaves the database and data folder for a next host (<see cref="IntranetApp(IntranetApp)"/>).</summary>
    public bool KeepDataOnDispose { get; set; }
    public string? ConnectionString { get; }
    public FixedClock Clock { get; } = new(new DateTimeOffset(2026, 11, 21, 1, 0, 0, TimeSpan.Zero));

    /// <summary>Host settings added before the host starts (e.g. <c>Imports:DropFolders:telework-days</c>).</summary>
    public Dictionary<string, string?> Settings { get; } = [];

    /// <summary>A second host on the data of <paramref name="previous"/> (a restart): set its <see cref="KeepDataOnDispose"/> and dispose it first.</summary>
    public IntranetApp(IntranetApp previous)
    {
        (Db, DataDirectory, ConnectionString, _databaseName) = (previous.Db, previous.DataDirectory, previous.ConnectionString, previous._databaseName);
    }

    public IntranetApp(Db db, Action<IServiceCollection>? services = null)
    {
        Db = db;
        DataDirectory = Directory.CreateTempSubdirectory("intranet-test-").FullName;
        _services = services;
        if (db == Db.PostgreSql)
        {
            var server = Environment.GetEnvironmentVariable("INTRANET_TEST_POSTGRES")
                ?? throw new InvalidOperationException(
                    "INTRANET_TEST_POSTGRES is not set: PostgreSQL tests need a server. Run ./infra/test.sh, which starts one.");
            _databaseName = "intranet_" + Guid.NewGuid().ToString("N")[..12];
            using (var conn = new NpgsqlConnection(server))
            {
                conn.Open();
                using var cmd = new NpgsqlCommand($"CREATE DATABASE {_databaseName}", conn);
                cmd.ExecuteNonQuery();
            }
            ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = _databaseName }.ConnectionString;
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Intranet:DataDirectory", DataDirectory);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
        if (Db == Db.PostgreSql)
        {
            builder.UseSetting("Database:Provider", "PostgreSql");
            builder.UseSetting("ConnectionStrings:Intranet", ConnectionString);
        }
        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
            _services?.Invoke(services);
        });
    }

    /// <summary>Creates a user directly in the identity store (no forced password change).</summary>
    public async Task CreateUserAsync(string email, string password, string role, string? department = null)
    {
        using var scope = Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<UserAdministration>()
            .CreateUserAsync(email, password, [role], department, displayName: null, mustChangePassword: false);
    }

    /// <summary>A client that keeps cookies and does not follow redirects.</summary>
    public HttpClient NewClient() => CreateClient(new WebApplicationFactoryClientOptions
    {
        AllowAutoRedirect = false, HandleCookies = true, BaseAddress = new Uri("http://localhost"),
    });

    /// <summary>
    /// <c>/health/ready</c> as a load balancer asks it: again every 0.5 s while it answers 503, for up to 20 s; returns
    /// the last answer and its body. Right after start the host is not ready yet: Quartz starts the scheduler only once
    /// the application has started (<c>AwaitApplicationStarted</c>), which on PostgreSQL's clustered job store takes a
    /// moment (CI of b3c0a30 and c885b23 each saw one 503 from a test that asked once).
    /// </summary>
    public async Task<(HttpResponseMessage Response, string Body)> ReadyAsync(HttpClient client)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        HttpResponseMessage response;
        while ((response = await client.GetAsync("/health/ready")).StatusCode == System.Net.HttpStatusCode.ServiceUnavailable && DateTime.UtcNow < deadline)
            await Task.Delay(500);
        return (response, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Creates a user with <paramref name="role"/> and returns a client signed in as that user.</summary>
    public async Task<HttpClient> SignedInAsync(string role, string? department = null)
    {
        var email = $"{role.ToLowerInvariant()}-{Guid.NewGuid():N}@example.jp";
        const string password = "test-password-2026";
        await CreateUserAsync(email, password, role, department);
        var client = NewClient();
        var response = await client.LoginAsync(email, password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!disposing) return;
        NpgsqlConnection.ClearAllPools();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (KeepDataOnDispose) return;
        if (_databaseName is not null && _ownsDatabase)
        {
            using var conn = new NpgsqlConnection(Environment.GetEnvironmentVariable("INTRANET_TEST_POSTGRES"));
            conn.Open();
            using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_databaseName} WITH (FORCE)", conn);
            cmd.ExecuteNonQuery();
        }
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { }
    }
}

/// <summary>A clock the tests set; the suite reads time only through <see cref="TimeProvider"/>.</summary>
public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;
    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>Form posting against statically rendered Razor component forms (antiforgery token + handler name).</summary>
public static partial class HttpClientForms
{
    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    /// <summary>The antiforgery token of the first form in <paramref name="html"/>.</summary>
    public static string Token(string html) =>
        TokenPattern().Match(html) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("no antiforgery token in page");

    /// <summary>GETs <paramref name="url"/>, then posts <paramref name="fields"/> with the page's token and the form's handler name.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(this HttpClient client, string url, string formName,
        IDictionary<string, string> fields)
    {
        var page = await client.GetStringAsync(url);
        var body = new Dictionary<string, string>(fields)
        {
            ["_handler"] = formName,
            ["__RequestVerificationToken"] = Token(page),
        };
        return await client.PostAsync(url, new FormUrlEncodedContent(body));
    }

    /// <summary>Path and query of a redirect's target, whether the Location header is absolute or relative.</summary>
    public static string LocationPath(this HttpResponseMessage response)
    {
        var location = response.Headers.Location ?? throw new InvalidOperationException($"no redirect (status {(int)response.StatusCode})");
        return location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString;
    }

    /// <summary>Signs in through the login page.</summary>
    public static Task<HttpResponseMessage> LoginAsync(this HttpClient client, string email, string password) =>
        client.PostFormAsync("/account/login", "login", new Dictionary<string, string>
        {
            ["Input.Email"] = email, ["Input.Password"] = password,
        });
}
