using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace ActorDns.Testing.Dns;

/// <summary>Raw-bytes DNS client for tests: sends exactly the given octets over UDP or TCP and returns what comes back.</summary>
public static class DnsTestClient
{
    /// <summary>Sends one datagram; returns the reply, or null when none arrives within <paramref name="timeout"/>.</summary>
    public static async Task<byte[]?> UdpAsync(IPEndPoint server, byte[] query, TimeSpan? timeout = null)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Connect(server);
        await socket.SendAsync(query, SocketFlags.None);
        var buffer = new byte[ushort.MaxValue];
        using var cancellation = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(2));
        try
        {
            var length = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellation.Token);
            return buffer[..length];
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Sends one framed message over a new TCP connection and reads one framed reply (null on close or timeout).</summary>
    public static async Task<byte[]?> TcpAsync(IPEndPoint server, byte[] query, TimeSpan? timeout = null)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server);
        var stream = client.GetStream();
        await stream.WriteAsync(Frame(query));
        return await ReadFramedAsync(stream, timeout ?? TimeSpan.FromSeconds(2));
    }

    public static byte[] Frame(byte[] message)
    {
        var framed = new byte[message.Length + 2];
        BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)message.Length);
        message.CopyTo(framed, 2);
        return framed;
    }

    /// <summary>Reads one length-prefixed message; null when the peer closes or nothing arrives in time.</summary>
    public static async Task<byte[]?> ReadFramedAsync(Stream stream, TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            var prefix = new byte[2];
            await stream.ReadExactlyAsync(prefix, cancellation.Token);
            var body = new byte[BinaryPrimitives.ReadUInt16BigEndian(prefix)];
            await stream.ReadExactlyAsync(body, cancellation.Token);
            return body;
        }
        catch (Exception e) when (e is OperationCanceledException or EndOfStreamException or IOException)
        {
            return null;
        }
    }
}
