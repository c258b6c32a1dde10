using ActorDns.Protocol;

namespace ActorDns.Server.Query;

/// <summary>
/// The immutable DNS view of one mesh: name → pre-encoded A/AAAA (or SRV) answers, plus SOA and NS at the apex.
/// Readers take the current instance with one volatile read and never lock.
/// </summary>
/// <remarks>
/// Invariant: an instance never changes. <see cref="Apply"/> shares every bucket and page the delta does
/// not touch, so a one-name change costs a copy of the small top-level page array, one 1,024-slot page and
/// one bucket — not a rebuild. Buckets are addressed by a case-insensitive FNV-1a hash of the wire name,
/// so a lookup hashes the query's own bytes and builds no string. When the average bucket holds more
/// than four names the table doubles (a rebuild, amortised over the inserts that caused it).
/// </remarks>
public sealed class ZoneTable
{
    private const int PageBits = 10;
    private const int PageSize = 1 << PageBits;
    private const int MaxAverageBucketLength = 4;

    private readonly ZoneEntry[]?[][] _pages;
    private readonly int _bucketBits;

    private ZoneTable(ZoneSettings settings, long version, ZoneEntry[]?[][] pages, int bucketBits, int count)
    {
        Settings = settings;
        Version = version;
        _pages = pages;
        _bucketBits = bucketBits;
        Count = count;
        SoaRecord = EncodeSoa(settings, version);
        NsRecord = EncodeNs(settings);
    }

    public ZoneSettings Settings { get; }

    public long Version { get; }

    public int Count { get; }

    /// <summary>The apex SOA from TYPE on (owner excluded): the owner is a pointer written per reply.</summary>
    internal byte[] SoaRecord { get; }

    /// <summary>The apex NS from TYPE on (owner excluded).</summary>
    internal byte[] NsRecord { get; }

    public static ZoneTable Empty(ZoneSettings settings) => Create(settings, 0, []);

    /// <summary>
    /// Builds a table; records whose name is not a valid DNS name, and service records whose name has fewer than three
    /// labels, are left out.
    /// </summary>
    public static ZoneTable Create(ZoneSettings settings, long version, IEnumerable<ZoneRecord> records)
    {
        var entries = new List<ZoneEntry>();
        var arena = new EntryArena();
        foreach (var record in records)
        {
            if (TryCreateEntry(record, settings, arena, out var entry))
            {
                entries.Add(entry);
            }
        }

        return FromEntries(settings, version, entries);
    }

    /// <summary>Builds a table of entries already encoded (a later one of the same name wins).</summary>
    internal static ZoneTable FromEntries(ZoneSettings settings, long version, List<ZoneEntry> entries)
    {
        var bucketBits = PageBits;
        while ((1L << bucketBits) * MaxAverageBucketLength < entries.Count)
        {
            bucketBits++;
        }

        // Each bucket is allocated once, at its final size: a million names are a quarter of a million arrays, not
        // the four times as many that growing each bucket by one would leave to the garbage collector.
        var mask = (1u << bucketBits) - 1;
        var sizes = new int[1 << bucketBits];
        foreach (var entry in entries)
        {
            sizes[entry.Hash & mask]++;
        }

        var pages = new ZoneEntry[]?[1 << (bucketBits - PageBits)][];
        for (var i = 0; i < pages.Length; i++)
        {
            var page = pages[i] = new ZoneEntry[]?[PageSize];
            for (var slot = 0; slot < PageSize; slot++)
            {
                ref var size = ref sizes[(i << PageBits) + slot];
                page[slot] = size == 0 ? null : new ZoneEntry[size];
                size = 0; // from here on: how many entries the bucket holds so far
            }
        }

        foreach (var entry in entries)
        {
            var bucket = BucketSlot(pages, bucketBits, entry.Hash)!;
            ref var filled = ref sizes[entry.Hash & mask];
            var index = IndexOf(bucket.AsSpan(0, filled), entry.Name, entry.Hash);
            bucket[index >= 0 ? index : filled++] = entry;
        }

        // A name given twice left its bucket a slot too long.
        var count = 0;
        for (var i = 0; i < sizes.Length; i++)
        {
            ref var bucket = ref pages[i >> PageBits][i & (PageSize - 1)];
            if (bucket is not null && sizes[i] < bucket.Length)
            {
                Array.Resize(ref bucket, sizes[i]);
            }

            count += sizes[i];
        }

        return new ZoneTable(settings, version, pages, bucketBits, count);
    }

