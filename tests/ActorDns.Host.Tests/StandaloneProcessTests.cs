using System.Net;
using System.Text.Json;
using ActorDns.Host.Tests.Support;
using ActorDns.Testing.Dns;
using ActorDns.Testing;
using DnsClient;
using Xunit;

namespace ActorDns.Host.Tests;

/// <summary>One real <c>actordns standalone</c> process, a scripted upstream, and real clients (dig, DnsClient, HTTP).</summary>
public sealed class StandaloneProcessTests(StandaloneProcessTests.Fixture fixture) : IClassFixture<StandaloneProcessTests.Fixture>
{
    public sealed class Fixture : IAsyncLifetime
    {
        public FakeUpstream Upstream { get; } = new(IPAddress.Loopback, FakeUpstream.AnswerA(IPAddress.Parse("192.0.2.7")));

        public IPEndPoint Dns { get; } = new(IPAddress.Loopback, FreePort.Next());

        public IPEndPoint Api { get; } = new(IPAddress.Loopback, FreePort.Next());

        public ActorDnsProcess Process { get; private set; } = null!;

        private readonly string _dataDir = Directory.CreateTempSubdirectory("actordns-").FullName;

        public async Task InitializeAsync()
        {
            Process = ActorDnsProcess.Start(
                "standalone", "--dns-address", $"{Dns}=default", "--api-address", Api.ToString(),
                "--upstream", Upstream.Endpoint.ToString(), "--data-dir", _dataDir);
            await Process.WaitReadyAsync(Api);
        }

        public async Task DisposeAsync()
        {
            await Process.DisposeAsync();
            Upstream.Dispose();
            Directory.Delete(_dataDir, recursive: true);
        }
    }

    [SkippableFact]
    public async Task Dig_MeshApexSoa_IsAnsweredLocally()
    {
        var before = fixture.Upstream.QueryCount;

        var output = await Dig.RunAsync(fixture.Dns, "mesh.", "SOA");

        Assert.Contains("status: NOERROR", output, StringComparison.Ordinal);
        Assert.Contains("flags: qr aa rd", output, StringComparison.Ordinal);
        Assert.Contains("ns.mesh. hostmaster.mesh.", output, StringComparison.Ordinal);
        Assert.Equal(before, fixture.Upstream.QueryCount);
    }

    [Theory]
    [InlineData("+notcp")]
    [InlineData("+tcp")]
    public async Task Dig_OtherName_IsForwardedToTheUpstream(string transport)
    {
        var output = await Dig.RunAsync(fixture.Dns, "example.org", "A", transport);

        Assert.Contains("status: NOERROR", output, StringComparison.Ordinal);
        Assert.Contains("192.0.2.7", output, StringComparison.Ordinal);
        Assert.Contains(fixture.Upstream.Queries, q => q.Transport == (transport == "+tcp" ? FakeUpstream.Transport.Tcp : FakeUpstream.Transport.Udp));
    }

    [Fact]
    public async Task DnsClient_SoaAndForwardedA_AreAnswered()
    {
        var client = new LookupClient(new LookupClientOptions(new NameServer(fixture.Dns))
        {
            UseCache = false,
            Retries = 0,
            Timeout = TimeSpan.FromSeconds(3),
        });

        var soa = await client.QueryAsync("mesh", QueryType.SOA);
        var forwarded = await client.QueryAsync("www.example.org", QueryType.A);

        Assert.False(soa.HasError);
        Assert.Equal("ns.mesh.", soa.Answers.SoaRecords().Single().MName.Value);
        Assert.Equal(IPAddress.Parse("192.0.2.7"), forwarded.Answers.ARecords().Single().Address);
    }

    [Fact]
    public void Process_WatchesNoFiles()
    {
        // ASP.NET's default configuration watch puts inotify on the working directory, where the data directory
        // often is; every journal and cache write would then wake a watcher thread.
        var descriptors = Directory.GetFiles($"/proc/{fixture.Process.Id}/fd")
            .Select(fd => new FileInfo(fd).LinkTarget)
            .ToList();

        Assert.NotEmpty(descriptors);
        Assert.DoesNotContain("anon_inode:inotify", descriptors);
    }

    [SkippableFact]
    public async Task Api_RootMetricsAndHealth_Answer()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://{fixture.Api}") };
        await Dig.RunAsync(fixture.Dns, "mesh.", "NS");

        using var root = JsonDocument.Parse(await http.GetStringAsync("/"));
        var metrics = await http.GetStringAsync("/metrics");
        var live = await http.GetAsync("/health/live");

        Assert.Equal("ActorDns", root.RootElement.GetProperty("product").GetString());
        Assert.Equal("standalone", root.RootElement.GetProperty("role").GetString());
        Assert.Contains("actordns_dns_requests_total{type=\"NS\",proto=\"udp\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("actordns_dns_request_duration_seconds_bucket", metrics, StringComparison.Ordinal);
        Assert.Matches("\\nactordns_process_allocated_bytes_total [1-9]", metrics);
        Assert.Contains("actordns_cluster_members{role=\"control-plane\",status=\"up\"} 1\n", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("role=\"downing-", metrics, StringComparison.Ordinal);
        Assert.True(live.IsSuccessStatusCode);
    }
}
