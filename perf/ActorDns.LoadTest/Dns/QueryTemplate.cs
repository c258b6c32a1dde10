using System.Buffers.Binary;
using ActorDns.Protocol;

namespace ActorDns.LoadTest.Dns;

/// <summary>
/// One query (RD set, one question, class IN, no EDNS) built once; senders copy it and stamp an ID, so
/// sending allocates nothing. Also recognises a reply to it by its question (RFC 5452 §9.1: ID and question).
/// </summary>
internal sealed class QueryTemplate
{
    private readonly byte[] _message;
    private readonly byte[] _wireName;

    /// <summary>Builds the query; throws <see cref="FormatException"/> for an invalid name.</summary>
    public QueryTemplate(string name, DnsRecordType type)
    {
        Name = name;
        Type = type;
        _wireName = DnsName.Parse(name);
        _message = new byte[DnsHeader.Size + _wireName.Length + 4];
        var writer = new DnsWriter(_message);
        writer.WriteHeader(new DnsHeader(0, DnsHeaderFlags.RD, 1, 0, 0, 0));
        writer.WriteBytes(_wireName);
        writer.WriteUInt16((ushort)type);
        writer.WriteUInt16((ushort)DnsClass.IN);
    }

    public string Name { get; }

    public DnsRecordType Type { get; }

    public int Length => _message.Length;

    /// <summary>Writes the query with <paramref name="id"/> into <paramref name="destination"/>; returns its length.</summary>
    public int WriteTo(Span<byte> destination, ushort id)
    {
        _message.CopyTo(destination);
        BinaryPrimitives.WriteUInt16BigEndian(destination, id);
        return _message.Length;
    }

    /// <summary>
    /// True when <paramref name="reply"/> carries exactly one question and it is ours: same type, class IN,
    /// same name ignoring letter case (RFC 4343).
    /// </summary>
    public bool MatchesQuestion(ReadOnlySpan<byte> reply)
    {
        if (!DnsMessageReader.TryCreate(reply, out var reader)
            || reader.Header.QdCount != 1
            || !reader.TryReadQuestion(out var nameOffset, out var type, out var @class)
            || type != Type
            || @class != (ushort)DnsClass.IN)
        {
            return false;
        }

        Span<byte> name = stackalloc byte[DnsName.MaxLength];
        return DnsName.TryRead(reply, nameOffset, name, out var written, out _) && DnsName.EqualsIgnoreCase(name[..written], _wireName);
    }
}
