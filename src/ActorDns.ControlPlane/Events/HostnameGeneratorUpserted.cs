namespace ActorDns.ControlPlane.Events;

/// <summary>A HostnameGenerator was created or replaced (journal of the mesh directory), as stored. Persisted.</summary>
public sealed record HostnameGeneratorUpserted(string Name, string Json) : IMeshEvent;
