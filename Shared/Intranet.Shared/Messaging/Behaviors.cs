using System.Diagnostics;
using System.Reflection;
using FluentValidation;
using Intranet.Shared.Security;
using MediatR;
using Microsoft.Extensions.Logging;

namespace Intranet.Shared.Messaging;

/// <summary>Logs each request's name, outcome and duration (milliseconds).</summary>
public sealed class LoggingBehavior<TRequest, TResponse>(ILogger<LoggingBehavior<TRequest, TResponse>> logger, ICurrentUser user)
    : IPipelineBehavior<TRequest, TResponse>
{
    /// <inheritdoc />
    public async Task<TResponse> Handle(TRequest request, CancellationToken cancellationToken, RequestHandlerDelegate<TResponse> next)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await next();
            logger.LogInformation("{Request} by {User} succeeded in {Elapsed:0.0} ms",
                typeof(TRequest).Name, user.Name, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return response;
        }
        catch (Exception e) when (e is RequestValidationException or ForbiddenException or NotFoundException or ConcurrencyConflictException)
        {
            logger.LogInformation("{Request} by {User} refused: {Reason}", typeof(TRequest).Name, user.Name, e.Message);
            throw;
        }
        catch (Exception e)
        {
            logger.LogError(e, "{Request} by {User} failed", typeof(TRequest).Name, user.Name);
            throw;
        }
    }
}

/// <summary>
/// Declares which roles may send a request. A request without it may be sent by anyone who reached
/// the code (pages and endpoints state their own policies); the command line and jobs pass always.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class RequiresRoleAttribute(params string[] roles) : Attribute
{
    /// <summary>Any one of these roles is enough.</summary>
    public IReadOnlyList<string> Roles { get; } = roles;
}

/// <summary>Refuses a request whose <see cref="RequiresRoleAttribute"/> the current user does not satisfy.</summary>
public sealed class AuthorizationBehavior<TRequest, TResponse>(ICurrentUser user) : IPipelineBehavior<TRequest, TResponse>
{
    private static readonly RequiresRoleAttribute? Requirement = typeof(TRequest).GetCustomAttribute<RequiresRoleAttribute>();

    /// <inheritdoc />
    /// <exception cref="ForbiddenException">The user holds none of the required roles.</exception>
    public Task<TResponse> Handle(TRequest request, CancellationToken cancellationToken, RequestHandlerDelegate<TResponse> next)
    {
        if (Requirement is not null && !user.IsSystem && !Requirement.Roles.Any(user.IsInRole))
            throw new ForbiddenException("この操作を行う権限がありません。");
        return next();
    }
}

/// <summary>Runs every FluentValidation validator of the request and refuses it with all messages.</summary>
public sealed class ValidationBehavior<TRequest, TResponse>(IEnumerable<IValidator<TRequest>> validators)
    : IPipelineBehavior<TRequest, TResponse>
{
    /// <inheritdoc />
    /// <exception cref="RequestValidationException">At least one rule failed.</exception>
    public async Task<TResponse> Handle(TRequest request, CancellationToken cancellationToken, RequestHandlerDelegate<TResponse> next)
    {
        var failures = new List<FieldError>();
        foreach (var validator in validators)
        {
            var result = await validator.ValidateAsync(request, cancellationToken);
            failures.AddRange(result.Errors.Select(e => new FieldError(e.PropertyName, e.ErrorMessage)));
        }
        if (failures.Count > 0) throw new RequestValidationException(failures);
        return await next();
    }
}
