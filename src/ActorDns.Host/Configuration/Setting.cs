namespace ActorDns.Host.Configuration;

/// <summary>
/// One setting and its three spellings: config-file key, command-line flag, environment variable (plus
/// Kuma's variable where one exists). A flag beats the environment, which beats the config file.
/// </summary>
public sealed record Setting(string Key, string Flag, string Env, string? KumaEnv = null)
{
    public static readonly Setting DnsAddress = new("dnsAddress", "--dns-address", "ACTORDNS_DNS_ADDRESS");
    public static readonly Setting ApiAddress = new("apiAddress", "--api-address", "ACTORDNS_API_ADDRESS");
    public static readonly Setting DataDir = new("dataDir", "--data-dir", "ACTORDNS_DATA_DIR");
    public static readonly Setting Upstream = new("upstream", "--upstream", "ACTORDNS_UPSTREAM");
    public static readonly Setting ResolvConf = new("resolvConf", "--resolv-conf", "ACTORDNS_RESOLV_CONF");
    public static readonly Setting UdpLoops = new("udpLoops", "--udp-loops", "ACTORDNS_UDP_LOOPS");
    public static readonly Setting Domain = new("dnsServer.domain", "--dns-domain", "ACTORDNS_DNS_SERVER_DOMAIN", "KUMA_DNS_SERVER_DOMAIN");
    public static readonly Setting Ttl = new("dnsServer.ttl", "--dns-ttl", "ACTORDNS_DNS_SERVER_TTL");
    public static readonly Setting Ipv6 = new("dnsServer.ipv6", "--dns-ipv6", "ACTORDNS_DNS_SERVER_IPV6");

    public static IReadOnlyList<Setting> All { get; } = [DnsAddress, ApiAddress, DataDir, Upstream, ResolvConf, UdpLoops, Domain, Ttl, Ipv6];
}
