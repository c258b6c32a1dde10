namespace ActorDns.Host.Api;

/// <summary>A mesh answered a read with a failure (its journal is down and it was never read on this node): a 503 with its reason.</summary>
public sealed class MeshUnavailableException(string reason) : Exception(reason);
