using System.Text.Json.Nodes;
using ActorDns.ControlPlane.Catalog;
using ActorDns.ControlPlane.Catalog.Kinds;
using ActorDns.ControlPlane.Catalog.Kinds.MeshExternalService;
using ActorDns.ControlPlane.Catalog.Kinds.MeshService;
using Xunit;

namespace ActorDns.ControlPlane.Tests.Catalog.Kinds;

/// <summary>MeshService and MeshExternalService documents as Kuma's documentation writes them, and what they are refused for.</summary>
public sealed class MeshServiceKindTests
{
    /// <summary>The Universal example of Kuma's MeshService page.</summary>
    public const string Redis = """
        {"type":"MeshService","name":"redis","mesh":"default","labels":{"team":"db"},
         "spec":{"selector":{"dataplaneTags":{"kuma.io/service":"redis"}},"ports":[{"port":6379,"targetPort":6379,"appProtocol":"tcp","name":"main"}]}}
        """;

    /// <summary>The example of Kuma's MeshExternalService page.</summary>
    public const string Httpbin = """
        {"type":"MeshExternalService","name":"httpbin","mesh":"default",
         "spec":{"match":{"type":"HostnameGenerator","port":80,"protocol":"http"},"endpoints":[{"address":"httpbin.org","port":80}]}}
        """;

    [Fact]
    public void TryParse_KumasMeshService_IsAcceptedWithOneEntry()
    {
        Assert.True(ResourceParser.TryParse(MeshServiceKind.Resource, "default", "redis", Redis, out var resource, out var causes), string.Join("; ", causes));

        Assert.Equal([new EntryKey("meshservice", "redis")], resource.EntryKeys(serviceVipEnabled: false));
        Assert.Equal([6379], MeshServiceKind.PortsOf(resource.ToJson()));
    }

    [Fact]
    public void TryParse_KumasMeshExternalService_IsAcceptedWithOneEntry()
    {
        Assert.True(ResourceParser.TryParse(MeshExternalServiceKind.Resource, "default", "httpbin", Httpbin, out var resource, out var causes), string.Join("; ", causes));

        Assert.Equal([new EntryKey("meshexternalservice", "httpbin")], resource.EntryKeys(serviceVipEnabled: true));
        Assert.Equal([80], MeshExternalServiceKind.PortsOf(resource.ToJson()));
    }

    [Theory]
    [InlineData("""{"type":"MeshService","name":"m","mesh":"default"}""", "spec")]
    [InlineData("""{"type":"MeshService","name":"m","mesh":"default","spec":{"ports":[{"port":0}]}}""", "spec.ports[0].port")]
    [InlineData("""{"type":"MeshService","name":"m","mesh":"default","spec":{"ports":[{"targetPort":80}]}}""", "spec.ports[0].port")]
    [InlineData("""{"type":"MeshService","name":"m","mesh":"default","spec":{"ports":[{"port":80,"targetPort":70000}]}}""", "spec.ports[0].targetPort")]
    [InlineData("""{"type":"MeshService","name":"m","mesh":"default","spec":{"ports":[{"port":80,"name":"a"},{"port":81,"name":"a"}]}}""", "spec.ports[1].name")]
    [InlineData("""{"type":"MeshService","name":"m","mesh":"default","spec":{"ports":[{"port":80,"name":"http"},{"port":81,"name":"HTTP"}]}}""", "spec.ports[1].name")]
    [InlineData("""{"type":"MeshService","name":"m","mesh":"default","spec":{"ports":{}}}""", "spec.ports")]
    [InlineData("""{"type":"MeshService","name":"m","mesh":"default","spec":{"selector":{"dataplaneTags":{"app":1}}}}""", "spec.selector.dataplaneTags[\"app\"]")]
    [InlineData("""{"type":"MeshService","name":"m","mesh":"default","labels":["x"],"spec":{}}""", "labels")]
    public void TryParse_InvalidMeshService_NamesTheField(string json, string field)
    {
        Assert.False(ResourceParser.TryParse(MeshServiceKind.Resource, "default", "m", json, out _, out var causes));

        Assert.Contains(causes, c => c.Field == field);
    }

    [Theory]
    [InlineData("""{"type":"MeshExternalService","name":"m","mesh":"default","spec":{}}""", "spec.match")]
    [InlineData("""{"type":"MeshExternalService","name":"m","mesh":"default","spec":{"match":{"port":80,"type":"Other"}}}""", "spec.match.type")]
    [InlineData("""{"type":"MeshExternalService","name":"m","mesh":"default","spec":{"match":{}}}""", "spec.match.port")]
    [InlineData("""{"type":"MeshExternalService","name":"m","mesh":"default","spec":{"match":{"port":80,"protocol":"udp"}}}""", "spec.match.protocol")]
    [InlineData("""{"type":"MeshExternalService","name":"m","mesh":"default","spec":{"match":{"port":80},"endpoints":[{"port":80}]}}""", "spec.endpoints[0].address")]
    public void TryParse_InvalidMeshExternalService_NamesTheField(string json, string field)
    {
        Assert.False(ResourceParser.TryParse(MeshExternalServiceKind.Resource, "default", "m", json, out _, out var causes));

        Assert.Contains(causes, c => c.Field == field);
    }

    [Fact]
    public void NamedPortsOf_KumasMeshService_IsItsNamedPortOverTcp()
    {
        Assert.True(ResourceParser.TryParse(MeshServiceKind.Resource, "default", "redis", Redis, out var resource, out _));

        Assert.Equal([new NamedPort("_main._tcp", 6379)], new MeshServiceKind().NamedPortsOf(JsonNode.Parse(resource.Json)!));
    }

    [Theory]
    [InlineData("""[{"port":53,"name":"dns","appProtocol":"udp"}]""", "_dns._udp 53")]
    [InlineData("""[{"port":53,"name":"dns","appProtocol":"UDP"}]""", "_dns._udp 53")]
    [InlineData("""[{"port":80,"name":"http","appProtocol":"http"},{"port":81}]""", "_http._tcp 80")]
    [InlineData("""[{"port":80,"name":"a.b"}]""", "")]
    [InlineData("""[{"port":80}]""", "")]
    public void NamedPortsOf_EachNamedPort_ProtocolLabelFromAppProtocol_DottedNamesLeftOut(string ports, string expected)
    {
        var root = JsonNode.Parse($$$"""{"spec":{"ports":{{{ports}}}}}""")!;

        Assert.Equal(expected, string.Join(";", new MeshServiceKind().NamedPortsOf(root).Select(p => $"{p.Prefix} {p.Port}")));
    }
}
