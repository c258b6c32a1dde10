using Akka.Cluster.Sharding;

namespace ActorDns.ControlPlane.Meshes;

/// <summary>Routes every <see cref="IWithMeshId"/> message to the entity named after its mesh.</summary>
public sealed class MeshMessageExtractor(int maxNumberOfShards = 100) : HashCodeMessageExtractor(maxNumberOfShards)
{
    public override string? EntityId(object message) => (message as IWithMeshId)?.Mesh;
}
