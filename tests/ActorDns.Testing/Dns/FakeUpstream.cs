using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using ActorDns.Protocol;

namespace ActorDns.Testing.Dns;

/// <summary>
/// A scripted upstream resolver for forwarder tests: UDP and TCP on the same ephemeral port of a loopback
/// address (any of 127.0.0.0/8). Every query is recorded (bytes, source, transport) before
/// <see cref="Script"/> decides what goes back, so tests can count packets and inspect IDs and ports.
/// </summary>
/// <remarks>
/// The reply builders echo the query's question bytes (letter case kept) and, when the query carried an
/// OPT, add an OPT of their own, as a real resolver would. Receiving runs on dedicated threads and an
/// immediate reply is sent from there, so a busy thread pool never makes the fake look slow; a delayed
/// reply is sent from a timer and never holds up the next query.
/// </remarks>
public sealed class FakeUpstream : IDisposable
{
    /// <summary>The address the default script and <see cref="AnswerA"/> answer with.</summary>
    public static readonly IPAddress DefaultAddress = IPAddress.Parse("192.0.2.1");

    private readonly Socket _udp;
    private readonly Socket _tcp;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentQueue<Received> _queries = new();
    private readonly List<Socket> _connections = [];
    private readonly Lock _signalLock = new();
    private TaskCompletionSource _changed = NewSignal();
    private volatile Behaviour _script = AnswerA();
    private int _sent;

    public FakeUpstream(IPAddress? address = null, Behaviour? script = null)
    {
        address ??= IPAddress.Loopback;
        if (script is not null)
        {
            _script = script;
        }

        (_udp, _tcp) = BindPair(address);
        Endpoint = (IPEndPoint)_udp.LocalEndPoint!;
        StartThread($"fake-upstream-udp-{Endpoint}", UdpLoop);
        _ = AcceptLoopAsync();
    }

    /// <summary>What the upstream does with one query.</summary>
    public delegate Reply Behaviour(Received query);

    public enum Transport
    {
        Udp,
        Tcp,
    }

    /// <summary>Ways of answering with the right ID but a reply that must never reach the client (conformance F-05, F-07, F-08).</summary>
    public enum BadReply
    {
        WrongName,
        WrongType,
        WrongClass,
        NoQuestion,
        TwoQuestions,
        NotAResponse,
        Garbage,
        SixBytes,
        HeaderOnly,
        SelfPointer,
        RdLengthOverrun,
    }

    public IPEndPoint Endpoint { get; }

    /// <summary>The behaviour for the next queries; may be swapped while queries are arriving.</summary>
    public Behaviour Script
    {
        get => _script;
        set => _script = value;
    }

    /// <summary>Every query received so far, in arrival order.</summary>
    public IReadOnlyList<Received> Queries => [.. _queries];

    public int QueryCount => _queries.Count;

    /// <summary>Messages sent back so far (each datagram or framed TCP message counts once).</summary>
    public int SentCount => Volatile.Read(ref _sent);

    /// <summary>Waits until at least <paramref name="count"/> queries (matching <paramref name="filter"/>) were received; throws on timeout.</summary>
    public Task WaitForQueriesAsync(int count, TimeSpan? timeout = null, Func<Received, bool>? filter = null) =>
        WaitUntilAsync(() => (filter is null ? _queries.Count : _queries.Count(filter)) >= count, timeout, $"{count} queries");

    /// <summary>Waits until at least <paramref name="count"/> messages were sent back; throws on timeout.</summary>
    public Task WaitForSentAsync(int count, TimeSpan? timeout = null) =>
        WaitUntilAsync(() => SentCount >= count, timeout, $"{count} sent replies");

    // ----- scripts -----

    /// <summary>NOERROR with <paramref name="count"/> A records (192.0.2.1, .2, ...) unless an address is given.</summary>
    public static Behaviour AnswerA(IPAddress? address = null, uint ttl = 300, int count = 1) =>
        query => Reply.Of(BuildReply(query, DnsRcode.NoError, Addresses(address, count), ttl));

    /// <summary>A reply with no records and the given rcode.</summary>
    public static Behaviour Answer(DnsRcode rcode) => query => Reply.Of(BuildReply(query, rcode, [], 0));

    public static Behaviour Silent { get; } = _ => Reply.None;

