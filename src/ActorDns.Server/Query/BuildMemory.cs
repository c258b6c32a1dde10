using System.Runtime;

namespace ActorDns.Server.Query;

/// <summary>
/// Building a large table (a full snapshot, a cache file) leaves garbage as large again as the table. A full GC
/// frees it but keeps the memory committed: the GC returns a free region to the OS only after it has aged over
/// about twenty collections, and a resolver answering from its table allocates too little to collect that often.
/// After such a build this runs, 100 ms apart, one background full collection (no long pause) and then 29 gen0
/// collections, each well under a millisecond, so the memory goes back within a few seconds.
/// </summary>
public static class BuildMemory
{
    /// <summary>Smaller builds leave too little garbage to matter.</summary>
    public const int LargeTable = 100_000;

    /// <summary>Smaller builds are done before collections would cost much.</summary>
    public const long SmallestRegion = 8 << 20;

    private const int Collections = 30;
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Runs a build that allocates up to <paramref name="budget"/> bytes, all of it still alive at the end (a table read
    /// from its cache), without a garbage collection: each one would only find the new objects alive and copy them to
    /// an older generation (with collections, a million names took 22 gen0, 13 gen1 and 4 gen2 ones, a third of the
    /// load's time).
    /// When the runtime cannot set that much aside, or another thread's allocations use the budget up, the build
    /// simply runs with collections.
    /// </summary>
    public static bool WithoutCollections<T>(long budget, Func<(bool Built, T Result)> build, out T result)
    {
        // Starting a region costs a collection of its own: worth it for a large build only.
        bool region;
        try
        {
            region = budget >= SmallestRegion && GC.TryStartNoGCRegion(budget);
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or InvalidOperationException)
        {
            region = false; // more than the runtime can ever set aside, or another build holds the region
        }

        try
        {
            (var built, result) = build();
            return built;
        }
        finally
        {
            if (region)
            {
                EndRegion();
            }
        }
    }

    private static void EndRegion()
    {
        try
        {
            if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
            {
                GC.EndNoGCRegion();
            }
        }
        catch (InvalidOperationException)
        {
            // The budget ran out in between, and a collection already ended the region.
        }
    }

    public static void ReleaseAfterBuild(int names)
    {
        if (names < LargeTable)
        {
            return;
        }

        var remaining = Collections;
        Timer? timer = null;
        timer = new Timer(
            _ =>
            {
                var left = Interlocked.Decrement(ref remaining);
                if (left == Collections - 1)
                {
                    GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: false);
                }
                else if (left >= 0)
                {
                    GC.Collect(0, GCCollectionMode.Forced, blocking: true);
                }

                if (left <= 0)
                {
                    timer!.Dispose();
                }
            },
            null,
            Interval,
            Interval);
    }
}
