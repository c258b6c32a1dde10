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

    private const int Collections = 30;
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

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
