using System.Net;
using ActorDns.ControlPlane.Catalog;

namespace ActorDns.ControlPlane.Allocation;

/// <summary>
/// The VIPs one entry holds; either may be missing while its pool is exhausted. <see cref="Since"/> is
/// when the entry first got a VIP: the older entry wins a name both claim (SPEC §4.1).
/// </summary>
public sealed record VipAssignment(EntryKey Key, IPAddress? Vip, IPAddress? VipV6, DateTimeOffset Since);
