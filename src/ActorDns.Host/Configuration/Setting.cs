namespace ActorDns.Host.Configuration;

/// <summary>
/// One setting of a node and its three spellings: config-file key, command-line flag, environment variable (plus
/// Kuma's variable where one exists). A flag beats the environment, which beats the config file. The help text
/// (<see cref="Format"/>, <see cref="Meaning"/>, <see cref="Default"/>) is what <c>actordns --help</c> shows and
/// what docs/configuration.md lists.
/// </summary>
public sealed record Setting(string Key, string Flag, string Env, string Format, string Meaning, string Default, string? KumaEnv = null)
{
    public static readonly Setting DnsAddress = new("dnsAddress", "--dns-address", "ACTORDNS_DNS_ADDRESS", "ADDR:PORT[=MESH]",
        "a DNS listener (UDP and TCP) answering for MESH; repeatable", "127.0.0.1:15053=default");
    public static readonly Setting ApiAddress = new("apiAddress", "--api-address", "ACTORDNS_API_ADDRESS", "ADDR:PORT",
        "the HTTP API, /metrics and /health/*", "127.0.0.1:5681, resolver 127.0.0.1:9153");
    public static readonly Setting DataDir = new("dataDir", "--data-dir", "ACTORDNS_DATA_DIR", "DIR",
        "where the SQLite journal (standalone) and the resolver's table cache live", "./data");
    public static readonly Setting Upstream = new("upstream", "--upstream", "ACTORDNS_UPSTREAM", "ADDR[:PORT]",
        "an upstream resolver for names outside the mesh (port 53 when left out); repeatable", "the nameservers of --resolv-conf");
    public static readonly Setting ResolvConf = new("resolvConf", "--resolv-conf", "ACTORDNS_RESOLV_CONF", "PATH",
        "the resolv.conf whose nameserver lines are the upstreams when no --upstream is given", "/etc/resolv.conf");
    public static readonly Setting UdpLoops = new("udpLoops", "--udp-loops", "ACTORDNS_UDP_LOOPS", "N",
        "UDP receive loops (threads) per DNS listener, 1 to 256", "the number of processors");
    public static readonly Setting Domain = new("dnsServer.domain", "--dns-domain", "ACTORDNS_DNS_SERVER_DOMAIN", "NAME",
        "the DNS domain of service names (backend.NAME)", "mesh", "KUMA_DNS_SERVER_DOMAIN");
    public static readonly Setting Ttl = new("dnsServer.ttl", "--dns-ttl", "ACTORDNS_DNS_SERVER_TTL", "SECONDS",
        "the TTL of mesh answers", "60");
    public static readonly Setting Ipv6 = new("dnsServer.ipv6", "--dns-ipv6", "ACTORDNS_DNS_SERVER_IPV6", "mapped|none",
        "AAAA for a mesh without an IPv6 pool: ::ffff:VIP (mapped) or an empty answer (none)", "mapped");

    public static readonly Setting CorefileTemplate = new("corefileTemplate", "--corefile-template", "ACTORDNS_COREFILE_TEMPLATE", "FILE",
        "a CoreDNS Corefile template (Go template) for the resolver pipeline; wins over the control plane's", "the built-in default (Kuma's)",
        "KUMA_DNS_CORE_DNS_CONFIG_TEMPLATE_PATH");
    public static readonly Setting BootstrapCorefileTemplate = new("bootstrapServer.corefileTemplatePath", "--bootstrap-corefile-template", "ACTORDNS_BOOTSTRAP_SERVER_COREFILE_TEMPLATE_PATH", "FILE",
        "on a control-plane node (and standalone): the Corefile template every resolver runs unless it has its own", "none: the built-in default",
        "KUMA_BOOTSTRAP_SERVER_PARAMS_COREFILE_TEMPLATE_PATH");
    public static readonly Setting DnsEmptyPort = new("dnsEmptyPort", "--dns-empty-port", "ACTORDNS_DNS_EMPTY_PORT", "PORT",
        ".CoreDNSEmptyPort in a Corefile template", "the first --dns-address port + 2", "KUMA_DNS_CORE_DNS_EMPTY_PORT");
    public static readonly Setting DnsLogging = new("dnsLogging", "--dns-logging", "ACTORDNS_DNS_LOGGING", "true|false",
        ".CoreDNSLogging in a Corefile template (the default one then logs every query)", "false", "KUMA_DNS_ENABLE_LOGGING");

