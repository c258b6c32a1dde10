using System.Net;

namespace ActorDns.Server.Forwarding;

/// <summary>Settings of the <see cref="Forwarder"/> (SPEC §4.3; CoreDNS <c>forward</c> defaults).</summary>
public sealed record ForwarderOptions
{
    public IReadOnlyList<IPEndPoint> Upstreams { get; init; } = [];

    /// <summary>How long one try waits for an upstream's reply.</summary>
    public TimeSpan TryTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a client query may spend upstream in all, after which it gets SERVFAIL.</summary>
    public TimeSpan TotalTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Outstanding upstream queries beyond which new ones are answered REFUSED at once.</summary>
    public int MaxConcurrent { get; init; } = 1000;

    public UpstreamPolicy Policy { get; init; } = UpstreamPolicy.Random;

    /// <summary>Consecutive failures after which an upstream is marked down and probed.</summary>
    public int MaxFails { get; init; } = 2;

    /// <summary>How often a down upstream is probed with <c>. IN NS</c>.</summary>
    public TimeSpan HealthCheckInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Every upstream query over TCP (CoreDNS <c>force_tcp</c>).</summary>
    public bool ForceTcp { get; init; }

    /// <summary>
    /// A pooled UDP socket older than this is replaced before its next query, however few it sent (CoreDNS
    /// <c>expire</c>, 10 s by default; decision 0039).
    /// </summary>
    public TimeSpan Expire { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>UDP upstream even for a client that asked over TCP; a truncated reply is still retried over TCP (<c>prefer_udp</c>).</summary>
    public bool PreferUdp { get; init; }
}
