namespace ActorDns.Protocol;

/// <summary>
/// A parsed query, as offsets into the datagram it came from: nothing is copied. The question starts at
/// offset 12; <see cref="QuestionLength"/> covers QNAME, QTYPE and QCLASS.
/// </summary>
public readonly record struct DnsQuery(
    DnsHeader Header,
    int QNameLength,
    DnsRecordType QType,
    DnsClass QClass,
    EdnsInfo Edns)
{
    public const int QuestionOffset = DnsHeader.Size;

    /// <summary>True when the question parsed, so it can be echoed even in an error reply.</summary>
    public bool HasQuestion => QNameLength > 0;

    public int QuestionLength => HasQuestion ? QNameLength + 4 : 0;

    public ReadOnlySpan<byte> QName(ReadOnlySpan<byte> message) => message.Slice(QuestionOffset, QNameLength);

    public ReadOnlySpan<byte> Question(ReadOnlySpan<byte> message) => message.Slice(QuestionOffset, QuestionLength);
}
