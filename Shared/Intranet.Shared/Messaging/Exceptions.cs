namespace Intranet.Shared.Messaging;

/// <summary>A message about one field (property name as in the request, Japanese text).</summary>
public sealed record FieldError(string Field, string Message);

/// <summary>The request broke validation rules; <see cref="Errors"/> lists each field and message.</summary>
public sealed class RequestValidationException(IReadOnlyList<FieldError> errors)
    : Exception(string.Join(" / ", errors.Select(e => $"{e.Field}: {e.Message}")))
{
    /// <summary>Every failure, in rule order.</summary>
    public IReadOnlyList<FieldError> Errors { get; } = errors;

    /// <summary>Convenience for a single failure.</summary>
    public RequestValidationException(string field, string message) : this([new FieldError(field, message)]) { }
}

/// <summary>The current user may not do this (HTTP 403).</summary>
public sealed class ForbiddenException(string message) : Exception(message);

/// <summary>The addressed thing does not exist (HTTP 404).</summary>
public sealed class NotFoundException(string message) : Exception(message);

/// <summary>Someone else saved the same record since it was read; nothing was overwritten (HTTP 409).</summary>
public sealed class ConcurrencyConflictException(string message) : Exception(message);
