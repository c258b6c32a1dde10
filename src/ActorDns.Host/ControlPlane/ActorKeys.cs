namespace ActorDns.Host.ControlPlane;

/// <summary>Keys of the <c>ActorRegistry</c>.</summary>
public sealed class MeshRegionKey;

/// <summary>The mesh directory singleton's proxy.</summary>
public sealed class MeshDirectoryKey;

/// <summary>This node's resolver actor.</summary>
public sealed class ResolverKey;
