using System.Buffers.Binary;
using ActorDns.Protocol;

namespace ActorDns.Server.Pipeline;

/// <summary>What a <c>cache</c> keeps of one kind of answer (CoreDNS's <c>success</c> and <c>denial</c>).</summary>
public sealed record CacheBounds(int Capacity, TimeSpan MaxTtl, TimeSpan MinTtl);

/// <summary>
/// CoreDNS's <c>cache</c> for the answers of upstreams: positive answers (NOERROR with records) and denials
/// (NXDOMAIN, NODATA, cached only with the SOA that comes with them, RFC 2308 §5; as CoreDNS, the TTL is that
/// record's, which an authoritative server has already capped at the SOA minimum, RFC 2308 §3), each bounded and kept for the smallest TTL
/// of its records within [min, max]. Keyed by the lower-case name, type, class, and the DO and CD bits and whether the
/// client spoke EDNS. A hit is a copy with the client's ID and question and the TTLs counted down, on the receive loop:
/// no lock, no allocation. Slots are chosen by hash and overwritten on collision.
/// </summary>
public sealed class ResponseCache
{
    private const int MaxKeyLength = 255 + 6;

    private readonly Entry?[] _success;
    private readonly Entry?[] _denial;
    private readonly CacheBounds _successBounds;
    private readonly CacheBounds _denialBounds;
    private readonly TimeProvider _clock;

    public ResponseCache(CacheBounds success, CacheBounds denial, TimeProvider clock)
    {
        _successBounds = success;
        _denialBounds = denial;
        _success = new Entry?[SlotsFor(success.Capacity)];
        _denial = new Entry?[SlotsFor(denial.Capacity)];
        _clock = clock;
    }

    /// <summary>Writes the cached answer to <paramref name="request"/> into <paramref name="response"/>; 0 on a miss.</summary>
    public int TryAnswer(ReadOnlySpan<byte> request, in DnsQuery query, Span<byte> response, bool overUdp)
    {
        Span<byte> key = stackalloc byte[MaxKeyLength];
        var keyLength = WriteKey(request, query, key);
        var hash = Hash(key[..keyLength]);
        var now = _clock.GetTimestamp();
        return Answer(_success, hash, key[..keyLength], request, query, response, overUdp, now) is var length and > 0
            ? length
            : Answer(_denial, hash, key[..keyLength], request, query, response, overUdp, now);
    }

    /// <summary>
    /// Keeps an upstream's answer to <paramref name="request"/> when it is cacheable (off the receive loop), and sets
    /// every TTL of <paramref name="reply"/>, which goes to the client, to the one the cache keeps it for (CoreDNS).
    /// </summary>
    public void Store(ReadOnlySpan<byte> request, in DnsQuery query, Span<byte> reply)
    {
        if (!DnsHeader.TryRead(reply, out var header) || (header.Flags & DnsHeaderFlags.TC) != 0 || header.QdCount != 1)
        {
            return;
        }

        var denial = header.Rcode == DnsRcode.NXDomain || (header.Rcode == DnsRcode.NoError && header.AnCount == 0);
        if (!(denial || header.Rcode == DnsRcode.NoError) || !TryReadTtls(reply, header, out var ttlOffsets, out var smallest)
            || (denial && !HasSoa(reply, header)))
        {
            return;
        }

        var bounds = denial ? _denialBounds : _successBounds;
        var ttl = TimeSpan.FromSeconds(Math.Clamp(smallest, bounds.MinTtl.TotalSeconds, bounds.MaxTtl.TotalSeconds));
        foreach (var offset in ttlOffsets)
        {
            BinaryPrimitives.WriteUInt32BigEndian(reply[offset..], (uint)ttl.TotalSeconds);
        }

        Span<byte> key = stackalloc byte[MaxKeyLength];
        var keyLength = WriteKey(request, query, key);
        var entry = new Entry(key[..keyLength].ToArray(), reply.ToArray(), ttlOffsets, _clock.GetTimestamp(), ttl);
        var slots = denial ? _denial : _success;
        Volatile.Write(ref slots[Hash(entry.Key) & (uint)(slots.Length - 1)], entry);
    }

