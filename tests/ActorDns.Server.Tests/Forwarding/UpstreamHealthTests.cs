using System.Net;
using ActorDns.Protocol;
using ActorDns.Server.Tests.Support;
using ActorDns.Testing.Dns;
using ActorDns.Testing;
using Xunit;

namespace ActorDns.Server.Tests.Forwarding;

/// <summary>
/// Upstream health (conformance F-15): down after <c>MaxFails</c> consecutive failed tries, skipped while
/// down, probed with <c>. IN NS</c>, back up on any parseable reply. With every upstream down the
/// forwarder still tries them (CoreDNS's default), it does not fail fast.
/// </summary>
public class UpstreamHealthTests
{
    private static readonly IPAddress FirstAnswer = IPAddress.Parse("198.51.100.1");
    private static readonly IPAddress SecondAnswer = IPAddress.Parse("198.51.100.2");

    [Fact]
    public async Task Forward_UpstreamFailsMaxFailsTimes_MarkedDownSkippedThenProbedBackUp()
    {
        using var first = new FakeUpstream(IPAddress.Parse("127.0.0.2"), FakeUpstream.Silent);
        using var second = new FakeUpstream(IPAddress.Parse("127.0.0.3"), FakeUpstream.AnswerA(SecondAnswer));
        var options = TestMesh.Fast with
        {
            TryTimeout = TimeSpan.FromMilliseconds(600),
            TotalTimeout = TimeSpan.FromSeconds(4),
            MaxFails = 2,
            HealthCheckInterval = TimeSpan.FromMilliseconds(100),
        };
        using var server = TestMesh.Server(options, first, second);
        var firstLabel = MetricsText.Upstream(first.Endpoint);
        static bool Regular(FakeUpstream.Received q) => !q.IsProbe;

        // Two timeouts on the first upstream, each answered by the second.
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(1, await MetricsText.ReadAsync(server.Registry, "actordns_forward_upstream_healthy", firstLabel));
            Assert.Equal([SecondAnswer], await AskAsync(server, $"fail{i}.example.com"));
        }

        Assert.Equal(0, await MetricsText.ReadAsync(server.Registry, "actordns_forward_upstream_healthy", firstLabel));

        // Down: the sequential policy now starts with the second upstream; the first is not asked.
        Assert.Equal([SecondAnswer], await AskAsync(server, "skipped.example.com"));
        Assert.Equal(2, first.Queries.Count(Regular));
        Assert.Equal(3, second.QueryCount);

        // Probes go to the first upstream; a REFUSED to the probe counts as alive.
        await first.WaitForQueriesAsync(1, filter: q => q.IsProbe);
        first.Script = q => q.IsProbe ? FakeUpstream.Answer(DnsRcode.Refused)(q) : FakeUpstream.AnswerA(FirstAnswer)(q);
        await Eventually.TrueAsync(
            async () => await MetricsText.ReadAsync(server.Registry, "actordns_forward_upstream_healthy", firstLabel) == 1,
            TimeSpan.FromSeconds(5),
            "upstream healthy again after a successful probe");

        Assert.Equal([FirstAnswer], await AskAsync(server, "back.example.com"));
        Assert.Equal(3, first.Queries.Count(Regular));
        Assert.Equal(3, second.QueryCount);
    }

    [Fact]
    public async Task Forward_OnlyUpstreamDown_StillAskedAndUpAgainOnAnswer()
    {
        using var upstream = new FakeUpstream(script: FakeUpstream.Silent);
        var options = TestMesh.Fast with
        {
            TryTimeout = TimeSpan.FromMilliseconds(600),
            MaxFails = 1,
            HealthCheckInterval = TimeSpan.FromMinutes(5), // no probe during this test
        };
        using var server = TestMesh.Server(options, upstream);
        var label = MetricsText.Upstream(upstream.Endpoint);

        var failed = TestQuery.Parse(await DnsTestClient.UdpAsync(server.Endpoint, TestQuery.Build("down.example.com"), TestMesh.ClientTimeout));
        Assert.Equal(DnsRcode.ServFail, failed.Rcode);
        Assert.Equal(0, await MetricsText.ReadAsync(server.Registry, "actordns_forward_upstream_healthy", label));

        upstream.Script = FakeUpstream.AnswerA(FirstAnswer);
        Assert.Equal([FirstAnswer], await AskAsync(server, "up.example.com"));
        Assert.Equal(1, await MetricsText.ReadAsync(server.Registry, "actordns_forward_upstream_healthy", label));
        Assert.DoesNotContain(upstream.Queries, q => q.IsProbe);
    }

    private static async Task<IPAddress[]> AskAsync(TestServer server, string name) =>
        TestQuery.Parse(await DnsTestClient.UdpAsync(server.Endpoint, TestQuery.Build(name), TestMesh.ClientTimeout)).Addresses();
}
