using Intranet.Shared.Import;
using Intranet.Shared.Messaging;
using Intranet.Shared.Security;
using MediatR;
using Microsoft.AspNetCore.Authorization;

namespace Intranet.Host.Imports;

/// <summary>Authorization of the import pages (<c>/imports…</c>) and their downloads.</summary>
public static class ImportPolicies
{
    /// <summary>
    /// Users holding a role that may import at least one registered kind (<see cref="ImportKindInfo.Roles"/>): they see
    /// the 「データ取込」 menu link and may open the import pages. Whether they may import a particular kind is decided by
    /// the use cases (<see cref="ImportKindView.CanImport"/>, <see cref="ImportPipeline.CanImport"/>).
    /// </summary>
    public const string AnyImport = "Host.AnyImport";
}

/// <summary>Requirement of <see cref="ImportPolicies.AnyImport"/>.</summary>
public sealed class AnyImportRequirement : IAuthorizationRequirement;

/// <summary>
/// Succeeds when the user holds one of the roles of any registered import kind. The kinds are scoped services (they
/// may use a module's DbContext), so their roles are read once in a scope of their own and kept.
/// </summary>
public sealed class AnyImportHandler(IServiceScopeFactory scopes) : AuthorizationHandler<AnyImportRequirement>
{
    private IReadOnlyList<string>? _roles;

    /// <summary>The union of every kind's roles.</summary>
    public IReadOnlyList<string> Roles
    {
        get
        {
            if (_roles is { } known) return known;
            using var scope = scopes.CreateScope();
            return _roles = scope.ServiceProvider.GetServices<IImportKind>().SelectMany(k => k.Info.Roles).Distinct().ToList();
        }
    }

    /// <inheritdoc />
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, AnyImportRequirement requirement)
    {
        if (context.User.Identity?.IsAuthenticated == true && Roles.Any(context.User.IsInRole)) context.Succeed(requirement);
        return Task.CompletedTask;
    }
}

/// <summary>
/// Downloads of the import pages: a kind's template (<c>/imports/{kind}/template.csv</c>, <c>.xlsx</c>: the standard
/// format's headers and one example row, <see cref="GetImportTemplate"/>) and a saved mapping as its JSON file
/// (<c>/imports/{kind}/mapping.json?name=…</c>, <see cref="ImportMapping.ToJson"/>, the format <c>mappings import</c> reads).
/// Authorized like the pages: the user must be allowed to import the kind (403 otherwise; 404 for an unknown kind or mapping).
/// </summary>
public static class ImportEndpoints
{
    /// <summary>Registers the policy and its handler.</summary>
    public static IServiceCollection AddImportPages(this IServiceCollection services)
    {
        services.AddSingleton<IAuthorizationHandler, AnyImportHandler>();
        services.AddAuthorizationBuilder().AddPolicy(ImportPolicies.AnyImport, p => p.AddRequirements(new AnyImportRequirement()));
        return services;
    }

    /// <summary>Maps the downloads.</summary>
    public static void MapImportEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/imports/{kind}/template.{format}", async (string kind, string format, IMediator mediator, CancellationToken ct) =>
        {
            if (format is not ("csv" or "xlsx")) return Results.NotFound();
            if (await KindAsync(mediator, kind, ct) is null) return Results.NotFound();
            var template = await mediator.Send(new GetImportTemplate(kind, format == "xlsx"), ct);
            return template is { } t ? Results.File(t.Content, t.ContentType, t.FileName) : Results.NotFound();
        }).RequireAuthorization(ImportPolicies.AnyImport);

        endpoints.MapGet("/imports/{kind}/mapping.json", async (string kind, string? name, IMediator mediator, CancellationToken ct) =>
        {
            if (string.IsNullOrWhiteSpace(name) || await KindAsync(mediator, kind, ct) is null) return Results.NotFound();
            ImportMapping mapping;
            try
            {
                mapping = await mediator.Send(new GetMapping(kind, name), ct);
            }
            catch (ImportRejectedException)
            {
                return Results.NotFound();
            }
            var fileName = $"{kind}-{(name == ImportMapping.NativeName ? "standard" : name)}.json";
            return Results.File(System.Text.Encoding.UTF8.GetBytes(mapping.ToJson()), "application/json; charset=utf-8", fileName);
        }).RequireAuthorization(ImportPolicies.AnyImport);
    }

    /// <summary>The kind, or null when unknown.</summary>
    /// <exception cref="ForbiddenException">The user may not import it (answered 403).</exception>
    private static async Task<ImportKindView?> KindAsync(IMediator mediator, string kind, CancellationToken ct)
    {
        var view = await mediator.Send(new GetImportKind(kind), ct);
        if (view is { CanImport: false }) throw new ForbiddenException($"「{view.Info.Label}」を取り込む権限がありません。");
        return view;
    }
}
