using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using ActorDns.Protocol;
using Microsoft.Extensions.Logging;

namespace ActorDns.Server.Pipeline;

/// <summary>Which answers a <c>log</c> rule writes (CoreDNS's <c>class</c>).</summary>
[Flags]
public enum LogClasses : byte
{
    /// <summary>NOERROR with records.</summary>
    Success = 1,

    /// <summary>NXDOMAIN, or NOERROR with no answer (NODATA).</summary>
    Denial = 2,

    /// <summary>Every other rcode: SERVFAIL, REFUSED, NOTIMP, FORMERR, …</summary>
    Error = 4,

    All = Success | Denial | Error,
}

/// <summary>One <c>log [NAMES…] { class … }</c> rule: the names it covers and the answers it writes.</summary>
public sealed record LogRule(ZoneFilter Names, LogClasses Classes);

/// <summary>
/// CoreDNS's <c>log</c>: one line per query in CoreDNS's default format, written off the receive loop. A loop only
/// copies the query's facts into a slot of a fixed ring (no lock, no allocation); a background thread formats and
/// logs them. When the ring is full the line is dropped, so logging never slows answering.
/// </summary>
public sealed class QueryLog : IDisposable
{
    private const int Capacity = 8192;

    /// <summary>
    /// How long the writer waits when the ring is empty: a loop only writes a slot (no signal, which would cost a
    /// system call per query), so the writer polls; 20 ms keeps lines prompt at a negligible cost when idle.
    /// </summary>
    private static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(20);

    private static readonly (ushort Bit, string Name)[] FlagNames =
    [
        (DnsHeaderFlags.QR, "qr"), (DnsHeaderFlags.AA, "aa"), (DnsHeaderFlags.TC, "tc"), (DnsHeaderFlags.RD, "rd"),
        (DnsHeaderFlags.RA, "ra"), (DnsHeaderFlags.Z, "z"), (DnsHeaderFlags.AD, "ad"), (DnsHeaderFlags.CD, "cd"),
    ];

    private readonly LogRule[] _rules;
    private readonly ILogger _logger;
    private readonly Slot[] _slots = new Slot[Capacity];
    private readonly Thread _writer;
    private long _tail;
    private long _head;
    private volatile bool _stopping;

