namespace ActorDns.ControlPlane.Events;

/// <summary>
/// A resource of a mesh (any kind of the registry) was created or replaced, as stored. Carries what was derived from it when it was
/// accepted, so recovery never depends on today's validation rules. Persisted; never rename or reorder.
/// </summary>
public sealed record ResourceUpserted(string Kind, string Name, string Json, IReadOnlyList<string> Services, string? Host) : IMeshEvent;
