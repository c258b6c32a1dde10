using System.Buffers.Binary;

namespace ActorDns.Protocol;

/// <summary>
/// Walks any message section by section (RFC 1035 §4.1) with bounds checks on every field; names may be
/// compressed (pointers strictly backwards, see <see cref="DnsName.TryRead"/>). Untrusted input yields
/// <c>false</c>, never an exception.
/// </summary>
public ref struct DnsMessageReader
{
    private readonly ReadOnlySpan<byte> _message;

    private DnsMessageReader(ReadOnlySpan<byte> message, DnsHeader header)
    {
        _message = message;
        Header = header;
        Position = DnsHeader.Size;
    }

    public DnsHeader Header { get; }

    public int Position { get; private set; }

    public readonly bool AtEnd => Position == _message.Length;

    public static bool TryCreate(ReadOnlySpan<byte> message, out DnsMessageReader reader)
    {
        if (!DnsHeader.TryRead(message, out var header))
        {
            reader = default;
            return false;
        }

        reader = new DnsMessageReader(message, header);
        return true;
    }

    /// <summary>Reads one question (RFC 1035 §4.1.2).</summary>
    public bool TryReadQuestion(out int nameOffset, out DnsRecordType type, out ushort @class)
    {
        nameOffset = Position;
        type = 0;
        @class = 0;
        if (!DnsName.TrySkip(_message, Position, out var next) || next + 4 > _message.Length)
        {
            return false;
        }

        type = (DnsRecordType)BinaryPrimitives.ReadUInt16BigEndian(_message[next..]);
        @class = BinaryPrimitives.ReadUInt16BigEndian(_message[(next + 2)..]);
        Position = next + 4;
        return true;
    }

    /// <summary>Reads one resource record (RFC 1035 §4.1.3), checking RDLENGTH against the message.</summary>
    public bool TryReadRecord(out DnsRecordView record)
    {
        record = default;
        var start = Position;
        if (!DnsName.TrySkip(_message, start, out var next) || next + 10 > _message.Length)
        {
            return false;
        }

        var rdLength = BinaryPrimitives.ReadUInt16BigEndian(_message[(next + 8)..]);
        if (next + 10 + rdLength > _message.Length)
        {
            return false;
        }

        record = new DnsRecordView(
            start,
            (DnsRecordType)BinaryPrimitives.ReadUInt16BigEndian(_message[next..]),
            BinaryPrimitives.ReadUInt16BigEndian(_message[(next + 2)..]),
            BinaryPrimitives.ReadUInt32BigEndian(_message[(next + 4)..]),
            next + 10,
            rdLength);
        Position = record.End;
        return true;
    }

    /// <summary>Total records in the answer, authority and additional sections.</summary>
    public readonly int RecordCount => Header.AnCount + Header.NsCount + Header.ArCount;
}
