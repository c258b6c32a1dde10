namespace ActorDns.Server.Query;

/// <summary>How AAAA is answered for a name that has no IPv6 VIP (SPEC §4.2, <c>dnsServer.ipv6</c>).</summary>
public enum Ipv6Mode
{
    /// <summary>The IPv4-mapped form of the IPv4 VIP (<c>::ffff:240.0.0.1</c>).</summary>
    Mapped,

    /// <summary>NODATA: NOERROR with an empty answer and the SOA — never NXDOMAIN.</summary>
    None,
}
