using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using ActorDns.Protocol;

namespace ActorDns.Server.Query;

/// <summary>
/// One name of a <see cref="ZoneTable"/> with its answers pre-encoded, in one run of bytes (an array of its own, or a
/// slice of an <see cref="EntryArena"/> chunk when a whole table is built at once):
/// <c>[name length][lower-case wire name][A count][AAAA count][A RRs][AAAA RRs][SRV RR]</c>. Every RR's owner is a
/// compression pointer into the question, so a hit copies bytes and builds nothing. A service name
/// (<c>_&lt;port&gt;._&lt;proto&gt;.&lt;hostname&gt;</c>, SPEC §4.1) is marked by the top bit of its A count and ends
/// with one SRV RR whose target is the hostname, written out in full (RFC 2782: no compression in the target); its
/// A/AAAA RRs are the hostname's, owned by a pointer to the hostname inside the question, for the additional section.
/// The counts sit at fixed offsets right after the name, so a plain name's lookup does no more work than before
/// service names existed.
/// </summary>
public readonly struct ZoneEntry
{
    /// <summary>At most this many addresses per family are published for one name (keeps any answer well below 64 KiB).</summary>
    public const int MaxAddressesPerFamily = 64;

    private const int ARecordSize = 16;
    private const int AaaaRecordSize = 28;
    private const int RecordHeaderSize = 12;
    private const int SrvRdataFixedSize = 6;
    private const int SrvPortOffset = RecordHeaderSize + 4;
    private const byte ServiceFlag = 0x80;
    private const ushort SrvWeight = 100;

    private readonly byte[] _data;
    private readonly int _start;

    private ZoneEntry(byte[] data, int start, uint hash)
    {
        _data = data;
        _start = start;
        Hash = hash;
    }

    public uint Hash { get; }

    public ReadOnlySpan<byte> Name => _data.AsSpan(_start + 1, _data[_start]);

    public int ACount => _data[_start + 1 + _data[_start]] & ~ServiceFlag;

    public int AaaaCount => _data[_start + 2 + _data[_start]];

    public ReadOnlySpan<byte> ARecords => _data.AsSpan(RecordsStart, ACount * ARecordSize);

    public ReadOnlySpan<byte> AaaaRecords => _data.AsSpan(RecordsStart + (ACount * ARecordSize), AaaaCount * AaaaRecordSize);

    /// <summary>A service name: it answers SRV, and its A/AAAA RRs are its target's.</summary>
    public bool IsService => (_data[_start + 1 + _data[_start]] & ServiceFlag) != 0;

    /// <summary>The A then the AAAA RRs, contiguous: a service name's additional section.</summary>
    public ReadOnlySpan<byte> AddressRecords => _data.AsSpan(RecordsStart, (ACount * ARecordSize) + (AaaaCount * AaaaRecordSize));

    /// <summary>A service name's SRV RR; empty for a plain name.</summary>
    public ReadOnlySpan<byte> SrvRecord
    {
        get
        {
            if (!IsService)
            {
                return default;
            }

            // The RR ends its entry; its own RDLENGTH says where.
            var start = RecordsStart + (ACount * ARecordSize) + (AaaaCount * AaaaRecordSize);
            return _data.AsSpan(start, RecordHeaderSize + BinaryPrimitives.ReadUInt16BigEndian(_data.AsSpan(start + RecordHeaderSize - 2)));
        }
    }

    private int RecordsStart => _start + 3 + _data[_start];

    /// <summary>The port a service name's SRV answers (for diagnostics and the cache file, never on the query path).</summary>
    public ushort? SrvPort => IsService ? BinaryPrimitives.ReadUInt16BigEndian(SrvRecord[SrvPortOffset..]) : null;

    /// <summary>
    /// Where a service name's target (the name without its first two labels) starts in the wire name; -1 when the
    /// name has fewer than three labels.
    /// </summary>
    public static int SrvTargetOffset(ReadOnlySpan<byte> wireName)
    {
        var offset = 0;
        for (var label = 0; label < 2; label++)
        {
            if (offset >= wireName.Length || wireName[offset] == 0)
            {
                return -1;
            }

            offset += 1 + wireName[offset];
        }

        return offset < wireName.Length && wireName[offset] != 0 ? offset : -1;
    }

    /// <summary>
    /// Pre-encodes a record. The name must already be valid wire format and, with <paramref name="srvPort"/>, have
    /// at least three labels (<see cref="SrvTargetOffset"/>).
    /// </summary>
    internal static ZoneEntry Create(ReadOnlySpan<byte> lowerCaseName, IReadOnlyList<IPAddress> addresses, ZoneSettings settings, ushort? srvPort = null, EntryArena? arena = null)
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

        return Create(lowerCaseName, v4[..(v4Count * 4)], v6[..(v6Count * 16)], settings, srvPort, arena);
    }

    /// <summary>
    /// Pre-encodes a record from raw addresses: <paramref name="v4"/> holds 4 octets per address and
    /// <paramref name="v6"/> 16, at most <see cref="MaxAddressesPerFamily"/> of each. The name must already be valid
    /// wire format and, with <paramref name="srvPort"/>, have at least three labels (<see cref="SrvTargetOffset"/>).
    /// </summary>
    /// <remarks>With an <paramref name="arena"/>, the bytes go into its current chunk rather than an array of their own.</remarks>
    internal static ZoneEntry Create(ReadOnlySpan<byte> lowerCaseName, ReadOnlySpan<byte> v4, ReadOnlySpan<byte> v6Given, ZoneSettings settings, ushort? srvPort, EntryArena? arena = null)
    {
        if (v4.Length > MaxAddressesPerFamily * 4 || v6Given.Length > MaxAddressesPerFamily * 16)
        {
            throw new ArgumentException($"at most {MaxAddressesPerFamily} addresses of each family");
        }

        var v4Count = v4.Length / 4;
        var v6Count = v6Given.Length / 16;
        Span<byte> v6 = stackalloc byte[MaxAddressesPerFamily * 16];
        v6Given.CopyTo(v6);

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

        var target = srvPort is null ? default : lowerCaseName[SrvTargetOffset(lowerCaseName)..];
        var srvLength = srvPort is null ? 0 : RecordHeaderSize + SrvRdataFixedSize + target.Length;
        var size = 1 + lowerCaseName.Length + 2 + (v4Count * ARecordSize) + (v6Count * AaaaRecordSize) + srvLength;
        var (data, start) = arena is null ? (new byte[size], 0) : arena.Take(size);
        data[start] = (byte)lowerCaseName.Length;
        lowerCaseName.CopyTo(data.AsSpan(start + 1));
        var position = start + 1 + lowerCaseName.Length;
        data[position++] = (byte)(v4Count | (srvPort is null ? 0 : ServiceFlag));
        data[position++] = (byte)v6Count;
        // A service name's addresses are its target's: the question's name from its third label on.
        var addressOwner = DnsHeader.Size + (srvPort is null ? 0 : lowerCaseName.Length - target.Length);

        for (var i = 0; i < v4Count; i++)
        {
            position = WriteRecord(data, position, addressOwner, DnsRecordType.A, settings.Ttl, v4.Slice(i * 4, 4));
        }

        for (var i = 0; i < v6Count; i++)
        {
            position = WriteRecord(data, position, addressOwner, DnsRecordType.AAAA, settings.Ttl, v6.Slice(i * 16, 16));
        }

        if (srvPort is { } port)
        {
            Span<byte> srv = stackalloc byte[SrvRdataFixedSize + DnsName.MaxLength];
            BinaryPrimitives.WriteUInt16BigEndian(srv, 0);
            BinaryPrimitives.WriteUInt16BigEndian(srv[2..], SrvWeight);
            BinaryPrimitives.WriteUInt16BigEndian(srv[4..], port);
            target.CopyTo(srv[SrvRdataFixedSize..]);
            WriteRecord(data, position, DnsHeader.Size, DnsRecordType.SRV, settings.Ttl, srv[..(SrvRdataFixedSize + target.Length)]);
        }

        return new ZoneEntry(data, start, DnsName.HashIgnoreCase(lowerCaseName));
    }

    private static int WriteRecord(byte[] data, int position, int owner, DnsRecordType type, uint ttl, ReadOnlySpan<byte> rdata)
    {
        var span = data.AsSpan(position);
        BinaryPrimitives.WriteUInt16BigEndian(span, (ushort)(0xC000 | owner));
        BinaryPrimitives.WriteUInt16BigEndian(span[2..], (ushort)type);
        BinaryPrimitives.WriteUInt16BigEndian(span[4..], (ushort)DnsClass.IN);
        BinaryPrimitives.WriteUInt32BigEndian(span[6..], ttl);
        BinaryPrimitives.WriteUInt16BigEndian(span[10..], (ushort)rdata.Length);
        rdata.CopyTo(span[RecordHeaderSize..]);
        return position + RecordHeaderSize + rdata.Length;
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
