// Issue #12: a chart below the first screen is drawn only when the reader scrolls near it (DeferredChart.razor).
// observe(element, dotnet) calls dotnet.Show() once the element comes within 300px of the viewport, then stops watching.
export function observe(element, dotnet) {
    if (!element) return null;
    if (!('IntersectionObserver' in window)) {
        dotnet.invokeMethodAsync('Show');
        return null;
    }
    const observer = new IntersectionObserver(entries => {
        if (entries.some(e => e.isIntersecting)) {
            observer.disconnect();
            dotnet.invokeMethodAsync('Show');
        }
    }, { rootMargin: '300px 0px' });
    observer.observe(element);
    return { disconnect: () => observer.disconnect() };
}

export function disconnect(handle) {
    if (handle) handle.disconnect();
}
