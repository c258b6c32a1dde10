using System.Buffers.Binary;

namespace ActorDns.Protocol;

/// <summary>
/// Appends wire-format data to a caller-owned buffer. The caller sizes the buffer (64 KiB holds any DNS
/// message), so running out of room is a caller bug and throws.
/// </summary>
public ref struct DnsWriter
{
    private readonly Span<byte> _buffer;

    public DnsWriter(Span<byte> buffer)
    {
        _buffer = buffer;
        Position = 0;
    }

    public int Position { get; set; }

    public readonly Span<byte> Written => _buffer[..Position];

    public void WriteByte(byte value) => _buffer[Position++] = value;

    public void WriteUInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[Position..], value);
        Position += 2;
    }

    public void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(_buffer[Position..], value);
        Position += 4;
    }

    public void WriteBytes(scoped ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_buffer[Position..]);
        Position += bytes.Length;
    }

    public void WriteHeader(in DnsHeader header)
    {
        header.Write(_buffer[Position..]);
        Position += DnsHeader.Size;
    }

    /// <summary>Overwrites a 16-bit value already written (a count or RDLENGTH).</summary>
    public readonly void PatchUInt16(int offset, ushort value) => BinaryPrimitives.WriteUInt16BigEndian(_buffer[offset..], value);

    /// <summary>A compression pointer to <paramref name="offset"/> (RFC 1035 §4.1.4).</summary>
    public void WritePointer(int offset) => WriteUInt16((ushort)(0xC000 | offset));

    /// <summary>
    /// The OPT pseudo-record (RFC 6891 §6.1.2–§6.1.3): root owner, our payload size, the upper bits of an
    /// extended rcode, version 0, the DO bit as given, no options.
    /// </summary>
    public void WriteOpt(ushort payloadSize, DnsRcode rcode, bool dnssecOk)
    {
        WriteByte(0);
        WriteUInt16((ushort)DnsRecordType.OPT);
        WriteUInt16(payloadSize);
        WriteByte((byte)((int)rcode >> 4));
        WriteByte(0);
        WriteUInt16(dnssecOk ? EdnsInfo.DnssecOk : (ushort)0);
        WriteUInt16(0);
    }
}
