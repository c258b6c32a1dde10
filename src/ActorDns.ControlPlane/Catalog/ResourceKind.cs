namespace ActorDns.ControlPlane.Catalog;

/// <summary>The mesh-scoped resource types ActorDns keeps, with their Kuma type name and URL segment.</summary>
public sealed record ResourceKind(string TypeName, string UrlSegment)
{
    public static readonly ResourceKind Dataplane = new("Dataplane", "dataplanes");
    public static readonly ResourceKind ExternalService = new("ExternalService", "external-services");

    public static IReadOnlyList<ResourceKind> All { get; } = [Dataplane, ExternalService];

    public static ResourceKind? FromTypeName(string? typeName) => All.FirstOrDefault(k => k.TypeName == typeName);
}
