using System.Globalization;
using System.Net;
using ActorDns.ControlPlane.Allocation;
using ActorDns.ControlPlane.Catalog;
using ActorDns.ControlPlane.Catalog.Kinds.HostnameGenerator;
using ActorDns.ControlPlane.Meshes;
using ActorDns.Server.Forwarding;
using ActorDns.Server.Pipeline;
using ActorDns.Server.Query;

namespace ActorDns.Host.Configuration;

/// <summary>
/// Turns flags, environment variables and the config file into validated <see cref="ActorDnsOptions"/>;
/// any invalid value is an <see cref="OptionsException"/> naming the setting.
/// </summary>
public sealed class OptionsLoader(
    IReadOnlyDictionary<string, string[]> flags,
    IReadOnlyDictionary<string, string> environment,
    IReadOnlyDictionary<string, string[]> configFile)
{
    /// <summary>The settings of a node of <paramref name="role"/>, whose defaults differ by role.</summary>
    public ActorDnsOptions Load(NodeRole role)
    {
        var defaultApiAddress = new IPEndPoint(IPAddress.Loopback, role == NodeRole.Resolver ? 9153 : 5681);
        var defaultRemoting = new IPEndPoint(IPAddress.Loopback, role == NodeRole.ControlPlane ? 4053 : 0);
        var resolvConf = Single(Setting.ResolvConf) ?? "/etc/resolv.conf";
        var dataDir = Single(Setting.DataDir) ?? "./data";
        var zone = ParseZone();
        var upstreams = Many(Setting.Upstream).Select(ParseUpstream).ToList();
        var journal = JournalOptions.Parse(Single(Setting.Journal) ?? "sqlite:actordns.db", Path.GetFullPath(dataDir));
        var remotingTls = (Single(Setting.RemotingTlsCert), Single(Setting.RemotingTlsCa)) switch
        {
            (null, null) => null,
            ({ } cert, { } ca) => new RemotingTlsOptions(cert, ca),
            _ => throw new OptionsException($"{Setting.RemotingTlsCert.Flag} and {Setting.RemotingTlsCa.Flag} go together"),
        };
        return new ActorDnsOptions
        {
            DnsAddresses = (Many(Setting.DnsAddress) is { Count: > 0 } addresses ? addresses : ["127.0.0.1:15053=default"])
                .Select(DnsAddress.Parse).ToList(),
            ApiAddress = Single(Setting.ApiAddress) is { } api ? ParseEndpoint(Setting.ApiAddress, api) : defaultApiAddress,
            DataDir = dataDir,
            ResolvConf = resolvConf,
            Upstreams = upstreams.Count > 0 ? upstreams : LoadResolvConf(resolvConf),
            UdpLoops = Single(Setting.UdpLoops) is { } loops ? ParseInt(Setting.UdpLoops, loops, 1, 256) : Environment.ProcessorCount,
            Zone = zone,
            CorefileTemplate = Single(Setting.CorefileTemplate),
            BootstrapCorefileTemplate = Single(Setting.BootstrapCorefileTemplate),
            DnsEmptyPort = Single(Setting.DnsEmptyPort) is { } emptyPort ? ParseInt(Setting.DnsEmptyPort, emptyPort, 1, 65535) : null,
            DnsLogging = ParseBool(Setting.DnsLogging, Single(Setting.DnsLogging) ?? "false"),
            DnsAllow = Many(Setting.DnsAllow).Select(ParseNetwork).ToList(),
            RateLimit = ParseInt(Setting.RrlRate, Single(Setting.RrlRate) ?? "0", 0, 1_000_000) is var rate and > 0
                ? new RateLimitSettings(rate, ParseInt(Setting.RrlSlip, Single(Setting.RrlSlip) ?? "2", 0, 100))
                : null,
            Journal = Single(Setting.JournalPasswordFile) is { } passwordFile ? journal.WithPasswordFile(passwordFile) : journal,
            Meshes = ParseMeshes(zone),
            SeedNodes = Many(Setting.SeedNode).Select(seed => ParseSeed(seed, remotingTls is not null)).ToList(),
            Remoting = Single(Setting.Remoting) is { } remoting ? ParseEndpoint(Setting.Remoting, remoting) : defaultRemoting,
            RemotingTls = remotingTls,
            ApiSecurity = new ApiSecurityOptions(
                Single(Setting.ApiTokenSigningKey),
                ParseBool(Setting.ApiLocalhostIsAdmin, Single(Setting.ApiLocalhostIsAdmin) ?? (role == NodeRole.Standalone ? "true" : "false")),
                ParseBool(Setting.MetricsRequireToken, Single(Setting.MetricsRequireToken) ?? "false"))
            {
                TlsCert = Single(Setting.ApiTlsCert),
                TlsKey = Single(Setting.ApiTlsKey),
                TlsClientCa = Single(Setting.ApiTlsClientCa),
            },
        };
    }

    private MeshSettings ParseMeshes(ZoneSettings zone)
    {
        var pool = ParsePool(Setting.Cidr, Single(Setting.Cidr) ?? "240.0.0.0/4");
        var poolV6 = Single(Setting.CidrV6) is { } v6 ? ParsePool(Setting.CidrV6, v6) : null;
        if (pool.Family != System.Net.Sockets.AddressFamily.InterNetwork)
        {
            throw new OptionsException($"{Setting.Cidr.Flag} '{pool.Cidr}': must be an IPv4 CIDR (use {Setting.CidrV6.Flag} for IPv6)");
        }

        if (poolV6 is not null && poolV6.Family != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            throw new OptionsException($"{Setting.CidrV6.Flag} '{poolV6.Cidr}': must be an IPv6 CIDR");
        }

        var meshServicePool = ParsePool(Setting.MeshServiceCidr, Single(Setting.MeshServiceCidr) ?? "241.0.0.0/8");
        var meshExternalServicePool = ParsePool(Setting.MeshExternalServiceCidr, Single(Setting.MeshExternalServiceCidr) ?? "242.0.0.0/8");
        foreach (var (setting, ipv4) in new[] { (Setting.MeshServiceCidr, meshServicePool), (Setting.MeshExternalServiceCidr, meshExternalServicePool) })
        {
            if (ipv4.Family != System.Net.Sockets.AddressFamily.InterNetwork)
            {
                throw new OptionsException($"{setting.Flag} '{ipv4.Cidr}': must be an IPv4 CIDR");
            }
        }

        var zoneName = Single(Setting.ZoneName) ?? "default";
        if (ResourceParser.NameProblem(zoneName) is { } zoneProblem)
        {
            throw new OptionsException($"{Setting.ZoneName.Flag} '{zoneName}': {zoneProblem}");
        }

        var skipGenerators = ParseBool(Setting.SkipHostnameGenerators, Single(Setting.SkipHostnameGenerators) ?? "false");
        var reuseDelay = Single(Setting.VipReuseDelay) is { } delay ? ParseDuration(Setting.VipReuseDelay, delay) : TimeSpan.FromSeconds(2 * zone.Ttl);
        var serviceVips = ParseBool(Setting.ServiceVipEnabled, Single(Setting.ServiceVipEnabled) ?? "true");
        var port = Single(Setting.ServiceVipPort) is { } p ? ParseInt(Setting.ServiceVipPort, p, 1, 65535) : 80;
        var allocation = new AllocatorSettings(pool, poolV6, reuseDelay);
        allocation = allocation with
        {
            Pools = allocation.Pools.SetItem(VipPools.MeshService, meshServicePool).SetItem(VipPools.MeshExternalService, meshExternalServicePool),
        };
        return new MeshSettings(allocation, zone.Domain, serviceVips, zone.Ttl, port)
        {
            Zone = zoneName,
            HostnameGenerators = skipGenerators ? [] : HostnameGenerator.Defaults,
        };
    }

    private static bool ParseBool(Setting setting, string text) => text.ToLowerInvariant() switch
    {
        "true" => true,
        "false" => false,
        var other => throw new OptionsException($"{setting.Flag} '{other}': expected true or false"),
    };

    private static AclNetwork ParseNetwork(string text) =>
        AclNetwork.TryParse(text, out var network) ? network : throw new OptionsException($"{Setting.DnsAllow.Flag} '{text}': expected an address or a CIDR such as 10.0.0.0/8");

    private static IpPool ParsePool(Setting setting, string text) =>
        IpPool.TryParse(text, out var pool, out var error) ? pool : throw new OptionsException($"{setting.Flag}: {error}");

    private static TimeSpan ParseDuration(Setting setting, string text) =>
        Duration.TryParse(text, out var value) ? value : throw new OptionsException($"{setting.Flag} '{text}': expected {Duration.Expected}");

    /// <summary>
    /// A seed's address as Akka names it: <c>akka.ssl.tcp</c> when the cluster transport is TLS, so one seed list
    /// (<c>akka.tcp://…</c>) serves both; an <c>akka.ssl.tcp</c> seed needs TLS on.
    /// </summary>
    private static string ParseSeed(string text, bool tls)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("akka.tcp" or "akka.ssl.tcp") || uri.UserInfo != "actordns" || uri.Port <= 0)
        {
            throw new OptionsException($"{Setting.SeedNode.Flag} '{text}': expected akka.tcp://actordns@HOST:PORT");
        }

        if (uri.Scheme == "akka.ssl.tcp" && !tls)
        {
            throw new OptionsException($"{Setting.SeedNode.Flag} '{text}': akka.ssl.tcp needs {Setting.RemotingTlsCert.Flag} and {Setting.RemotingTlsCa.Flag}");
        }

        var rest = text.TrimEnd('/')[(uri.Scheme.Length + "://".Length)..];
        return $"{(tls ? "akka.ssl.tcp" : "akka.tcp")}://{rest}";
    }

    private static IReadOnlyList<IPEndPoint> LoadResolvConf(string path)
    {
        try
        {
            return ResolvConf.Load(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OptionsException($"{Setting.ResolvConf.Flag} {path}: cannot read the file: {e.Message}");
        }
    }

    private ZoneSettings ParseZone()
    {
        var ttl = Single(Setting.Ttl) is { } t ? ParseInt(Setting.Ttl, t, 0, int.MaxValue) : 60;
        var ipv6 = (Single(Setting.Ipv6) ?? "mapped").ToLowerInvariant() switch
        {
            "mapped" => Ipv6Mode.Mapped,
            "none" => Ipv6Mode.None,
            var other => throw new OptionsException($"{Setting.Ipv6.Flag} '{other}': expected 'mapped' or 'none'"),
        };
        try
        {
            return new ZoneSettings(Single(Setting.Domain) ?? "mesh", (uint)ttl, ipv6);
        }
        catch (ArgumentException e)
        {
            throw new OptionsException($"{Setting.Domain.Flag}: {e.Message.Split(" (Parameter", 2)[0]}");
        }
    }

    private static IPEndPoint ParseUpstream(string text) =>
        ResolvConf.TryParseEndpoint(text, out var endpoint)
            ? endpoint
            : throw new OptionsException($"{Setting.Upstream.Flag} '{text}': expected ADDR[:PORT], e.g. 127.0.0.1:5300");

    private static IPEndPoint ParseEndpoint(Setting setting, string text) =>
        IPEndPoint.TryParse(text, out var endpoint) && text.Contains(':', StringComparison.Ordinal)
            ? endpoint
            : throw new OptionsException($"{setting.Flag} '{text}': expected ADDR:PORT, e.g. 127.0.0.1:5681");

    private static int ParseInt(Setting setting, string text, int min, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new OptionsException($"{setting.Flag} '{text}': expected a whole number from {min} to {max}");

    private string? Single(Setting setting)
    {
        var values = Many(setting);
        return values.Count == 0 ? null : values[^1];
    }

    /// <summary>Flag values, else the environment (comma-separated), else the config file.</summary>
    private IReadOnlyList<string> Many(Setting setting)
    {
        if (flags.TryGetValue(setting.Key, out var fromFlags) && fromFlags.Length > 0)
        {
            return fromFlags;
        }

        foreach (var name in new[] { setting.Env, setting.KumaEnv })
        {
            if (name is not null && environment.TryGetValue(name, out var fromEnv) && fromEnv.Length > 0)
            {
                return fromEnv.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            }
        }

        return configFile.TryGetValue(setting.Key, out var fromFile) ? fromFile : [];
    }
}