    /// <summary>Finds a name given in wire format, in any letter case.</summary>
    public bool TryFind(ReadOnlySpan<byte> name, out ZoneEntry entry)
    {
        var hash = DnsName.HashIgnoreCase(name);
        var index = (int)(hash & ((1u << _bucketBits) - 1));
        var bucket = _pages[index >> PageBits][index & (PageSize - 1)];
        if (bucket is not null)
        {
            foreach (var candidate in bucket)
            {
                if (candidate.Hash == hash && DnsName.EqualsIgnoreCase(candidate.Name, name))
                {
                    entry = candidate;
                    return true;
                }
            }
        }

        entry = default;
        return false;
    }

    /// <summary>Every entry (never on the query path).</summary>
    public IEnumerable<ZoneEntry> Entries()
    {
        foreach (var page in _pages)
        {
            foreach (var bucket in page)
            {
                if (bucket is null)
                {
                    continue;
                }

                foreach (var entry in bucket)
                {
                    yield return entry;
                }
            }
        }
    }

    /// <summary>
    /// Returns a new table with the delta applied, sharing all untouched buckets with this one.
    /// Records with invalid names are left out, as in <see cref="Create"/>.
    /// </summary>
    public ZoneTable Apply(ZoneDelta delta)
    {
        ArgumentNullException.ThrowIfNull(delta);
        if (delta.FromVersion != Version || delta.ToVersion <= Version)
        {
            throw new ArgumentException($"delta {delta.FromVersion}→{delta.ToVersion} does not apply to version {Version}", nameof(delta));
        }

        var pages = (ZoneEntry[]?[][])_pages.Clone();
        var copied = new HashSet<int>();
        var count = Count;
        foreach (var name in delta.Removals)
        {
            if (DnsName.TryParse(name, out var wire, out _) && Remove(pages, copied, ZoneSettings.LowerCase(wire)))
            {
                count--;
            }
        }

        foreach (var record in delta.Upserts)
        {
            if (TryCreateEntry(record, Settings, arena: null, out var entry) && Upsert(pages, copied, entry))
            {
                count++;
            }
        }

        if (count > (1L << _bucketBits) * MaxAverageBucketLength)
        {
            var grown = new ZoneTable(Settings, delta.ToVersion, pages, _bucketBits, count);
            return FromEntries(Settings, delta.ToVersion, grown.Entries().ToList());
        }

        return new ZoneTable(Settings, delta.ToVersion, pages, _bucketBits, count);
    }

    private bool Upsert(ZoneEntry[]?[][] pages, HashSet<int> copied, ZoneEntry entry)
    {
        ref var bucket = ref WritableBucketSlot(pages, copied, entry.Hash);
        var index = IndexOf(bucket, entry.Name, entry.Hash);
        if (index >= 0)
        {
            var replaced = (ZoneEntry[])bucket!.Clone();
            replaced[index] = entry;
            bucket = replaced;
            return false;
        }

        bucket = Append(bucket, entry);
        return true;
    }

    private bool Remove(ZoneEntry[]?[][] pages, HashSet<int> copied, byte[] name)
    {
        var hash = DnsName.HashIgnoreCase(name);
        ref var bucket = ref WritableBucketSlot(pages, copied, hash);
        var index = IndexOf(bucket, name, hash);
        if (index < 0)
        {
            return false;
        }

        if (bucket!.Length == 1)
        {
            bucket = null;
            return true;
        }

        var smaller = new ZoneEntry[bucket.Length - 1];
        Array.Copy(bucket, 0, smaller, 0, index);
        Array.Copy(bucket, index + 1, smaller, index, bucket.Length - index - 1);
        bucket = smaller;
        return true;
    }

