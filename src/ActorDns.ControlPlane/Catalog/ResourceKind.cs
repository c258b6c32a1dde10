namespace ActorDns.ControlPlane.Catalog;

/// <summary>
/// A mesh-scoped resource type by its Kuma type name and URL segment, as messages and the journal name it. What a
/// kind validates and derives is in its folder under <c>Kinds</c>; <see cref="Kinds.ResourceKinds"/> lists them.
/// </summary>
public sealed record ResourceKind(string TypeName, string UrlSegment)
{
    public static readonly ResourceKind Dataplane = new("Dataplane", "dataplanes");
    public static readonly ResourceKind ExternalService = new("ExternalService", "external-services");
}
