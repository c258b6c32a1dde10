using System.Buffers.Binary;
using System.Net.Sockets;

namespace ActorDns.Server.Pipeline;

/// <summary>The client's address as steps that decide by it (<c>acl</c>, rate limiting) read it from the kernel's socket address.</summary>
public static class ClientAddress
{
    /// <summary>AF_INET6 on Linux, where <c>sockaddr</c> families are the kernel's numbers (.NET's enum says 23).</summary>
    private const ushort LinuxInet6 = 10;

    /// <summary>The client's address from a Linux <c>sockaddr_in</c> (family 2) or <c>sockaddr_in6</c> (family 10); 0 when unreadable.</summary>
    public static int Read(ReadOnlySpan<byte> sockaddr, Span<byte> address)
    {
        if (sockaddr.Length < 2)
        {
            return 0;
        }

        var family = BinaryPrimitives.ReadUInt16LittleEndian(sockaddr);
        if (family == (ushort)AddressFamily.InterNetwork && sockaddr.Length >= 8)
        {
            sockaddr.Slice(4, 4).CopyTo(address);
            return 4;
        }

        if (family == LinuxInet6 && sockaddr.Length >= 24)
        {
            var v6 = sockaddr.Slice(8, 16);
            if (v6[..10].IndexOfAnyExcept((byte)0) < 0 && v6[10] == 0xFF && v6[11] == 0xFF)
            {
                // An IPv4 client on a dual-stack socket (::ffff:a.b.c.d) matches IPv4 networks.
                v6[12..].CopyTo(address);
                return 4;
            }

            v6.CopyTo(address);
            return 16;
        }

        return 0;
    }
}
