namespace Intranet.Shared.Web;

/// <summary>One page of a list: the items, the total count over all pages, and the 1-based page number.</summary>
public sealed record PagedList<T>(IReadOnlyList<T> Items, int Total, int Page, int PageSize)
{
    /// <summary>Number of pages (at least 1).</summary>
    public int PageCount => Math.Max(1, (Total + PageSize - 1) / PageSize);

    /// <summary>Pages <paramref name="source"/> in memory; <paramref name="page"/> is clamped into range.</summary>
    public static PagedList<T> From(IReadOnlyCollection<T> source, int page, int pageSize)
    {
        pageSize = Math.Clamp(pageSize, 1, 500);
        var pages = Math.Max(1, (source.Count + pageSize - 1) / pageSize);
        page = Math.Clamp(page, 1, pages);
        return new PagedList<T>(source.Skip((page - 1) * pageSize).Take(pageSize).ToList(), source.Count, page, pageSize);
    }
}
