using ActorDns.ControlPlane.Catalog;
using ActorDns.ControlPlane.Catalog.Kinds.VirtualOutbound;
using Xunit;

namespace ActorDns.ControlPlane.Tests.Catalog.Kinds;

/// <summary>VirtualOutbound documents: Kuma's example accepted, and what Kuma's validator refuses (kuma-dns.md §5.4).</summary>
public sealed class VirtualOutboundKindTests
{
    /// <summary>The example of Kuma's VirtualOutbound page.</summary>
    private const string Instances = """
        {"type":"VirtualOutbound","mesh":"default","name":"instances",
         "selectors":[{"match":{"kuma.io/service":"*","instance":"*"}}],
         "conf":{"host":"{{.svc}}.{{.instance}}","port":"{{if .port}}{{.port}}{{else}}8080{{end}}",
                 "parameters":[{"name":"svc","tagKey":"kuma.io/service"},{"name":"instance"},{"name":"port"}]}}
        """;

    [Fact]
    public void TryParse_KumasExample_IsAcceptedAndWantsNoEntryOfItsOwn()
    {
        Assert.True(ResourceParser.TryParse(VirtualOutboundKind.Resource, "default", "instances", Instances, out var resource, out var causes), string.Join("; ", causes));

        Assert.Empty(resource.EntryKeys(serviceVipEnabled: true));
    }

    [Theory]
    [InlineData("selectors", """ "selectors":[] """, "must have at least one element")]
    [InlineData("selectors[0].match", """ "selectors":[{"match":{}}] """, "must have at least one tag")]
    [InlineData("conf.parameters[1].name", """ "parameters":[{"name":"svc","tagKey":"kuma.io/service"},{"name":"svc"}] """, "name is already used")]
    [InlineData("conf.parameters[0].name", """ "parameters":[{"name":"s-v-c","tagKey":"kuma.io/service"}] """, "must only contain alphanumeric characters")]
    [InlineData("conf.parameters", """ "parameters":[{"name":"svc"}] """, "must contain a parameter with kuma.io/service as a tagKey")]
    [InlineData("conf.host", """ "host":"" """, "cannot be empty")]
    [InlineData("conf.host", """ "host":"{{.svc}}..x" """, "evaluation of template with parameters didn't return a valid dns name result=\"dummy..x\"")]
    [InlineData("conf.port", """ "port":"http" """, "evaluation of template with parameters didn't evaluate to a parsable number result=\"http\"")]
    [InlineData("conf.port", """ "port":"{{if .svc}}" """, "failed compiling gotemplate error=\"template: :1: unexpected EOF\"")]
    public void TryParse_Invalid_NamesTheField(string field, string replace, string message)
    {
        var json = Replace(replace);

        Assert.False(ResourceParser.TryParse(VirtualOutboundKind.Resource, "default", "instances", json, out _, out var causes));

        Assert.Contains(causes, c => c.Field == field && c.Message == message);
    }

    [Fact]
    public void TryParse_PortFromAParameter_IsCheckedWithTheStandInValueOne()
    {
        Assert.True(ResourceParser.TryParse(VirtualOutboundKind.Resource, "default", "instances", Replace(""" "port":"{{.port}}" """), out _, out var causes), string.Join("; ", causes));
    }

    /// <summary>Kuma's example with one of its parts replaced by <paramref name="part"/> (a JSON member).</summary>
    private static string Replace(string part)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(Instances)!.AsObject();
        var replacement = System.Text.Json.Nodes.JsonNode.Parse("{" + part + "}")!.AsObject();
        foreach (var (key, value) in replacement.ToList())
        {
            var target = key is "parameters" or "host" or "port" ? node["conf"]!.AsObject() : node;
            target[key] = value?.DeepClone();
        }

        return node.ToJsonString();
    }
}