    /// <summary>A forged reply (same question, another ID, another address) first, then what <paramref name="genuine"/> says.</summary>
    public static Behaviour WrongIdThen(Behaviour genuine) => query =>
    {
        var forged = BuildReply(query, DnsRcode.NoError, [IPAddress.Parse("203.0.113.66")], 300);
        BinaryPrimitives.WriteUInt16BigEndian(forged, (ushort)(query.Id ^ 0x5A5A));
        var real = genuine(query);
        return real with { Messages = [forged, .. real.Messages] };
    };

    /// <summary>One reply of the given broken kind, with the query's ID wherever the kind has an ID.</summary>
    public static Behaviour Bad(BadReply kind) => query => Reply.Of(BuildBadReply(query, kind));

    /// <summary>Over UDP: an empty reply with TC set; over TCP: what <paramref name="overTcp"/> says (conformance F-11).</summary>
    public static Behaviour TruncatedOverUdp(Behaviour overTcp) => query =>
    {
        if (query.Transport == Transport.Tcp)
        {
            return overTcp(query);
        }

        var truncated = BuildReply(query, DnsRcode.NoError, [], 0);
        truncated[2] |= DnsHeaderFlags.TC >> 8;
        return Reply.Of(truncated);
    };

    /// <summary>FORMERR to any query carrying an OPT record, <paramref name="withoutEdns"/> otherwise (an EDNS-unaware server, F-25).</summary>
    public static Behaviour FormErrToEdns(Behaviour withoutEdns) =>
        query => query.HasOpt ? Reply.Of(BuildReply(query, DnsRcode.FormErr, [], 0, withOpt: false)) : withoutEdns(query);

    public static Behaviour Delayed(TimeSpan delay, Behaviour inner) => query => inner(query) with { Delay = delay };

    // ----- reply builders -----

    /// <summary>
    /// A well-formed reply to <paramref name="query"/>: its ID, RD and CD, RA, its question bytes, one A
    /// record per address (owner compressed to the question), and an OPT when the query had one.
    /// </summary>
    public static byte[] BuildReply(Received query, DnsRcode rcode, IReadOnlyList<IPAddress> addresses, uint ttl, bool? withOpt = null)
    {
        var question = query.Question;
        var opt = withOpt ?? query.HasOpt;
        var buffer = new byte[DnsHeader.Size + question.Length + (addresses.Count * 16) + 11];
        var writer = new DnsWriter(buffer);
        var flags = (ushort)((query.Flags & (DnsHeaderFlags.RD | DnsHeaderFlags.CD)) | DnsHeaderFlags.RA);
        writer.WriteHeader(new DnsHeader(query.Id, DnsHeader.MakeFlags(true, DnsOpcode.Query, rcode, flags), 1, (ushort)addresses.Count, 0, (ushort)(opt ? 1 : 0)));
        writer.WriteBytes(question);
        foreach (var address in addresses)
        {
            writer.WritePointer(DnsHeader.Size);
            writer.WriteUInt16((ushort)DnsRecordType.A);
            writer.WriteUInt16((ushort)DnsClass.IN);
            writer.WriteUInt32(ttl);
            writer.WriteUInt16(4);
            writer.WriteBytes(address.GetAddressBytes());
        }

        if (opt)
        {
            writer.WriteOpt(4096, DnsRcode.NoError, dnssecOk: false);
        }

        return buffer[..writer.Position];
    }

