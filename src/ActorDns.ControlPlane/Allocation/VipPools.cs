using System.Net.Sockets;
using ActorDns.ControlPlane.Catalog;

namespace ActorDns.ControlPlane.Allocation;

/// <summary>
/// The named address pools of a mesh and which of them an entry draws from: an IPv4 pool, and an IPv6 pool that
/// gives the entry a second address when it is configured. Each pool keeps its own book (used addresses,
/// quarantine, cursor) under the same rules.
/// </summary>
public static class VipPools
{
    /// <summary><c>dnsServer.CIDR</c>: services, ExternalService hosts.</summary>
    public const string Service = "service";

    /// <summary><c>dnsServer.CIDRv6</c>: the optional IPv6 VIP of every entry (SPEC §3).</summary>
    public const string ServiceV6 = "service-v6";

    /// <summary><c>ipam.meshService.CIDR</c>: MeshServices.</summary>
    public const string MeshService = "meshservice";

    /// <summary><c>ipam.meshExternalService.CIDR</c>: MeshExternalServices.</summary>
    public const string MeshExternalService = "meshexternalservice";

    /// <summary>The IPv4 pool and the IPv6 pool an entry of <paramref name="key"/>'s origin takes its VIPs from.</summary>
    public static (string V4, string V6) For(EntryKey key) => key.Origin switch
    {
        EntryKey.MeshServiceOrigin => (MeshService, ServiceV6),
        EntryKey.MeshExternalServiceOrigin => (MeshExternalService, ServiceV6),
        _ => (Service, ServiceV6),
    };

    /// <summary>The address family of a pool's addresses (a book stores them as integers).</summary>
    public static AddressFamily FamilyOf(string pool) => pool == ServiceV6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;
}
