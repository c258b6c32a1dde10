using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace ActorDns.Server.Forwarding;

/// <summary>One query/response exchange with one upstream, over UDP or TCP.</summary>
internal static class UpstreamExchange
{
    /// <summary>
    /// Sends over a new UDP socket bound to a random ephemeral port (RFC 5452 §9.2, conformance F-02) and
    /// connected to the upstream, so the kernel discards datagrams from any other address or port (F-04).
    /// Unacceptable replies are skipped and the wait goes on until <paramref name="cancellation"/> fires (F-03). A reply
    /// as long as <paramref name="reply"/> is returned unchecked: it may have been cut to fit.
    /// </summary>
    public static async ValueTask<int> UdpAsync(
        IPEndPoint server, ReadOnlyMemory<byte> request, Memory<byte> reply, ushort id, ReadOnlyMemory<byte> question,
        Action onUnwanted, CancellationToken cancellation)
    {
        using var socket = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        await socket.ConnectAsync(server, cancellation).ConfigureAwait(false);
        await socket.SendAsync(request, SocketFlags.None, cancellation).ConfigureAwait(false);
        while (true)
        {
            var length = await socket.ReceiveAsync(reply, SocketFlags.None, cancellation).ConfigureAwait(false);

            // A datagram that fills the buffer may have been cut, and cannot be checked: the caller asks over TCP.
            if (length == reply.Length || UpstreamMessages.IsAcceptable(reply.Span[..length], id, question.Span))
            {
                return length;
            }

            onUnwanted();
        }
    }

    /// <summary>Sends over a new TCP connection with the RFC 1035 §4.2.2 length prefix; replies with another ID are skipped.</summary>
    public static async ValueTask<int> TcpAsync(
        IPEndPoint server, ReadOnlyMemory<byte> request, Memory<byte> reply, ushort id, ReadOnlyMemory<byte> question,
        Action onUnwanted, CancellationToken cancellation)
    {
        using var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(server, cancellation).ConfigureAwait(false);
        var framed = new byte[request.Length + 2];
        BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)request.Length);
        request.CopyTo(framed.AsMemory(2));
        await socket.SendAsync(framed, SocketFlags.None, cancellation).ConfigureAwait(false);
        var prefix = new byte[2];
        while (true)
        {
            await ReceiveExactlyAsync(socket, prefix, cancellation).ConfigureAwait(false);
            var length = BinaryPrimitives.ReadUInt16BigEndian(prefix);
            await ReceiveExactlyAsync(socket, reply[..length], cancellation).ConfigureAwait(false);
            if (UpstreamMessages.IsAcceptable(reply.Span[..length], id, question.Span))
            {
                return length;
            }

            onUnwanted();
        }
    }

    private static async ValueTask ReceiveExactlyAsync(Socket socket, Memory<byte> buffer, CancellationToken cancellation)
    {
        var received = 0;
        while (received < buffer.Length)
        {
            var read = await socket.ReceiveAsync(buffer[received..], SocketFlags.None, cancellation).ConfigureAwait(false);
            if (read == 0)
            {
                throw new SocketException((int)SocketError.ConnectionReset);
            }

            received += read;
        }
    }
}
