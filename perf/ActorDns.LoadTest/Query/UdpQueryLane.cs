using System.Net;
using System.Net.Sockets;
using ActorDns.LoadTest.Dns;
using ActorDns.LoadTest.Measurement;
using ActorDns.Protocol;

namespace ActorDns.LoadTest.Query;

/// <summary>A lane over one connected UDP socket (RFC 1035 §4.2.1).</summary>
internal sealed class UdpQueryLane : QueryLane
{
    private readonly Socket _socket;
    private readonly byte[] _sendBuffer = new byte[DnsHeader.Size + DnsName.MaxLength + 4];
    private readonly byte[] _receiveBuffer = new byte[ushort.MaxValue];

    public UdpQueryLane(int index, int lanes, IPEndPoint server, QueryMix mix, TimeSpan timeout, int seed)
        : base(index, lanes, server, mix, timeout, seed)
    {
        // A large receive buffer rides out a moment in which the receiving thread is not scheduled.
        _socket = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 4 << 20 };
        _socket.Connect(server);
    }

    protected override bool Send(QueryTemplate query, ushort id)
    {
        var length = query.WriteTo(_sendBuffer, id);
        try
        {
            return _socket.Send(_sendBuffer.AsSpan(0, length), SocketFlags.None) == length;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    protected override void ReceiveLoop()
    {
        while (true)
        {
            int received;
            try
            {
                received = _socket.Receive(_receiveBuffer, SocketFlags.None);
            }
            catch (SocketException e) when (!IsStopping && e.SocketErrorCode is SocketError.ConnectionRefused or SocketError.ConnectionReset)
            {
                // An ICMP error for an earlier datagram (no listener yet, or it restarted): the socket still works.
                continue;
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }

            OnReply(_receiveBuffer.AsSpan(0, received), Clock.Now);
        }
    }

    protected override void Close() => _socket.Dispose();
}
