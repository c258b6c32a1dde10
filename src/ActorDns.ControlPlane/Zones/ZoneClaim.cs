using System.Net;
using ActorDns.ControlPlane.Catalog;

namespace ActorDns.ControlPlane.Zones;

/// <summary>
/// An entry's claim on one DNS name. Lower <see cref="Rank"/> wins (0 = exact name, 1 = dotted alias), then the older entry.
/// A claim with a <see cref="SrvPort"/> is on a service name (<see cref="ZoneName"/>).
/// </summary>
public sealed record ZoneClaim(EntryKey Key, string Name, int Rank, DateTimeOffset Since, IReadOnlyList<IPAddress> Addresses, ushort? SrvPort = null);
