using ActorDns.ControlPlane.Allocation;
using ActorDns.ControlPlane.Catalog;
using ActorDns.ControlPlane.Events;
using ActorDns.ControlPlane.Meshes;
using ActorDns.ControlPlane.Tests.Support;
using Xunit;
using static ActorDns.ControlPlane.Tests.Meshes.TestResources;
using static ActorDns.ControlPlane.Tests.Support.Keys;

namespace ActorDns.ControlPlane.Tests.Meshes;

/// <summary>A mesh's snapshot: written as text, and read back into the state it was taken from.</summary>
public sealed class MeshSnapshotTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 0, 0, 0, TimeSpan.Zero);

    // 10.1.0.0/30 offers .1 and .2; fd00::/125 offers ::1–::7.
    private static readonly MeshSettings Settings = MeshSettings.Default with
    {
        Allocation = new AllocatorSettings(IpPool.Parse("10.1.0.0/30"), IpPool.Parse("fd00::/125"), TimeSpan.FromSeconds(120)),
    };

    private static MeshState Fold(MeshState state, IEnumerable<IMeshEvent> events) => events.Aggregate(state, (s, e) => s.Apply(e));

    /// <summary>
    /// Both kinds of resources; entries with both families and with IPv6 only (the IPv4 pool is full); a released
    /// pair of addresses in quarantine; both cursors set.
    /// </summary>
    private static MeshState DualStackState()
    {
        var state = MeshState.Empty("default", Settings);
        state = Fold(state, state.DecideUpsert(Dataplane("dp-a", "alpha"), [], T0));
        state = Fold(state, state.DecideUpsert(ExternalService("es-1", "ext", "ext.example.com:443"), [], T0));
        state = Fold(state, state.DecideUpsert(Dataplane("dp-b", "beta"), [], T0));
        return Fold(state, state.DecideDelete(ResourceKind.Dataplane, "dp-a", [], T0 + TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void From_DualStackState_WritesAddressesInTheirFamilysTextForm()
    {
        var snapshot = MeshSnapshot.From(DualStackState());

        Assert.Equal(["dp-b", "es-1"], snapshot.Resources.Select(r => r.Name).Order(StringComparer.Ordinal));
        Assert.Equal(
            [("host:ext.example.com", "10.1.0.2", "fd00::2"), ("service:beta", null, "fd00::4"), ("service:ext", null, "fd00::3")],
            snapshot.Assignments.Select(a => (a.Key, a.Vip, a.VipV6)).OrderBy(a => a.Key, StringComparer.Ordinal));
        Assert.Equal([VipPools.Service, VipPools.ServiceV6], snapshot.Pools.Keys.Order(StringComparer.Ordinal));
        var (v4, v6) = (snapshot.Pools[VipPools.Service], snapshot.Pools[VipPools.ServiceV6]);
        Assert.Equal(new MeshSnapshot.Release("10.1.0.1", T0 + TimeSpan.FromSeconds(1)), Assert.Single(v4.Quarantine));
        Assert.Equal(new MeshSnapshot.Release("fd00::1", T0 + TimeSpan.FromSeconds(1)), Assert.Single(v6.Quarantine));
        Assert.Equal(("10.1.0.2", "fd00::4"), (v4.Cursor, v6.Cursor));
    }

    [Fact]
    public void ToState_OfASnapshot_RestoresCatalogAssignmentsQuarantineAndCursors()
    {
        var state = DualStackState();

        var restored = MeshSnapshot.From(state).ToState("default", Settings);

        Structurally.Equal(state.Catalog.Of(ResourceKind.Dataplane).Values, restored.Catalog.Of(ResourceKind.Dataplane).Values);
        Structurally.Equal(state.Catalog.Of(ResourceKind.ExternalService).Values, restored.Catalog.Of(ResourceKind.ExternalService).Values);
        Assert.Equal(state.Catalog.References.OrderBy(p => p.Key), restored.Catalog.References.OrderBy(p => p.Key));
        Assert.Equal(state.Allocator.Assignments, restored.Allocator.Assignments);
        foreach (var (before, after) in new[] { (state.Allocator.V4, restored.Allocator.V4), (state.Allocator.V6, restored.Allocator.V6) })
        {
            Assert.Equal(before.Used.OrderBy(p => p.Key), after.Used.OrderBy(p => p.Key));
            Assert.Equal(before.Quarantined.OrderBy(p => p.Key), after.Quarantined.OrderBy(p => p.Key));
            Assert.Equal(before.Releases, after.Releases);
            Assert.Equal(before.Cursor, after.Cursor);
        }
    }

    [Fact]
    public void ToState_ResourceOfAKindThisBuildDoesNotKnow_IsLeftOut()
    {
        var snapshot = MeshSnapshot.From(DualStackState());
        snapshot = snapshot with { Resources = [.. snapshot.Resources, new ResourceUpserted("MeshGateway", "gw", "{}", ["gw"], null)] };

        var restored = snapshot.ToState("default", Settings);

        Assert.Equal(["dp-b"], restored.Catalog.Of(ResourceKind.Dataplane).Keys);
        Assert.Equal(["es-1"], restored.Catalog.Of(ResourceKind.ExternalService).Keys);
        Assert.False(restored.IsWanted(EntryKey.Service("gw")));
    }
}
