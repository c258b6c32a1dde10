using ActorDns.ControlPlane.Resolution;
using ActorDns.Server.Forwarding;
using ActorDns.Server.Transport;

namespace ActorDns.Host.Configuration;

/// <summary>
/// The tunables a running node uses, built once from its options. These very instances go to the DNS listeners, the
/// forwarder and the resolver actor, and <c>GET /config</c> shows them, so what an operator reads is what runs.
/// </summary>
public sealed record RuntimeSettings(IReadOnlyList<DnsListenerOptions> Listeners, ForwarderOptions Forwarder, ResolverSettings Resolver)
{
    public static RuntimeSettings From(ActorDnsOptions options) => new(
        [.. options.DnsAddresses.Select(a => new DnsListenerOptions(a.Endpoint, a.Mesh) { UdpLoops = options.UdpLoops })],
        new ForwarderOptions { Upstreams = options.Upstreams },
        new ResolverSettings { CacheDirectory = options.DataDir });

    /// <summary>The body of <c>GET /config</c>: durations in seconds; no secret is among these settings.</summary>
    public object ToJson(bool servesDns) => new
    {
        dns = servesDns
            ? Listeners.Select(l => new
            {
                address = l.Endpoint.ToString(),
                mesh = l.Mesh,
                udpLoops = l.UdpLoops,
                udpBatchSize = l.UdpBatchSize,
                udpReceiveBufferBytes = l.UdpReceiveBufferBytes,
                udpErrorRepliesPerSecond = l.UdpErrorRepliesPerSecond,
                tcpIdleTimeoutSeconds = l.TcpIdleTimeout.TotalSeconds,
                tcpIoTimeoutSeconds = l.TcpIoTimeout.TotalSeconds,
                tcpMaxConnections = l.TcpMaxConnections,
                tcpMaxPipelined = l.TcpMaxPipelined,
            }).ToList()
            : null,
        forwarder = servesDns
            ? new
            {
                upstreams = Forwarder.Upstreams.Select(u => u.ToString()),
                tryTimeoutSeconds = Forwarder.TryTimeout.TotalSeconds,
                totalTimeoutSeconds = Forwarder.TotalTimeout.TotalSeconds,
                maxConcurrent = Forwarder.MaxConcurrent,
                policy = Forwarder.Policy.ToString().ToLowerInvariant(),
                maxFails = Forwarder.MaxFails,
                healthCheckIntervalSeconds = Forwarder.HealthCheckInterval.TotalSeconds,
            }
            : null,
        resolver = servesDns
            ? new
            {
                versionCheckIntervalSeconds = Resolver.VersionCheckInterval.TotalSeconds,
                askTimeoutSeconds = Resolver.AskTimeout.TotalSeconds,
                cacheWriteDelaySeconds = Resolver.CacheWriteDelay.TotalSeconds,
                cacheWriteDelayPerNameSeconds = Resolver.CacheWriteDelayPerName.TotalSeconds,
            }
            : null,
    };
}
