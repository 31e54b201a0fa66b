using System.Data.Common;
using System.Net.Sockets;
using System.Text.Json;
using Npgsql;

namespace Intranet.Host.Infrastructure;

/// <summary>
/// When the database is unreachable (connection refused, timeout, PostgreSQL shutting down or refusing connections), a
/// request answers <c>503 Service Unavailable</c> with <c>Retry-After: 10</c> instead of a generic 500 (issue #11):
/// browsers get a static Japanese page 「一時的に利用できません」 with a retry button and an automatic retry after
/// <see cref="RetryAfterSeconds"/> s; JSON clients a JSON body; others plain text. The answer touches neither the database
/// nor authentication, and the next request after the database returns is served normally (no restart). Other errors
/// are left to the exception handler.
/// </summary>
public static class DatabaseOutage
{
    /// <summary>Seconds a client should wait before retrying (the Retry-After header and the page's automatic retry).</summary>
    public const int RetryAfterSeconds = 10;

    /// <summary>The message shown to users.</summary>
    public const string Message = "一時的に利用できません。データベースに接続できないため、しばらくしてからもう一度お試しください。";

    /// <summary>Whether <paramref name="e"/> (or an exception inside it) means the database cannot be reached right now.</summary>
    public static bool IsOutage(Exception? e)
    {
        for (var depth = 0; e is not null && depth < 10; depth++)
        {
            switch (e)
            {
                case PostgresException pg:
                    // 08: connection exception; 57P01-57P05: admin/crash shutdown, cannot connect now; 53: insufficient resources.
                    return pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState.StartsWith("57P", StringComparison.Ordinal)
                        || pg.SqlState.StartsWith("53", StringComparison.Ordinal);
                case NpgsqlException:
                    return true;   // not a server error: the connection itself failed (refused, reset, timed out)
                case SocketException or TimeoutException:
                    return true;
                case DbException { IsTransient: true }:
                    return true;
                case AggregateException aggregate when aggregate.InnerExceptions.Any(IsOutage):
                    return true;
            }
            e = e.InnerException;
        }
        return false;
    }

    /// <summary>Adds the middleware; place it inside the exception handler so it sees the exception first.</summary>
    public static IApplicationBuilder UseDatabaseOutagePage(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        try
        {
            await next();
        }
        catch (Exception e) when (!context.Response.HasStarted && IsOutage(e))
        {
            context.RequestServices.GetRequiredService<ILogger<Program>>()
                .LogWarning("Database unreachable while serving {Path}: {Error}", context.Request.Path, e.GetBaseException().Message);
            await WriteAsync(context);
        }
    });

    /// <summary>Writes the 503 answer for the client's <c>Accept</c> header.</summary>
    public static Task WriteAsync(HttpContext context)
    {
        var response = context.Response;
        response.Clear();
        response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers.CacheControl = "no-store";
        var accept = context.Request.Headers.Accept.ToString();
        if (accept.Contains("text/html", StringComparison.OrdinalIgnoreCase))
        {
            response.ContentType = "text/html; charset=utf-8";
            return response.WriteAsync(Page);
        }
        if (accept.Contains("application/json", StringComparison.OrdinalIgnoreCase))
        {
            response.ContentType = "application/json; charset=utf-8";
            return response.WriteAsync(JsonSerializer.Serialize(new { status = 503, error = Message, retryAfterSeconds = RetryAfterSeconds },
                new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        }
        response.ContentType = "text/plain; charset=utf-8";
        return response.WriteAsync(Message + "\n");
    }

    /// <summary>The static page: no layout, no script files, no database; reloads itself after <see cref="RetryAfterSeconds"/> s.</summary>
    public static readonly string Page = $$"""
        <!DOCTYPE html>
        <html lang="ja">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="refresh" content="{{RetryAfterSeconds}}">
        <title>一時的に利用できません - Intranet</title>
        <style>
        body { font-family: "Noto Sans CJK JP", "Hiragino Sans", "Yu Gothic", sans-serif; margin: 0; background: #f5f6f8; color: #1f2933; }
        main { max-width: 36rem; margin: 10vh auto; background: #fff; padding: 2rem; border-radius: .5rem; border-top: .4rem solid #b45309; }
        h1 { font-size: 1.5rem; margin-top: 0; }
        a.retry { display: inline-block; font-size: 1rem; padding: .5rem 1.25rem; border-radius: .25rem; background: #1d4ed8; color: #fff; text-decoration: none; }
        a.retry:focus { outline: 3px solid #93c5fd; outline-offset: 2px; }
        </style>
        </head>
        <body>
        <main>
        <h1>一時的に利用できません</h1>
        <p>データベースに接続できないため、ただいまこのページを表示できません。入力中の内容は保存されていない場合があります。</p>
        <p>{{RetryAfterSeconds}} 秒後に自動でもう一度読み込みます。すぐに試すときは下のボタンを押してください。</p>
        <p><a class="retry" href="">もう一度読み込む</a></p>
        <p>しばらくたっても表示されない場合は、システム管理者に連絡してください。</p>
        </main>
        </body>
        </html>
        """;
}
