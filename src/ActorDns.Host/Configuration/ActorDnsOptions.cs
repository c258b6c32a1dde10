using System.Net;
using ActorDns.ControlPlane.Meshes;
using ActorDns.Server.Pipeline;
using ActorDns.Server.Query;

namespace ActorDns.Host.Configuration;

/// <summary>Every setting of an <c>actordns</c> process, validated (SPEC §1 and §5).</summary>
public sealed record ActorDnsOptions
{
    public required IReadOnlyList<DnsAddress> DnsAddresses { get; init; }

    public required IPEndPoint ApiAddress { get; init; }

    public required string DataDir { get; init; }

    /// <summary>Upstreams from <c>--upstream</c>, or else from the nameserver lines of <see cref="ResolvConf"/>.</summary>
    public required IReadOnlyList<IPEndPoint> Upstreams { get; init; }

    public required string ResolvConf { get; init; }

    public required int UdpLoops { get; init; }

    public required ZoneSettings Zone { get; init; }

    /// <summary>The resolver's own Corefile template (<c>--corefile-template</c>); null: the built-in default.</summary>
    public string? CorefileTemplate { get; init; }

    /// <summary>The control plane's template for every resolver (<c>bootstrapServer.corefileTemplatePath</c>); null: none.</summary>
    public string? BootstrapCorefileTemplate { get; init; }

    /// <summary><c>.CoreDNSEmptyPort</c>; null: the first <c>--dns-address</c> port + 2.</summary>
    public int? DnsEmptyPort { get; init; }

    /// <summary><c>.CoreDNSLogging</c>.</summary>
    public bool DnsLogging { get; init; }

    /// <summary><c>--dns-allow</c>: the client networks that may query; empty: every client.</summary>
    public IReadOnlyList<AclNetwork> DnsAllow { get; init; } = [];

    /// <summary><c>--rrl-rate</c> and <c>--rrl-slip</c>; null: no response rate limiting.</summary>
    public RateLimitSettings? RateLimit { get; init; }

    public required JournalOptions Journal { get; init; }

    /// <summary>Control-plane settings shared by every mesh: pools, reuse delay, service VIPs.</summary>
    public required MeshSettings Meshes { get; init; }

    /// <summary>Cluster seed nodes (<c>akka.tcp://actordns@HOST:PORT</c>); empty in standalone, which joins itself.</summary>
    public required IReadOnlyList<string> SeedNodes { get; init; }

    /// <summary>Akka remoting address; port 0 = any free port.</summary>
    public required IPEndPoint Remoting { get; init; }

    /// <summary><c>--remoting-tls-cert</c> and <c>--remoting-tls-ca</c>; null: the cluster transport is plain TCP.</summary>
    public RemotingTlsOptions? RemotingTls { get; init; }

    /// <summary>Who may use the API (SPEC §8).</summary>
    public required ApiSecurityOptions ApiSecurity { get; init; }
}