    /// <summary>The bucket slot for a hash, in a page copied once per delta so this table stays untouched.</summary>
    private ref ZoneEntry[]? WritableBucketSlot(ZoneEntry[]?[][] pages, HashSet<int> copied, uint hash)
    {
        var index = (int)(hash & ((1u << _bucketBits) - 1));
        var pageIndex = index >> PageBits;
        if (copied.Add(pageIndex))
        {
            pages[pageIndex] = (ZoneEntry[]?[])pages[pageIndex].Clone();
        }

        return ref pages[pageIndex][index & (PageSize - 1)];
    }

    private static ref ZoneEntry[]? BucketSlot(ZoneEntry[]?[][] pages, int bucketBits, uint hash)
    {
        var index = (int)(hash & ((1u << bucketBits) - 1));
        return ref pages[index >> PageBits][index & (PageSize - 1)];
    }

    /// <summary>Where the name is in the bucket (a null bucket is empty); -1 when it is not.</summary>
    private static int IndexOf(ReadOnlySpan<ZoneEntry> bucket, ReadOnlySpan<byte> name, uint hash)
    {
        for (var i = 0; i < bucket.Length; i++)
        {
            if (bucket[i].Hash == hash && bucket[i].Name.SequenceEqual(name))
            {
                return i;
            }
        }

        return -1;
    }

    private static ZoneEntry[] Append(ZoneEntry[]? bucket, ZoneEntry entry)
    {
        if (bucket is null)
        {
            return [entry];
        }

        var larger = new ZoneEntry[bucket.Length + 1];
        bucket.CopyTo(larger, 0);
        larger[^1] = entry;
        return larger;
    }

    private static bool TryCreateEntry(ZoneRecord record, ZoneSettings settings, EntryArena? arena, out ZoneEntry entry)
    {
        entry = default;
        if (!DnsName.TryParse(record.Name, out var wire, out _) || wire.Length <= 1)
        {
            return false;
        }

        if (record.SrvPort is not null && ZoneEntry.SrvTargetOffset(wire) < 0)
        {
            return false;
        }

        entry = ZoneEntry.Create(ZoneSettings.LowerCase(wire), record.Addresses, settings, record.SrvPort, arena);
        return true;
    }

    /// <summary>
    /// SOA of the apex (RFC 1035 §3.3.13): ns.&lt;domain&gt;, hostmaster.&lt;domain&gt;, serial = version, and
    /// MINIMUM = TTL, so the record's own TTL is already the negative-caching TTL min(TTL, MINIMUM) (RFC 2308 §5).
    /// </summary>
    private static byte[] EncodeSoa(ZoneSettings settings, long version)
    {
        var apex = settings.Apex;
        var rdataLength = (2 * apex.Length) + 3 + 11 + 20;
        var record = new byte[10 + rdataLength];
        var writer = new DnsWriter(record);
        WriteRecordHeader(ref writer, DnsRecordType.SOA, settings.Ttl, rdataLength);
        WriteLabelThenApex(ref writer, "ns"u8, apex);
        WriteLabelThenApex(ref writer, "hostmaster"u8, apex);
        writer.WriteUInt32(unchecked((uint)version));
        writer.WriteUInt32(3600);
        writer.WriteUInt32(600);
        writer.WriteUInt32(86400);
        writer.WriteUInt32(settings.Ttl);
        return record;
    }

    private static byte[] EncodeNs(ZoneSettings settings)
    {
        var rdataLength = settings.Apex.Length + 3;
        var record = new byte[10 + rdataLength];
        var writer = new DnsWriter(record);
        WriteRecordHeader(ref writer, DnsRecordType.NS, settings.Ttl, rdataLength);
        WriteLabelThenApex(ref writer, "ns"u8, settings.Apex);
        return record;
    }

    private static void WriteRecordHeader(ref DnsWriter writer, DnsRecordType type, uint ttl, int rdataLength)
    {
        writer.WriteUInt16((ushort)type);
        writer.WriteUInt16((ushort)DnsClass.IN);
        writer.WriteUInt32(ttl);
        writer.WriteUInt16((ushort)rdataLength);
    }

    private static void WriteLabelThenApex(ref DnsWriter writer, ReadOnlySpan<byte> label, byte[] apex)
    {
        writer.WriteByte((byte)label.Length);
        writer.WriteBytes(label);
        writer.WriteBytes(apex);
    }
}
