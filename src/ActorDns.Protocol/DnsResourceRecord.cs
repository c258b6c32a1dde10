using System.Net;

namespace ActorDns.Protocol;

/// <summary>
/// A resource record (RFC 1035 §4.1.3). <see cref="Data"/> is the uncompressed RDATA: names inside the
/// RDATA of NS, CNAME, PTR, SOA, MX and SRV are expanded when parsed.
/// </summary>
public sealed record DnsResourceRecord(string Name, DnsRecordType Type, ushort Class, uint Ttl, byte[] Data)
{
    public static DnsResourceRecord Address(string name, IPAddress address, uint ttl) =>
        new(name, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? DnsRecordType.AAAA : DnsRecordType.A,
            (ushort)DnsClass.IN, ttl, address.GetAddressBytes());

    /// <summary>For A and AAAA records, the address; otherwise null.</summary>
    public IPAddress? AsAddress() =>
        (Type == DnsRecordType.A && Data.Length == 4) || (Type == DnsRecordType.AAAA && Data.Length == 16) ? new IPAddress(Data) : null;

    public override string ToString()
    {
        var address = AsAddress();
        var rdata = address is not null ? address.ToString() : $"\\# {Data.Length} {Convert.ToHexString(Data)}";
        return $"{Name}\t{Ttl}\t{Class}\t{Type}\t{rdata}";
    }
}
