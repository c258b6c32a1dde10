using System.Net;
using ActorDns.ControlPlane.Allocation;
using ActorDns.ControlPlane.Catalog;
using ActorDns.ControlPlane.Events;
using ActorDns.ControlPlane.Meshes;
using ActorDns.ControlPlane.Zones;
using Xunit;
using static ActorDns.ControlPlane.Tests.Support.Keys;

namespace ActorDns.ControlPlane.Tests.Meshes;

/// <summary>What the resolvers of a mesh are sent: one delta per commit that changed a record, versioned by the stored event.</summary>
public sealed class ZoneProjectionTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>10.1.0.0/30 offers .1 and .2 only.</summary>
    private static MeshState Empty() =>
        MeshState.Empty("default", new MeshSettings(new AllocatorSettings(IpPool.Parse("10.1.0.0/30"), null, TimeSpan.FromSeconds(120))));

    private static ZoneProjection Start() => new(new ZoneState("mesh"), 0, new HashSet<EntryKey>());

    private static MeshResource Dataplane(string name, string service) => new(ResourceKind.Dataplane, "default", name, "{}", [service], null);

    /// <summary>The events of an upsert, applied, and the keys they touched, as the entity collects them.</summary>
    private static (MeshState State, List<EntryKey> Touched) Upsert(MeshState state, MeshResource resource, ZoneProjection view)
    {
        var touched = new List<EntryKey>();
        foreach (var e in state.DecideUpsert(resource, view.Pending, T0))
        {
            touched.AddRange(state.KeysTouchedBy(e));
            state = state.Apply(e);
        }

        return (state, touched);
    }

    [Fact]
    public void Commit_NewEntryWithVip_DeltaFromTheOldVersionToTheStoredEvent()
    {
        var (state, touched) = Upsert(Empty(), Dataplane("dp-1", "backend"), Start());

        var (view, delta, exhausted) = Start().Commit(touched, state, version: 2);

        Assert.NotNull(delta);
        Assert.Equal((0L, 2L), (delta.FromVersion, delta.ToVersion));
        Assert.Equal(["backend.mesh 10.1.0.1"], delta.Upserts.Select(r => $"{r.Name} {string.Join(",", r.Addresses)}"));
        Assert.Empty(delta.Removals);
        Assert.Equal(2, view.Version);
        Assert.Equal(0, exhausted);
    }

    [Fact]
    public void Commit_NoRecordChanged_NoDeltaAndTheVersionStays()
    {
        var (state, touched) = Upsert(Empty(), Dataplane("dp-1", "backend"), Start());
        var (view, _, _) = Start().Commit(touched, state, version: 2);

        var (after, delta, _) = view.Commit([K("service:backend")], state, version: 3);

        Assert.Null(delta);
        Assert.Equal(2, after.Version);
    }

    [Fact]
    public void Commit_PoolExhausted_EntryWaitsCountedOnce_AndIsServedWhenAVipFrees()
    {
        var view = Start();
        var state = Empty();
        foreach (var (name, service, version) in new[] { ("a", "alpha", 2L), ("b", "beta", 4L), ("c", "gamma", 5L) })
        {
            var (next, touched) = Upsert(state, Dataplane(name, service), view);
            state = next;
            (view, _, _) = view.Commit(touched, state, version);
        }

        Assert.Equal([K("service:gamma")], view.Pending);
        var (again, _, exhausted) = view.Commit([], state, version: 6);
        Assert.Equal(0, exhausted);
        Assert.Equal([K("service:gamma")], again.Pending);

        // alpha is deleted; once its quarantine ends, the reconcile gives gamma an address. Only alpha is passed as
        // touched: gamma's record comes from its being pending.
        foreach (var e in state.DecideDelete(ResourceKind.Dataplane, "a", [], T0))
        {
            state = state.Apply(e);
        }

        var allocated = state.DecideReconcile(state.KeysToReconcile(), T0 + TimeSpan.FromSeconds(121)).OfType<VipAllocated>().Single();
        state = state.Apply(allocated);
        var (served, delta, _) = again.Commit([K("service:alpha")], state, version: 9);

        Assert.Empty(served.Pending);
        Assert.Contains(delta!.Upserts, r => r.Name == "gamma.mesh" && r.Addresses.SequenceEqual([IPAddress.Parse(allocated.Vip!)]));
        Assert.Contains("alpha.mesh", delta.Removals);
    }

    [Fact]
    public void Recover_StoredState_ServesItsRecordsAtThatVersion()
    {
        var (state, _) = Upsert(Empty(), Dataplane("dp-1", "backend"), Start());

        var view = ZoneProjection.Recover(state, version: 7);

        Assert.Equal(7, view.Version);
        Assert.Equal(["backend.mesh"], view.Zone.Records.Values.Select(r => r.Name));
        Assert.Empty(view.Pending);
    }
}
