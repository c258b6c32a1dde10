using System.Collections.Frozen;
using ActorDns.ControlPlane.Catalog.Kinds.Dataplane;
using ActorDns.ControlPlane.Catalog.Kinds.ExternalService;
using ActorDns.ControlPlane.Catalog.Kinds.MeshExternalService;
using ActorDns.ControlPlane.Catalog.Kinds.MeshService;
using ActorDns.ControlPlane.Catalog.Kinds.VirtualOutbound;

namespace ActorDns.ControlPlane.Catalog.Kinds;

/// <summary>The registry of mesh-scoped resource kinds: a new kind is its own folder and one line here.</summary>
public static class ResourceKinds
{
    public static IReadOnlyList<MeshKind> All { get; } = [new DataplaneKind(), new ExternalServiceKind(), new VirtualOutboundKind(), new MeshServiceKind(), new MeshExternalServiceKind()];

    /// <summary>Looked up on every event a mesh applies, so by type name in a frozen map.</summary>
    private static readonly FrozenDictionary<string, MeshKind> ByTypeName = All.ToFrozenDictionary(k => k.Kind.TypeName, StringComparer.Ordinal);

    public static MeshKind Of(ResourceKind kind) => ByTypeName[kind.TypeName];

    /// <summary>The kind of a journal record or a document's <c>type</c>; null for a kind this build does not know.</summary>
    public static ResourceKind? FromTypeName(string? typeName) => typeName is not null && ByTypeName.TryGetValue(typeName, out var kind) ? kind.Kind : null;

    public static MeshKind? FromCliName(string name) => All.FirstOrDefault(k => k.CliName == name);
}
