using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using ActorDns.Protocol;
using ActorDns.Server.Query;

namespace ActorDns.Server.Pipeline;

/// <summary>
/// The entries of a <c>hosts</c> plugin, encoded once: per name its A and AAAA records, per reverse name its PTR
/// records, each owned by a pointer to the question. Looked up by the name formatted on the stack: no allocation.
/// </summary>
public sealed class HostsTable
{
    private readonly Dictionary<string, (byte[] A, int ACount, byte[] Aaaa, int AaaaCount)> _names;
    private readonly Dictionary<string, (byte[] Records, int Count)> _reverse;
    private readonly Dictionary<string, (byte[] A, int ACount, byte[] Aaaa, int AaaaCount)>.AlternateLookup<ReadOnlySpan<char>> _nameLookup;
    private readonly Dictionary<string, (byte[] Records, int Count)>.AlternateLookup<ReadOnlySpan<char>> _reverseLookup;

    /// <summary>Builds the table from (address, names) pairs: names lower case and absolute, kept only inside <paramref name="zones"/>.</summary>
    public HostsTable(IEnumerable<(IPAddress Address, IReadOnlyList<string> Names)> entries, ZoneFilter zones, uint ttl, bool reverse)
    {
        var addresses = new Dictionary<string, List<IPAddress>>();
        var names = new Dictionary<string, List<string>>();
        foreach (var (address, hostNames) in entries)
        {
            foreach (var name in hostNames)
            {
                var absolute = (name.EndsWith('.') ? name : name + ".").ToLowerInvariant();
                if (!DnsName.TryParse(absolute, out var wire, out _) || !zones.Matches(wire))
                {
                    continue;
                }

                Add(addresses, absolute, address);
                Add(names, Reverse(address), absolute);
            }
        }

        _names = addresses.ToDictionary(
            p => p.Key,
            p =>
            {
                var v4 = p.Value.Where(a => a.AddressFamily == AddressFamily.InterNetwork).Distinct().ToList();
                var v6 = p.Value.Where(a => a.AddressFamily == AddressFamily.InterNetworkV6).Distinct().ToList();
                return (Records(DnsRecordType.A, v4.Select(a => a.GetAddressBytes()), ttl), v4.Count, Records(DnsRecordType.AAAA, v6.Select(a => a.GetAddressBytes()), ttl), v6.Count);
            });
        _reverse = reverse
            ? names.ToDictionary(p => p.Key, p => (Records(DnsRecordType.PTR, p.Value.Distinct().Select(DnsName.Parse), ttl), p.Value.Distinct().Count()))
            : [];
        _nameLookup = _names.GetAlternateLookup<ReadOnlySpan<char>>();
        _reverseLookup = _reverse.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    internal bool TryFind(ReadOnlySpan<char> name, out (byte[] A, int ACount, byte[] Aaaa, int AaaaCount) entry) => _nameLookup.TryGetValue(name, out entry);

    internal bool TryFindReverse(ReadOnlySpan<char> name, out (byte[] Records, int Count) entry) => _reverseLookup.TryGetValue(name, out entry);

    /// <summary>Parses hosts(5) text: <c>ADDRESS NAME…</c> per line, <c>#</c> comments; lines that do not parse are skipped.</summary>
    public static IEnumerable<(IPAddress Address, IReadOnlyList<string> Names)> Parse(string text)
    {
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Split('#')[0];
            var fields = line.Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 2 && IPAddress.TryParse(fields[0], out var address))
            {
                yield return (address, fields[1..]);
            }
        }
    }

    private static void Add<T>(Dictionary<string, List<T>> map, string key, T value)
    {
        if (!map.TryGetValue(key, out var list))
        {
            map[key] = list = [];
        }

        list.Add(value);
    }

    /// <summary>The in-addr.arpa or ip6.arpa name of an address.</summary>
    private static string Reverse(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        return address.AddressFamily == AddressFamily.InterNetwork
            ? string.Join('.', bytes.Reverse()) + ".in-addr.arpa."
            : string.Join('.', bytes.Reverse().SelectMany(b => new[] { b & 0xF, b >> 4 }).Select(n => n.ToString("x", System.Globalization.CultureInfo.InvariantCulture))) + ".ip6.arpa.";
    }

    /// <summary>RRs owned by a pointer to the question, one per data.</summary>
    private static byte[] Records(DnsRecordType type, IEnumerable<byte[]> data, uint ttl)
    {
        var records = new List<byte>();
        foreach (var rdata in data)
        {
            var record = new byte[12 + rdata.Length];
            BinaryPrimitives.WriteUInt16BigEndian(record, (ushort)(0xC000 | DnsQuery.QuestionOffset));
            BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(2), (ushort)type);
            BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(4), (ushort)DnsClass.IN);
            BinaryPrimitives.WriteUInt32BigEndian(record.AsSpan(6), ttl);
            BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(10), (ushort)rdata.Length);
            rdata.CopyTo(record, 12);
            records.AddRange(record);
        }

        return [.. records];
    }
}

/// <summary>
/// CoreDNS's <c>hosts</c>: A and AAAA for the names of a hosts file and inline entries (in the plugin's zones), PTR for
/// their addresses, with AA. A name it has but not with the type asked is NODATA (no SOA); a name it does not have goes
/// on when <c>fallthrough</c> covers it, else is SERVFAIL; a PTR it does not have goes on. The table is swapped whole
/// when the file is re-read.
/// </summary>
public sealed class HostsStep(ZoneFilter zones, ZoneFilter? fallthrough, HostsTable table) : PipelineStep
{
    private volatile HostsTable _table = table;

    /// <summary>Replaces the entries (a re-read file); queries in flight finish with the old ones.</summary>
    public void Swap(HostsTable table) => _table = table;

    public override StepResult Run(ref QueryContext context)
    {
        var qname = context.Query.QName(context.Request);
        var isPtr = context.Query.QType == DnsRecordType.PTR;
        if (!isPtr && !zones.Matches(qname))
        {
            return context.Pass(Unanswered.NotForThisStep);
        }

        Span<char> text = stackalloc char[NameText.MaxLength];
        var name = text[..NameText.FormatLower(qname, text)];
        var table = _table;
        if (isPtr)
        {
            // As CoreDNS: a PTR is answered whatever the zones, and goes on when the address is not known.
            return table.TryFindReverse(name, out var ptr)
                ? context.Reply(DnsRcode.NoError, authoritative: true, new Records(ptr.Records, ptr.Count, -1, default, inAnswer: false))
                : context.Pass(Unanswered.NotForThisStep);
        }

        if (!table.TryFind(name, out var entry))
        {
            return fallthrough?.Matches(qname) == true
                ? context.Pass(Unanswered.NotForThisStep)
                : context.Reply(DnsRcode.ServFail, authoritative: false, default);
        }

        var records = context.Query.QType switch
        {
            DnsRecordType.A => new Records(entry.A, entry.ACount, -1, default, inAnswer: false),
            DnsRecordType.AAAA => new Records(entry.Aaaa, entry.AaaaCount, -1, default, inAnswer: false),
            _ => default,
        };
        return context.Reply(DnsRcode.NoError, authoritative: true, records);
    }
}
