namespace ActorDns.ControlPlane.Events;

/// <summary>An API user token was revoked by its <c>jti</c>, for good (journal of the mesh directory). Persisted.</summary>
public sealed record TokenRevoked(string Jti) : IMeshEvent;
