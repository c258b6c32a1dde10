using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.TestKit;
using ActorDns.ControlPlane.Allocation;
using ActorDns.ControlPlane.Catalog;
using ActorDns.ControlPlane.Meshes;
using Microsoft.Extensions.Time.Testing;
using Prometheus;
using Xunit;
using static ActorDns.ControlPlane.Meshes.MeshProtocol;
using static ActorDns.ControlPlane.Tests.Meshes.TestResources;

namespace ActorDns.ControlPlane.Tests.Meshes;

/// <summary>What a mesh entity answers: resources, the DNS view and its version, the VIP table, and clearing the mesh.</summary>
public sealed class MeshEntityQueriesSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly string LongService = new('s', 64);

    private readonly MeshSettings _settings = MeshSettings.Default with { Ttl = 30, ReconcileInterval = TimeSpan.FromMinutes(10) };
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero));
    private readonly TestProbe _mediator;

    public MeshEntityQueriesSpec()
        : base(PersistenceTestConfig.Hocon)
    {
        _mediator = CreateTestProbe();
    }

    private IActorRef Entity(MeshSettings? settings = null) =>
        Sys.ActorOf(MeshProtocol.Props("default", settings ?? _settings, _clock, new ControlPlaneMetrics(Metrics.WithCustomRegistry(Metrics.NewCustomRegistry())), _mediator.Ref));

    private void Store(IActorRef entity, params MeshResource[] resources)
    {
        foreach (var resource in resources)
        {
            entity.Tell(new UpsertResource("default", resource));
            ExpectMsg<ResourceStored>();
        }
    }

    private T Ask<T>(IActorRef entity, object query)
    {
        entity.Tell(query);
        return ExpectMsg<T>();
    }

    private ZoneChanged NextDelta() => (ZoneChanged)_mediator.FishForMessage<Publish>(p => p.Message is ZoneChanged).Message;

    [Fact]
    public void GetResourceAndListResources_AfterUpserts_ReturnTheStoredResourceOfThatKindOnly()
    {
        var entity = Entity();
        var dataplane = Dataplane("backend-1", "backend");
        var external = ExternalService("httpbin", "httpbin", "httpbin.org:443");
        Store(entity, dataplane, external);

        Assert.Equal(dataplane, Assert.Single(Ask<ResourceList>(entity, new GetResource("default", ResourceKind.Dataplane, "backend-1")).Resources));
        Assert.Empty(Ask<ResourceList>(entity, new GetResource("default", ResourceKind.Dataplane, "missing")).Resources);
        Assert.Empty(Ask<ResourceList>(entity, new GetResource("default", ResourceKind.ExternalService, "backend-1")).Resources);
        Assert.Equal(external, Assert.Single(Ask<ResourceList>(entity, new ListResources("default", ResourceKind.ExternalService)).Resources));
        Assert.Equal(dataplane, Assert.Single(Ask<ResourceList>(entity, new ListResources("default", ResourceKind.Dataplane)).Resources));
    }

    [Fact]
    public void GetZoneAndGetZoneVersion_AfterAChange_TheRecordsAtThePublishedVersionWithTheTtl()
    {
        var entity = Entity();
        Store(entity, Dataplane("a", "alpha"));
        var published = NextDelta();

        var zone = Ask<ZoneSnapshot>(entity, new GetZone("default"));

        Assert.Equal(("default", 2L, 30u), (zone.Mesh, zone.Version, zone.Ttl));
        Assert.Equal(published.Delta.ToVersion, zone.Version);
        var record = Assert.Single(zone.Records);
        Assert.Equal(("alpha.mesh", "240.0.0.1"), (record.Name, record.Addresses.Single().ToString()));
        Assert.Equal(new ZoneVersion("default", 2), Ask<ZoneVersion>(entity, new GetZoneVersion("default")));
    }

    [Fact]
    public void UpsertResource_ChangeWithoutDnsEffect_PublishesNothingAndKeepsTheZoneVersion()
    {
        var entity = Entity();
        Store(entity, Dataplane("a", "alpha"));
        Assert.Equal(2, NextDelta().Delta.ToVersion);

        // Events 3 (same Dataplane again: no record changes) and 4–5 (a new service: a new record).
        Store(entity, Dataplane("a", "alpha"));
        Assert.Equal(2, Ask<ZoneVersion>(entity, new GetZoneVersion("default")).Version);
        Store(entity, Dataplane("b", "beta"));

        var next = NextDelta().Delta;
        Assert.Equal((2L, 5L), (next.FromVersion, next.ToVersion));
        Assert.Equal(["beta.mesh"], next.Upserts.Select(r => r.Name));
    }

    [Fact]
    public void ClearMesh_DataplanesAndExternalServices_DeletesEveryResourceVipAndName()
    {
        var entity = Entity();
        Store(entity, Dataplane("a", "alpha"), ExternalService("httpbin", "ext", "httpbin.org:443"));
        Assert.Equal(3, Ask<VipTable>(entity, new GetVips("default")).Entries.Count);

        entity.Tell(new ClearMesh("default"));

        Assert.True(ExpectMsg<ResourceRemoved>().Existed);
        Assert.Empty(Ask<ResourceList>(entity, new ListResources("default", ResourceKind.Dataplane)).Resources);
        Assert.Empty(Ask<ResourceList>(entity, new ListResources("default", ResourceKind.ExternalService)).Resources);
        Assert.Empty(Ask<VipTable>(entity, new GetVips("default")).Entries);
        Assert.Empty(Ask<ZoneSnapshot>(entity, new GetZone("default")).Records);
    }

    [Fact]
    public void GetVips_ServicesAndHosts_SortedByKeyWithTheirPortsNamesAndReasons()
    {
        var entity = Entity();
        Store(
            entity,
            Dataplane("dp-underscore", "a_b"),
            Dataplane("dp-dotted", "a.b"),
            Dataplane("dp-long", LongService),
            ExternalService("tls", "httpbin-tls", "httpbin.org:443"),
            ExternalService("plain", "httpbin-plain", "httpbin.org:80"),
            ExternalService("other", "other", "example.org:8080"),

            // Written by an older build without an address: it adds no port.
            new MeshResource(ResourceKind.ExternalService, "default", "legacy", """{"type":"ExternalService"}""", ["legacy"], "httpbin.org"));

        var table = Ask<VipTable>(entity, new GetVips("default")).Entries;
        var entries = table.ToDictionary(e => e.Key);
        var keys = table.Select(e => e.Key).ToList();

        Assert.Equal(keys.Order(StringComparer.Ordinal), keys);
        Assert.Equal(9, keys.Count);
        var host = entries["host:httpbin.org"];
        Assert.Equal("host", host.Origin);
        Assert.Equal([80, 443], host.Ports);
        Assert.Equal(["httpbin.org"], host.Names);
        Assert.Null(host.Reason);
        Assert.Equal([8080], entries["host:example.org"].Ports);
        var dotted = entries["service:a.b"];
        Assert.Equal("service", dotted.Origin);
        Assert.Equal([80], dotted.Ports);
        Assert.Equal(["a.b.mesh"], dotted.Names);
        Assert.Null(dotted.Reason);
        var underscore = entries["service:a_b"];
        Assert.Equal(["a_b.mesh"], underscore.Names);
        Assert.Equal("a.b.mesh is served for service:a.b", underscore.Reason);
        var invalid = entries[$"service:{LongService}"];
        Assert.NotNull(invalid.Vip);
        Assert.Empty(invalid.Names);
        Assert.StartsWith($"{LongService}.mesh is not a valid DNS name", invalid.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void GetVips_EntryWithoutAddressAndWithAnInvalidName_GivesBothReasons()
    {
        var entity = Entity(_settings with { Allocation = new AllocatorSettings(IpPool.Parse("10.1.0.0/30"), null, TimeSpan.FromSeconds(120)) });
        Store(entity, Dataplane("a", "alpha"), Dataplane("b", "beta"), Dataplane("long", LongService));

        var entry = Ask<VipTable>(entity, new GetVips("default")).Entries.Single(e => e.Key == $"service:{LongService}");

        Assert.Null(entry.Vip);
        Assert.StartsWith($"no free address in 10.1.0.0/30; {LongService}.mesh is not a valid DNS name", entry.Reason, StringComparison.Ordinal);
    }
}