    public static readonly Setting DnsAllow = new("dnsAllow", "--dns-allow", "ACTORDNS_DNS_ALLOW", "CIDR",
        "a client network that may query; once one is given every other client is answered REFUSED; repeatable", "none: every client");

    public static readonly Setting RrlRate = new("rrl.rate", "--rrl-rate", "ACTORDNS_RRL_RATE", "N",
        "response rate limiting: UDP answers per second per client prefix (/24 IPv4, /56 IPv6); TCP is exempt", "0: off");
    public static readonly Setting RrlSlip = new("rrl.slip", "--rrl-slip", "ACTORDNS_RRL_SLIP", "N",
        "every Nth rate-limited answer is sent truncated (TC) instead of dropped; 0 drops them all, 1 truncates them all", "2");

    public static readonly Setting Journal = new("journal", "--journal", "ACTORDNS_JOURNAL", "sqlite:PATH|postgres:CONNSTRING",
        "the event journal and snapshot store; a relative SQLite path is under --data-dir", "sqlite:<data-dir>/actordns.db");
    public static readonly Setting JournalPasswordFile = new("journalPasswordFile", "--journal-password-file", "ACTORDNS_JOURNAL_PASSWORD_FILE", "FILE",
        "a file holding the PostgreSQL journal's password (one line), so the connection string of --journal need not carry it", "none");
    public static readonly Setting Cidr = new("dnsServer.CIDR", "--dns-cidr", "ACTORDNS_DNS_SERVER_CIDR", "CIDR",
        "the IPv4 pool service VIPs come from", "240.0.0.0/4", "KUMA_DNS_SERVER_CIDR");
    public static readonly Setting CidrV6 = new("dnsServer.CIDRv6", "--dns-cidr-v6", "ACTORDNS_DNS_SERVER_CIDRV6", "CIDR",
        "an IPv6 pool; when set every entry also gets an IPv6 VIP", "none");
    public static readonly Setting ServiceVipEnabled = new("dnsServer.serviceVipEnabled", "--dns-service-vip-enabled", "ACTORDNS_DNS_SERVER_SERVICE_VIP_ENABLED", "true|false",
        "give every kuma.io/service a VIP and a name", "true", "KUMA_DNS_SERVER_SERVICE_VIP_ENABLED");
    public static readonly Setting ServiceVipPort = new("dnsServer.serviceVipPort", "--dns-service-vip-port", "ACTORDNS_DNS_SERVER_SERVICE_VIP_PORT", "PORT",
        "the port listed with a service VIP in /vips", "80", "KUMA_DNS_SERVER_SERVICE_VIP_PORT");
    public static readonly Setting VipReuseDelay = new("dnsServer.vipReuseDelay", "--vip-reuse-delay", "ACTORDNS_DNS_SERVER_VIP_REUSE_DELAY", "DURATION",
        "how long a freed VIP waits before another entry may get it (120s, 2m, 1h)", "2 × --dns-ttl");

    public static readonly Setting MeshServiceCidr = new("ipam.meshService.CIDR", "--ipam-mesh-service-cidr", "ACTORDNS_IPAM_MESH_SERVICE_CIDR", "CIDR",
        "the IPv4 pool MeshService VIPs come from", "241.0.0.0/8", "KUMA_IPAM_MESH_SERVICE_CIDR");
    public static readonly Setting MeshExternalServiceCidr = new("ipam.meshExternalService.CIDR", "--ipam-mesh-external-service-cidr",
        "ACTORDNS_IPAM_MESH_EXTERNAL_SERVICE_CIDR", "CIDR", "the IPv4 pool MeshExternalService VIPs come from", "242.0.0.0/8", "KUMA_IPAM_MESH_EXTERNAL_SERVICE_CIDR");
    public static readonly Setting ZoneName = new("zone", "--zone", "ACTORDNS_ZONE", "NAME",
        "this zone's name: the kuma.io/zone label of the resources it creates and .Zone in hostname templates", "default", "KUMA_MULTIZONE_ZONE_NAME");
    public static readonly Setting SkipHostnameGenerators = new("defaults.skipHostnameGenerators", "--skip-hostname-generators",
        "ACTORDNS_DEFAULTS_SKIP_HOSTNAME_GENERATORS", "true|false", "leave out the default HostnameGenerators (*.svc.mesh.local, *.extsvc.mesh.local)", "false",
        "KUMA_DEFAULTS_SKIP_HOSTNAME_GENERATORS");

