using ActorDns.ControlPlane.Catalog;
using ActorDns.ControlPlane.Events;
using Xunit;
using static ActorDns.ControlPlane.Tests.Support.Keys;

namespace ActorDns.ControlPlane.Tests.Catalog;

/// <summary>
/// SPEC §3 "what gets a VIP": reference counting of entries across the Dataplanes and ExternalServices of a mesh
/// (reference §11, scenarios 14, 15, 17–20, 26, 27).
/// </summary>
public sealed class CatalogStateTests
{
    private const string Mesh = "default";

    private static ResourceUpserted Dataplane(string name, params string[] services) =>
        new("Dataplane", name, "{}", services, null);

    private static ResourceUpserted External(string name, string service, string? host) =>
        new("ExternalService", name, "{}", [service], host);

    private static CatalogState Fold(params IMeshEvent[] events) =>
        events.Aggregate(CatalogState.Empty, (state, e) => state.Apply(e, Mesh));

    [Fact]
    public void Empty_NoResources_NoEntries()
    {
        // Kuma scenario 14.
        Assert.Empty(CatalogState.Empty.References);
        Assert.False(CatalogState.Empty.IsWanted(K("service:backend"), serviceVipEnabled: true));
    }

    [Fact]
    public void Apply_DataplaneWithTwoServices_OneEntryPerService()
    {
        // Kuma scenario 15.
        var state = Fold(Dataplane("dp-1", "service1", "service2"));

        Assert.Equal([K("service:service1"), K("service:service2")], state.References.Keys.Order());
        Assert.All(state.References.Values, count => Assert.Equal(1, count));
        Assert.Equal([K("service:service1"), K("service:service2")], state.KeysOf(ResourceKind.Dataplane, "dp-1"));
        var stored = state.Of(ResourceKind.Dataplane)["dp-1"];
        Assert.Equal(Mesh, stored.Mesh);
        Assert.Equal(ResourceKind.Dataplane, stored.Kind);
    }

    [Fact]
    public void Apply_TwoDataplanesSharingService_CountsBoth()
    {
        var state = Fold(Dataplane("backend-1", "backend"), Dataplane("backend-2", "backend"));

        Assert.Equal(2, state.References[K("service:backend")]);
        Assert.Equal(2, state.Of(ResourceKind.Dataplane).Count);
    }

    [Fact]
    public void Apply_DeleteOneOfTwoDataplanesSharingService_EntryStillWanted()
    {
        var state = Fold(Dataplane("backend-1", "backend"), Dataplane("backend-2", "backend"), new ResourceDeleted("Dataplane", "backend-1"));

        Assert.True(state.IsWanted(K("service:backend"), serviceVipEnabled: true));
        Assert.Equal(1, state.References[K("service:backend")]);
        Assert.Equal(["backend-2"], state.Of(ResourceKind.Dataplane).Keys);
    }

    [Fact]
    public void Apply_DeleteBothDataplanesSharingService_EntryNoLongerWanted()
    {
        var state = Fold(
            Dataplane("backend-1", "backend"),
            Dataplane("backend-2", "backend"),
            new ResourceDeleted("Dataplane", "backend-2"),
            new ResourceDeleted("Dataplane", "backend-1"));

        Assert.False(state.IsWanted(K("service:backend"), serviceVipEnabled: true));
        Assert.Empty(state.References);
        Assert.Empty(state.Of(ResourceKind.Dataplane));
    }

    [Fact]
    public void Apply_SameDataplaneUpsertedTwice_CountedOnce()
    {
        var state = Fold(Dataplane("dp-1", "backend"), Dataplane("dp-1", "backend"));

        Assert.Equal(1, state.References[K("service:backend")]);
    }

    [Fact]
    public void Apply_DataplaneReplacedWithOtherService_OldEntryDropped()
    {
        var state = Fold(Dataplane("dp-1", "backend"), Dataplane("dp-1", "frontend"));

        Assert.False(state.IsWanted(K("service:backend"), serviceVipEnabled: true));
        Assert.True(state.IsWanted(K("service:frontend"), serviceVipEnabled: true));
        Assert.Equal(["frontend"], state.Of(ResourceKind.Dataplane)["dp-1"].Services);
    }

