using System.Net;
using System.Text.Json.Nodes;
using Akka.Actor;
using ActorDns.ControlPlane.Catalog;
using ActorDns.ControlPlane.Events;
using ActorDns.ControlPlane.Meshes;
using ActorDns.ControlPlane.Templates;
using ActorDns.ControlPlane.Tests.Support;
using ActorDns.Server.Query;
using Xunit;
using static ActorDns.ControlPlane.Meshes.MeshDirectoryProtocol;
using static ActorDns.ControlPlane.Meshes.MeshProtocol;

namespace ActorDns.ControlPlane.Tests.Meshes;

/// <summary>
/// Messages that cross nodes, and persisted events, against hand-written wire documents: each message is written as
/// exactly that JSON, and that JSON reads back as a message equal to the original field by field. Nodes of different
/// builds rely on this format, so a change to it shows here.
/// </summary>
public sealed class MeshProtocolSerializerSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly ZoneRecord Record = new("backend.mesh", [IPAddress.Parse("240.0.0.1"), IPAddress.Parse("fd00::1")]);
    private const string RecordJson = """{"name":"backend.mesh","addresses":["240.0.0.1","fd00::1"]}""";
    private const string DataplaneJson = """{"type":"Dataplane","mesh":"default","name":"b1","networking":{"address":"10.0.0.2","inbound":[{"port":8080,"tags":{"kuma.io/service":"backend"}}]}}""";

    private static MeshResource Dataplane()
    {
        Assert.True(ResourceParser.TryParse(ResourceKind.Dataplane, "default", "b1", DataplaneJson, out var resource, out _));
        return resource!;
    }

    private static string ResourceJson =>
        $$"""{"kind":{"typeName":"Dataplane","urlSegment":"dataplanes"},"mesh":"default","name":"b1","json":{{System.Text.Json.JsonSerializer.Serialize(DataplaneJson)}},"services":["backend"],"host":null}""";

    /// <summary>Every message with a wire manifest, and its document as written today.</summary>
    public static TheoryData<string, object, string> Messages() => new()
    {
        { "upsert-resource", new UpsertResource("default", Dataplane()), $$"""{"mesh":"default","resource":{{ResourceJson}}}""" },
        { "resource-stored", new ResourceStored(true), """{"created":true}""" },
        { "delete-resource", new DeleteResource("default", ResourceKind.ExternalService, "httpbin"), """{"mesh":"default","kind":{"typeName":"ExternalService","urlSegment":"external-services"},"name":"httpbin"}""" },
        { "resource-removed", new ResourceRemoved(false), """{"existed":false}""" },
        { "get-resource", new GetResource("m", ResourceKind.Dataplane, "b1"), """{"mesh":"m","kind":{"typeName":"Dataplane","urlSegment":"dataplanes"},"name":"b1"}""" },
        { "list-resources", new ListResources("m", ResourceKind.Dataplane), """{"mesh":"m","kind":{"typeName":"Dataplane","urlSegment":"dataplanes"}}""" },
        { "resource-list", new ResourceList([Dataplane()]), $$"""{"resources":[{{ResourceJson}}]}""" },
        { "clear-mesh", new ClearMesh("m"), """{"mesh":"m"}""" },
        { "get-vips", new GetVips("m"), """{"mesh":"m"}""" },
        {
            "vip-table",
            new VipTable([new VipEntry("service:backend", "service", "240.0.0.1", "fd00::1", [80], ["backend.mesh"], null), new VipEntry("host:x.org", "host", null, null, [], [], "pool exhausted")], 7) { Warnings = ["vo failed"] },
            """{"entries":[{"key":"service:backend","origin":"service","vip":"240.0.0.1","vipV6":"fd00::1","ports":[80],"names":["backend.mesh"],"reason":null},{"key":"host:x.org","origin":"host","vip":null,"vipV6":null,"ports":[],"names":[],"reason":"pool exhausted"}],"version":7,"warnings":["vo failed"]}"""
        },
        { "get-zone", new GetZone("m"), """{"mesh":"m"}""" },
        { "zone-snapshot", new ZoneSnapshot("default", 7, 60, [Record]), $$"""{"mesh":"default","version":7,"ttl":60,"records":[{{RecordJson}}]}""" },
        { "get-zone-version", new GetZoneVersion("m"), """{"mesh":"m"}""" },
        { "zone-version", new ZoneVersion("m", 12), """{"mesh":"m","version":12}""" },
        {
            "zone-changed",
            new ZoneChanged("default", new ZoneDelta(3, 7, [Record], ["gone.mesh"]), new DateTimeOffset(2026, 11, 26, 9, 30, 0, TimeSpan.Zero)),
            $$"""{"mesh":"default","delta":{"fromVersion":3,"toVersion":7,"upserts":[{{RecordJson}}],"removals":["gone.mesh"]},"persistedAt":"2026-11-26T09:30:00+00:00"}"""
        },
        { "wake", new Wake("m"), """{"mesh":"m"}""" },
        { "failed", new Failed("journal down"), """{"reason":"journal down"}""" },
        { "create-mesh", new CreateMesh("payments"), """{"name":"payments"}""" },
        { "mesh-stored", new MeshStored(false), """{"created":false}""" },
        { "delete-mesh", new DeleteMesh("payments"), """{"name":"payments"}""" },
        { "mesh-removed", new MeshRemoved(true), """{"existed":true}""" },
        { "list-meshes", ListMeshes.Instance, "{}" },
        { "mesh-list", new MeshList(["default", "other"], 7), """{"names":["default","other"],"version":7}""" },
        {
            "set-hostname-generators",
            new SetHostnameGenerators("payments", new Events.HostnameGeneratorsSet(4, ["{}"])),
            """{"mesh":"payments","set":{"version":4,"documents":["{}"]}}"""
        },
        { "upsert-hostname-generator", new UpsertHostnameGenerator("static", "{}"), """{"name":"static","json":"{}"}""" },
        { "hostname-generator-stored", new HostnameGeneratorStored(true), """{"created":true}""" },
        { "delete-hostname-generator", new DeleteHostnameGenerator("static"), """{"name":"static"}""" },
        { "hostname-generator-removed", new HostnameGeneratorRemoved(false), """{"existed":false}""" },
        { "list-hostname-generators", ListHostnameGenerators.Instance, "{}" },
        { "hostname-generator-list", new HostnameGeneratorList(["{}"]), """{"documents":["{}"]}""" },
        { "revoke-token", new RevokeToken("j-1"), """{"jti":"j-1"}""" },
        { "token-revocation-stored", new TokenRevocationStored(true), """{"created":true}""" },
        { "list-revocations", ListRevocations.Instance, "{}" },
        { "revocation-list", new RevocationList(["j-1", "j-2"], 9), """{"jtis":["j-1","j-2"],"version":9}""" },
        { "get-corefile-template", new CorefileTemplateProtocol.GetCorefileTemplate(), "{}" },
        { "corefile-template", new CorefileTemplateProtocol.TemplateOffer("/etc/kuma/Corefile", ".:53 {\n}\n"), """{"source":"/etc/kuma/Corefile","text":".:53 {\n}\n"}""" },
    };

    [Fact]
    public void EveryBoundType_HasAHandWrittenDocument()
    {
        var covered = Messages().Select(row => row[1].GetType());

        Assert.Equal(MeshProtocolSerializer.BoundTypes.OrderBy(t => t.Name), covered.OrderBy(t => t.Name));
    }

    [Theory]
    [MemberData(nameof(Messages))]
    public void WireMessage_IsWrittenAsItsDocument_AndReadBackFieldByField(string manifest, object message, string document)
    {
        var serializer = new MeshProtocolSerializer((ExtendedActorSystem)Sys);

        var written = JsonNode.Parse(serializer.ToBinary(message));
        var read = serializer.FromBinary(System.Text.Encoding.UTF8.GetBytes(document), manifest);

        Assert.Equal(manifest, serializer.Manifest(message));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(document), written), $"written as {written!.ToJsonString()}");
        Structurally.Equal(message, read);
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
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"key":"service:backend","vip":"240.0.0.1","vipV6":null,"at":"1970-01-01T00:00:00+00:00"}"""),
            JsonNode.Parse(serializer.ToBinary(allocated))), System.Text.Encoding.UTF8.GetString(serializer.ToBinary(allocated)));
        Assert.Equal(allocated, serializer.FromBinary(serializer.ToBinary(allocated), "vip-allocated.v1"));
    }

    [Fact]
    public void UnknownTypeOrManifestOrEmptyDocument_FailsNamingWhatIsWrong()
    {
        var serializer = new MeshProtocolSerializer((ExtendedActorSystem)Sys);

        Assert.Contains("System.Object has no wire manifest", Assert.Throws<ArgumentException>(() => serializer.Manifest(new object())).Message, StringComparison.Ordinal);
        Assert.Equal("unknown wire manifest 'no-such'", Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary("{}"u8.ToArray(), "no-such")).Message);
        Assert.Equal("empty wake", Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary("null"u8.ToArray(), "wake")).Message);
    }
}