    public static readonly Setting SeedNode = new("seedNode", "--seed-node", "ACTORDNS_SEED_NODE", "akka.tcp://actordns@HOST:PORT",
        "a cluster seed node (a control-plane node's --remoting); repeatable, needed by control-plane and resolver", "none: standalone joins itself");
    public static readonly Setting Remoting = new("remoting", "--remoting", "ACTORDNS_REMOTING", "ADDR:PORT",
        "this node's Akka remoting address, advertised to the cluster", "control-plane 127.0.0.1:4053, others a free port");

    public static readonly Setting RemotingTlsCert = new("remotingTls.certFile", "--remoting-tls-cert", "ACTORDNS_REMOTING_TLS_CERT", "FILE",
        "this node's certificate and key for the cluster transport (PEM with both, or PKCS#12 without a password), issued by --remoting-tls-ca for client and server authentication; with --remoting-tls-ca every cluster connection is mutual TLS",
        "none: plain TCP");
    public static readonly Setting RemotingTlsCa = new("remotingTls.caFile", "--remoting-tls-ca", "ACTORDNS_REMOTING_TLS_CA", "FILE",
        "the CA certificates (PEM) that every cluster node's certificate must chain to", "none");

    public static readonly Setting ApiTokenSigningKey = new("apiServer.authn.tokenSigningKey", "--api-token-signing-key", "ACTORDNS_API_TOKEN_SIGNING_KEY", "FILE",
        "the RSA private key (PEM, mode 0600) that signs and checks API user tokens; the same file on every control-plane node",
        "<data-dir>/api-token-signing-key.pem, generated when absent");
    public static readonly Setting ApiLocalhostIsAdmin = new("apiServer.authn.localhostIsAdmin", "--api-localhost-is-admin", "ACTORDNS_API_LOCALHOST_IS_ADMIN", "true|false",
        "a request from loopback to a loopback Host, through no proxy, is admin without a token", "standalone true, control-plane false",
        "KUMA_API_SERVER_AUTHN_LOCALHOST_IS_ADMIN");
    public static readonly Setting MetricsRequireToken = new("metrics.requireToken", "--metrics-require-token", "ACTORDNS_METRICS_REQUIRE_TOKEN", "true|false",
        "/metrics needs a valid API token too", "false");

    public static readonly Setting ApiTlsCert = new("apiServer.https.tlsCertFile", "--api-tls-cert", "ACTORDNS_API_TLS_CERT", "FILE",
        "the API's certificate (PEM); with --api-tls-key the API is served over HTTPS only (TLS 1.2+)", "none: plain HTTP");
    public static readonly Setting ApiTlsKey = new("apiServer.https.tlsKeyFile", "--api-tls-key", "ACTORDNS_API_TLS_KEY", "FILE",
        "the private key (PEM) of --api-tls-cert", "none");
    public static readonly Setting ApiTlsClientCa = new("apiServer.https.tlsClientCaFile", "--api-tls-client-ca", "ACTORDNS_API_TLS_CLIENT_CA", "FILE",
        "CA certificates (PEM): every API client must present a certificate they issued", "none: no client certificate asked");

    public static IReadOnlyList<Setting> All { get; } =
        [
            DnsAddress, ApiAddress, DataDir, Upstream, ResolvConf, UdpLoops, Domain, Ttl, Ipv6, CorefileTemplate, BootstrapCorefileTemplate, DnsEmptyPort, DnsLogging, DnsAllow, RrlRate, RrlSlip, Journal, JournalPasswordFile, Cidr, CidrV6, ServiceVipEnabled, ServiceVipPort, VipReuseDelay,
            MeshServiceCidr, MeshExternalServiceCidr, ZoneName, SkipHostnameGenerators, SeedNode, Remoting, RemotingTlsCert, RemotingTlsCa, ApiTokenSigningKey, ApiLocalhostIsAdmin,
            MetricsRequireToken, ApiTlsCert, ApiTlsKey, ApiTlsClientCa,
        ];

    /// <summary>One line for <c>--help</c>: meaning, default, then where else it can be set.</summary>
    public string HelpText =>
        $"{Meaning} [default: {Default}] (env {Env}{(KumaEnv is null ? "" : $" or {KumaEnv}")}, config key {Key})";
}
