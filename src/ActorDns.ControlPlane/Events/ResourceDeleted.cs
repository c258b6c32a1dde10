namespace ActorDns.ControlPlane.Events;

/// <summary>A Dataplane or ExternalService was deleted. Persisted.</summary>
public sealed record ResourceDeleted(string Kind, string Name) : IMeshEvent;
