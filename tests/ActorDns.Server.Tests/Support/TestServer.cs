using System.Net;
using ActorDns.Protocol;
using ActorDns.Server.Forwarding;
using ActorDns.Server.Metrics;
using ActorDns.Server.Pipeline;
using ActorDns.Server.Query;
using ActorDns.Server.Transport;
using Microsoft.Extensions.Logging.Abstractions;
using Prometheus;

namespace ActorDns.Server.Tests.Support;

/// <summary>
/// A real listener (UDP + TCP) on 127.0.0.1 with an ephemeral port, serving one table and forwarding to the given
/// upstreams; the forwarder's timeouts run on <c>clock</c> (the system's unless a test moves one by hand).
/// </summary>
public sealed class TestServer : IDisposable
{
    public TestServer(
        ZoneTable table,
        IReadOnlyList<IPEndPoint>? upstreams = null,
        ForwarderOptions? forwarderOptions = null,
        DnsListenerOptions? listenerOptions = null,
        IReadOnlyList<DnsRcode>? alternateRcodes = null,
        TimeProvider? clock = null)
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        DnsMetrics = new DnsServerMetrics(Registry);
        ForwarderMetrics = new ForwarderMetrics(Prometheus.Metrics.WithCustomRegistry(Registry));
        Forwarder = new Forwarder((forwarderOptions ?? new ForwarderOptions()) with { Upstreams = upstreams ?? [] }, ForwarderMetrics, new Random(1), clock ?? TimeProvider.System);
        Zone = new ZoneSlot(table);
        Listener = new DnsListener(
            listenerOptions ?? new DnsListenerOptions(new IPEndPoint(IPAddress.Loopback, 0)) { UdpLoops = 2 },
            new QueryProcessor(TestPipelines.KumaDefault(Zone, Forwarder, alternateRcodes)),
            DnsMetrics,
            NullLogger.Instance);
        Listener.Start();
    }

    public CollectorRegistry Registry { get; }

    public DnsServerMetrics DnsMetrics { get; }

    public ForwarderMetrics ForwarderMetrics { get; }

    public Forwarder Forwarder { get; }

    public ZoneSlot Zone { get; }

    public DnsListener Listener { get; }

    public IPEndPoint Endpoint => Listener.LocalEndpoint;

    public void Dispose()
    {
        Listener.Dispose();
        Forwarder.Dispose();
    }
}
