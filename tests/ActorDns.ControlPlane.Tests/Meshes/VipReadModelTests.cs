using ActorDns.ControlPlane.Allocation;
using ActorDns.ControlPlane.Meshes;
using ActorDns.ControlPlane.Zones;
using Xunit;
using static ActorDns.ControlPlane.Tests.Meshes.TestResources;

namespace ActorDns.ControlPlane.Tests.Meshes;

/// <summary>The list behind <c>GET /meshes/{mesh}/vips</c> (SPEC §2), as a pure function of the mesh's state.</summary>
public sealed class VipReadModelTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Entries_SomeWithoutAVip_EveryEntryOnceInKeyOrder()
    {
        // 10.1.0.0/30 holds two addresses: the first two services registered get them, the other four wait for one,
        // and sort before, between and after those two.
        var settings = MeshSettings.Default with { Allocation = new AllocatorSettings(IpPool.Parse("10.1.0.0/30"), null, TimeSpan.FromSeconds(120)) };
        var state = new[] { "delta", "beta", "alpha", "charlie", "epsilon", "gamma" }.Aggregate(
            MeshState.Empty("default", settings), (s, service) => s.DecideUpsert(Dataplane($"dp-{service}", service), [], T0).Aggregate(s, (t, e) => t.Apply(e)));

        var entries = VipReadModel.Entries(state, ZoneProjection.Recover(state, 1).Zone);

        Assert.Equal(["service:alpha", "service:beta", "service:charlie", "service:delta", "service:epsilon", "service:gamma"], entries.Select(e => e.Key));
        Assert.Equal(["service:beta", "service:delta"], entries.Where(e => e.Vip is not null).Select(e => e.Key));
        Assert.All(entries.Where(e => e.Vip is null), e => Assert.StartsWith("no free address in 10.1.0.0/30", e.Reason, StringComparison.Ordinal));
        Assert.All(entries, e => Assert.Equal([80], e.Ports));
        Assert.Equal(["beta.mesh"], entries.Single(e => e.Key == "service:beta").Names);
        Assert.Empty(entries.Single(e => e.Key == "service:alpha").Names);
    }
}
