using System.Security.Claims;
using Intranet.IntegrationTests.Infrastructure;
using Intranet.Modules.PlanKpi.UseCases;
using Intranet.Shared.Messaging;
using Intranet.Shared.Security;
using MediatR;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Intranet.IntegrationTests;

/// <summary>The MediatR pipeline of the real host: authorization and validation behaviours run before any handler.</summary>
public sealed class PipelineBehaviorTests
{
    private static async Task<T> AsUserAsync<T>(IntranetApp app, string role, Func<IMediator, Task<T>> send, string? department = null)
    {
        using var scope = app.Services.CreateScope();
        var claims = new List<Claim> { new(ClaimTypes.Name, role + "@example.jp"), new(ClaimTypes.Role, role) };
        if (department is not null) claims.Add(new Claim(IntranetClaimTypes.Department, department));
        scope.ServiceProvider.GetRequiredService<IHttpContextAccessor>().HttpContext = new DefaultHttpContext
        {
            User = new ClaimsPrincipal(new ClaimsIdentity(claims, "test")),
            RequestServices = scope.ServiceProvider,
        };
        return await send(scope.ServiceProvider.GetRequiredService<IMediator>());
    }

    [Fact]
    public async Task Requests_are_authorized_and_validated_before_their_handler()
    {
        using var app = new IntranetApp(Db.Sqlite);
        _ = app.Server;
        var record = new RecordActual("hadano-ict-2021", "1-2-(1)-1", 2021, 7000, null, null);

        var viewer = await Assert.ThrowsAsync<ForbiddenException>(() => AsUserAsync(app, Roles.Viewer, m => m.Send(record)));
        Assert.Contains("権限がありません", viewer.Message);
        await Assert.ThrowsAsync<ForbiddenException>(() => AsUserAsync(app, Roles.Department, m => m.Send(record), "情報システム課"));

        var tooLong = await Assert.ThrowsAsync<RequestValidationException>(() =>
            AsUserAsync(app, Roles.PlanOffice, m => m.Send(record with { Note = new string('あ', 501) })));
        Assert.Equal(nameof(RecordActual.Note), tooLong.Errors.Single().Field);

        var outside = await Assert.ThrowsAsync<RequestValidationException>(() =>
            AsUserAsync(app, Roles.PlanOffice, m => m.Send(record with { FiscalYear = 2030 })));
        Assert.Contains("計画期間", outside.Message);

        await AsUserAsync(app, Roles.Department, m => m.Send(record), "広報広聴課");
        Assert.Equal(1, await app.PlanKpiAsync(d => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(d.Actuals)));
    }
}
