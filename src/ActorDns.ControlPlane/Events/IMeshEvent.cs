namespace ActorDns.ControlPlane.Events;

/// <summary>An event of a mesh's journal. Every implementation has a manifest in <see cref="MeshEventSerializer"/>.</summary>
public interface IMeshEvent;
