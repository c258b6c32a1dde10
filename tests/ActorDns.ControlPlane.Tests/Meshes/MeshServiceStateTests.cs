using System.Text.Json.Nodes;
using ActorDns.ControlPlane.Allocation;
using ActorDns.ControlPlane.Catalog;
using ActorDns.ControlPlane.Catalog.Kinds.HostnameGenerator;
using ActorDns.ControlPlane.Catalog.Kinds.MeshExternalService;
using ActorDns.ControlPlane.Catalog.Kinds.MeshService;
using ActorDns.ControlPlane.Events;
using ActorDns.ControlPlane.Meshes;
using ActorDns.ControlPlane.Zones;
using ActorDns.ControlPlane.Tests.Catalog.Kinds;
using Xunit;
using static ActorDns.ControlPlane.Tests.Support.Keys;

namespace ActorDns.ControlPlane.Tests.Meshes;

/// <summary>
/// MeshServices and MeshExternalServices in a mesh (SPEC §3.1): their pools, the labels and times the control plane
/// stamps, the hostnames of the default generators, the VIP quarantine after a delete, and the status a GET shows.
/// </summary>
public sealed class MeshServiceStateTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private static MeshState Empty(IReadOnlyList<HostnameGenerator>? generators = null) =>
        MeshState.Empty("default", MeshSettings.Default with { Zone = "zone-1", HostnameGenerators = generators ?? HostnameGenerator.Defaults });

    private static MeshResource Parse(ResourceKind kind, string name, string json)
    {
        Assert.True(ResourceParser.TryParse(kind, "default", name, json, out var resource, out var causes), string.Join("; ", causes));
        return resource;
    }

    private static MeshResource MeshService(string name, string labels = "{}") =>
        Parse(MeshServiceKind.Resource, name, $$$"""{"type":"MeshService","name":"{{{name}}}","mesh":"default","labels":{{{labels}}},"spec":{"ports":[{"port":6379,"name":"main"}]}}""");

    private static MeshState Upsert(MeshState state, MeshResource resource, DateTimeOffset now) =>
        state.DecideUpsert(resource, [], now).Aggregate(state, (s, e) => s.Apply(e));

    private static MeshState Delete(MeshState state, ResourceKind kind, string name, DateTimeOffset now) =>
        state.DecideDelete(kind, name, [], now).Aggregate(state, (s, e) => s.Apply(e));

    private static string? Vip(MeshState state, string key) => state.Allocator.Assignments.GetValueOrDefault(K(key))?.Vip?.ToString();

    [Fact]
    public void Upsert_MeshServiceAndMeshExternalService_TakeTheFirstAddressOfTheirOwnPools()
    {
        var state = Upsert(Empty(), Parse(MeshServiceKind.Resource, "redis", MeshServiceKindTests.Redis), T0);
        state = Upsert(state, Parse(MeshExternalServiceKind.Resource, "httpbin", MeshServiceKindTests.Httpbin), T0);

        Assert.Equal("241.0.0.1", Vip(state, "meshservice:redis"));
        Assert.Equal("242.0.0.1", Vip(state, "meshexternalservice:httpbin"));
        Assert.Equal([new ZoneName("redis.svc.mesh.local", 0), new ZoneName("_main._tcp.redis.svc.mesh.local", 0, 6379)], state.NamesOf(K("meshservice:redis")));
        Assert.Equal([new ZoneName("httpbin.extsvc.mesh.local", 0)], state.NamesOf(K("meshexternalservice:httpbin")));
    }

    [Fact]
    public void Upsert_PortsChanged_TheServiceNamesFollow_InOneDelta()
    {
        var state = Upsert(Empty(), MeshService("redis"), T0);
        var view = ZoneProjection.Recover(state, version: 3);
        Assert.Equal((ushort)6379, view.Zone.Records["_main._tcp.redis.svc.mesh.local"].SrvPort);

        var renamed = Parse(MeshServiceKind.Resource, "redis",
            """{"type":"MeshService","name":"redis","mesh":"default","spec":{"ports":[{"port":6380,"name":"db","appProtocol":"udp"},{"port":9121}]}}""");
        var after = Upsert(state, renamed, T0.AddMinutes(1));
        var (_, delta, _) = view.Commit([K("meshservice:redis")], after, version: 4);

        Assert.NotNull(delta);
        Assert.Equal(["_db._udp.redis.svc.mesh.local 6380 241.0.0.1"], delta.Upserts.Select(r => $"{r.Name} {r.SrvPort} {string.Join(",", r.Addresses)}"));
        Assert.Equal(["_main._tcp.redis.svc.mesh.local"], delta.Removals);
    }

    [Fact]
    public void Upsert_MeshService_StampsTheZoneLabelsAndTimes_KeepingGivenLabelsAndTheFirstCreationTime()
    {
        var state = Upsert(Empty(), MeshService("redis", """{"kuma.io/display-name":"cache"}"""), T0);
        state = Upsert(state, MeshService("redis", """{"kuma.io/display-name":"cache"}"""), T0.AddMinutes(1));

        var stored = state.Catalog.Of(MeshServiceKind.Resource)["redis"].ToJson();

        Assert.Equal(
            [("kuma.io/display-name", "cache"), ("kuma.io/env", "universal"), ("kuma.io/mesh", "default"), ("kuma.io/origin", "zone"), ("kuma.io/zone", "zone-1")],
            stored["labels"]!.AsObject().Select(p => (p.Key, p.Value!.GetValue<string>())).OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal("2026-12-01T00:00:00Z", stored["creationTime"]!.GetValue<string>());
        Assert.Equal("2026-12-01T00:01:00Z", stored["modificationTime"]!.GetValue<string>());
        Assert.Equal([new ZoneName("cache.svc.mesh.local", 0), new ZoneName("_main._tcp.cache.svc.mesh.local", 0, 6379)], state.NamesOf(K("meshservice:redis")));
    }

    [Fact]
    public void Upsert_LabelChange_RenamesTheEntry()
    {
        var state = Upsert(Empty(), MeshService("redis"), T0);

        state = Upsert(state, MeshService("redis", """{"kuma.io/display-name":"cache"}"""), T0);

        Assert.Equal([new ZoneName("cache.svc.mesh.local", 0), new ZoneName("_main._tcp.cache.svc.mesh.local", 0, 6379)], state.NamesOf(K("meshservice:redis")));
        Assert.Equal([K("meshservice:redis")], state.KeysTouchedBy(new ResourceUpserted("MeshService", "redis", "{}", [], null)).Distinct());
    }

    [Fact]
    public void DeleteAndRecreate_MeshService_GetsANewVip_TheOldOneWaitsItsQuarantine()
    {
        var state = Upsert(Empty(), MeshService("backend"), T0);
        state = Delete(state, MeshServiceKind.Resource, "backend", T0.AddSeconds(1));

        Assert.Null(Vip(state, "meshservice:backend"));
        Assert.False(state.Hostnames.ContainsKey(K("meshservice:backend")));
        state = Upsert(state, MeshService("backend"), T0.AddSeconds(2));

        // Kuma issue #13463: Kuma hands out 241.0.0.1 again after a restart; the quarantine keeps it for 2 × TTL.
        Assert.Equal("241.0.0.2", Vip(state, "meshservice:backend"));
        Assert.Contains(state.Allocator.Book(VipPools.MeshService).Quarantined.Keys, a => a == IpPool.ToInteger(System.Net.IPAddress.Parse("241.0.0.1")));
    }

    // Kuma scenario 80.
    [Fact]
    public void Upsert_NoGeneratorSelectsIt_NoNameAndAnEmptyStatus()
    {
        var state = Upsert(Empty(generators: []), MeshService("redis"), T0);

        Assert.Empty(state.NamesOf(K("meshservice:redis")));
        var status = Status(state, "redis");
        Assert.Equal("241.0.0.1", status["vips"]![0]!["ip"]!.GetValue<string>());
        Assert.Empty(status["addresses"]!.AsArray());
        Assert.Empty(status["hostnameGenerators"]!.AsArray());
    }

    [Fact]
    public void Status_TwoMeshServicesGivenTheSameHostname_TheOlderIsGenerated_TheOtherCollides()
    {
        HostnameGenerator[] generators = [new("static", "MeshService", new Dictionary<string, string>(), "static.mesh", false, T0)];
        var state = Upsert(Empty(generators), MeshService("backend"), T0);
        state = Upsert(state, MeshService("other"), T0.AddSeconds(1));

        var backend = Status(state, "backend");
        var other = Status(state, "other");

        Assert.Equal("static.mesh", backend["addresses"]![0]!["hostname"]!.GetValue<string>());
        Assert.Equal("static", backend["addresses"]![0]!["hostnameGeneratorRef"]!["coreName"]!.GetValue<string>());
        Assert.Equal(("True", "Generated"), Condition(backend));
        Assert.Empty(other["addresses"]!.AsArray());
        Assert.Equal(("False", "Collision"), Condition(other));
        Assert.Equal("Hostname collision with MeshService: other", other["hostnameGenerators"]![0]!["conditions"]![0]!["message"]!.GetValue<string>());
    }

    // Kuma scenario 81: the result does not depend on the order of writes; the earlier creation time wins.
    [Theory]
    [InlineData("backend", "other")]
    [InlineData("other", "backend")]
    public void Status_SameHostname_OlderWins_WhicheverWasWrittenLast(string older, string newer)
    {
        HostnameGenerator[] generators = [new("static", "MeshService", new Dictionary<string, string>(), "static.mesh", false, T0)];
        var state = Upsert(Empty(generators), MeshService(older), T0);
        state = Upsert(state, MeshService(newer), T0.AddSeconds(1));
        state = Upsert(state, MeshService(older, """{"team":"a"}"""), T0.AddSeconds(2));

        Assert.Equal(("True", "Generated"), Condition(Status(state, older)));
        Assert.Equal(("False", "Collision"), Condition(Status(state, newer)));
        Assert.Equal([new ZoneName("static.mesh", 0), new ZoneName("_main._tcp.static.mesh", 0, 6379)], state.NamesOf(K($"meshservice:{older}")));
    }

    [Fact]
    public void Status_TemplateError_IsTheConditionAndAReasonInVips()
    {
        HostnameGenerator[] generators = [new("by-app", "MeshService", new Dictionary<string, string>(), """{{ label "app" }}.mesh""", false, T0)];
        var state = Upsert(Empty(generators), MeshService("redis"), T0);

        Assert.Equal(("False", "TemplateError"), Condition(Status(state, "redis")));
        var entry = VipReadModel.Entries(state, ZoneProjection.Recover(state, 1).Zone).Single(e => e.Key == "meshservice:redis");
        Assert.Contains("hostname generator by-app: pre evaluation of template with parameters failed", entry.Reason, StringComparison.Ordinal);
        Assert.Equal([6379], entry.Ports);
    }

    [Fact]
    public void Snapshot_OfNamedResources_RestoresTheirHostnames()
    {
        var state = Upsert(Empty(), MeshService("redis"), T0);

        var restored = MeshSnapshot.From(state).ToState("default", state.Settings);

        Assert.Equal([new ZoneName("redis.svc.mesh.local", 0), new ZoneName("_main._tcp.redis.svc.mesh.local", 0, 6379)], restored.NamesOf(K("meshservice:redis")));
        Assert.Equal("241.0.0.1", Vip(restored, "meshservice:redis"));
    }

    [Fact]
    public void GeneratorsSet_NewerSet_RenamesEveryMeshService_AnOlderOneChangesNothing()
    {
        var state = Upsert(Upsert(Empty(), MeshService("redis"), T0), MeshService("web"), T0);
        string[] documents = ["""{"type":"HostnameGenerator","name":"by-mesh","spec":{"selector":{"meshService":{"matchLabels":{}}},"template":"{{ .Name }}.{{ .Mesh }}.internal"}}"""];

        var renamed = state.Apply(new HostnameGeneratorsSet(5, documents));
        var older = renamed.Apply(new HostnameGeneratorsSet(4, []));

        Assert.Equal([new ZoneName("redis.default.internal", 0), new ZoneName("_main._tcp.redis.default.internal", 0, 6379)], renamed.NamesOf(K("meshservice:redis")));
        Assert.Equal([new ZoneName("web.default.internal", 0), new ZoneName("_main._tcp.web.default.internal", 0, 6379)], renamed.NamesOf(K("meshservice:web")));
        Assert.Equal([K("meshservice:redis"), K("meshservice:web")], state.KeysTouchedBy(new HostnameGeneratorsSet(5, documents)).Order());
        Assert.Equal(5, older.GeneratorsSet?.Version);
        Assert.Equal([new ZoneName("redis.default.internal", 0), new ZoneName("_main._tcp.redis.default.internal", 0, 6379)], older.NamesOf(K("meshservice:redis")));
        Assert.Equal(5, MeshSnapshot.From(renamed).ToState("default", renamed.Settings).GeneratorsSet?.Version);
        Assert.Equal([new ZoneName("redis.default.internal", 0), new ZoneName("_main._tcp.redis.default.internal", 0, 6379)], MeshSnapshot.From(renamed).ToState("default", renamed.Settings).NamesOf(K("meshservice:redis")));
    }

    private static JsonNode Status(MeshState state, string name)
    {
        var zone = ZoneProjection.Recover(state, 1).Zone;
        return ResourceStatus.Present(state, zone, state.Catalog.Of(MeshServiceKind.Resource)[name]).ToJson()["status"]!;
    }

    private static (string Status, string Reason) Condition(JsonNode status)
    {
        var condition = status["hostnameGenerators"]![0]!["conditions"]![0]!;
        return (condition["status"]!.GetValue<string>(), condition["reason"]!.GetValue<string>());
    }
}
