using ActorDns.Protocol;

namespace ActorDns.LoadTest.Dns;

/// <summary>Mnemonics of header rcodes as dig prints them (RFC 1035 §4.1.1, RFC 6895 §2.3).</summary>
internal static class RcodeName
{
    public static string Of(int rcode) =>
        Enum.IsDefined((DnsRcode)rcode) ? ((DnsRcode)rcode).ToString().ToUpperInvariant() : $"RCODE{rcode}";
}