    private int Answer(Entry?[] slots, uint hash, ReadOnlySpan<byte> key, ReadOnlySpan<byte> request, in DnsQuery query, Span<byte> response, bool overUdp, long now)
    {
        var entry = Volatile.Read(ref slots[hash & (uint)(slots.Length - 1)]);
        if (entry is null || !entry.Key.AsSpan().SequenceEqual(key))
        {
            return 0;
        }

        var age = _clock.GetElapsedTime(entry.Stored, now);
        if (age >= entry.Ttl || (overUdp && entry.Reply.Length > query.Edns.ClientUdpLimit))
        {
            return 0;
        }

        entry.Reply.CopyTo(response);
        BinaryPrimitives.WriteUInt16BigEndian(response, query.Header.Id);
        // RD is this client's (RFC 1035 §4.1.1), not the one of the client whose query filled the entry.
        var flags = BinaryPrimitives.ReadUInt16BigEndian(response[2..]);
        BinaryPrimitives.WriteUInt16BigEndian(response[2..], (ushort)((flags & ~DnsHeaderFlags.RD) | (query.Header.Flags & DnsHeaderFlags.RD)));
        // The question as this client wrote it (letter case), then every TTL counted down.
        request.Slice(DnsQuery.QuestionOffset, query.QuestionLength).CopyTo(response[DnsQuery.QuestionOffset..]);
        var remaining = (uint)Math.Max(0, Math.Ceiling((entry.Ttl - age).TotalSeconds));
        foreach (var offset in entry.TtlOffsets)
        {
            BinaryPrimitives.WriteUInt32BigEndian(response[offset..], remaining);
        }

        return entry.Reply.Length;
    }

    /// <summary>Key: lower-case name, type, class, then a byte of the DO, CD and EDNS bits.</summary>
    private static int WriteKey(ReadOnlySpan<byte> request, in DnsQuery query, Span<byte> key)
    {
        var name = query.QName(request);
        for (var i = 0; i < name.Length; i++)
        {
            key[i] = DnsName.ToLower(name[i]);
        }

        BinaryPrimitives.WriteUInt16BigEndian(key[name.Length..], (ushort)query.QType);
        BinaryPrimitives.WriteUInt16BigEndian(key[(name.Length + 2)..], (ushort)query.QClass);
        key[name.Length + 4] = (byte)((query.Edns.DnssecOkBit ? 1 : 0) | ((query.Header.Flags & DnsHeaderFlags.CD) != 0 ? 2 : 0) | (query.Edns.Present ? 4 : 0));
        return name.Length + 5;
    }

    private static uint Hash(ReadOnlySpan<byte> key)
    {
        var hash = 2166136261u;
        foreach (var b in key)
        {
            hash = (hash ^ b) * 16777619u;
        }

        return hash;
    }

    /// <summary>The offset of every TTL field but OPT's, and the smallest TTL; false when the reply does not parse.</summary>
    private static bool TryReadTtls(ReadOnlySpan<byte> reply, in DnsHeader header, out int[] offsets, out uint smallest)
    {
        offsets = [];
        smallest = uint.MaxValue;
        if (!DnsName.TrySkip(reply, DnsHeader.Size, out var position))
        {
            return false;
        }

        position += 4;
        var list = new List<int>();
        var records = header.AnCount + header.NsCount + header.ArCount;
        for (var i = 0; i < records; i++)
        {
            if (!DnsName.TrySkip(reply, position, out position) || position + 10 > reply.Length)
            {
                return false;
            }

            var type = (DnsRecordType)BinaryPrimitives.ReadUInt16BigEndian(reply[position..]);
            var length = BinaryPrimitives.ReadUInt16BigEndian(reply[(position + 8)..]);
            if (type != DnsRecordType.OPT)
            {
                list.Add(position + 4);
                smallest = Math.Min(smallest, BinaryPrimitives.ReadUInt32BigEndian(reply[(position + 4)..]));
            }

            position += 10 + length;
            if (position > reply.Length)
            {
                return false;
            }
        }

        offsets = [.. list];
        return list.Count > 0;
    }

    /// <summary>RFC 2308 §5: a denial is cached only with the SOA that says for how long.</summary>
    private static bool HasSoa(ReadOnlySpan<byte> reply, in DnsHeader header)
    {
        DnsName.TrySkip(reply, DnsHeader.Size, out var position);
        position += 4;
        for (var i = 0; i < header.AnCount + header.NsCount; i++)
        {
            DnsName.TrySkip(reply, position, out position);
            var type = (DnsRecordType)BinaryPrimitives.ReadUInt16BigEndian(reply[position..]);
            if (i >= header.AnCount && type == DnsRecordType.SOA)
            {
                return true;
            }

            position += 10 + BinaryPrimitives.ReadUInt16BigEndian(reply[(position + 8)..]);
        }

        return false;
    }

    private static int SlotsFor(int capacity) => (int)Math.Max(16, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, capacity)));

    private sealed record Entry(byte[] Key, byte[] Reply, int[] TtlOffsets, long Stored, TimeSpan Ttl);
}
