namespace ActorDns.ControlPlane.Meshes;

/// <summary>A message routed to the entity of one mesh by <see cref="MeshMessageExtractor"/>.</summary>
public interface IWithMeshId
{
    string Mesh { get; }
}
