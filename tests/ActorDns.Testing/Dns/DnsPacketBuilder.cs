using System.Buffers.Binary;
using System.Text;
using ActorDns.Protocol;

namespace ActorDns.Testing.Dns;

/// <summary>
/// Builds raw datagrams octet by octet, so tests can write malformed packets that <see cref="DnsMessage"/>
/// refuses to produce. <see cref="Position"/> is the offset the next octet lands on (for compression pointers).
/// The one writer of test packets: <see cref="QueryBuilder"/> describes a query and writes it with this.
/// </summary>
public sealed class DnsPacketBuilder
{
    public const ushort DefaultId = 0x1234;

    private readonly List<byte> _bytes = [];

    public int Position => _bytes.Count;

    /// <summary>A query header (QR=0, opcode QUERY, RD set) followed by nothing.</summary>
    public static DnsPacketBuilder Query(ushort qd = 1, ushort an = 0, ushort ns = 0, ushort ar = 0, ushort flags = DnsHeaderFlags.RD) =>
        new DnsPacketBuilder().Header(DefaultId, flags, qd, an, ns, ar);

    /// <summary>The usual valid query: one question <c>web.mesh A IN</c>, optionally with an OPT record.</summary>
    public static DnsPacketBuilder ValidQuery(bool withEdns = false) =>
        Query(ar: withEdns ? (ushort)1 : (ushort)0).Question("web.mesh").OptIf(withEdns);

    public DnsPacketBuilder Header(ushort id, ushort flags, ushort qd, ushort an, ushort ns, ushort ar) =>
        UInt16(id).UInt16(flags).UInt16(qd).UInt16(an).UInt16(ns).UInt16(ar);

    public DnsPacketBuilder Bytes(params byte[] bytes)
    {
        _bytes.AddRange(bytes);
        return this;
    }

    public DnsPacketBuilder Repeat(byte value, int count) => Bytes(Enumerable.Repeat(value, count).ToArray());

    public DnsPacketBuilder UInt16(int value)
    {
        var buffer = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(buffer, (ushort)value);
        return Bytes(buffer);
    }

    public DnsPacketBuilder UInt32(uint value)
    {
        var buffer = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(buffer, value);
        return Bytes(buffer);
    }

    /// <summary>One length-prefixed label (no terminating root label).</summary>
    public DnsPacketBuilder Label(string ascii) => Bytes([(byte)ascii.Length, .. Encoding.ASCII.GetBytes(ascii)]);

    /// <summary>A whole uncompressed name from presentation format.</summary>
    public DnsPacketBuilder Name(string text) => Bytes(DnsName.Parse(text));

    /// <summary>A compression pointer (RFC 1035 §4.1.4).</summary>
    public DnsPacketBuilder Pointer(int offset) => UInt16(0xC000 | offset);

    public DnsPacketBuilder Question(string name, DnsRecordType type = DnsRecordType.A, DnsClass @class = DnsClass.IN) =>
        Name(name).UInt16((ushort)type).UInt16((ushort)@class);

    /// <summary>TYPE, CLASS, TTL and RDLENGTH of a resource record whose owner was written just before.</summary>
    public DnsPacketBuilder RecordHeader(DnsRecordType type, int rdLength, uint ttl = 60, ushort @class = (ushort)DnsClass.IN) =>
        UInt16((ushort)type).UInt16(@class).UInt32(ttl).UInt16(rdLength);

    /// <summary>An OPT pseudo-record (RFC 6891 §6.1.2–§6.1.3) with a root owner, or the one-letter owner <paramref name="owner"/>.</summary>
    public DnsPacketBuilder Opt(ushort payloadSize = 1232, byte version = 0, ushort flags = 0, byte[]? options = null, byte extendedRcode = 0, byte owner = 0)
    {
        options ??= [];
        return (owner == 0 ? Bytes(0) : Bytes(1, owner, 0))
            .UInt16((ushort)DnsRecordType.OPT)
            .UInt16(payloadSize)
            .Bytes(extendedRcode, version)
            .UInt16(flags)
            .UInt16(options.Length)
            .Bytes(options);
    }

    public DnsPacketBuilder OptIf(bool condition) => condition ? Opt() : this;

    /// <summary>One EDNS option: CODE, LENGTH, DATA (RFC 6891 §6.1.2).</summary>
    public static byte[] Option(ushort code, byte[] data) =>
        new DnsPacketBuilder().UInt16(code).UInt16(data.Length).Bytes(data).ToArray();

    public byte[] ToArray() => [.. _bytes];

    public string ToHex() => Convert.ToHexString(ToArray());
}
