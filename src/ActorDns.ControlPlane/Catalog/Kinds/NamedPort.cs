namespace ActorDns.ControlPlane.Catalog.Kinds;

/// <summary>A named port: <c>_&lt;port name&gt;._&lt;tcp|udp&gt;</c>, prefixed to a hostname, answers SRV with <see cref="Port"/>.</summary>
public sealed record NamedPort(string Prefix, ushort Port);
