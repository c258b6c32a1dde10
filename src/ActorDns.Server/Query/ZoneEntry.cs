using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using ActorDns.Protocol;

namespace ActorDns.Server.Query;

/// <summary>
/// One name of a <see cref="ZoneTable"/> with its answers pre-encoded, in a single array:
/// <c>[name length][lower-case wire name][A count][A RRs][AAAA count][AAAA RRs]</c>. Every RR's owner is a
/// compression pointer to the question (offset 12), so a hit copies bytes and builds nothing.
/// </summary>
public readonly struct ZoneEntry
{
    /// <summary>At most this many addresses per family are published for one name (keeps any answer well below 64 KiB).</summary>
    public const int MaxAddressesPerFamily = 64;

    private const int ARecordSize = 16;
    private const int AaaaRecordSize = 28;

    private readonly byte[] _data;

    private ZoneEntry(byte[] data, uint hash)
    {
        _data = data;
        Hash = hash;
    }

    public uint Hash { get; }

    public ReadOnlySpan<byte> Name => _data.AsSpan(1, _data[0]);

    public int ACount => _data[1 + _data[0]];

    public ReadOnlySpan<byte> ARecords => _data.AsSpan(2 + _data[0], ACount * ARecordSize);

    private int AaaaCountOffset => 2 + _data[0] + (ACount * ARecordSize);

    public int AaaaCount => _data[AaaaCountOffset];

    public ReadOnlySpan<byte> AaaaRecords => _data.AsSpan(AaaaCountOffset + 1, AaaaCount * AaaaRecordSize);

    /// <summary>Pre-encodes a record. The name must already be valid wire format.</summary>
    internal static ZoneEntry Create(ReadOnlySpan<byte> lowerCaseName, IReadOnlyList<IPAddress> addresses, ZoneSettings settings)
    {
        Span<byte> v4 = stackalloc byte[MaxAddressesPerFamily * 4];
        Span<byte> v6 = stackalloc byte[MaxAddressesPerFamily * 16];
        int v4Count = 0, v6Count = 0;
        foreach (var address in addresses)
        {
            if (address.AddressFamily == AddressFamily.InterNetwork && v4Count < MaxAddressesPerFamily)
            {
                address.TryWriteBytes(v4[(v4Count++ * 4)..], out _);
            }
            else if (address.AddressFamily == AddressFamily.InterNetworkV6 && v6Count < MaxAddressesPerFamily)
            {
                address.TryWriteBytes(v6[(v6Count++ * 16)..], out _);
            }
        }

        // SPEC §4.2: without an IPv6 VIP, AAAA is the IPv4-mapped address when dnsServer.ipv6 = mapped.
        if (v6Count == 0 && settings.Ipv6 == Ipv6Mode.Mapped)
        {
            for (; v6Count < v4Count; v6Count++)
            {
                var mapped = v6.Slice(v6Count * 16, 16);
                mapped[..10].Clear();
                mapped[10] = 0xFF;
                mapped[11] = 0xFF;
                v4.Slice(v6Count * 4, 4).CopyTo(mapped[12..]);
            }
        }

        var data = new byte[1 + lowerCaseName.Length + 1 + (v4Count * ARecordSize) + 1 + (v6Count * AaaaRecordSize)];
        data[0] = (byte)lowerCaseName.Length;
        lowerCaseName.CopyTo(data.AsSpan(1));
        var position = 1 + lowerCaseName.Length;
        data[position++] = (byte)v4Count;
        for (var i = 0; i < v4Count; i++)
        {
            position = WriteRecord(data, position, DnsRecordType.A, settings.Ttl, v4.Slice(i * 4, 4));
        }

        data[position++] = (byte)v6Count;
        for (var i = 0; i < v6Count; i++)
        {
            position = WriteRecord(data, position, DnsRecordType.AAAA, settings.Ttl, v6.Slice(i * 16, 16));
        }

        return new ZoneEntry(data, DnsName.HashIgnoreCase(lowerCaseName));
    }

    private static int WriteRecord(byte[] data, int position, DnsRecordType type, uint ttl, ReadOnlySpan<byte> rdata)
    {
        var span = data.AsSpan(position);
        BinaryPrimitives.WriteUInt16BigEndian(span, 0xC000 | DnsHeader.Size);
        BinaryPrimitives.WriteUInt16BigEndian(span[2..], (ushort)type);
        BinaryPrimitives.WriteUInt16BigEndian(span[4..], (ushort)DnsClass.IN);
        BinaryPrimitives.WriteUInt32BigEndian(span[6..], ttl);
        BinaryPrimitives.WriteUInt16BigEndian(span[10..], (ushort)rdata.Length);
        rdata.CopyTo(span[12..]);
        return position + 12 + rdata.Length;
    }

    /// <summary>Decodes the addresses back (for diagnostics and tests, never on the query path).</summary>
    public IReadOnlyList<IPAddress> Addresses(bool includeSynthesizedIpv6)
    {
        var list = new List<IPAddress>(ACount + AaaaCount);
        for (var i = 0; i < ACount; i++)
        {
            list.Add(new IPAddress(ARecords.Slice((i * ARecordSize) + 12, 4)));
        }

        for (var i = 0; i < AaaaCount; i++)
        {
            var address = new IPAddress(AaaaRecords.Slice((i * AaaaRecordSize) + 12, 16));
            if (includeSynthesizedIpv6 || !address.IsIPv4MappedToIPv6)
            {
                list.Add(address);
            }
        }

        return list;
    }
}
