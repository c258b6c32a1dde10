using System.Net;
using ActorDns.ControlPlane.Allocation;
using ActorDns.Host.Configuration;
using ActorDns.Server.Query;
using Xunit;

namespace ActorDns.Host.Tests.Configuration;

/// <summary>
/// docs/configuration.md's rules as the loader applies them: the documented defaults, a flag beats the environment
/// beats the file, comma lists in the environment, Kuma's variable names, and invalid values wherever they come from.
/// </summary>
public sealed class OptionsLoaderTests
{
    private static readonly IPEndPoint Api = new(IPAddress.Loopback, 5681);
    private static readonly IPEndPoint Remoting = new(IPAddress.Loopback, 4053);

    /// <summary>Upstreams are always given, so no test reads the machine's /etc/resolv.conf.</summary>
    private static ActorDnsOptions Load(
        Dictionary<string, string[]>? flags = null, Dictionary<string, string>? environment = null, Dictionary<string, string[]>? file = null)
    {
        flags ??= [];
        flags.TryAdd(Setting.Upstream.Key, ["127.0.0.1:9"]);
        return new OptionsLoader(flags, environment ?? [], file ?? []).Load(NodeRole.ControlPlane);
    }

    [Fact]
    public void NothingSet_GivesTheDocumentedDefaults()
    {
        var options = Load();

        Assert.Equal([DnsAddress.Parse("127.0.0.1:15053=default")], options.DnsAddresses);
        Assert.Equal(Api, options.ApiAddress);
        Assert.Equal("./data", options.DataDir);
        Assert.Equal(Environment.ProcessorCount, options.UdpLoops);
        Assert.Equal("mesh", options.Zone.Domain);
        Assert.Equal(60u, options.Zone.Ttl);
        Assert.Equal(Ipv6Mode.Mapped, options.Zone.Ipv6);
        Assert.Equal(JournalProvider.Sqlite, options.Journal.Provider);
        Assert.Contains(Path.Combine(Path.GetFullPath("./data"), "actordns.db"), options.Journal.ConnectionString, StringComparison.Ordinal);
        Assert.Equal("240.0.0.0/4", options.Meshes.Allocation.Pool.Cidr);
        Assert.Null(options.Meshes.Allocation.PoolV6);
        Assert.Equal(TimeSpan.FromSeconds(120), options.Meshes.Allocation.ReuseDelay);
        Assert.True(options.Meshes.ServiceVipEnabled);
        Assert.Equal(80, options.Meshes.ServiceVipPort);
        Assert.Equal("241.0.0.0/8", options.Meshes.Allocation.PoolNamed(VipPools.MeshService)?.Cidr);
        Assert.Equal("242.0.0.0/8", options.Meshes.Allocation.PoolNamed(VipPools.MeshExternalService)?.Cidr);
        Assert.Equal("default", options.Meshes.Zone);
        Assert.Equal(["local-mesh-external-service", "local-universal-mesh-service"], options.Meshes.HostnameGenerators.Select(g => g.Name));
        Assert.Empty(options.SeedNodes);
        Assert.Equal(Remoting, options.Remoting);
        Assert.Equal(new ApiSecurityOptions(null, LocalhostIsAdmin: false, MetricsRequireToken: false), options.ApiSecurity);
    }

    [Theory]
    [InlineData(NodeRole.Standalone, true)]
    [InlineData(NodeRole.ControlPlane, false)]
    public void LocalhostIsAdmin_DefaultsByRole(NodeRole role, bool expected)
    {
        var options = new OptionsLoader(new Dictionary<string, string[]> { [Setting.Upstream.Key] = ["127.0.0.1:9"] }, new Dictionary<string, string>(), new Dictionary<string, string[]>()).Load(role);

        Assert.Equal(expected, options.ApiSecurity.LocalhostIsAdmin);
    }

