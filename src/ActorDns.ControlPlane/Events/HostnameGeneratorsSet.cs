namespace ActorDns.ControlPlane.Events;

/// <summary>
/// A mesh took the directory's HostnameGenerators as of the directory's <paramref name="Version"/> (journal of a
/// mesh): its named resources' hostnames derive from these documents from now on. Persisted.
/// </summary>
public sealed record HostnameGeneratorsSet(long Version, IReadOnlyList<string> Documents) : IMeshEvent;
