using ActorDns.Host.Configuration;
using ActorDns.Server.Forwarding;
using ActorDns.Server.Metrics;
using ActorDns.Server.Pipeline;
using ActorDns.Server.Query;
using ActorDns.Server.Transport;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorDns.Host.Dns;

/// <summary>
/// Compiles the resolver's Corefile template (<see cref="ResolverPipelines"/>) and starts one <see cref="DnsListener"/>
/// per port it serves; stops them with the host.
/// </summary>
public sealed class DnsServerService(
    ActorDnsOptions options,
    RuntimeSettings settings,
    ZoneRegistry zones,
    Forwarder forwarder,
    ForwarderMetrics forwarderMetrics,
    DnsServerMetrics metrics,
    ILoggerFactory loggers) : IHostedService, IDisposable
{
    private readonly List<DnsListener> _listeners = [];
    private ResolverPipelines? _pipelines;

    /// <summary>True once every listener is bound and answering.</summary>
    public bool Serving { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger("ActorDns.Dns");
        _pipelines = ResolverPipelines.Build(
            options,
            settings,
            zones,
            forwarder,
            own => new Forwarder(own, forwarderMetrics, new Random(), TimeProvider.System),
            new PipelineLogs(loggers));
        foreach (var (address, servers) in _pipelines.Listeners)
        {
            var listener = new DnsListener(address, new QueryProcessor(servers), metrics, logger);
            _listeners.Add(listener);
            try
            {
                listener.Start();
            }
            catch (System.Net.Sockets.SocketException e)
            {
                var what = settings.Listeners.Any(l => l.Endpoint.Equals(address.Endpoint)) ? "--dns-address" : $"Corefile ({_pipelines.Source}) server block";
                throw new OptionsException($"{what} {address.Endpoint}={address.Mesh}: cannot listen: {e.Message}");
            }
        }

        Serving = true;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Serving = false;
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        foreach (var listener in _listeners)
        {
            listener.Dispose();
        }

        _listeners.Clear();
        _pipelines?.Dispose();
        _pipelines = null;
    }
}
