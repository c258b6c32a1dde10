using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using ActorDns.Protocol;

namespace ActorDns.LoadTest.Tests.Support;

/// <summary>
/// A tiny DNS server on 127.0.0.1 (UDP and TCP on one ephemeral port) that answers from the question
/// alone: NOERROR, AA, one A record 192.0.2.1 for an A query, no records for anything else. Dedicated
/// threads, so a busy thread pool never makes it look slow.
/// </summary>
internal sealed class TinyResponder : IDisposable
{
    private readonly Socket _udp;
    private readonly Socket _tcp;
    private readonly Behaviour _behaviour;
    private readonly List<Socket> _connections = [];
    private int _received;

    public TinyResponder(Behaviour behaviour = Behaviour.Answer)
    {
        _behaviour = behaviour;
        (_udp, _tcp) = BindPair();
        Endpoint = (IPEndPoint)_udp.LocalEndPoint!;
        Start(UdpLoop);
        Start(AcceptLoop);
    }

    public enum Behaviour
    {
        Answer,

        /// <summary>Answers with one letter of the name changed (not just its case).</summary>
        WrongName,

        Silent,
    }

    public IPEndPoint Endpoint { get; }

    /// <summary>Queries received over both transports.</summary>
    public int Received => Volatile.Read(ref _received);

    public void Dispose()
    {
        _udp.Dispose();
        _tcp.Dispose();
        lock (_connections)
        {
            _connections.ForEach(c => c.Dispose());
        }
    }

    /// <summary>The reply to <paramref name="query"/>, or null to stay silent.</summary>
    private byte[]? Reply(ReadOnlySpan<byte> query)
    {
        Interlocked.Increment(ref _received);
        if (_behaviour == Behaviour.Silent || !DnsName.TryMeasureUncompressed(query, DnsHeader.Size, out var nameLength))
        {
            return null;
        }

        var questionEnd = DnsHeader.Size + nameLength + 4;
        var type = (DnsRecordType)BinaryPrimitives.ReadUInt16BigEndian(query[(questionEnd - 4)..]);
        var answers = type == DnsRecordType.A ? 1 : 0;
        var reply = new byte[questionEnd + (answers * 16)];
        var writer = new DnsWriter(reply);
        var flags = (ushort)(DnsHeaderFlags.QR | DnsHeaderFlags.AA | DnsHeaderFlags.RA | (BinaryPrimitives.ReadUInt16BigEndian(query[2..]) & DnsHeaderFlags.RD));
        writer.WriteHeader(new DnsHeader(BinaryPrimitives.ReadUInt16BigEndian(query), flags, 1, (ushort)answers, 0, 0));
        writer.WriteBytes(query[DnsHeader.Size..questionEnd]);
        if (answers == 1)
        {
            writer.WritePointer(DnsHeader.Size);
            writer.WriteUInt16((ushort)DnsRecordType.A);
            writer.WriteUInt16((ushort)DnsClass.IN);
            writer.WriteUInt32(60);
            writer.WriteUInt16(4);
            writer.WriteBytes([192, 0, 2, 1]);
        }

        if (_behaviour == Behaviour.WrongName)
        {
            reply[DnsHeader.Size + 1] = DnsName.ToLower(reply[DnsHeader.Size + 1]) == (byte)'x' ? (byte)'y' : (byte)'x';
        }

        return reply;
    }

    private static (Socket Udp, Socket Tcp) BindPair()
    {
        for (var attempt = 0; ; attempt++)
        {
            var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 4 << 20 };
            udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                tcp.Bind(udp.LocalEndPoint!);
                tcp.Listen(64);
                return (udp, tcp);
            }
            catch (SocketException) when (attempt < 20)
            {
                udp.Dispose();
                tcp.Dispose();
            }
        }
    }

    private static void Start(Action loop) => new Thread(() => loop()) { IsBackground = true, Name = "tiny-responder" }.Start();

    private void UdpLoop()
    {
        var buffer = new byte[ushort.MaxValue];
        EndPoint remote = new IPEndPoint(IPAddress.Any, 0);
        while (true)
        {
            try
            {
                var received = _udp.ReceiveFrom(buffer, ref remote);
                if (Reply(buffer.AsSpan(0, received)) is { } reply)
                {
                    _udp.SendTo(reply, remote);
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }
        }
    }

    private void AcceptLoop()
    {
        while (true)
        {
            Socket connection;
            try
            {
                connection = _tcp.Accept();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }

            lock (_connections)
            {
                _connections.Add(connection);
            }

            Start(() => Serve(connection));
        }
    }

    /// <summary>Reads framed queries until the peer closes and answers each at once (RFC 7766 framing).</summary>
    private void Serve(Socket connection)
    {
        using var stream = new NetworkStream(connection, ownsSocket: true);
        var prefix = new byte[2];
        try
        {
            while (true)
            {
                stream.ReadExactly(prefix);
                var query = new byte[BinaryPrimitives.ReadUInt16BigEndian(prefix)];
                stream.ReadExactly(query);
                if (Reply(query) is { } reply)
                {
                    var framed = new byte[reply.Length + 2];
                    BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)reply.Length);
                    reply.CopyTo(framed, 2);
                    stream.Write(framed);
                }
            }
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or ObjectDisposedException)
        {
            // Peer closed, or disposing.
        }
    }
}
