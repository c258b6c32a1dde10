using System.Net.Sockets;

namespace ActorDns.Server.Transport;

/// <summary>Linux socket options that .NET does not name.</summary>
internal static class SocketOptions
{
    private const int SolSocket = 1;
    private const int SoReusePort = 15;
    private const int SoRcvBufForce = 33;

    /// <summary>Lets several sockets bind one address so the kernel spreads datagrams over the loops.</summary>
    public static void EnableReusePort(Socket socket)
    {
        if (OperatingSystem.IsLinux())
        {
            socket.SetRawSocketOption(SolSocket, SoReusePort, BitConverter.GetBytes(1));
        }
    }

    /// <summary>Asks for a receive buffer beyond net.core.rmem_max when privileged, else as large as allowed.</summary>
    public static void SetReceiveBuffer(Socket socket, int bytes)
    {
        try
        {
            if (OperatingSystem.IsLinux())
            {
                socket.SetRawSocketOption(SolSocket, SoRcvBufForce, BitConverter.GetBytes(bytes));
                return;
            }
        }
        catch (SocketException)
        {
            // Not privileged: fall back to the capped option.
        }

        socket.ReceiveBufferSize = bytes;
    }
}
