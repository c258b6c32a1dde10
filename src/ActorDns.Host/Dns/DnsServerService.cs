using ActorDns.Host.Configuration;
using ActorDns.Server.Forwarding;
using ActorDns.Server.Metrics;
using ActorDns.Server.Pipeline;
using ActorDns.Server.Query;
using ActorDns.Server.Transport;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorDns.Host.Dns;

/// <summary>Starts one <see cref="DnsListener"/> per <c>--dns-address</c> and stops them with the host.</summary>
public sealed class DnsServerService(
    RuntimeSettings settings,
    ZoneRegistry zones,
    Forwarder forwarder,
    DnsServerMetrics metrics,
    ILoggerFactory loggers) : IHostedService, IDisposable
{
    private readonly List<DnsListener> _listeners = [];

    /// <summary>True once every listener is bound and answering.</summary>
    public bool Serving { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger("ActorDns.Dns");
        foreach (var address in settings.Listeners)
        {
            var listener = new DnsListener(
                address,
                new QueryProcessor(CompiledPipeline.KumaDefault(zones.For(address.Mesh), forwarder)),
                metrics,
                logger);
            _listeners.Add(listener);
            try
            {
                listener.Start();
            }
            catch (System.Net.Sockets.SocketException e)
            {
                throw new OptionsException($"--dns-address {address.Endpoint}={address.Mesh}: cannot listen: {e.Message}");
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
    }
}