    [Fact]
    public void ResolvConf_IsReadWhenNoUpstreamIsGiven()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, "nameserver 127.0.0.53\nnameserver 127.0.0.54\n");
        try
        {
            var options = new OptionsLoader(new Dictionary<string, string[]> { [Setting.ResolvConf.Key] = [file] }, new Dictionary<string, string>(), new Dictionary<string, string[]>()).Load(NodeRole.ControlPlane);

            Assert.Equal([IPEndPoint.Parse("127.0.0.53:53"), IPEndPoint.Parse("127.0.0.54:53")], options.Upstreams);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void FlagBeatsEnvironment_WhichBeatsTheFile()
    {
        var file = new Dictionary<string, string[]> { [Setting.Domain.Key] = ["fromfile"], [Setting.Ttl.Key] = ["11"], [Setting.DataDir.Key] = ["/file"] };
        var environment = new Dictionary<string, string> { [Setting.Domain.Env] = "fromenv", [Setting.Ttl.Env] = "22" };
        var flags = new Dictionary<string, string[]> { [Setting.Domain.Key] = ["fromflag"] };

        var options = Load(flags, environment, file);

        Assert.Equal("fromflag", options.Zone.Domain);
        Assert.Equal(22u, options.Zone.Ttl);
        Assert.Equal("/file", options.DataDir);
    }

    [Fact]
    public void RepeatableSettings_TakeACommaListFromTheEnvironment()
    {
        var environment = new Dictionary<string, string>
        {
            [Setting.DnsAddress.Env] = "127.0.0.1:1053=default, 127.0.0.2:1053=other",
            [Setting.SeedNode.Env] = "akka.tcp://actordns@127.0.0.11:4053,akka.tcp://actordns@127.0.0.12:4053",
        };

        var options = Load(environment: environment);

        Assert.Equal([DnsAddress.Parse("127.0.0.1:1053=default"), DnsAddress.Parse("127.0.0.2:1053=other")], options.DnsAddresses);
        Assert.Equal(["akka.tcp://actordns@127.0.0.11:4053", "akka.tcp://actordns@127.0.0.12:4053"], options.SeedNodes);
    }

    [Fact]
    public void KumaVariableNames_SetTheirSettings()
    {
        var environment = new Dictionary<string, string>
        {
            ["KUMA_DNS_SERVER_DOMAIN"] = "kuma",
            ["KUMA_DNS_SERVER_CIDR"] = "10.10.0.0/16",
            ["KUMA_DNS_SERVER_SERVICE_VIP_ENABLED"] = "false",
            ["KUMA_DNS_SERVER_SERVICE_VIP_PORT"] = "8080",
            ["KUMA_IPAM_MESH_SERVICE_CIDR"] = "10.241.0.0/16",
            ["KUMA_IPAM_MESH_EXTERNAL_SERVICE_CIDR"] = "10.242.0.0/16",
            ["KUMA_MULTIZONE_ZONE_NAME"] = "zone-1",
            ["KUMA_DEFAULTS_SKIP_HOSTNAME_GENERATORS"] = "true",
            ["KUMA_DNS_CORE_DNS_CONFIG_TEMPLATE_PATH"] = "/etc/kuma/Corefile",
            ["KUMA_DNS_CORE_DNS_EMPTY_PORT"] = "15055",
            ["KUMA_DNS_ENABLE_LOGGING"] = "true",
            ["KUMA_BOOTSTRAP_SERVER_PARAMS_COREFILE_TEMPLATE_PATH"] = "/etc/kuma/cp-Corefile",
            ["KUMA_API_SERVER_AUTHN_LOCALHOST_IS_ADMIN"] = "true",
        };

        var options = Load(environment: environment);

        Assert.Equal("kuma", options.Zone.Domain);
        Assert.Equal("kuma", options.Meshes.Domain);
        Assert.Equal("10.10.0.0/16", options.Meshes.Allocation.Pool.Cidr);
        Assert.False(options.Meshes.ServiceVipEnabled);
        Assert.Equal(8080, options.Meshes.ServiceVipPort);
        Assert.Equal("10.241.0.0/16", options.Meshes.Allocation.PoolNamed(VipPools.MeshService)?.Cidr);
        Assert.Equal("10.242.0.0/16", options.Meshes.Allocation.PoolNamed(VipPools.MeshExternalService)?.Cidr);
        Assert.Equal("zone-1", options.Meshes.Zone);
        Assert.Empty(options.Meshes.HostnameGenerators);
        Assert.Equal(("/etc/kuma/Corefile", 15055, true), (options.CorefileTemplate, options.DnsEmptyPort, options.DnsLogging));
        Assert.Equal("/etc/kuma/cp-Corefile", options.BootstrapCorefileTemplate);
        Assert.True(options.ApiSecurity.LocalhostIsAdmin, "a control-plane node, off unless set");
        Assert.All(Setting.All.Where(s => s.KumaEnv is not null), s => Assert.Contains(s.KumaEnv!, environment.Keys));
    }

    [Fact]
    public void ActorDnsVariable_BeatsKumasForTheSameSetting()
    {
        var options = Load(environment: new Dictionary<string, string> { ["KUMA_DNS_SERVER_DOMAIN"] = "kuma", ["ACTORDNS_DNS_SERVER_DOMAIN"] = "ours" });

        Assert.Equal("ours", options.Zone.Domain);
    }

    [Theory]
    [InlineData("environment")]
    [InlineData("file")]
    public void InvalidValue_FromTheEnvironmentOrTheFile_NamesTheSetting(string source)
    {
        var environment = source == "environment" ? new Dictionary<string, string> { [Setting.Ttl.Env] = "soon" } : null;
        var file = source == "file" ? new Dictionary<string, string[]> { [Setting.Ttl.Key] = ["soon"] } : null;

        var error = Assert.Throws<OptionsException>(() => Load(environment: environment, file: file));

        Assert.Equal("--dns-ttl 'soon': expected a whole number from 0 to 2147483647", error.Message);
    }

    [Fact]
    public void DnsAllow_CommaListInTheEnvironment_ParsedAndAnInvalidOneNamed()
    {
        var options = Load(environment: new Dictionary<string, string> { [Setting.DnsAllow.Env] = "10.0.0.0/8,2001:db8::/32,192.0.2.7" });
        var error = Assert.Throws<OptionsException>(() => Load(flags: new Dictionary<string, string[]> { [Setting.DnsAllow.Key] = ["10.0.0.0/33"] }));

        Assert.Equal([8, 32, 32], options.DnsAllow.Select(n => n.PrefixLength));
        Assert.Equal("--dns-allow '10.0.0.0/33': expected an address or a CIDR such as 10.0.0.0/8", error.Message);
    }

    [Fact]
    public void RemotingTls_BothFiles_TurnTheSeedsToTheTlsScheme()
    {
        var options = Load(flags: new Dictionary<string, string[]>
        {
            [Setting.RemotingTlsCert.Key] = ["/etc/actordns/cp1.pfx"],
            [Setting.RemotingTlsCa.Key] = ["/etc/actordns/ca.crt"],
            [Setting.SeedNode.Key] = ["akka.tcp://actordns@127.0.0.11:4053", "akka.ssl.tcp://actordns@127.0.0.12:4053/"],
        });

        Assert.Equal(new RemotingTlsOptions("/etc/actordns/cp1.pfx", "/etc/actordns/ca.crt"), options.RemotingTls);
        Assert.Equal(["akka.ssl.tcp://actordns@127.0.0.11:4053", "akka.ssl.tcp://actordns@127.0.0.12:4053"], options.SeedNodes);
    }

    [Fact]
    public void RemotingTls_CertificateWithoutCa_Refused()
    {
        var error = Assert.Throws<OptionsException>(() => Load(flags: new Dictionary<string, string[]> { [Setting.RemotingTlsCert.Key] = ["cp1.pfx"] }));

        Assert.Equal("--remoting-tls-cert and --remoting-tls-ca go together", error.Message);
    }

    [Fact]
    public void SeedNode_TlsSchemeWithoutRemotingTls_Refused()
    {
        var error = Assert.Throws<OptionsException>(() => Load(flags: new Dictionary<string, string[]> { [Setting.SeedNode.Key] = ["akka.ssl.tcp://actordns@127.0.0.11:4053"] }));

        Assert.Equal("--seed-node 'akka.ssl.tcp://actordns@127.0.0.11:4053': akka.ssl.tcp needs --remoting-tls-cert and --remoting-tls-ca", error.Message);
    }

    [Fact]
    public void JournalPasswordFile_PostgresWithoutPassword_TakesTheFilesFirstLine()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, "s3cret;x\nignored\n");
        try
        {
            var options = Load(flags: new Dictionary<string, string[]>
            {
                [Setting.Journal.Key] = ["postgres:Host=db;Username=actordns;Database=actordns"],
                [Setting.JournalPasswordFile.Key] = [file],
            });

            Assert.Equal("s3cret;x", new Npgsql.NpgsqlConnectionStringBuilder(options.Journal.ConnectionString).Password);
            Assert.Equal("postgres:…", options.Journal.Display);
            Assert.DoesNotContain("s3cret", options.Journal.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("sqlite:actordns.db", "s3cret", "--journal-password-file: only a postgres: journal has a password")]
    [InlineData("postgres:Host=db;Password=inline", "s3cret", "--journal-password-file: the --journal connection string has a password already")]
    [InlineData("postgres:Host=db", "", "the file's first line is empty")]
    public void JournalPasswordFile_Unusable_Refused(string journal, string content, string expected)
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, content);
        try
        {
            var error = Assert.Throws<OptionsException>(() => Load(flags: new Dictionary<string, string[]>
            {
                [Setting.Journal.Key] = [journal],
                [Setting.JournalPasswordFile.Key] = [file],
            }));

            Assert.EndsWith(expected, error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("s3cret", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
