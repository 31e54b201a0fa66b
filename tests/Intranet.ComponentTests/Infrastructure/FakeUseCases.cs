using Intranet.Shared.Web;
using MediatR;

namespace Intranet.ComponentTests;

/// <summary>
/// The one stand-in for <see cref="IUseCases"/> in component tests: records the requests a component sends and
/// answers them with <see cref="Answer"/>. An answer that is an <see cref="Exception"/> (or an Answer that throws)
/// fails the call, the way a refused use case does.
/// </summary>
public sealed class FakeUseCases : IUseCases
{
    /// <summary>Every request sent, in order.</summary>
    public List<object> Sent { get; } = [];

    /// <summary>The response for a request (default: null / Unit).</summary>
    public Func<object, object?> Answer { get; set; } = _ => null;

    /// <inheritdoc />
    public Task<TResponse> Send<TResponse>(IRequest<TResponse> request, CancellationToken cancellationToken = default)
    {
        Sent.Add(request);
        var answer = Answer(request);
        if (answer is Exception e) return Task.FromException<TResponse>(e);
        return Task.FromResult(answer is TResponse r ? r : default!);
    }
}
