using Xunit;

namespace ActorDns.Server.Tests.Support;

/// <summary>
/// Tests that start a no-GC region (<c>BuildMemory.WithoutCollections</c>): the region is one per process, and other
/// tests' allocations would use its budget up, so they run alone, after the others.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NoGcRegionCollection
{
    public const string Name = "no-GC region";
}
