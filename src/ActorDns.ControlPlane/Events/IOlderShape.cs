namespace ActorDns.ControlPlane.Events;

/// <summary>
/// A persisted document in a shape this build no longer writes: <see cref="MeshEventSerializer"/> reads it under its
/// old manifest and hands on what <see cref="Upgrade"/> returns, so the rest of the code sees only today's types.
/// </summary>
public interface IOlderShape
{
    object Upgrade();
}
