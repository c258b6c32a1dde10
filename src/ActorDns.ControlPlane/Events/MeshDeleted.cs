namespace ActorDns.ControlPlane.Events;

/// <summary>A mesh was deleted (journal of the mesh directory). Persisted.</summary>
public sealed record MeshDeleted(string Name) : IMeshEvent;
