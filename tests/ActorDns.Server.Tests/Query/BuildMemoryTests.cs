using System.Runtime;
using ActorDns.Server.Query;
using ActorDns.Server.Tests.Support;
using Xunit;

namespace ActorDns.Server.Tests.Query;

[Collection(NoGcRegionCollection.Name)]
public sealed class BuildMemoryTests
{
    [Fact]
    public void WithoutCollections_Budget_ReturnsTheBuildAndLeavesNoRegionOpen()
    {
        var modeDuringBuild = GCLatencyMode.Batch;
        var built = BuildMemory.WithoutCollections(16 << 20, () =>
        {
            modeDuringBuild = GCSettings.LatencyMode;
            return (true, new byte[1 << 20]);
        }, out var result);

        Assert.Equal(GCLatencyMode.NoGCRegion, modeDuringBuild);
        Assert.True(built);
        Assert.Equal(1 << 20, result.Length);
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
    }

    [Fact]
    public void WithoutCollections_MoreThanTheRuntimeCanSetAside_BuildsWithCollections()
    {
        var built = BuildMemory.WithoutCollections(long.MaxValue / 2, () => (false, "refused"), out var result);

        Assert.False(built);
        Assert.Equal("refused", result);
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
    }

    [Fact]
    public void WithoutCollections_BudgetUsedUp_EndsWithoutThrowing()
    {
        // Far more than the budget: a collection ends the region in the middle of the build.
        var modeAtStart = GCLatencyMode.Batch;
        var built = BuildMemory.WithoutCollections(BuildMemory.SmallestRegion, () =>
        {
            modeAtStart = GCSettings.LatencyMode;
            var kept = new List<byte[]>();
            for (var i = 0; i < 64; i++)
            {
                kept.Add(new byte[1 << 20]);
            }

            return (true, kept.Count);
        }, out var count);

        Assert.Equal(GCLatencyMode.NoGCRegion, modeAtStart);
        Assert.True(built);
        Assert.Equal(64, count);
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
    }

    [Fact]
    public void WithoutCollections_BuildThrows_TheRegionEnds()
    {
        Assert.Throws<InvalidDataException>(() => BuildMemory.WithoutCollections<int>(16 << 20, () => throw new InvalidDataException(), out _));

        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
    }
}
