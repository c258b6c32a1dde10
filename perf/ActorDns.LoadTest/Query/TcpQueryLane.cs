using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using ActorDns.LoadTest.Dns;
using ActorDns.LoadTest.Measurement;
using ActorDns.Protocol;

namespace ActorDns.LoadTest.Query;

/// <summary>
/// A lane over one TCP connection (RFC 7766): every query framed with a 2-octet length, sent without
/// waiting for earlier replies (pipelining, §6.2.1.1); replies may come in any order (§7). When the server
/// closes the connection, the receiving thread opens a new one; queries in flight on the old one are lost.
/// </summary>
internal sealed class TcpQueryLane : QueryLane
{
    private readonly byte[] _sendBuffer = new byte[2 + DnsHeader.Size + DnsName.MaxLength + 4];

    // Room for one whole message of the largest size after any partial one kept from the previous read.
    private readonly byte[] _receiveBuffer = new byte[2 * (2 + ushort.MaxValue)];
    private Socket? _connection;
    private long _reconnects;

    /// <summary>Connects at once, so that a server that refuses TCP is reported before the run starts.</summary>
    public TcpQueryLane(int index, int lanes, IPEndPoint server, QueryMix mix, TimeSpan timeout, int seed)
        : base(index, lanes, server, mix, timeout, seed)
    {
        _connection = Connect(server);
    }

    protected override long Reconnects => Interlocked.Read(ref _reconnects);

    protected override bool Send(QueryTemplate query, ushort id)
    {
        var connection = Volatile.Read(ref _connection);
        if (connection is null)
        {
            return false;
        }

        var length = query.WriteTo(_sendBuffer.AsSpan(2), id);
        BinaryPrimitives.WriteUInt16BigEndian(_sendBuffer, (ushort)length);
        try
        {
            var frame = _sendBuffer.AsSpan(0, 2 + length);
            while (!frame.IsEmpty)
            {
                frame = frame[connection.Send(frame, SocketFlags.None)..];
            }

            return true;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // A half-written frame spoils the stream: drop the connection; the receiving thread reconnects.
            connection.Dispose();
            return false;
        }
    }

    protected override void ReceiveLoop()
    {
        while (!IsStopping)
        {
            if (Volatile.Read(ref _connection) is { } connection)
            {
                ReadFrames(connection);
                connection.Dispose();
            }

            if (IsStopping)
            {
                return;
            }

            try
            {
                var fresh = Connect(Server);
                Interlocked.Exchange(ref _connection, fresh);
                Interlocked.Increment(ref _reconnects);
            }
            catch (SocketException)
            {
                // The server refuses for now: try again shortly rather than spin on connect.
                Interlocked.Exchange(ref _connection, null);
                Thread.Sleep(100);
            }
        }

        // Stop() may have closed the previous connection just before the exchange above published a new one.
        Volatile.Read(ref _connection)?.Dispose();
    }

    protected override void Close() => Interlocked.Exchange(ref _connection, null)?.Dispose();

    private static Socket Connect(IPEndPoint server)
    {
        var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Connect(server);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Reads length-prefixed replies until the connection ends.</summary>
    private void ReadFrames(Socket connection)
    {
        var filled = 0;
        while (true)
        {
            int received;
            try
            {
                received = connection.Receive(_receiveBuffer.AsSpan(filled), SocketFlags.None);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }

            if (received == 0)
            {
                return;
            }

            var receivedAt = Clock.Now;
            filled += received;
            var offset = 0;
            while (filled - offset >= 2)
            {
                var length = BinaryPrimitives.ReadUInt16BigEndian(_receiveBuffer.AsSpan(offset));
                if (filled - offset < 2 + length)
                {
                    break;
                }

                OnReply(_receiveBuffer.AsSpan(offset + 2, length), receivedAt);
                offset += 2 + length;
            }

            _receiveBuffer.AsSpan(offset, filled - offset).CopyTo(_receiveBuffer);
            filled -= offset;
        }
    }
}
