using System.Net;
using System.Net.Sockets;

namespace ActorDns.Testing;

/// <summary>
/// Loopback ports for servers a test starts. They come from below the kernel's ephemeral range:
/// a port from that range (what binding to port 0 gives) is free only until some process opens an
/// outgoing connection — a cluster node dialling a seed does so constantly — and the kernel picks
/// it as the connection's source port, so the server started a moment later fails to bind.
/// </summary>
public static class FreePort
{
    private const int Lowest = 10_000;
    private static readonly int Highest = EphemeralRangeStart();
    // A random start per test process: several test assemblies run at once.
    private static int _cursor = Random.Shared.Next(Highest - Lowest);

    /// <summary>A port of 127.0.0.1 that is free for both UDP and TCP right now and was not handed out before by this process.</summary>
    public static int Next()
    {
        while (true)
        {
            var port = Lowest + (int)((uint)Interlocked.Increment(ref _cursor) % (uint)(Highest - Lowest));
            if (IsFree(port, SocketType.Stream, ProtocolType.Tcp) && IsFree(port, SocketType.Dgram, ProtocolType.Udp))
                return port;
        }
    }

    private static bool IsFree(int port, SocketType type, ProtocolType protocol)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, type, protocol);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    // Linux's default is 32768–60999; elsewhere, or when it cannot be read, stay below that default.
    private static int EphemeralRangeStart()
    {
        try
        {
            var first = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[0];
            return int.TryParse(first, out var start) && start > Lowest + 1_000 ? start : 32_768;
        }
        catch (IOException)
        {
            return 32_768;
        }
    }
}
