using ActorDns.Protocol;

namespace ActorDns.Server.Query;

/// <summary>What shapes every answer of one mesh's zone (SPEC §4.1–§4.2, §5 <c>dnsServer.*</c>).</summary>
public sealed record ZoneSettings
{
    public ZoneSettings(string domain = "mesh", uint ttl = 60, Ipv6Mode ipv6 = Ipv6Mode.Mapped)
    {
        if (!DnsName.TryParse(domain, out var apex, out var error) || apex.Length <= 1)
        {
            throw new ArgumentException($"invalid DNS domain '{domain}': {error ?? "the root is not a mesh domain"}", nameof(domain));
        }

        Domain = domain.TrimEnd('.');
        Ttl = ttl;
        Ipv6 = ipv6;
        Apex = LowerCase(apex);
    }

    public string Domain { get; }

    public uint Ttl { get; }

    public Ipv6Mode Ipv6 { get; }

    /// <summary>The domain in lower-case wire format.</summary>
    internal byte[] Apex { get; }

    internal static byte[] LowerCase(ReadOnlySpan<byte> wire)
    {
        var lower = new byte[wire.Length];
        for (var i = 0; i < wire.Length; i++)
        {
            lower[i] = DnsName.ToLower(wire[i]);
        }

        return lower;
    }
}
