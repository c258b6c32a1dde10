using System.Net;
using ActorDns.Server.Metrics;
using ActorDns.Server.Pipeline;
using Microsoft.Extensions.Logging;

namespace ActorDns.Server.Transport;

/// <summary>One <c>--dns-address</c>: UDP and TCP on the same address and port, serving one mesh.</summary>
public sealed class DnsListener : IDisposable
{
    /// <summary>With port 0, how many kernel-chosen TCP ports to try before giving up on finding one also free for UDP.</summary>
    private const int EphemeralAttempts = 20;

    private readonly DnsListenerOptions _options;
    private readonly QueryProcessor _processor;
    private readonly DnsServerMetrics _metrics;
    private readonly ILogger _logger;
    private UdpListener? _udp;
    private TcpListener? _tcp;

    public DnsListener(DnsListenerOptions options, QueryProcessor processor, DnsServerMetrics metrics, ILogger logger)
    {
        _options = options;
        _processor = processor;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>The bound address; with port 0 asked, the port the kernel chose (UDP and TCP share it).</summary>
    public IPEndPoint LocalEndpoint => _udp?.LocalEndpoint ?? _options.Endpoint;

    /// <summary>
    /// Binds UDP and TCP on the same port; throws <see cref="System.Net.Sockets.SocketException"/> when the
    /// address is unusable. With port 0 the kernel picks the TCP port, which may be taken for UDP, so it tries again.
    /// </summary>
    public void Start()
    {
        for (var attempt = 1; ; attempt++)
        {
            _udp = new UdpListener(_options, _processor, _metrics, _logger);
            _tcp = new TcpListener(_options, _processor, _metrics, _logger);
            try
            {
                _tcp.Start(_options.Endpoint.Port);
                _udp.Start(_tcp.LocalEndpoint!.Port);
                break;
            }
            catch (System.Net.Sockets.SocketException) when (_options.Endpoint.Port == 0 && attempt < EphemeralAttempts)
            {
                Dispose();
            }
        }

        TransportLog.Listening(_logger, LocalEndpoint, Math.Max(1, _options.UdpLoops), _options.Mesh);
    }

    public void Dispose()
    {
        _tcp?.Dispose();
        _udp?.Dispose();
    }
}
