namespace ActorDns.Protocol;

/// <summary>RR TYPE and QTYPE values used by ActorDns (RFC 1035 §3.2.2–3.2.3, RFC 3596, RFC 6891, RFC 6895).</summary>
public enum DnsRecordType : ushort
{
    A = 1,
    NS = 2,
    CNAME = 5,
    SOA = 6,
    PTR = 12,
    HINFO = 13,
    MX = 15,
    TXT = 16,
    AAAA = 28,
    SRV = 33,
    OPT = 41,
    TKEY = 249,
    TSIG = 250,
    IXFR = 251,
    AXFR = 252,
    MAILB = 253,
    MAILA = 254,
    ANY = 255,
}
