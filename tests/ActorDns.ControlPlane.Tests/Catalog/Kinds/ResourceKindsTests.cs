using ActorDns.ControlPlane.Catalog;
using ActorDns.ControlPlane.Catalog.Kinds;
using Xunit;

namespace ActorDns.ControlPlane.Tests.Catalog.Kinds;

/// <summary>The registry the API routes, the CLI and the catalog are built from.</summary>
public sealed class ResourceKindsTests
{
    [Fact]
    public void All_NamesEveryKindOnce_ByTypeUrlSegmentAndCliName()
    {
        Assert.Equal(["Dataplane", "ExternalService", "VirtualOutbound", "MeshService", "MeshExternalService"], ResourceKinds.All.Select(k => k.Kind.TypeName));
        Assert.Equal(["dataplanes", "external-services", "virtual-outbounds", "meshservices", "meshexternalservices"], ResourceKinds.All.Select(k => k.Kind.UrlSegment));
        Assert.Equal(["dataplane", "external-service", "virtual-outbound", "meshservice", "meshexternalservice"], ResourceKinds.All.Select(k => k.CliName));
    }

    [Theory]
    [InlineData("Dataplane")]
    [InlineData("ExternalService")]
    public void FromTypeName_KnownKind_IsThatKind(string typeName)
    {
        var kind = ResourceKinds.FromTypeName(typeName);

        Assert.Equal(typeName, kind?.TypeName);
        Assert.Same(kind, ResourceKinds.Of(kind!).Kind);
    }

    [Theory]
    [InlineData("MeshGateway")]
    [InlineData("dataplane")]
    [InlineData(null)]
    public void FromTypeName_KindThisBuildDoesNotKnow_IsNull(string? typeName)
    {
        Assert.Null(ResourceKinds.FromTypeName(typeName));
    }

    [Fact]
    public void FromCliName_Singular_IsTheKind_UnknownIsNull()
    {
        Assert.Equal(ResourceKind.ExternalService, ResourceKinds.FromCliName("external-service")?.Kind);
        Assert.Null(ResourceKinds.FromCliName("external-services"));
    }
}
