namespace ActorDns.Protocol;

/// <summary>CLASS and QCLASS values (RFC 1035 §3.2.4–3.2.5, RFC 2136 §2.4 for NONE).</summary>
public enum DnsClass : ushort
{
    IN = 1,
    CH = 3,
    HS = 4,
    NONE = 254,
    ANY = 255,
}
