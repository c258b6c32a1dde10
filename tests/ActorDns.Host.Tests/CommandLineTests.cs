using System.Net;
using System.Net.Sockets;
using ActorDns.Host.Tests.Support;
using ActorDns.Host.Tls;
using ActorDns.Testing;
using DnsClient;
using Xunit;

namespace ActorDns.Host.Tests;

/// <summary>Bad input to the real process gives one clear line and a non-zero exit; settings come from flags, environment and file.</summary>
public sealed class CommandLineTests
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(20);

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static string[] Loopback(int dnsPort, int apiPort) =>
        ["--dns-address", $"127.0.0.1:{dnsPort}", "--api-address", $"127.0.0.1:{apiPort}", "--upstream", "127.0.0.1:9"];

    [Theory]
    [InlineData("--dns-address", "nonsense", "--dns-address 'nonsense'")]
    [InlineData("--upstream", "not-an-ip", "--upstream 'not-an-ip'")]
    [InlineData("--dns-ttl", "-5", "--dns-ttl '-5'")]
    [InlineData("--dns-ipv6", "maybe", "--dns-ipv6 'maybe'")]
    [InlineData("--dns-domain", "a..b", "--dns-domain")]
    public async Task InvalidValue_ExitsWithCode2AndNamesTheSetting(string flag, string value, string expected)
    {
        await using var process = ActorDnsProcess.Start(flag, value, "--upstream", "127.0.0.1:9");

        Assert.Equal(2, await process.WaitForExitAsync(ExitTimeout));
        var line = Assert.Single(Lines(process.StandardError));
        Assert.StartsWith("actordns: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.Empty(process.StandardOutput);
    }

    [Fact]
    public async Task ResolverWithACertificateOfAnotherCa_ExitsWithCode2BeforeJoining()
    {
        var directory = Directory.CreateTempSubdirectory("actordns-cli-certs-").FullName;
        try
        {
            DevelopmentCa.Init(Path.Combine(directory, "ours"), ["resolver1"], TimeProvider.System);
            DevelopmentCa.Init(Path.Combine(directory, "theirs"), ["resolver1"], TimeProvider.System);
            await using var process = ActorDnsProcess.Start("resolver", "--seed-node", "akka.tcp://actordns@127.0.0.1:9", "--upstream", "127.0.0.1:9",
                "--remoting-tls-cert", Path.Combine(directory, "theirs", "resolver1.pfx"), "--remoting-tls-ca", Path.Combine(directory, "ours", "ca.crt"));

            Assert.Equal(2, await process.WaitForExitAsync(ExitTimeout));
            var line = Assert.Single(Lines(process.StandardError));
            Assert.StartsWith($"actordns: --remoting-tls-cert {Path.Combine(directory, "theirs", "resolver1.pfx")}: not issued by --remoting-tls-ca", line, StringComparison.Ordinal);
            Assert.Empty(process.StandardOutput);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task UnknownFlag_ExitsNonZero()
    {
        await using var process = ActorDnsProcess.Start("--no-such-flag");

        Assert.NotEqual(0, await process.WaitForExitAsync(ExitTimeout));
        Assert.Contains("--no-such-flag", process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DnsPortInUse_ExitsWithCode1AndSaysWhy()
    {
        using var squatter = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        squatter.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)squatter.LocalEndPoint!).Port;

        await using var process = ActorDnsProcess.Start(Loopback(port, FreePort.Next()));

        Assert.Equal(1, await process.WaitForExitAsync(ExitTimeout));
        var line = Assert.Single(Lines(process.StandardError));
        Assert.StartsWith($"actordns: --dns-address 127.0.0.1:{port}=default: cannot listen", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", process.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("control-plane")]
    [InlineData("resolver")]
    public async Task RemotingPortInUse_ExitsWithCode1AndSaysWhy(string role)
    {
        using var squatter = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        squatter.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        squatter.Listen();
        var port = ((IPEndPoint)squatter.LocalEndPoint!).Port;
        var dataDir = Directory.CreateTempSubdirectory("actordns-remoting-").FullName;

        await using var process = ActorDnsProcess.Start(role, "--remoting", $"127.0.0.1:{port}", "--seed-node", $"akka.tcp://actordns@127.0.0.1:{port}",
            "--api-address", $"127.0.0.1:{FreePort.Next()}", "--dns-address", $"127.0.0.1:{FreePort.Next()}=default",
            "--upstream", "127.0.0.1:9", "--data-dir", dataDir);

        Assert.Equal(1, await process.WaitForExitAsync(ExitTimeout));
        var line = Assert.Single(Lines(process.StandardError));
        // Akka's own log of the failed bind (stdout, with its stack trace) comes before; the error line is alone on stderr.
        Assert.StartsWith($"actordns: --remoting 127.0.0.1:{port}: cannot listen", line, StringComparison.Ordinal);
        Directory.Delete(dataDir, recursive: true);
    }

    [Fact]
    public async Task JournalUnreachable_ExitsWithCode1AndSaysWhy()
    {
        // A PostgreSQL port where nothing listens: a dead database, not a bad flag.
        var port = FreePort.Next();
        await using var process = ActorDnsProcess.Start(
            [.. Loopback(FreePort.Next(), FreePort.Next()), "--journal", $"postgres:Host=127.0.0.1;Port={port};Database=x;Username=x;Password=x;Timeout=2"]);

        Assert.Equal(1, await process.WaitForExitAsync(ExitTimeout));
        var line = Assert.Single(Lines(process.StandardError));
        Assert.StartsWith("actordns: --journal postgres:…: cannot open the journal", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Password", process.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigFileUnknownKey_ExitsWithCode2()
    {
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, "dnsServer:\n  tll: 30\n");
        try
        {
            await using var process = ActorDnsProcess.Start("--config", file);

            Assert.Equal(2, await process.WaitForExitAsync(ExitTimeout));
            var line = Assert.Single(Lines(process.StandardError));
            Assert.Contains("unknown setting(s) dnsServer.tll", line, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [SkippableFact]
    public async Task ConfigFileAndEnvironment_SetTheZone()
    {
        // The YAML file names the domain and listener; the environment overrides the TTL the file gives.
        var dns = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
        var api = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, $"dnsAddress: [\"{dns}=default\"]\napiAddress: \"{api}\"\nupstream: [\"127.0.0.1:9\"]\ndnsServer:\n  domain: corp\n  ttl: 99\n");
        try
        {
            await using var process = ActorDnsProcess.Start(new Dictionary<string, string> { ["ACTORDNS_DNS_SERVER_TTL"] = "42" }, "--config", file);
            await process.WaitReadyAsync(api);

            var output = await Dig.RunAsync(dns, "corp.", "SOA");

            Assert.Contains("corp.\t\t\t42\tIN\tSOA\tns.corp. hostmaster.corp.", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
    [Theory]
    [InlineData("environment")]
    [InlineData("file")]
    public async Task InvalidValue_FromTheEnvironmentOrTheFile_ExitsWithCode2AndNamesTheSetting(string source)
    {
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, source == "file" ? "dnsServer:\n  ttl: soon\n" : "{}\n");
        try
        {
            var environment = source == "environment" ? new Dictionary<string, string> { ["ACTORDNS_DNS_SERVER_TTL"] = "soon" } : [];
            await using var process = ActorDnsProcess.Start(environment, "--config", file, "--upstream", "127.0.0.1:9");

            Assert.Equal(2, await process.WaitForExitAsync(ExitTimeout));
            Assert.Equal("actordns: --dns-ttl 'soon': expected a whole number from 0 to 2147483647", Assert.Single(Lines(process.StandardError)));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task ApiPortInUse_ExitsWithCode1AndSaysWhy()
    {
        using var squatter = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        squatter.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        squatter.Listen();
        var port = ((IPEndPoint)squatter.LocalEndPoint!).Port;
        var dataDir = Directory.CreateTempSubdirectory("actordns-apiport-").FullName;

        await using var process = ActorDnsProcess.Start([.. Loopback(FreePort.Next(), port), "--data-dir", dataDir]);

        Assert.Equal(1, await process.WaitForExitAsync(ExitTimeout));
        Assert.StartsWith($"actordns: --api-address 127.0.0.1:{port}: cannot listen", Assert.Single(Lines(process.StandardError)), StringComparison.Ordinal);
        Directory.Delete(dataDir, recursive: true);
    }

    [Fact]
    public async Task SqliteJournalThatCannotBeOpened_ExitsWithCode1AndSaysWhy()
    {
        // A directory where the journal file should be: SQLite cannot open it, whoever runs the test.
        var dataDir = Directory.CreateTempSubdirectory("actordns-journal-").FullName;
        var journal = Directory.CreateDirectory(Path.Combine(dataDir, "journal.db")).FullName;

        await using var process = ActorDnsProcess.Start([.. Loopback(FreePort.Next(), FreePort.Next()), "--data-dir", dataDir, "--journal", $"sqlite:{journal}"]);

        Assert.Equal(1, await process.WaitForExitAsync(ExitTimeout));
        Assert.StartsWith($"actordns: --journal sqlite:{journal}: cannot open the journal", Assert.Single(Lines(process.StandardError)), StringComparison.Ordinal);
        Directory.Delete(dataDir, recursive: true);
    }

    [Fact]
    public async Task FlagBeatsEnvironmentBeatsFile_AndAnEnvironmentListOpensEveryListener()
    {
        var dns = new[] { new IPEndPoint(IPAddress.Loopback, FreePort.Next()), new IPEndPoint(IPAddress.Loopback, FreePort.Next()) };
        var api = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
        var dataDir = Directory.CreateTempSubdirectory("actordns-precedence-").FullName;
        var file = Path.Combine(dataDir, "config.yaml");
        await File.WriteAllTextAsync(file, "dnsServer:\n  domain: fromfile\n  ttl: 11\nupstream: [\"127.0.0.1:9\"]\n");
        var environment = new Dictionary<string, string>
        {
            ["ACTORDNS_DNS_SERVER_DOMAIN"] = "fromenv",
            ["KUMA_DNS_SERVER_CIDR"] = "10.10.0.0/16",
            ["ACTORDNS_DNS_ADDRESS"] = $"{dns[0]}=default,{dns[1]}=default",
        };

        await using var process = ActorDnsProcess.Start(environment, "--config", file, "--dns-domain", "fromflag", "--api-address", api.ToString(), "--data-dir", dataDir);
        await process.WaitReadyAsync(api);
        using var client = new ApiTestClient(api);
        Assert.Equal(System.Net.HttpStatusCode.Created, await client.PutAsync("meshes/default/dataplanes/p-1", ApiTestClient.Dataplane("default", "p-1", "p")));

        foreach (var listener in dns)
        {
            var lookup = new LookupClient(new LookupClientOptions(new NameServer(listener)) { UseCache = false, Retries = 0, Timeout = TimeSpan.FromSeconds(2) });
            var soa = await lookup.QueryAsync("fromflag", QueryType.SOA);
            Assert.Equal("ns.fromflag.", soa.Answers.SoaRecords().Single().MName.Value);
            Assert.Equal(11, soa.Answers.SoaRecords().Single().InitialTimeToLive);
            Assert.Equal([IPAddress.Parse("10.10.0.1")], (await lookup.QueryAsync("p.fromflag", QueryType.A)).Answers.ARecords().Select(a => a.Address));
        }

        await process.DisposeAsync();
        Directory.Delete(dataDir, recursive: true);
    }

    [Fact]
    public async Task ResolverWithNoReachableControlPlane_IsLiveButNotReady()
    {
        var api = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
        var dataDir = Directory.CreateTempSubdirectory("actordns-notready-").FullName;
        await using var process = ActorDnsProcess.Start("resolver", "--seed-node", $"akka.tcp://actordns@127.0.0.1:{FreePort.Next()}", "--remoting", "127.0.0.1:0",
            "--api-address", api.ToString(), "--dns-address", $"127.0.0.1:{FreePort.Next()}=default", "--upstream", "127.0.0.1:9", "--data-dir", dataDir);
        using var http = new HttpClient { BaseAddress = new Uri($"http://{api}"), Timeout = TimeSpan.FromSeconds(2) };

        await Eventually.TrueAsync(async () => await LiveAsync(http), TimeSpan.FromSeconds(20), "/health/live answers 200");
        using var ready = await http.GetAsync("/health/ready");

        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        await process.DisposeAsync();
        Directory.Delete(dataDir, recursive: true);
    }

    private static async Task<bool> LiveAsync(HttpClient http)
    {
        try
        {
            using var response = await http.GetAsync("/health/live");
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    [Fact]
    public async Task Start_JournalThatCannotBeOpened_ErrorNeverShowsItsPassword()
    {
        var dataDir = Directory.CreateTempSubdirectory("actordns-password-").FullName;
        try
        {
            await using var process = ActorDnsProcess.Start("--journal", $"postgres:Host=127.0.0.1;Port={FreePort.Next()};Database=x;Username=u;Password=Only-In-The-Flag-7",
                "--data-dir", dataDir, "--upstream", "127.0.0.1:9", "--api-address", $"127.0.0.1:{FreePort.Next()}", "--dns-address", $"127.0.0.1:{FreePort.Next()}=default");

            Assert.Equal(1, await process.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            Assert.StartsWith("actordns: --journal postgres:…: cannot open the journal", process.StandardError, StringComparison.Ordinal);
            Assert.DoesNotContain("Only-In-The-Flag-7", process.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }
}