    public static byte[] BuildBadReply(Received query, BadReply kind)
    {
        var good = BuildReply(query, DnsRcode.NoError, [DefaultAddress], 300, withOpt: false);
        var nameEnd = DnsHeader.Size + query.Question.Length - 4;
        switch (kind)
        {
            case BadReply.WrongName:
                // Same length, one letter changed (not just its case): only comparing the names can tell.
                var firstLetter = DnsHeader.Size + 1;
                good[firstLetter] = DnsName.ToLower(good[firstLetter]) == (byte)'x' ? (byte)'y' : (byte)'x';
                return good;
            case BadReply.WrongType:
                good[nameEnd + 1] ^= 0x1D; // A(1) ↔ AAAA(28)
                return good;
            case BadReply.WrongClass:
                good[nameEnd + 3] = (byte)DnsClass.CH;
                return good;
            case BadReply.NoQuestion:
                var bare = new byte[DnsHeader.Size];
                good.AsSpan(0, DnsHeader.Size).CopyTo(bare);
                BinaryPrimitives.WriteUInt16BigEndian(bare.AsSpan(4), 0);
                return bare;
            case BadReply.TwoQuestions:
                byte[] twice = [.. good.AsSpan(0, DnsHeader.Size + query.Question.Length), .. query.Question];
                BinaryPrimitives.WriteUInt16BigEndian(twice.AsSpan(4), 2);
                BinaryPrimitives.WriteUInt16BigEndian(twice.AsSpan(6), 0);
                return twice;
            case BadReply.NotAResponse:
                return BuildPoison(query);
            case BadReply.Garbage:
                var garbage = new byte[64];
                new Random(42).NextBytes(garbage);
                return garbage;
            case BadReply.SixBytes:
                return good[..6];
            case BadReply.HeaderOnly:
                return good[..DnsHeader.Size];
            case BadReply.SelfPointer:
                // The answer's owner is a pointer to its own offset (RFC 9267 §2).
                var selfOffset = DnsHeader.Size + query.Question.Length;
                BinaryPrimitives.WriteUInt16BigEndian(good.AsSpan(selfOffset), (ushort)(0xC000 | selfOffset));
                return good;
            case BadReply.RdLengthOverrun:
                BinaryPrimitives.WriteUInt16BigEndian(good.AsSpan(good.Length - 6), 100);
                return good;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    /// <summary>QR=0, our question and answer, plus a record for another name (PowerDNS <c>testQR0PoisonAnswer</c>).</summary>
    private static byte[] BuildPoison(Received query)
    {
        var buffer = new byte[512];
        var writer = new DnsWriter(buffer);
        var flags = (ushort)((query.Flags & DnsHeaderFlags.RD) | DnsHeaderFlags.RA);
        writer.WriteHeader(new DnsHeader(query.Id, DnsHeader.MakeFlags(false, DnsOpcode.Query, DnsRcode.NoError, flags), 1, 2, 0, 0));
        writer.WriteBytes(query.Question);
        foreach (var (owner, address) in new[] { (query.Question[..^4], DefaultAddress), (DnsName.Parse("victim.example"), IPAddress.Parse("203.0.113.66")) })
        {
            writer.WriteBytes(owner);
            writer.WriteUInt16((ushort)DnsRecordType.A);
            writer.WriteUInt16((ushort)DnsClass.IN);
            writer.WriteUInt32(300);
            writer.WriteUInt16(4);
            writer.WriteBytes(address.GetAddressBytes());
        }

        return buffer[..writer.Position];
    }

    private static IPAddress[] Addresses(IPAddress? address, int count)
    {
        if (address is not null)
        {
            return Enumerable.Repeat(address, count).ToArray();
        }

        return Enumerable.Range(1, count).Select(i => new IPAddress(new byte[] { 192, 0, 2, (byte)i })).ToArray();
    }

    // ----- sockets -----

    private static (Socket Udp, Socket Tcp) BindPair(IPAddress address)
    {
        for (var attempt = 0; ; attempt++)
        {
            var udp = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 4 << 20 };
            udp.Bind(new IPEndPoint(address, 0));
            var tcp = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                tcp.Bind(udp.LocalEndPoint!);
                tcp.Listen(128);
                return (udp, tcp);
            }
            catch (SocketException) when (attempt < 20)
            {
                udp.Dispose();
                tcp.Dispose();
            }
        }
    }

    /// <summary>A dedicated thread in a blocking receive, so a busy thread pool never delays an answer.</summary>
    private void UdpLoop()
    {
        var buffer = new byte[ushort.MaxValue];
        EndPoint any = new IPEndPoint(Endpoint.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0);
        while (!_stopping.IsCancellationRequested)
        {
            int received;
            var remote = any;
            try
            {
                received = _udp.ReceiveFrom(buffer, ref remote);
            }
            catch (SocketException) when (!_stopping.IsCancellationRequested)
            {
                continue;
            }
            catch (Exception e) when (e is ObjectDisposedException or SocketException)
            {
                return;
            }

            var source = (IPEndPoint)remote;
            var query = Record(buffer[..received], source, Transport.Udp);
            Respond(query, message => _udp.SendTo(message, source));
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await _tcp.AcceptAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            lock (_connections)
            {
                _connections.Add(connection);
            }

            StartThread($"fake-upstream-tcp-{Endpoint}", () => ServeConnection(connection));
        }
    }

