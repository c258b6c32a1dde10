using System.Buffers.Binary;

namespace ActorDns.Protocol;

/// <summary>The fixed 12-octet message header (RFC 1035 §4.1.1).</summary>
public readonly record struct DnsHeader(ushort Id, ushort Flags, ushort QdCount, ushort AnCount, ushort NsCount, ushort ArCount)
{
    public const int Size = 12;

    public bool IsResponse => (Flags & DnsHeaderFlags.QR) != 0;

    public DnsOpcode Opcode => (DnsOpcode)((Flags & DnsHeaderFlags.OpcodeMask) >> DnsHeaderFlags.OpcodeShift);

    public DnsRcode Rcode => (DnsRcode)(Flags & DnsHeaderFlags.RcodeMask);

    public bool Has(ushort flag) => (Flags & flag) != 0;

    /// <summary>Reads a header; false when fewer than 12 octets are present.</summary>
    public static bool TryRead(ReadOnlySpan<byte> message, out DnsHeader header)
    {
        if (message.Length < Size)
        {
            header = default;
            return false;
        }

        header = new DnsHeader(
            BinaryPrimitives.ReadUInt16BigEndian(message),
            BinaryPrimitives.ReadUInt16BigEndian(message[2..]),
            BinaryPrimitives.ReadUInt16BigEndian(message[4..]),
            BinaryPrimitives.ReadUInt16BigEndian(message[6..]),
            BinaryPrimitives.ReadUInt16BigEndian(message[8..]),
            BinaryPrimitives.ReadUInt16BigEndian(message[10..]));
        return true;
    }

    /// <summary>Writes the header into the first 12 octets of <paramref name="destination"/>.</summary>
    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, Id);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], Flags);
        BinaryPrimitives.WriteUInt16BigEndian(destination[4..], QdCount);
        BinaryPrimitives.WriteUInt16BigEndian(destination[6..], AnCount);
        BinaryPrimitives.WriteUInt16BigEndian(destination[8..], NsCount);
        BinaryPrimitives.WriteUInt16BigEndian(destination[10..], ArCount);
    }

    /// <summary>Builds a flags word from its parts.</summary>
    public static ushort MakeFlags(bool response, DnsOpcode opcode, DnsRcode rcode, ushort bits) =>
        (ushort)((response ? DnsHeaderFlags.QR : 0)
            | (((int)opcode << DnsHeaderFlags.OpcodeShift) & DnsHeaderFlags.OpcodeMask)
            | ((int)rcode & DnsHeaderFlags.RcodeMask)
            | (bits & ~(DnsHeaderFlags.QR | DnsHeaderFlags.OpcodeMask | DnsHeaderFlags.RcodeMask)));
}
