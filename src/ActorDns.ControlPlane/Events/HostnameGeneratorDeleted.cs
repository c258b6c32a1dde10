namespace ActorDns.ControlPlane.Events;

/// <summary>A HostnameGenerator was deleted (journal of the mesh directory). Persisted.</summary>
public sealed record HostnameGeneratorDeleted(string Name) : IMeshEvent;
