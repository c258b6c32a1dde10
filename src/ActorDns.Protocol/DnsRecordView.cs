namespace ActorDns.Protocol;

/// <summary>Where one resource record sits in a message (RFC 1035 §4.1.3); no data is copied.</summary>
public readonly record struct DnsRecordView(
    int Offset,
    DnsRecordType Type,
    ushort Class,
    uint Ttl,
    int RdataOffset,
    ushort RdLength)
{
    /// <summary>Offset of the TTL field, for rewriting it in place.</summary>
    public int TtlOffset => RdataOffset - 6;

    public int End => RdataOffset + RdLength;
}
