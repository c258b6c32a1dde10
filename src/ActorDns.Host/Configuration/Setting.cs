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

    public static readonly Setting Journal = new("journal", "--journal", "ACTORDNS_JOURNAL");
    public static readonly Setting Cidr = new("dnsServer.CIDR", "--dns-cidr", "ACTORDNS_DNS_SERVER_CIDR", "KUMA_DNS_SERVER_CIDR");
    public static readonly Setting CidrV6 = new("dnsServer.CIDRv6", "--dns-cidr-v6", "ACTORDNS_DNS_SERVER_CIDRV6");
    public static readonly Setting ServiceVipEnabled = new("dnsServer.serviceVipEnabled", "--dns-service-vip-enabled", "ACTORDNS_DNS_SERVER_SERVICE_VIP_ENABLED", "KUMA_DNS_SERVER_SERVICE_VIP_ENABLED");
    public static readonly Setting ServiceVipPort = new("dnsServer.serviceVipPort", "--dns-service-vip-port", "ACTORDNS_DNS_SERVER_SERVICE_VIP_PORT", "KUMA_DNS_SERVER_SERVICE_VIP_PORT");
    public static readonly Setting VipReuseDelay = new("dnsServer.vipReuseDelay", "--vip-reuse-delay", "ACTORDNS_DNS_SERVER_VIP_REUSE_DELAY");

    public static readonly Setting SeedNode = new("seedNode", "--seed-node", "ACTORDNS_SEED_NODE");
    public static readonly Setting Remoting = new("remoting", "--remoting", "ACTORDNS_REMOTING");

    public static IReadOnlyList<Setting> All { get; } =
        [DnsAddress, ApiAddress, DataDir, Upstream, ResolvConf, UdpLoops, Domain, Ttl, Ipv6, Journal, Cidr, CidrV6, ServiceVipEnabled, ServiceVipPort, VipReuseDelay, SeedNode, Remoting];
}