    public QueryLog(IReadOnlyList<LogRule> rules, ILogger logger)
    {
        _rules = [.. rules];
        _logger = logger;
        for (var i = 0; i < Capacity; i++)
        {
            _slots[i].Sequence = i;
        }

        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "dns-query-log" };
        _writer.Start();
    }

    /// <summary>
    /// Records one answered query: <paramref name="client"/> is the client's socket address as the kernel gave it,
    /// <paramref name="reply"/> the reply as sent.
    /// </summary>
    public void Record(ReadOnlySpan<byte> client, ReadOnlySpan<byte> request, in DnsQuery query, bool overTcp, ReadOnlySpan<byte> reply, long started)
    {
        if (!DnsHeader.TryRead(reply, out var header) || !Covers(query.QName(request), header))
        {
            return;
        }

        var position = Interlocked.Read(ref _tail);
        while (true)
        {
            ref var slot = ref _slots[position & (Capacity - 1)];
            var sequence = Volatile.Read(ref slot.Sequence);
            if (sequence == position)
            {
                if (Interlocked.CompareExchange(ref _tail, position + 1, position) == position)
                {
                    Fill(ref slot.Entry, client, request, query, overTcp, header, reply.Length, started);
                    Volatile.Write(ref slot.Sequence, position + 1);
                    return;
                }
            }
            else if (sequence < position)
            {
                // Full: the line is dropped rather than the query slowed.
                return;
            }

            position = Interlocked.Read(ref _tail);
        }
    }

    private bool Covers(ReadOnlySpan<byte> qname, in DnsHeader reply)
    {
        foreach (var rule in _rules)
        {
            if (rule.Names.Matches(qname))
            {
                return (rule.Classes & ClassOf(reply)) != 0;
            }
        }

        return false;
    }

    private static LogClasses ClassOf(in DnsHeader reply) => reply.Rcode switch
    {
        DnsRcode.NoError => reply.AnCount > 0 ? LogClasses.Success : LogClasses.Denial,
        DnsRcode.NXDomain => LogClasses.Denial,
        _ => LogClasses.Error,
    };

    private static void Fill(ref Entry entry, ReadOnlySpan<byte> client, ReadOnlySpan<byte> request, in DnsQuery query, bool overTcp, in DnsHeader reply, int replyLength, long started)
    {
        var name = query.QName(request);
        name.CopyTo(entry.Name);
        entry.NameLength = (byte)name.Length;
        var address = client[..Math.Min(client.Length, 28)];
        address.CopyTo(entry.Client);
        entry.ClientLength = (byte)address.Length;
        entry.Id = query.Header.Id;
        entry.Type = query.QType;
        entry.Class = query.QClass;
        entry.Tcp = overTcp;
        entry.Size = request.Length;
        entry.DnssecOk = query.Edns.DnssecOkBit;
        entry.BufferSize = query.Edns.Present ? query.Edns.UdpPayloadSize : (ushort)EdnsInfo.ClassicUdpLimit;
        entry.Rcode = reply.Rcode;
        entry.ReplyFlags = reply.Flags;
        entry.ReplySize = replyLength;
        entry.Duration = Stopwatch.GetElapsedTime(started);
    }

    private void WriteLoop()
    {
        var line = new StringBuilder(256);
        while (!_stopping)
        {
            ref var slot = ref _slots[_head & (Capacity - 1)];
            if (Volatile.Read(ref slot.Sequence) != _head + 1)
            {
                Thread.Sleep(IdlePoll);
                continue;
            }

            Format(line, slot.Entry);
            Volatile.Write(ref slot.Sequence, _head + Capacity);
            _head++;
            PipelineLog.Query(_logger, line.ToString());
        }
    }

    /// <summary>CoreDNS's default format: <c>{remote}:{port} - {>id} "{type} {class} {name} {proto} {size} {>do} {>bufsize}" {rcode} {>rflags} {rsize} {duration}</c>.</summary>
    private static void Format(StringBuilder line, in Entry entry)
    {
        line.Clear();
        var client = ((ReadOnlySpan<byte>)entry.Client)[..entry.ClientLength];
        var (address, port) = ClientOf(client);
        line.Append(address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString())
            .Append(':').Append(port).Append(" - ").Append(entry.Id).Append(" \"")
            .Append(TypeName(entry.Type)).Append(' ').Append(entry.Class == DnsClass.IN ? "IN" : $"CLASS{(ushort)entry.Class}").Append(' ')
            .Append(DnsName.ToText(((ReadOnlySpan<byte>)entry.Name)[..entry.NameLength]).ToLowerInvariant()).Append(' ')
            .Append(entry.Tcp ? "tcp" : "udp").Append(' ').Append(entry.Size).Append(' ')
            .Append(entry.DnssecOk ? "true" : "false").Append(' ').Append(entry.BufferSize).Append("\" ")
            .Append(RcodeName(entry.Rcode)).Append(' ').Append(Flags(entry.ReplyFlags)).Append(' ').Append(entry.ReplySize).Append(' ')
            .Append(entry.Duration.TotalSeconds.ToString("0.#########", CultureInfo.InvariantCulture)).Append('s');
    }

    /// <summary>The address and port of a Linux <c>sockaddr_in</c> (16 octets) or <c>sockaddr_in6</c> (28).</summary>
    private static (IPAddress Address, int Port) ClientOf(ReadOnlySpan<byte> sockaddr)
    {
        if (sockaddr.Length >= 28)
        {
            return (new IPAddress(sockaddr.Slice(8, 16)), BinaryPrimitives.ReadUInt16BigEndian(sockaddr[2..]));
        }

        return sockaddr.Length >= 8
            ? (new IPAddress(sockaddr.Slice(4, 4)), BinaryPrimitives.ReadUInt16BigEndian(sockaddr[2..]))
            : (IPAddress.None, 0);
    }

    private static string TypeName(DnsRecordType type) => Enum.IsDefined(type) ? type.ToString() : $"TYPE{(ushort)type}";

    private static string RcodeName(DnsRcode rcode) => rcode switch
    {
        DnsRcode.NoError => "NOERROR",
        DnsRcode.FormErr => "FORMERR",
        DnsRcode.ServFail => "SERVFAIL",
        DnsRcode.NXDomain => "NXDOMAIN",
        DnsRcode.NotImp => "NOTIMP",
        DnsRcode.Refused => "REFUSED",
        _ => $"RCODE{(ushort)rcode}",
    };

    private static string Flags(ushort flags)
    {
        var names = new List<string>(8);
        foreach (var (bit, name) in FlagNames)
        {
            if ((flags & bit) != 0)
            {
                names.Add(name);
            }
        }

        return string.Join(',', names);
    }

    public void Dispose()
    {
        _stopping = true;
        _writer.Join(TimeSpan.FromSeconds(2));
    }

    private struct Slot
    {
        public long Sequence;
        public Entry Entry;
    }

    private struct Entry
    {
        public NameBytes Name;
        public byte NameLength;
        public AddressBytes Client;
        public byte ClientLength;
        public ushort Id;
        public DnsRecordType Type;
        public DnsClass Class;
        public bool Tcp;
        public int Size;
        public bool DnssecOk;
        public ushort BufferSize;
        public DnsRcode Rcode;
        public ushort ReplyFlags;
        public int ReplySize;
        public TimeSpan Duration;
    }

    [InlineArray(255)]
    private struct NameBytes
    {
        private byte _first;
    }

    [InlineArray(28)]
    private struct AddressBytes
    {
        private byte _first;
    }
}
