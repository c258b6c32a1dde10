using System.Net;
using ActorDns.Server.Forwarding;
using ActorDns.Server.Query;

namespace ActorDns.Server.Pipeline.Corefile;

/// <summary>What a Corefile is compiled against: the resolver's ports, meshes, upstreams and logs.</summary>
public sealed record PipelineResources
{
    /// <summary>The port of the first <c>--dns-address</c>: <c>.CoreDNSPort</c>, and the port of a key that names none.</summary>
    public required int CoreDnsPort { get; init; }

    /// <summary><c>forward … 127.0.0.1:EnvoyDnsPort</c> is the in-process mesh step.</summary>
    public required int EnvoyDnsPort { get; init; }

    /// <summary>The port of <c>--api-address</c>, whose <c>/metrics</c> serves the <c>prometheus</c> directive.</summary>
    public required int PrometheusPort { get; init; }

    /// <summary>The mesh a listener's port answers for: its <c>--dns-address</c>'s, else the first one's.</summary>
    public required Func<int, ZoneSlot> ZoneForPort { get; init; }

    /// <summary>The resolver's configured upstreams: what <c>/etc/resolv.conf</c> means in <c>forward</c> and <c>alternate</c>.</summary>
    public required Forwarder SystemUpstreams { get; init; }

    /// <summary>A forwarder of the pipeline's own (a <c>forward</c> to other addresses); the pipeline owns and disposes it.</summary>
    public required Func<ForwarderOptions, Forwarder> NewForwarder { get; init; }

    /// <summary>The settings a new forwarder starts from (timeouts); the directive sets upstreams and options.</summary>
    public ForwarderOptions ForwarderDefaults { get; init; } = new();

    /// <summary>
    /// <c>--dns-allow</c>: the client networks that may query; every other client is answered REFUSED before any step
    /// of any server block. Empty: every client may.
    /// </summary>
    public IReadOnlyList<AclNetwork> AllowedClients { get; init; } = [];

    /// <summary>
    /// <c>--rrl-rate</c> and <c>--rrl-slip</c>: the response rate limiter put before every server block's steps; null: off.
    /// One instance for every listener of a node, so a client's answers count together on all of them.
    /// </summary>
    public RateLimitStep? RateLimiter { get; init; }

    /// <summary>Where <c>log</c> and <c>errors</c> write.</summary>
    public required PipelineLogs Logs { get; init; }

    /// <summary>The clock of <c>cache</c> TTLs.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Reads a file a directive names (<c>hosts FILE</c>, a resolv.conf path).</summary>
    public Func<string, string> ReadFile { get; init; } = File.ReadAllText;

    internal static bool IsLoopbackEndpoint(IPEndPoint endpoint, int port) =>
        IPAddress.IsLoopback(endpoint.Address) && endpoint.Port == port;
}
