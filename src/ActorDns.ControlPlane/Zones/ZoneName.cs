namespace ActorDns.ControlPlane.Zones;

/// <summary>
/// One DNS name an entry is served under (SPEC §4.1) and its rank (0 = exact name, 1 = dotted alias). A name with a
/// <see cref="SrvPort"/> is a service name, <c>_&lt;port name&gt;._&lt;proto&gt;.&lt;hostname&gt;</c>, answering SRV.
/// </summary>
public readonly record struct ZoneName(string Name, int Rank, ushort? SrvPort = null);
