using System.Net;
using ActorDns.Server.Metrics;
using ActorDns.Server.Pipeline;
using ActorDns.Server.Query;
using Microsoft.Extensions.Logging;

namespace ActorDns.Server.Transport;

/// <summary>One <c>--dns-address</c>: UDP and TCP on the same address and port, serving one mesh.</summary>
public sealed class DnsListener : IDisposable
{
    private readonly DnsListenerOptions _options;
    private readonly ILogger _logger;
    private readonly UdpListener _udp;
    private readonly TcpListener _tcp;

    public DnsListener(DnsListenerOptions options, ZoneSlot zone, ResolverPipeline pipeline, DnsServerMetrics metrics, ILogger logger)
    {
        _options = options;
        _logger = logger;
        _udp = new UdpListener(options, zone, pipeline, metrics, logger);
        _tcp = new TcpListener(options, zone, pipeline, metrics, logger);
    }

    /// <summary>The bound address; with port 0 asked, the port the kernel chose (UDP and TCP share it).</summary>
    public IPEndPoint LocalEndpoint => _udp.LocalEndpoint ?? _options.Endpoint;

    /// <summary>Binds UDP then TCP; throws <see cref="System.Net.Sockets.SocketException"/> when the address is unusable.</summary>
    public void Start()
    {
        _udp.Start(_options.Endpoint.Port);
        _tcp.Start(_udp.LocalEndpoint!.Port);
        TransportLog.Listening(_logger, LocalEndpoint, Math.Max(1, _options.UdpLoops), _options.Mesh);
    }

    public void Dispose()
    {
        _tcp.Dispose();
        _udp.Dispose();
    }
}
