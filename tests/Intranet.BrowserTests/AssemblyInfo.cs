// Each test class starts its own host and Chromium; on the two-core machines here running them one
// at a time keeps timings far from every timeout.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