    /// <summary>Reads framed queries until the peer closes; each reply is written whole under a lock (pipelined replies allowed).</summary>
    private void ServeConnection(Socket connection)
    {
        using var stream = new NetworkStream(connection, ownsSocket: true);
        var writeLock = new Lock();
        var source = (IPEndPoint)connection.RemoteEndPoint!;
        try
        {
            var prefix = new byte[2];
            while (!_stopping.IsCancellationRequested)
            {
                stream.ReadExactly(prefix);
                var message = new byte[BinaryPrimitives.ReadUInt16BigEndian(prefix)];
                stream.ReadExactly(message);
                var query = Record(message, source, Transport.Tcp);
                Respond(query, reply =>
                {
                    lock (writeLock)
                    {
                        stream.Write(DnsTestClient.Frame(reply));
                    }
                });
            }
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or ObjectDisposedException or SocketException)
        {
            // Peer closed, or stopping.
        }
    }

    private Received Record(byte[] bytes, IPEndPoint source, Transport transport)
    {
        var query = new Received(bytes, source, transport);
        _queries.Enqueue(query);
        Signal();
        return query;
    }

    /// <summary>Sends the script's reply at once on the receiving thread, or later from a timer when it asks for a delay.</summary>
    private void Respond(Received query, Action<byte[]> send)
    {
        var reply = _script(query);
        if (reply.Delay > TimeSpan.Zero)
        {
            _ = SendLaterAsync(reply, send);
            return;
        }

        SendAll(reply, send);
    }

    private async Task SendLaterAsync(Reply reply, Action<byte[]> send)
    {
        try
        {
            await Task.Delay(reply.Delay, _stopping.Token);
            SendAll(reply, send);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private void SendAll(Reply reply, Action<byte[]> send)
    {
        try
        {
            foreach (var message in reply.Messages)
            {
                send(message);
                Interlocked.Increment(ref _sent);
                Signal();
            }
        }
        catch (Exception e) when (e is ObjectDisposedException or SocketException or IOException)
        {
            // Stopping, or the forwarder already gave up on this query.
        }
    }

    private static void StartThread(string name, Action loop) => new Thread(() => loop()) { IsBackground = true, Name = name }.Start();

    private void Signal()
    {
        lock (_signalLock)
        {
            _changed.TrySetResult();
            _changed = NewSignal();
        }
    }

    private async Task WaitUntilAsync(Func<bool> condition, TimeSpan? timeout, string what)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(5));
        while (true)
        {
            Task changed;
            lock (_signalLock)
            {
                changed = _changed.Task;
            }

            if (condition())
            {
                return;
            }

            try
            {
                await changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"fake upstream {Endpoint}: waited for {what}; received {QueryCount} queries, sent {SentCount} replies");
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Dispose()
    {
        _stopping.Cancel();
        _udp.Dispose();
        _tcp.Dispose();
        lock (_connections)
        {
            foreach (var connection in _connections)
            {
                connection.Dispose();
            }
        }
    }

    /// <summary>What goes back for one query: zero or more messages, sent in order after <see cref="Delay"/>.</summary>
    public sealed record Reply(IReadOnlyList<byte[]> Messages, TimeSpan Delay = default)
    {
        public static Reply None { get; } = new([]);

        public static Reply Of(params byte[][] messages) => new(messages);
    }

    /// <summary>One query as the upstream received it.</summary>
    public sealed record Received(byte[] Bytes, IPEndPoint Source, Transport Transport)
    {
        public ushort Id => BinaryPrimitives.ReadUInt16BigEndian(Bytes);

        public ushort Flags => BinaryPrimitives.ReadUInt16BigEndian(Bytes.AsSpan(2));

        public ushort ArCount => BinaryPrimitives.ReadUInt16BigEndian(Bytes.AsSpan(10));

        /// <summary>QNAME, QTYPE and QCLASS as sent (a forwarded query's QNAME is never compressed).</summary>
        public byte[] Question => DnsName.TryMeasureUncompressed(Bytes, DnsHeader.Size, out var length)
            ? Bytes[DnsHeader.Size..(DnsHeader.Size + length + 4)]
            : throw new InvalidOperationException("query without a readable question");

        public string QName => DnsName.ToText(Question.AsSpan(0, Question.Length - 4));

        public DnsRecordType QType => (DnsRecordType)BinaryPrimitives.ReadUInt16BigEndian(Question.AsSpan(Question.Length - 4));

        /// <summary>True for the health probe <c>. IN NS</c> (conformance F-15).</summary>
        public bool IsProbe => QName == "." && QType == DnsRecordType.NS;

        /// <summary>The OPT record, when the query carried one.</summary>
        public DnsResourceRecord? Opt =>
            DnsMessage.TryParse(Bytes, out var message) ? message.Additionals.FirstOrDefault(r => r.Type == DnsRecordType.OPT) : null;

        public bool HasOpt => Opt is not null;
    }
}
