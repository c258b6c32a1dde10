using System.Net;
using Akka.Actor;
using ActorDns.ControlPlane.Catalog;
using ActorDns.ControlPlane.Events;
using ActorDns.ControlPlane.Meshes;
using ActorDns.Server.Query;
using Xunit;
using static ActorDns.ControlPlane.Meshes.MeshDirectoryProtocol;
using static ActorDns.ControlPlane.Meshes.MeshProtocol;

namespace ActorDns.ControlPlane.Tests.Meshes;

/// <summary>Messages that cross nodes, and persisted events, survive their own serializers.</summary>
public sealed class MeshProtocolSerializerSpec : Akka.TestKit.Xunit2.TestKit
{
    public static TheoryData<object> Messages()
    {
        var json = """{"type":"Dataplane","mesh":"default","name":"b1","networking":{"address":"10.0.0.2","inbound":[{"port":8080,"tags":{"kuma.io/service":"backend"}}]}}""";
        ResourceParser.TryParse(ResourceKind.Dataplane, "default", "b1", json, out var resource, out _);
        var record = new ZoneRecord("backend.mesh", [IPAddress.Parse("240.0.0.1"), IPAddress.Parse("fd00::1")]);
        return
        [
            new UpsertResource("default", resource),
            new ZoneChanged("default", new ZoneDelta(3, 7, [record], ["gone.mesh"]), new DateTimeOffset(2026, 11, 26, 9, 30, 0, TimeSpan.Zero)),
            new ZoneSnapshot("default", 7, 60, [record]),
            new VipTable([new VipEntry("service:backend", "service", "240.0.0.1", null, [80], ["backend.mesh"], null)], 7),
            new MeshList(["default", "other"], 7),
            ListMeshes.Instance,
            new Failed("journal down"),
        ];
    }

    [Theory]
    [MemberData(nameof(Messages))]
    public void WireMessage_RoundTripsThroughTheProtocolSerializer(object message)
    {
        var serializer = new MeshProtocolSerializer((ExtendedActorSystem)Sys);

        var back = serializer.FromBinary(serializer.ToBinary(message), serializer.Manifest(message));

        Assert.IsType(message.GetType(), back);
        Assert.Equal(serializer.ToBinary(message), serializer.ToBinary(back));
    }

    [Fact]
    public void ZoneChanged_FromAnOlderNodeWithoutPersistedAt_ReadsAsUnknown()
    {
        var serializer = new MeshProtocolSerializer((ExtendedActorSystem)Sys);
        var current = new ZoneChanged("default", new ZoneDelta(3, 7, [], ["gone.mesh"]), DateTimeOffset.UnixEpoch);
        var json = System.Text.Encoding.UTF8.GetString(serializer.ToBinary(current));
        var older = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        Assert.True(older.Remove(older.Single(p => p.Key.Equals("persistedAt", StringComparison.OrdinalIgnoreCase)).Key));

        var back = (ZoneChanged)serializer.FromBinary(System.Text.Encoding.UTF8.GetBytes(older.ToJsonString()), serializer.Manifest(current));

        Assert.Null(back.PersistedAt);
        Assert.Equal(current.Delta.ToVersion, back.Delta.ToVersion);
    }

    [Fact]
    public void Event_RoundTripsThroughTheEventSerializerUnderAFixedManifest()
    {
        var serializer = new MeshEventSerializer((ExtendedActorSystem)Sys);
        var allocated = new VipAllocated("service:backend", "240.0.0.1", null, DateTimeOffset.UnixEpoch);

        Assert.Equal("vip-allocated.v1", serializer.Manifest(allocated));
        Assert.Equal(allocated, serializer.FromBinary(serializer.ToBinary(allocated), "vip-allocated.v1"));
    }
}
