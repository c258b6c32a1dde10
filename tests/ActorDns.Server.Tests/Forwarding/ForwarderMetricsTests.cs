using System.Net;
using System.Net.Sockets;
using ActorDns.Protocol;
using ActorDns.Server.Forwarding;
using ActorDns.Testing.Dns;
using Prometheus;
using Xunit;

namespace ActorDns.Server.Tests.Forwarding;

/// <summary>
/// What the forwarder tells Prometheus (SPEC §6) and how it accounts for its slots: requests by transport, failures
/// by reason, the duration of each forward, the queries in flight, and the SERVFAIL a client gets when no upstream
/// answers.
/// </summary>
public sealed class ForwarderMetricsTests
{
    [Fact]
    public async Task Metrics_Exposed_WithTheirNamesHelpAndBuckets()
    {
        using var upstream = new FakeUpstream();
        using var harness = new ForwarderHarness(TestMesh.Fast with { Policy = UpstreamPolicy.Sequential }, ClosedUdpEndpoint(), upstream.Endpoint);
        await harness.ForwardAsync(TestQuery.Build("www.example.com"));

        var text = await ExportAsync(harness.Registry);

        Assert.Contains("# HELP actordns_forward_requests_total Queries sent to an upstream, by upstream and transport.\n", text, StringComparison.Ordinal);
        Assert.Contains("# HELP actordns_forward_failures_total Upstream tries that failed, by upstream and reason.\n", text, StringComparison.Ordinal);
        Assert.Contains("# HELP actordns_forward_duration_seconds Time from receiving a client query to relaying the upstream's answer.\n", text, StringComparison.Ordinal);
        Assert.Contains("# HELP actordns_forward_max_concurrent_rejects_total Queries answered REFUSED because too many were outstanding upstream.\n", text, StringComparison.Ordinal);
        Assert.Contains("# HELP actordns_forward_unwanted_replies_total Upstream replies dropped for a wrong ID, question or format.\n", text, StringComparison.Ordinal);
        Assert.Contains("# HELP actordns_forward_in_flight_queries Client queries currently waiting on an upstream.\n", text, StringComparison.Ordinal);
        Assert.Contains("# HELP actordns_forward_upstream_healthy 1 when the upstream is considered healthy.\n", text, StringComparison.Ordinal);
        Assert.Contains("actordns_forward_duration_seconds_bucket{le=\"0.0001\"} ", text, StringComparison.Ordinal);
        Assert.Contains("actordns_forward_duration_seconds_bucket{le=\"3.2768\"} ", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forward_OverUdpThenTcp_CountedByTransport_EachDurationObserved()
    {
        using var upstream = new FakeUpstream();
        using var harness = new ForwarderHarness(TestMesh.Fast, upstream.Endpoint);

        await harness.ForwardAsync(TestQuery.Build("udp.example.com"));
        await harness.ForwardAsync(TestQuery.Build("tcp.example.com"), overTcp: true);

        var label = MetricsText.Upstream(upstream.Endpoint);
        Assert.Equal(1, await MetricsText.ReadAsync(harness.Registry, "actordns_forward_requests_total", $"{label},proto=\"udp\""));
        Assert.Equal(1, await MetricsText.ReadAsync(harness.Registry, "actordns_forward_requests_total", $"{label},proto=\"tcp\""));
        Assert.Equal(2, await MetricsText.ReadAsync(harness.Registry, "actordns_forward_duration_seconds_count"));
    }

    [Fact]
    public async Task TryEnter_SlotsAndInFlightGauge_FollowEveryForwardAndRefusal()
    {
        using var upstream = new FakeUpstream();
        using var harness = new ForwarderHarness(TestMesh.Fast with { MaxConcurrent = 1 }, upstream.Endpoint);
        var query = TestQuery.Build("www.example.com");
        Assert.Equal(QueryParseStatus.Ok, DnsQueryParser.Parse(query, out var parsed));

        Assert.True(harness.Forwarder.TryEnter());
        var inFlight = await MetricsText.ReadAsync(harness.Registry, "actordns_forward_in_flight_queries");
        Assert.False(harness.Forwarder.TryEnter());
        await harness.Forwarder.ForwardAsync(query, parsed, new byte[ushort.MaxValue], overTcp: false);

        Assert.Equal(1, inFlight);
        Assert.Equal(0, await MetricsText.ReadAsync(harness.Registry, "actordns_forward_in_flight_queries"));
        Assert.Equal(1, await MetricsText.ReadAsync(harness.Registry, "actordns_forward_max_concurrent_rejects_total"));
        Assert.True(harness.Forwarder.TryEnter(), "the slot of the finished forward and of the refusal are both free again");
    }

    [Theory]
    [InlineData(DnsHeaderFlags.RD)]
    [InlineData(0)]
    public async Task Forward_NoUpstreamAnswers_ServFailWithRaAndTheClientsRd_NotAnswered(ushort clientFlags)
    {
        using var harness = new ForwarderHarness(TestMesh.Fast, ClosedUdpEndpoint());

        var (reply, answered) = await harness.ForwardWithResultAsync(TestQuery.Build("www.example.com", flags: clientFlags, id: 0x5EF));

        var message = TestQuery.Parse(reply);
        Assert.False(answered);
        Assert.Equal((0x5EF, DnsRcode.ServFail), (message.Id, message.Rcode));
        Assert.True(message.Has(DnsHeaderFlags.RA));
        Assert.Equal(clientFlags != 0, message.Has(DnsHeaderFlags.RD));
    }

    private static IPEndPoint ClosedUdpEndpoint()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return (IPEndPoint)probe.LocalEndPoint!;
    }

    private static async Task<string> ExportAsync(CollectorRegistry registry)
    {
        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
