using Xunit;

namespace ActorDns.Server.Tests.Support;

/// <summary>
/// Tests that read a zone cache start a no-GC region (<c>BuildMemory.WithoutCollections</c>), which is one per process:
/// they run one at a time, so that one test's region is never another's.
/// </summary>
[CollectionDefinition(Name)]
public sealed class NoGcRegionCollection
{
    public const string Name = "no-GC region";
}
