using Intranet.Shared.Security;

namespace Intranet.Shared.Modules;

/// <summary>
/// What is waiting for the signed-in user, shown on their home page: a module implements this once per kind of
/// work (values not yet entered, cases without an assessment, staff missing from the last roster, …). The host
/// finds every implementation in the modules' assemblies (scoped) and asks each one; a source returns nothing
/// for users whose roles it does not concern.
/// </summary>
public interface IWorkItemSource
{
    /// <summary>The items for <paramref name="user"/> today; empty when nothing waits or the user's roles are not concerned.</summary>
    Task<IReadOnlyList<WorkItem>> GetAsync(ICurrentUser user, CancellationToken cancellationToken);
}

/// <summary>How urgent a <see cref="WorkItem"/> is: Info (to do), Warning (late or behind), Error (failed).</summary>
public enum WorkItemSeverity { Info, Warning, Error }

/// <summary>
/// One line of a home page: 「未入力の実績値」 12 件 → link to the page where the work is done.
/// <paramref name="Count"/> is the number of things waiting; <paramref name="Href"/> a relative URL that opens them
/// already filtered; <paramref name="Detail"/> an optional Japanese explanation; <paramref name="Order"/> sorts lines.
/// </summary>
public sealed record WorkItem(string Title, int Count, string Href, string? Detail = null,
    WorkItemSeverity Severity = WorkItemSeverity.Info, int Order = 100);
