using System.Net;

namespace ActorDns.Server.Transport;

/// <summary>One DNS listener: an address serving one mesh over UDP and TCP (SPEC §1 <c>--dns-address</c>, §4.4).</summary>
public sealed record DnsListenerOptions(IPEndPoint Endpoint, string Mesh = "default")
{
    /// <summary>UDP receive loops, each on its own SO_REUSEPORT socket; default one per core.</summary>
    public int UdpLoops { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// Datagrams a UDP loop takes per <c>recvmmsg</c> and answers per <c>sendmmsg</c> (Linux); 1, or another
    /// system, means one <c>recvfrom</c>/<c>sendto</c> per datagram.
    /// </summary>
    public int UdpBatchSize { get; init; } = 32;

    /// <summary>Requested socket receive buffer: the default ~208 KB overflows under a burst.</summary>
    public int UdpReceiveBufferBytes { get; init; } = 4 << 20;

    /// <summary>Error replies (FORMERR, NOTIMP, REFUSED, BADVERS) each UDP loop sends per second at most; the rest are dropped.</summary>
    public int UdpErrorRepliesPerSecond { get; init; } = 100;

    /// <summary>A TCP connection that sends nothing for this long is closed (RFC 7766 §6.2.3; Knot 10 s).</summary>
    public TimeSpan TcpIdleTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Once a message has started, each remaining read and every write must finish within this (Knot 500 ms).</summary>
    public TimeSpan TcpIoTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Open TCP connections beyond this are closed at once (RFC 7766 §10).</summary>
    public int TcpMaxConnections { get; init; } = 1000;

    /// <summary>Forwarded queries one TCP connection may have outstanding; reading pauses beyond it (RFC 7766 §6.2.1.2).</summary>
    public int TcpMaxPipelined { get; init; } = 32;
}
