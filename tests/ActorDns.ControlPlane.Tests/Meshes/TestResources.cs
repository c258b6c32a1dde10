using ActorDns.ControlPlane.Catalog;
using Xunit;

namespace ActorDns.ControlPlane.Tests.Meshes;

/// <summary>Dataplanes and ExternalServices of the mesh <c>default</c>, validated as the API would accept them.</summary>
public static class TestResources
{
    public static MeshResource Dataplane(string name, string service)
    {
        var json = $$$"""{"type":"Dataplane","mesh":"default","name":"{{{name}}}","networking":{"address":"10.0.0.1","inbound":[{"port":8080,"tags":{"kuma.io/service":"{{{service}}}"}}]}}""";
        Assert.True(ResourceParser.TryParse(ResourceKind.Dataplane, "default", name, json, out var resource, out var causes), string.Join("; ", causes));
        return resource;
    }

    /// <summary>An ExternalService whose <paramref name="address"/> is <c>host:port</c>.</summary>
    public static MeshResource ExternalService(string name, string service, string address)
    {
        var json = $$$"""{"type":"ExternalService","mesh":"default","name":"{{{name}}}","networking":{"address":"{{{address}}}"},"tags":{"kuma.io/service":"{{{service}}}"}}""";
        Assert.True(ResourceParser.TryParse(ResourceKind.ExternalService, "default", name, json, out var resource, out var causes), string.Join("; ", causes));
        return resource;
    }
}
