using System.Diagnostics;
using System.Runtime;
using System.Runtime.CompilerServices;
using ActorDns.Server.Query;

namespace ActorDns.Benchmarks;

/// <summary>
/// <c>memory</c> mode: what a resolver holds for a 1,000,000-name mesh, measured as the managed heap and the
/// working set, before and after the mesh's slot gets its table: right after the build, once the resolver's
/// <see cref="BuildMemory"/> step has run, and after full collections. Target (issue 5): at most 200 MB above an
/// empty resolver.
/// </summary>
internal static class ResolverMemory
{
    private const int Names = 1_000_000;
    private const double Megabyte = 1024 * 1024;
    private static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(5);

    public static void Run()
    {
        var registry = new ZoneRegistry(new ZoneSettings());
        var slot = registry.For("default");
        var (heapBefore, workingSetBefore) = Measure();

        PublishFullCopy(slot);
        var workingSetBuilt = WorkingSet();

        // What a resolver does after installing a large table (ResolverActor.OnSnapshot, the cache load at start).
        BuildMemory.ReleaseAfterBuild(slot.Current.Count);
        Thread.Sleep(SettleTime);
        var workingSetSettled = WorkingSet();
        var (heapAfter, workingSetAfter) = Measure();

        // An ordinary full GC keeps the memory the build's garbage used committed for later allocations; an
        // aggressive one returns it to the OS, which separates what the table holds from what the GC retains.
        var started = Stopwatch.GetTimestamp();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var aggressivePause = Stopwatch.GetElapsedTime(started);
        var workingSetReleased = WorkingSet();

        Console.WriteLine($"resolver memory, one mesh of {slot.Current.Count:N0} names");
        Console.WriteLine($"  managed heap: {heapBefore / Megabyte,8:F1} MB -> {heapAfter / Megabyte,8:F1} MB, +{(heapAfter - heapBefore) / Megabyte:F1} MB ({(double)(heapAfter - heapBefore) / Names:F0} B/name)");
        Console.WriteLine($"  working set:  {workingSetBefore / Megabyte,8:F1} MB -> {workingSetBuilt / Megabyte,8:F1} MB right after the build, +{(workingSetBuilt - workingSetBefore) / Megabyte:F1} MB");
        Console.WriteLine($"  working set {SettleTime.TotalSeconds:F0} s after BuildMemory.ReleaseAfterBuild: {workingSetSettled / Megabyte:F1} MB, +{(workingSetSettled - workingSetBefore) / Megabyte:F1} MB");
        Console.WriteLine($"  working set after a forced full GC: {workingSetAfter / Megabyte:F1} MB, +{(workingSetAfter - workingSetBefore) / Megabyte:F1} MB");
        Console.WriteLine($"  working set after an aggressive GC: {workingSetReleased / Megabyte:F1} MB, +{(workingSetReleased - workingSetBefore) / Megabyte:F1} MB (the GC took {aggressivePause.TotalMilliseconds:F0} ms)");
        Console.WriteLine("  target: at most 200 MB above an empty resolver");
    }

    /// <summary>
    /// The resolver's full-copy path (<c>ResolverActor.OnSnapshot</c>). Not inlined, so the records list is
    /// unreachable once it returns, as it is when the snapshot message is dropped.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void PublishFullCopy(ZoneSlot slot) =>
        slot.Publish(ZoneTable.Create(slot.Current.Settings, 1, SyntheticZone.Records(Names)));

    private static (long Heap, long WorkingSet) Measure()
    {
        // Compacting the large object heap too, so arrays freed by the build do not count as held.
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return (GC.GetTotalMemory(forceFullCollection: true), WorkingSet());
    }

    private static long WorkingSet()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }
}
