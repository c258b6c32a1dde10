using ActorDns.ControlPlane.Catalog;
using ActorDns.Server.Query;

namespace ActorDns.ControlPlane.Meshes;

/// <summary>The messages of a mesh entity: one per mesh, sharded by mesh name, the single writer of its catalog and VIPs.</summary>
public static class MeshProtocol
{
    /// <summary>Create or replace a resource of a mesh. Replies <see cref="ResourceStored"/> once persisted.</summary>
    public sealed record UpsertResource(string Mesh, MeshResource Resource) : IWithMeshId;

    public sealed record ResourceStored(bool Created);

    /// <summary>Delete a resource. Replies <see cref="ResourceRemoved"/> once persisted.</summary>
    public sealed record DeleteResource(string Mesh, ResourceKind Kind, string Name) : IWithMeshId;

    public sealed record ResourceRemoved(bool Existed);

    public sealed record GetResource(string Mesh, ResourceKind Kind, string Name) : IWithMeshId;

    public sealed record ListResources(string Mesh, ResourceKind Kind) : IWithMeshId;

    public sealed record ResourceList(IReadOnlyList<MeshResource> Resources);

    /// <summary>Delete every resource of the mesh (the mesh itself is being deleted). Replies <see cref="ResourceRemoved"/>.</summary>
    public sealed record ClearMesh(string Mesh) : IWithMeshId;

    /// <summary>Every entry with its VIPs, for <c>GET /meshes/{mesh}/vips</c>.</summary>
    public sealed record GetVips(string Mesh) : IWithMeshId;

    public sealed record VipEntry(string Key, string Origin, string? Vip, string? VipV6, IReadOnlyList<int> Ports, IReadOnlyList<string> Names, string? Reason);

    public sealed record VipTable(IReadOnlyList<VipEntry> Entries, long Version)
    {
        /// <summary>VirtualOutbound renderings that failed and so gave no entry.</summary>
        public IReadOnlyList<string> Warnings { get; init; } = [];
    }

    /// <summary>The whole DNS view, for a resolver that is new or behind. Replies <see cref="ZoneSnapshot"/>.</summary>
    public sealed record GetZone(string Mesh) : IWithMeshId;

    public sealed record ZoneSnapshot(string Mesh, long Version, uint Ttl, IReadOnlyList<ZoneRecord> Records);

    /// <summary>The zone version only, for the resolvers' periodic check. Replies <see cref="ZoneVersion"/>.</summary>
    public sealed record GetZoneVersion(string Mesh) : IWithMeshId;

    public sealed record ZoneVersion(string Mesh, long Version);

    /// <summary>
    /// Published on <see cref="Topic"/> after every persisted change of the DNS view. <paramref name="PersistedAt"/> is
    /// when the journal confirmed the change; resolvers measure propagation from it. Null from a node of an
    /// older build, which did not send it.
    /// </summary>
    public sealed record ZoneChanged(string Mesh, ZoneDelta Delta, DateTimeOffset? PersistedAt);

    /// <summary>
    /// The directory's HostnameGenerators, sent to every mesh after each change and at the directory's start; a mesh
    /// persists a set newer than the one it holds and names its resources again.
    /// </summary>
    public sealed record SetHostnameGenerators(string Mesh, Events.HostnameGeneratorsSet Set) : IWithMeshId;

    /// <summary>Starts (recovers) the entity without asking anything.</summary>
    public sealed record Wake(string Mesh) : IWithMeshId;

    /// <summary>A command that could not be carried out (e.g. the journal failed); nothing was changed.</summary>
    public sealed record Failed(string Reason);

    public static string Topic(string mesh) => $"zone-{mesh}";

    /// <summary>The entity of <paramref name="mesh"/>; <paramref name="mediator"/> is the DistributedPubSub mediator its deltas go to.</summary>
    public static Akka.Actor.Props Props(string mesh, MeshSettings settings, TimeProvider clock, ControlPlaneMetrics metrics, Akka.Actor.IActorRef mediator) =>
        MeshHost.Props(mesh, MeshEntity.Props(mesh, settings, clock, metrics, mediator));

}
