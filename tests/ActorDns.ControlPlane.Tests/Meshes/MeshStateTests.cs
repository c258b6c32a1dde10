using System.Net;
using ActorDns.ControlPlane.Allocation;
using ActorDns.ControlPlane.Catalog;
using ActorDns.ControlPlane.Events;
using ActorDns.ControlPlane.Meshes;
using Xunit;
using static ActorDns.ControlPlane.Tests.Support.Keys;

namespace ActorDns.ControlPlane.Tests.Meshes;

/// <summary>
/// One mesh's commands as events (SPEC §2, §3): what upserts, deletes and reconciles decide, and that
/// <see cref="MeshState.Apply"/> folds them into the catalog and the allocations.
/// </summary>
public sealed class MeshStateTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Delay = AllocatorSettings.Default.ReuseDelay;

    private static MeshResource Dataplane(string name, params string[] services) =>
        new(ResourceKind.Dataplane, "default", name, $$"""{"name":"{{name}}"}""", services, null);

    private static MeshResource External(string name, string service, string? host) =>
        new(ResourceKind.ExternalService, "default", name, "{}", [service], host);

    private static MeshState Empty(string cidr = "240.0.0.0/4", bool serviceVipEnabled = true) =>
        MeshState.Empty("default", new MeshSettings(new AllocatorSettings(IpPool.Parse(cidr), null, Delay), ServiceVipEnabled: serviceVipEnabled));

    private static MeshState Fold(MeshState state, IEnumerable<IMeshEvent> events) => events.Aggregate(state, (s, e) => s.Apply(e));

    private static MeshState Upsert(MeshState state, MeshResource resource, DateTimeOffset now) =>
        Fold(state, state.DecideUpsert(resource, [], now));

    private static MeshState Delete(MeshState state, ResourceKind kind, string name, DateTimeOffset now) =>
        Fold(state, state.DecideDelete(kind, name, [], now));

    private static string? Vip(MeshState state, string key) =>
        state.Allocator.Assignments.TryGetValue(EntryKey.Parse(key), out var a) ? a.Vip?.ToString() : null;

    [Fact]
    public void SnapshotSize_CountsResourcesAssignmentsAndQuarantinedAddresses()
    {
        var state = Upsert(Empty(), Dataplane("a", "alpha", "beta"), T0);
        state = Upsert(state, Dataplane("b", "gamma"), T0);
        Assert.Equal(2 + 3, state.SnapshotSize);

        state = Delete(state, ResourceKind.Dataplane, "a", T0);

        Assert.Equal(1 + 1 + 2, state.SnapshotSize);
    }

    [Fact]
    public void DecideUpsert_NewDataplane_ResourceUpsertedThenVipAllocated()
    {
        var state = Empty();
        var resource = Dataplane("backend-1", "backend");

        var events = state.DecideUpsert(resource, [], T0);

        Assert.Equal(2, events.Count);
        var upserted = Assert.IsType<ResourceUpserted>(events[0]);
        Assert.Equal(("Dataplane", "backend-1", resource.Json, null), (upserted.Kind, upserted.Name, upserted.Json, upserted.Host));
        Assert.Equal(["backend"], upserted.Services);
        Assert.Equal(new VipAllocated("service:backend", "240.0.0.1", null, T0), events[1]);
    }

    [Fact]
    public void Apply_UpsertEvents_FoldsResourceAndVip()
    {
        var state = Upsert(Empty(), Dataplane("backend-1", "backend"), T0);

        Assert.Equal(["backend-1"], state.Catalog.Of(ResourceKind.Dataplane).Keys);
        Assert.Equal("240.0.0.1", Vip(state, "service:backend"));
        Assert.True(state.IsWanted(K("service:backend")));
        Assert.Equal("default", state.Catalog.Of(ResourceKind.Dataplane)["backend-1"].Mesh);
    }

    [Fact]
    public void DecideUpsert_SameDataplaneAgain_OnlyResourceUpserted()
    {
        var state = Upsert(Empty(), Dataplane("backend-1", "backend"), T0);

        var events = state.DecideUpsert(Dataplane("backend-1", "backend"), [], T0 + TimeSpan.FromSeconds(1));

        Assert.IsType<ResourceUpserted>(Assert.Single(events));
        Assert.Equal("240.0.0.1", Vip(Fold(state, events), "service:backend"));
    }

    [Fact]
    public void DecideUpsert_SecondDataplaneOfSameService_NoVipEvents()
    {
        var state = Upsert(Empty(), Dataplane("backend-1", "backend"), T0);

        var events = state.DecideUpsert(Dataplane("backend-2", "backend"), [], T0);

        Assert.IsType<ResourceUpserted>(Assert.Single(events));
    }

    [Fact]
    public void DecideUpsert_DataplaneWithTwoServices_AllocatesBoth()
    {
        // Kuma scenario 15.
        var events = Empty().DecideUpsert(Dataplane("dp-1", "service1", "service2"), [], T0);

        Assert.Equal(
            [new VipAllocated("service:service1", "240.0.0.1", null, T0), new VipAllocated("service:service2", "240.0.0.2", null, T0)],
            events.Skip(1));
    }

    [Fact]
    public void DecideUpsert_DataplaneWithoutServices_NoVipEvents()
    {
        // Kuma scenarios 28–30: an Ignored inbound or port 49151 leaves the Dataplane without services.
        var events = Empty().DecideUpsert(Dataplane("dp-1"), [], T0);

        Assert.IsType<ResourceUpserted>(Assert.Single(events));
    }

    [Fact]
    public void DecideUpsert_DataplaneServiceChanged_ReleasesOldAndAllocatesNew()
    {
        var state = Upsert(Empty(), Dataplane("dp-1", "backend"), T0);
        var now = T0 + TimeSpan.FromSeconds(5);

        var events = state.DecideUpsert(Dataplane("dp-1", "frontend"), [], now);

        Assert.Equal(
            [new VipReleased("service:backend", "240.0.0.1", null, now), new VipAllocated("service:frontend", "240.0.0.2", null, now)],
            events.Skip(1));
    }

    [Fact]
    public void DecideUpsert_ExternalService_AllocatesServiceAndHost()
    {
        // Kuma scenario 17.
        var events = Empty().DecideUpsert(External("es-1", "my-external-service-1", "external.service.com"), [], T0);

        Assert.Equal(
            [new VipAllocated("host:external.service.com", "240.0.0.1", null, T0), new VipAllocated("service:my-external-service-1", "240.0.0.2", null, T0)],
            events.Skip(1));
    }

    [Fact]
    public void DecideUpsert_ExternalServiceHostChanged_ReleasesOldHost()
    {
        var state = Upsert(Empty(), External("es-1", "ext", "a.example.com"), T0);

        var events = state.DecideUpsert(External("es-1", "ext", "b.example.com"), [], T0);

        Assert.Equal(
            [new VipReleased("host:a.example.com", "240.0.0.1", null, T0), new VipAllocated("host:b.example.com", "240.0.0.3", null, T0)],
            events.Skip(1));
    }

    [Fact]
    public void DecideUpsert_ServiceVipsDisabled_OnlyHostVip()
    {
        // Kuma scenario 26.
        var state = Upsert(Empty(serviceVipEnabled: false), Dataplane("dp-1", "service1"), T0);

        var events = state.DecideUpsert(External("es-1", "ext", "external.service.com"), [], T0);

        Assert.Equal([new VipAllocated("host:external.service.com", "240.0.0.1", null, T0)], events.Skip(1));
        Assert.Single(Fold(state, events).Allocator.Assignments);
    }

    [Fact]
    public void DecideDelete_OneOfTwoDataplanesOfService_KeepsVip()
    {
        var state = Upsert(Upsert(Empty(), Dataplane("backend-1", "backend"), T0), Dataplane("backend-2", "backend"), T0);

        var events = state.DecideDelete(ResourceKind.Dataplane, "backend-1", [], T0);

        Assert.Equal([new ResourceDeleted("Dataplane", "backend-1")], events);
        Assert.Equal("240.0.0.1", Vip(Fold(state, events), "service:backend"));
    }

    [Fact]
    public void DecideDelete_LastDataplaneOfService_ReleasesVip()
    {
        var state = Upsert(Upsert(Empty(), Dataplane("backend-1", "backend"), T0), Dataplane("web-1", "web"), T0);
        var now = T0 + TimeSpan.FromMinutes(1);

        var events = state.DecideDelete(ResourceKind.Dataplane, "backend-1", [], now);
        var after = Fold(state, events);

        Assert.Equal([new ResourceDeleted("Dataplane", "backend-1"), new VipReleased("service:backend", "240.0.0.1", null, now)], events);
        Assert.Null(Vip(after, "service:backend"));
        Assert.False(after.IsWanted(K("service:backend")));
        Assert.Equal("240.0.0.2", Vip(after, "service:web"));
    }

    [Fact]
    public void DecideDelete_ExternalServiceSharingHost_KeepsHostReleasesService()
    {
        var state = Upsert(Upsert(Empty(), External("es-1", "svc-1", "external.service.com"), T0), External("es-2", "svc-2", "external.service.com"), T0);

        var events = state.DecideDelete(ResourceKind.ExternalService, "es-1", [], T0);

        Assert.Equal([new ResourceDeleted("ExternalService", "es-1"), new VipReleased("service:svc-1", "240.0.0.2", null, T0)], events);
    }

    [Fact]
    public void DecideDelete_MissingResource_NoEvents()
    {
        var state = Upsert(Empty(), Dataplane("dp-1", "backend"), T0);

        Assert.Empty(state.DecideDelete(ResourceKind.Dataplane, "dp-2", [], T0));
        Assert.Empty(state.DecideDelete(ResourceKind.ExternalService, "dp-1", [], T0));
    }

    [Fact]
    public void DecideReconcile_NothingChanged_NoEvents()
    {
        var state = Upsert(Upsert(Empty(), Dataplane("dp-1", "a", "b"), T0), External("es-1", "c", "c.example.com"), T0);

        Assert.Empty(state.DecideReconcile(state.KeysToReconcile(), T0 + TimeSpan.FromHours(1)));
    }

    [Fact]
    public void DecideReconcile_LargeMeshNothingToDo_AllocatesLessThanOneBytePerEntry()
    {
        // The mesh entity reconciles every 10 s; building, sorting and deciding every entry of a 10,000-name mesh
        // allocated 2.6 MB each time, a gen0 collection that paused a standalone node's DNS loop every 10 s.
        const int entries = 2_000;
        var state = Empty();
        for (var i = 0; i < entries; i++)
        {
            state = Upsert(state, Dataplane($"dp-{i}", $"svc-{i}"), T0);
        }

        state.DecideReconcile(state.KeysToReconcile(), T0); // the first call of each code path may allocate once
        var before = GC.GetAllocatedBytesForCurrentThread();
        var events = state.DecideReconcile(state.KeysToReconcile(), T0 + TimeSpan.FromHours(1));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Empty(events);
        Assert.True(allocated < entries, $"{allocated} bytes for {entries} entries");
    }

    [Fact]
    public void DecideReconcile_ExhaustedEntryOnceQuarantinePasses_Allocates()
    {
        var state = Empty("10.0.0.0/30");
        foreach (var name in new[] { "a", "b", "c" })
        {
            state = Upsert(state, Dataplane($"dp-{name}", name), T0);
        }

        Assert.True(state.Allocator.LacksVip(K("service:c")));
        var deletedAt = T0 + TimeSpan.FromSeconds(10);
        state = Delete(state, ResourceKind.Dataplane, "dp-a", deletedAt);

        Assert.Empty(state.DecideReconcile(state.KeysToReconcile(), deletedAt + Delay - TimeSpan.FromSeconds(1)));
        var events = state.DecideReconcile(state.KeysToReconcile(), deletedAt + Delay);

        Assert.Equal([new VipAllocated("service:c", "10.0.0.1", null, deletedAt + Delay)], events);
        Assert.False(Fold(state, events).Allocator.LacksVip(K("service:c")));
    }

    [Fact]
    public void DecideUpsert_PendingKeys_RetriedWithTheChange()
    {
        var state = Empty("10.0.0.0/30");
        state = Upsert(Upsert(Upsert(state, Dataplane("dp-a", "a"), T0), Dataplane("dp-b", "b"), T0), Dataplane("dp-c", "c"), T0);
        state = Delete(state, ResourceKind.Dataplane, "dp-a", T0);
        var later = T0 + Delay;

        var events = state.DecideUpsert(Dataplane("dp-b", "b"), [K("service:c")], later);

        Assert.Equal([new VipAllocated("service:c", "10.0.0.1", null, later)], events.Skip(1));
    }

    [Fact]
    public void DecideReconcile_VipWithoutResource_Released()
    {
        // A missed event: the allocation exists but nothing in the catalog wants it.
        var state = Empty().Apply(new VipAllocated("service:orphan", "240.0.0.7", null, T0));

        var events = state.DecideReconcile(state.KeysToReconcile(), T0);

        Assert.Equal([new VipReleased("service:orphan", "240.0.0.7", null, T0)], events);
    }

    [Fact]
    public void DecideReconcile_KeysWalkedOnAnOlderState_DecidedOnTheNewerOne()
    {
        // The entity walks for the keys off its actor and decides them on the state of then: an orphan VIP that a
        // resource has come to want in between must be kept, not released.
        var older = Empty().Apply(new VipAllocated("service:orphan", "240.0.0.7", null, T0));
        var keys = older.KeysToReconcile();
        var newer = Upsert(older, Dataplane("dp-1", "orphan"), T0);

        Assert.Equal([K("service:orphan")], keys);
        Assert.Empty(newer.DecideReconcile(keys, T0));
        Assert.Equal([new VipReleased("service:orphan", "240.0.0.7", null, T0)], older.DecideReconcile(keys, T0));
    }

    [Fact]
    public void DecideReconcile_WantedEntryWithoutVip_Allocated()
    {
        // A missed event the other way: the resource was applied but no VIP was decided.
        var state = Empty().Apply(new ResourceUpserted("Dataplane", "dp-1", "{}", ["backend"], null));

        var events = state.DecideReconcile(state.KeysToReconcile(), T0);

        Assert.Equal([new VipAllocated("service:backend", "240.0.0.1", null, T0)], events);
    }

    [Fact]
    public void DecideReconcile_CidrChanged_ReaddressesOnlyEntriesOutside()
    {
        var state = Empty("10.0.0.0/24");
        state = Upsert(state, Dataplane("dp-1", "a", "b", "c"), T0);
        var settings = state.Settings with { Allocation = state.Settings.Allocation with { Pool = IpPool.Parse("10.0.0.0/31") } };
        state = state with { Settings = settings, Allocator = state.Allocator.WithSettings(settings.Allocation) };

        var events = state.DecideReconcile(state.KeysToReconcile(), T0);
        var after = Fold(state, events);

        // /31 holds 10.0.0.0 and 10.0.0.1: a (.1) stays, b (.2) moves to .0, c (.3) finds nothing left.
        Assert.Equal("10.0.0.1", Vip(after, "service:a"));
        Assert.Equal("10.0.0.0", Vip(after, "service:b"));
        Assert.Null(Vip(after, "service:c"));
        Assert.True(after.Allocator.LacksVip(K("service:c")));
        Assert.DoesNotContain(events, e => e is VipReleased { Key: "service:a" });
    }

    [Fact]
    public void DecideReconcile_Ipv6PoolAdded_AllocatesAnIpv6VipForEachEntryKeepingIpv4()
    {
        var state = Upsert(Upsert(Empty("10.0.0.0/24"), Dataplane("dp-1", "a"), T0), Dataplane("dp-2", "b"), T0);
        var settings = state.Settings with { Allocation = state.Settings.Allocation with { PoolV6 = IpPool.Parse("fd00::/120") } };
        state = state with { Settings = settings, Allocator = state.Allocator.WithSettings(settings.Allocation) };

        var events = state.DecideReconcile(state.KeysToReconcile(), T0);

        Assert.Equal(
            [new VipAllocated("service:a", null, "fd00::1", T0), new VipAllocated("service:b", null, "fd00::2", T0)],
            events);
    }

    [Fact]
    public void DecideReconcile_MixedMesh_SameEventsAsDecidingEveryEntry()
    {
        // Settled, exhausted, quarantined, out-of-pool and IPv6-less entries at once: the reconcile's filter must keep
        // every entry Decide acts on, and the order of its events.
        var state = Empty("10.0.0.0/29");
        for (var i = 0; i < 8; i++)
        {
            state = Upsert(state, Dataplane($"dp-{i}", $"svc-{i}"), T0);
        }

        state = Delete(state, ResourceKind.Dataplane, "dp-2", T0);
        var settings = state.Settings with { Allocation = state.Settings.Allocation with { Pool = IpPool.Parse("10.0.0.0/30"), PoolV6 = IpPool.Parse("fd00::/126") } };
        state = state with { Settings = settings, Allocator = state.Allocator.WithSettings(settings.Allocation) };
        var now = T0 + Delay;

        var reconciled = state.DecideReconcile(state.KeysToReconcile(), now);

        Assert.NotEmpty(reconciled.OfType<VipReleased>());
        Assert.NotEmpty(reconciled.OfType<VipAllocated>());
        Assert.Equal(state.Allocator.Decide(state.Allocator.Assignments.Keys.Concat(state.WantedKeys), state.IsWanted, now), reconciled);
    }

    [Fact]
    public void DecideClear_ResourcesOfEveryKind_DeletesEachAndReleasesEveryVip()
    {
        var state = Upsert(Upsert(Upsert(Empty(), Dataplane("dp-1", "backend"), T0), Dataplane("dp-2", "backend"), T0), External("es-1", "ext", "ext.example.com"), T0);
        var now = T0 + TimeSpan.FromSeconds(5);

        var events = state.DecideClear(now);
        var after = Fold(state, events);

        Assert.Equal(
            [new ResourceDeleted("Dataplane", "dp-1"), new ResourceDeleted("Dataplane", "dp-2"), new ResourceDeleted("ExternalService", "es-1")],
            events.OfType<ResourceDeleted>());
        Assert.Equal(["service:backend", "host:ext.example.com", "service:ext"], events.OfType<VipReleased>().Select(e => e.Key));
        Assert.All(events.OfType<VipReleased>(), e => Assert.Equal(now, e.At));
        Assert.Equal(0, after.Catalog.Count);
        Assert.Empty(after.Allocator.Assignments);
        Assert.Empty(after.DecideClear(now));
    }

    [Fact]
    public void DecideReconcile_ServiceVipsSwitchedOff_ReleasesServiceVipsKeepsHosts()
    {
        var state = Upsert(Upsert(Empty(), Dataplane("dp-1", "backend"), T0), External("es-1", "ext", "ext.example.com"), T0);
        state = state with { Settings = state.Settings with { ServiceVipEnabled = false } };

        var events = state.DecideReconcile(state.KeysToReconcile(), T0);
        var after = Fold(state, events);

        Assert.Equal(2, events.Count);
        Assert.All(events, e => Assert.StartsWith("service:", Assert.IsType<VipReleased>(e).Key, StringComparison.Ordinal));
        Assert.Equal([K("host:ext.example.com")], after.Allocator.Assignments.Keys);
    }

    [Fact]
    public void KeysTouchedBy_UpsertReplacingResource_OldAndNewKeys()
    {
        var state = Upsert(Empty(), External("es-1", "old", "old.example.com"), T0);

        var keys = state.KeysTouchedBy(new ResourceUpserted("ExternalService", "es-1", "{}", ["new"], "new.example.com"));

        Assert.Equal(
            [K("host:new.example.com"), K("host:old.example.com"), K("service:new"), K("service:old")],
            keys.Distinct().Order());
    }

    [Fact]
    public void KeysTouchedBy_UpsertOfADataplane_ItsServicesWithoutAHostKey()
    {
        var keys = Empty().KeysTouchedBy(new ResourceUpserted("Dataplane", "dp-1", "{}", ["a", "b"], null));

        Assert.Equal([K("service:a"), K("service:b")], keys);
    }

    [Fact]
    public void KeysTouchedBy_OtherEvents_TheirKeyOrNothing()
    {
        var state = Upsert(Empty(), Dataplane("dp-1", "backend"), T0);

        Assert.Equal([K("service:backend")], state.KeysTouchedBy(new ResourceDeleted("Dataplane", "dp-1")));
        Assert.Equal([K("service:x")], state.KeysTouchedBy(new VipReleased("service:x", "240.0.0.9", null, T0)));
        Assert.Empty(state.KeysTouchedBy(new MeshCreated("other")));
    }

    [Fact]
    public void Apply_JournalReplayedFromEmpty_SameCatalogAndAllocations()
    {
        var journal = new List<IMeshEvent>();
        var state = Empty();
        void Record(IReadOnlyList<IMeshEvent> events)
        {
            journal.AddRange(events);
            state = Fold(state, events);
        }

        Record(state.DecideUpsert(Dataplane("dp-1", "a", "b"), [], T0));
        Record(state.DecideUpsert(External("es-1", "c", "c.example.com"), [], T0));
        Record(state.DecideUpsert(Dataplane("dp-2", "b"), [], T0));
        Record(state.DecideDelete(ResourceKind.Dataplane, "dp-1", [], T0 + TimeSpan.FromSeconds(1)));
        Record(state.DecideUpsert(Dataplane("dp-3", "d"), [], T0 + TimeSpan.FromSeconds(2)));

        var replayed = Fold(Empty(), journal);

        Assert.Equal(state.Allocator.Assignments, replayed.Allocator.Assignments);
        Assert.Equal(state.Catalog.References.OrderBy(p => p.Key), replayed.Catalog.References.OrderBy(p => p.Key));
        Assert.Equal(state.Catalog.Of(ResourceKind.Dataplane).Keys, replayed.Catalog.Of(ResourceKind.Dataplane).Keys);
        Assert.Equal(IPAddress.Parse("240.0.0.5"), replayed.Allocator.Assignments[K("service:d")].Vip);
    }
}
