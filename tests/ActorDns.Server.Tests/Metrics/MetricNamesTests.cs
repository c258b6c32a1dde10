using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using ActorDns.Server.Query;
using ActorDns.Server.Tests.Support;
using ActorDns.Testing.Dns;
using Xunit;

namespace ActorDns.Server.Tests.Metrics;

/// <summary>A promlint-style check of every metric the data plane exports (SPEC §6: actordns_&lt;subsystem&gt;_&lt;name&gt;_&lt;unit&gt;).</summary>
public partial class MetricNamesTests
{
    [GeneratedRegex(@"^# TYPE (\S+) (\S+)$", RegexOptions.Multiline)]
    private static partial Regex TypeLine();

    [GeneratedRegex("^actordns_[a-z]+_[a-z0-9_]+$")]
    private static partial Regex Name();

    private static async Task<string> ScrapeAsync(TestServer server)
    {
        using var stream = new MemoryStream();
        await server.Registry.CollectAndExportAsTextAsync(stream);
        var text = new StringBuilder(Encoding.UTF8.GetString(stream.ToArray()));
        server.DnsMetrics.WriteDurationHistogram(text);
        return text.ToString();
    }

    [Fact]
    public async Task EveryActorDnsMetric_FollowsTheNamingRules()
    {
        using var server = new TestServer(ZoneTable.Empty(new ZoneSettings()), [new IPEndPoint(IPAddress.Loopback, 9)]);
        await DnsTestClient.UdpAsync(server.Endpoint, new QueryBuilder().Build());

        var families = TypeLine().Matches(await ScrapeAsync(server))
            .Select(m => (Name: m.Groups[1].Value, Type: m.Groups[2].Value))
            .Where(f => f.Name.StartsWith("actordns_", StringComparison.Ordinal))
            .ToList();

        Assert.True(families.Count >= 10, $"expected the DNS and forwarder families, got {families.Count}");
        Assert.All(families, f =>
        {
            Assert.Matches(Name(), f.Name);
            Assert.Equal(f.Type == "counter", f.Name.EndsWith("_total", StringComparison.Ordinal));
            if (f.Type == "histogram")
            {
                Assert.True(f.Name.EndsWith("_seconds", StringComparison.Ordinal) || f.Name.EndsWith("_bytes", StringComparison.Ordinal), f.Name);
            }
        });
    }

    [Fact]
    public async Task AnsweredQueries_AreCountedAtScrapeTime()
    {
        using var server = new TestServer(ZoneTable.Create(new ZoneSettings(), 1, [new ZoneRecord("backend.mesh", [IPAddress.Parse("240.0.0.1")])]), alternateRcodes: []);
        for (var i = 0; i < 5; i++)
        {
            await DnsTestClient.UdpAsync(server.Endpoint, new QueryBuilder().Build());
        }

        await DnsTestClient.TcpAsync(server.Endpoint, new QueryBuilder { Name = "nosuch.mesh" }.Build());
        await DnsTestClient.UdpAsync(server.Endpoint, new byte[3], TimeSpan.FromMilliseconds(100));

        var text = await ScrapeAsync(server);
        Assert.Contains("actordns_dns_requests_total{type=\"A\",proto=\"udp\"} 5", text, StringComparison.Ordinal);
        Assert.Contains("actordns_dns_responses_total{rcode=\"NXDOMAIN\",proto=\"tcp\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("actordns_dns_dropped_requests_total{proto=\"udp\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("actordns_dns_request_duration_seconds_count{proto=\"udp\"} 5", text, StringComparison.Ordinal);
    }
}
