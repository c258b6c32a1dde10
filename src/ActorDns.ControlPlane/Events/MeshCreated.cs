namespace ActorDns.ControlPlane.Events;

/// <summary>A mesh was created (journal of the mesh directory). Persisted.</summary>
public sealed record MeshCreated(string Name) : IMeshEvent;
