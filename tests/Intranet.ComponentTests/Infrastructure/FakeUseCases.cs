using Intranet.Shared.Web;
using MediatR;

namespace Intranet.ComponentTests;

/// <summary>
/// The one stand-in for <see cref="IUseCases"/> in component tests: records the requests a component sends and
/// answers them with <see cref="Answer"/>. An answer that is an <see cref="Exception"/> (or an Answer that throws)
/// fails the call, the way a refused use case does; an answer that is a <c>Task&lt;TResponse&gt;</c> is returned as it
/// is, so a test can hold a call open and look at the page while it waits.
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
        // An upload is really streamed to a temporary file (issue #11), unless the test answers it itself.
        if (request is Intranet.Shared.Import.SaveUpload save && Answer(request) is null)
            return (Task<TResponse>)(object)Intranet.Shared.Import.ImportUpload.SaveAsync(save.Content, save.FileName,
                Path.Combine(Path.GetTempPath(), "intranet-component-uploads"), progress: save.Progress, ct: cancellationToken);
        var answer = Answer(request);
        if (answer is Exception e) return Task.FromException<TResponse>(e);
        if (answer is Task<TResponse> pending) return pending;
        return Task.FromResult(answer is TResponse r ? r : default!);
    }
}
