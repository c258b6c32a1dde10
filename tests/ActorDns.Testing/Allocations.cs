namespace ActorDns.Testing;

/// <summary>
/// What a synchronous step allocates on the current thread. A step that allocates on every call does so in every round;
/// the runtime's own one-time work on the same thread (a method tiered up, a type loaded) shows in one round at most.
/// </summary>
public static class Allocations
{
    private const int Calls = 1000;
    private const int Rounds = 3;

    /// <summary>
    /// The bytes allocated over <see cref="Calls"/> calls of <paramref name="call"/>, the fewest of <see cref="Rounds"/>
    /// rounds, after one call to warm up.
    /// </summary>
    public static long FewestPerRound(Action call)
    {
        call();
        var fewest = long.MaxValue;
        for (var round = 0; round < Rounds; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < Calls; i++)
            {
                call();
            }

            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return fewest;
    }
}
