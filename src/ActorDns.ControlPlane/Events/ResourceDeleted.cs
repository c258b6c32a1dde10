namespace ActorDns.ControlPlane.Events;

/// <summary>A resource of a mesh was deleted. Persisted.</summary>
public sealed record ResourceDeleted(string Kind, string Name) : IMeshEvent;
