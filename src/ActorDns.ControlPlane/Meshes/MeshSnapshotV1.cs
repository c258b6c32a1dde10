using ActorDns.ControlPlane.Allocation;
using ActorDns.ControlPlane.Events;

namespace ActorDns.ControlPlane.Meshes;

/// <summary>
/// The snapshot as releases before named pools wrote it (<c>mesh-snapshot.v1</c>): one book per address family,
/// which were the service pools. Read only, and upgraded to <see cref="MeshSnapshot"/> as it is read.
/// </summary>
public sealed record MeshSnapshotV1(
    IReadOnlyList<ResourceUpserted> Resources,
    IReadOnlyList<MeshSnapshot.Assignment> Assignments,
    MeshSnapshot.Book V4,
    MeshSnapshot.Book V6) : IOlderShape
{
    public object Upgrade() => new MeshSnapshot(Resources, Assignments, new Dictionary<string, MeshSnapshot.Book>(StringComparer.Ordinal)
    {
        [VipPools.Service] = V4,
        [VipPools.ServiceV6] = V6,
    });
}