    [Fact]
    public void Apply_ExternalService_ServiceAndHostEntries()
    {
        // Kuma scenario 17.
        var state = Fold(External("es-1", "my-external-service-1", "external.service.com"));

        Assert.True(state.IsWanted(K("service:my-external-service-1"), serviceVipEnabled: true));
        Assert.True(state.IsWanted(K("host:external.service.com"), serviceVipEnabled: true));
        Assert.Equal([K("service:my-external-service-1"), K("host:external.service.com")], state.KeysOf(ResourceKind.ExternalService, "es-1"));
        Assert.Empty(state.Of(ResourceKind.Dataplane));
    }

    [Fact]
    public void Apply_TwoExternalServicesSameHostOneWithoutHostEntry_HostCountedOnce()
    {
        // Kuma scenario 19: es-2 has disableHostDNSEntry, so the parser gave it no host.
        var state = Fold(External("es-1", "svc-1", "external.service.com"), External("es-2", "svc-2", null));

        Assert.Equal(1, state.References[K("host:external.service.com")]);
        Assert.True(state.IsWanted(K("service:svc-1"), serviceVipEnabled: true));
        Assert.True(state.IsWanted(K("service:svc-2"), serviceVipEnabled: true));
    }

    [Fact]
    public void Apply_DeleteOneOfTwoExternalServicesSameHost_HostStillWanted()
    {
        // Kuma scenario 20: one host entry for two ExternalServices.
        var state = Fold(
            External("es-1", "svc-1", "external.service.com"),
            External("es-2", "svc-2", "external.service.com"),
            new ResourceDeleted("ExternalService", "es-1"));

        Assert.True(state.IsWanted(K("host:external.service.com"), serviceVipEnabled: true));
        Assert.False(state.IsWanted(K("service:svc-1"), serviceVipEnabled: true));
    }

    [Fact]
    public void IsWanted_ServiceVipsDisabled_OnlyHostEntriesWanted()
    {
        // Kuma scenarios 26 and 27.
        var state = Fold(
            Dataplane("dp-1", "service1"),
            External("es-1", "svc-1", "external.service.com"),
            External("es-2", "svc-2", "external.service.com"));

        Assert.False(state.IsWanted(K("service:service1"), serviceVipEnabled: false));
        Assert.False(state.IsWanted(K("service:svc-1"), serviceVipEnabled: false));
        Assert.True(state.IsWanted(K("host:external.service.com"), serviceVipEnabled: false));
        Assert.True(state.References.ContainsKey(K("service:service1")));
    }

    [Fact]
    public void Apply_DataplaneAndExternalServiceSameName_KeptApart()
    {
        var state = Fold(Dataplane("same", "a"), External("same", "b", "b.example.com"), new ResourceDeleted("ExternalService", "same"));

        Assert.True(state.IsWanted(K("service:a"), serviceVipEnabled: true));
        Assert.False(state.IsWanted(K("service:b"), serviceVipEnabled: true));
        Assert.Equal(["same"], state.Of(ResourceKind.Dataplane).Keys);
        Assert.Empty(state.Of(ResourceKind.ExternalService));
    }

    [Fact]
    public void Apply_DeleteMissingResource_SameState()
    {
        var state = Fold(Dataplane("dp-1", "backend"));

        Assert.Same(state, state.Apply(new ResourceDeleted("Dataplane", "dp-2"), Mesh));
    }

    [Fact]
    public void Apply_UnknownKindOrOtherEvent_SameState()
    {
        var state = Fold(Dataplane("dp-1", "backend"));

        Assert.Same(state, state.Apply(new ResourceUpserted("MeshGateway", "gw", "{}", ["gw"], null), Mesh));
        Assert.Same(state, state.Apply(new VipAllocated("service:backend", "240.0.0.1", null, DateTimeOffset.UnixEpoch), Mesh));
    }

    [Fact]
    public void KeysOf_MissingResource_Empty()
    {
        Assert.Empty(CatalogState.Empty.KeysOf(ResourceKind.Dataplane, "nope"));
    }
}
