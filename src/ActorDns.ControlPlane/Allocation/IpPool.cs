using System.Net;
using System.Net.Sockets;

namespace ActorDns.ControlPlane.Allocation;

/// <summary>
/// The addresses of one CIDR that may be handed out as VIPs, as 128-bit integers (SPEC §3).
/// </summary>
/// <remarks>
/// Invariant: an IPv4 pool never contains its network or broadcast address (differs from Kuma, whose IPAM
/// starts at the network address), so <c>240.0.0.0/4</c> runs from <c>240.0.0.1</c> to <c>255.255.255.254</c>
/// and never hands out the limited broadcast <c>255.255.255.255</c>. A /31 or /32 has no such addresses to
/// skip. An IPv6 pool skips only the subnet-router anycast address (all host bits zero).
/// </remarks>
public sealed record IpPool
{
    private IpPool(string cidr, AddressFamily family, UInt128 first, UInt128 last)
    {
        Cidr = cidr;
        Family = family;
        First = first;
        Last = last;
    }

    public string Cidr { get; }

    public AddressFamily Family { get; }

    public UInt128 First { get; }

    public UInt128 Last { get; }

    public UInt128 Size => Last - First + 1;

    public static bool TryParse(string? text, out IpPool pool, out string error)
    {
        pool = null!;
        error = "";
        if (string.IsNullOrWhiteSpace(text) || !IPNetwork.TryParse(text.Trim(), out var network))
        {
            error = $"'{text}' is not a CIDR (expected e.g. 240.0.0.0/4 or fd00:fd00::/64)";
            return false;
        }

        var bits = network.BaseAddress.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var hostBits = bits - network.PrefixLength;
        var start = ToInteger(network.BaseAddress);
        var end = start + (hostBits == 128 ? UInt128.MaxValue : (UInt128.One << hostBits) - 1);
        var skipEnds = bits == 32 ? hostBits >= 2 : hostBits >= 1;
        var first = skipEnds ? start + 1 : start;
        var last = skipEnds && bits == 32 ? end - 1 : end;
        pool = new IpPool(text.Trim(), network.BaseAddress.AddressFamily, first, last);
        return true;
    }

    public static IpPool Parse(string text) =>
        TryParse(text, out var pool, out var error) ? pool : throw new FormatException(error);

    public bool Contains(IPAddress address) =>
        address.AddressFamily == Family && ToInteger(address) is var value && value >= First && value <= Last;

    /// <summary>The address after <paramref name="value"/>, wrapping from the last to the first.</summary>
    public UInt128 Next(UInt128 value) => value >= Last || value < First ? First : value + 1;

    public IPAddress ToAddress(UInt128 value) => ToAddress(value, Family);

    public static IPAddress ToAddress(UInt128 value, AddressFamily family)
    {
        var bytes = new byte[family == AddressFamily.InterNetwork ? 4 : 16];
        for (var i = bytes.Length - 1; i >= 0; i--)
        {
            bytes[i] = (byte)value;
            value >>= 8;
        }

        return new IPAddress(bytes);
    }

    public static UInt128 ToInteger(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var written);
        UInt128 value = 0;
        foreach (var b in bytes[..written])
        {
            value = (value << 8) | b;
        }

        return value;
    }
}
