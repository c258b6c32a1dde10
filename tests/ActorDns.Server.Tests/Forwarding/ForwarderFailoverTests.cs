using System.Net;
using System.Net.Sockets;
using ActorDns.Protocol;
using ActorDns.Server.Forwarding;
using ActorDns.Server.Tests.Support;
using ActorDns.Testing.Dns;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace ActorDns.Server.Tests.Forwarding;

/// <summary>
/// Several upstreams: failover on error rcodes and on silence, the overall deadline, and the order the
/// policies produce (conformance F-13, F-14, F-16), end to end through a real listener.
/// </summary>
public class ForwarderFailoverTests
{
    private static readonly IPAddress SecondAnswer = IPAddress.Parse("198.51.100.2");

    [Theory]
    [InlineData(DnsRcode.ServFail, 1)]
    [InlineData(DnsRcode.Refused, 1)]
    [InlineData(DnsRcode.NotImp, 2)]
    [InlineData(DnsRcode.FormErr, 2)]
    public async Task Forward_FirstUpstreamAnswersError_NextUpstreamAnswerRelayed(DnsRcode error, int firstUpstreamQueries)
    {
        // FORMERR and NOTIMP are first taken as "no EDNS here" and asked again without OPT (F-25).
        using var first = new FakeUpstream(IPAddress.Parse("127.0.0.2"), FakeUpstream.Answer(error));
        using var second = new FakeUpstream(IPAddress.Parse("127.0.0.3"), FakeUpstream.AnswerA(SecondAnswer));
        using var server = TestMesh.Server(TestMesh.Patient, first, second);

        var reply = TestQuery.Parse(await DnsTestClient.UdpAsync(server.Endpoint, TestQuery.Build("www.example.com"), TestMesh.ClientTimeout));

        Assert.Equal(DnsRcode.NoError, reply.Rcode);
        Assert.Equal([SecondAnswer], reply.Addresses());
        Assert.Equal(firstUpstreamQueries, first.QueryCount);
        Assert.Equal(1, second.QueryCount);
    }

    /// <summary>The last upstream's error is relayed as it is (dnsdist's mapping, not Unbound's SERVFAIL-for-all).</summary>
    [Theory]
    [InlineData(DnsRcode.ServFail, DnsRcode.Refused)]
    [InlineData(DnsRcode.Refused, DnsRcode.ServFail)]
    public async Task Forward_AllUpstreamsAnswerErrors_LastAnswerRelayed(DnsRcode firstError, DnsRcode lastError)
    {
        using var first = new FakeUpstream(IPAddress.Parse("127.0.0.2"), FakeUpstream.Answer(firstError));
        using var second = new FakeUpstream(IPAddress.Parse("127.0.0.3"), FakeUpstream.Answer(lastError));
        using var server = TestMesh.Server(TestMesh.Patient, first, second);

        var reply = TestQuery.Parse(await DnsTestClient.UdpAsync(server.Endpoint, TestQuery.Build("www.example.com", id: 0xE44), TestMesh.ClientTimeout));

        Assert.Equal(0xE44, reply.Id);
        Assert.Equal(lastError, reply.Rcode);
        Assert.True(reply.Has(DnsHeaderFlags.RA));
        Assert.Equal(1, first.QueryCount);
        Assert.Equal(1, second.QueryCount);
    }

    [Fact]
    public async Task Forward_ErrorThenRejectedReplyFromTheNext_FirstAnswerRelayedIntact()
    {
        // Regression: the second upstream's rejected datagram must not overwrite the answer kept from the first.
        using var first = new FakeUpstream(IPAddress.Parse("127.0.0.2"), FakeUpstream.Answer(DnsRcode.ServFail));
        using var second = new FakeUpstream(IPAddress.Parse("127.0.0.3"), FakeUpstream.Bad(FakeUpstream.BadReply.RdLengthOverrun));
        using var server = TestMesh.Server(TestMesh.Patient, first, second);

        var wire = await DnsTestClient.UdpAsync(server.Endpoint, TestQuery.Build("www.example.com", id: 0xBEE), TestMesh.ClientTimeout);

        Assert.NotNull(wire);
        Assert.True(DnsMessage.TryParse(wire, out var reply), "the relayed reply must be well-formed");
        Assert.Equal(0xBEE, reply.Id);
        Assert.Equal(DnsRcode.ServFail, reply.Rcode);
        Assert.Equal(1, second.QueryCount);
    }

    [Fact]
    public async Task Forward_FirstUpstreamSilent_NextUpstreamAfterTryTimeout()
    {
        using var first = new FakeUpstream(IPAddress.Parse("127.0.0.2"), FakeUpstream.Silent);
        using var second = new FakeUpstream(IPAddress.Parse("127.0.0.3"), FakeUpstream.AnswerA(SecondAnswer));
        var options = TestMesh.Fast with { TryTimeout = TimeSpan.FromMilliseconds(800), TotalTimeout = TimeSpan.FromSeconds(4) };
        var clock = new FakeTimeProvider();
        using var server = TestMesh.Server(options, clock, first, second);

        var pending = DnsTestClient.UdpAsync(server.Endpoint, TestQuery.Build("www.example.com"), TestMesh.ClientTimeout);
        await first.WaitForQueriesAsync(1);
        clock.Advance(options.TryTimeout - TimeSpan.FromMilliseconds(1));
        await Task.Delay(100);
        Assert.Equal(0, second.QueryCount);
        Assert.False(pending.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(1));

        var reply = TestQuery.Parse(await pending);
        Assert.Equal([SecondAnswer], reply.Addresses());
        Assert.Equal(1, first.QueryCount);
        Assert.Equal(1, second.QueryCount);
        Assert.Equal(1, await MetricsText.ReadAsync(server.Registry, "actordns_forward_failures_total", $"{MetricsText.Upstream(first.Endpoint)},reason=\"timeout\""));
    }

    [Fact]
    public async Task Forward_FirstUpstreamPortClosed_NextUpstreamWithoutWaitingForTimeout()
    {
        var closed = ClosedUdpEndpoint();
        using var second = new FakeUpstream(IPAddress.Parse("127.0.0.3"), FakeUpstream.AnswerA(SecondAnswer));
        var options = TestMesh.Fast with { TryTimeout = TimeSpan.FromSeconds(4), TotalTimeout = TimeSpan.FromSeconds(8) };
        // The clock never moves: no timeout can fire, so an answer at all means the refusal moved on by itself.
        using var server = new TestServer(TestMesh.Table(), [closed, second.Endpoint], options, clock: new FakeTimeProvider());

        var reply = TestQuery.Parse(await DnsTestClient.UdpAsync(server.Endpoint, TestQuery.Build("www.example.com"), TestMesh.ClientTimeout));

        Assert.Equal([SecondAnswer], reply.Addresses());
        Assert.Equal(1, second.QueryCount);
        Assert.Equal(1, await MetricsText.ReadAsync(server.Registry, "actordns_forward_failures_total", $"{MetricsText.Upstream(closed)},reason=\"ConnectionRefused\""));
    }

    /// <summary>
    /// The overall deadline cuts even a try that could go on: SERVFAIL at the deadline, well before the try
    /// timeout, and no further upstream. (Moving on after a silent upstream is the test above.)
    /// </summary>
    [Fact]
    public async Task Forward_AllUpstreamsSilent_ServFailAtTotalDeadline()
    {
        using var first = new FakeUpstream(IPAddress.Parse("127.0.0.1"), FakeUpstream.Silent);
        using var second = new FakeUpstream(IPAddress.Parse("127.0.0.2"), FakeUpstream.Silent);
        using var third = new FakeUpstream(IPAddress.Parse("127.0.0.3"), FakeUpstream.Silent);
        var options = TestMesh.Fast with { TryTimeout = TimeSpan.FromSeconds(3), TotalTimeout = TimeSpan.FromSeconds(1) };
        var clock = new FakeTimeProvider();
        using var server = TestMesh.Server(options, clock, first, second, third);

        var pending = DnsTestClient.UdpAsync(server.Endpoint, TestQuery.Build("www.example.com", id: 0xDEAD), TestMesh.ClientTimeout);
        await first.WaitForQueriesAsync(1);
        clock.Advance(options.TotalTimeout);

        var reply = TestQuery.Parse(await pending);
        Assert.Equal(0xDEAD, reply.Id);
        Assert.Equal(DnsRcode.ServFail, reply.Rcode);
        Assert.Equal(1, first.QueryCount);
        Assert.Equal(0, second.QueryCount);
        Assert.Equal(0, third.QueryCount);
        Assert.Null(await MetricsText.ReadAsync(server.Registry, "actordns_forward_failures_total", MetricsText.Upstream(second.Endpoint)));
    }

    [Fact]
    public async Task Forward_ReplyAfterDeadline_ClientGetsOnlyTheServFail()
    {
        using var upstream = new FakeUpstream(script: FakeUpstream.Delayed(TimeSpan.FromMilliseconds(1000), FakeUpstream.AnswerA()));
        var options = TestMesh.Fast with { TryTimeout = TimeSpan.FromMilliseconds(300), TotalTimeout = TimeSpan.FromMilliseconds(300) };
        using var server = TestMesh.Server(options, upstream);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        await client.ConnectAsync(server.Endpoint);
        await client.SendAsync(TestQuery.Build("www.example.com"), SocketFlags.None);

        var first = await ReceiveAsync(client, TestMesh.ClientTimeout);
        await upstream.WaitForSentAsync(1);
        var second = await ReceiveAsync(client, TimeSpan.FromMilliseconds(300));

        Assert.Equal(DnsRcode.ServFail, TestQuery.Parse(first).Rcode);
        Assert.True(second is null, $"a second reply reached the client: {(second is null ? "" : TestQuery.Parse(second))}");
    }

    [Fact]
    public async Task Forward_SequentialPolicy_AlwaysAsksFirstUpstream()
    {
        using var upstreams = new ThreeUpstreams();
        using var server = TestMesh.Server(TestMesh.Patient with { Policy = UpstreamPolicy.Sequential }, upstreams.All);

        var owners = await AskAsync(server, upstreams.All, 30);

        Assert.All(owners, owner => Assert.Equal(0, owner));
    }

    [Fact]
    public async Task Forward_RoundRobinPolicy_CyclesThroughUpstreams()
    {
        using var upstreams = new ThreeUpstreams();
        using var server = TestMesh.Server(TestMesh.Patient with { Policy = UpstreamPolicy.RoundRobin }, upstreams.All);

        var owners = await AskAsync(server, upstreams.All, 30);

        Assert.Equal(3, owners.Take(3).Distinct().Count());
        Assert.All(Enumerable.Range(0, owners.Length), i => Assert.Equal(owners[i % 3], owners[i]));
    }

    [Fact]
    public async Task Forward_RandomPolicy_SpreadsOverUpstreams()
    {
        using var upstreams = new ThreeUpstreams();
        using var server = TestMesh.Server(TestMesh.Patient with { Policy = UpstreamPolicy.Random }, upstreams.All);

        var owners = await AskAsync(server, upstreams.All, 60);

        // TestServer seeds its Random, so this is one fixed sequence; it must use every upstream and not cycle.
        Assert.All(Enumerable.Range(0, 3), u => Assert.InRange(owners.Count(o => o == u), 5, 40));
        Assert.Contains(Enumerable.Range(3, owners.Length - 3), i => owners[i] != owners[i % 3]);
    }


    /// <summary>Asks <paramref name="count"/> distinct names one after another; returns, per query, the index of the upstream that answered.</summary>
    private static async Task<int[]> AskAsync(TestServer server, FakeUpstream[] upstreams, int count)
    {
        var owners = new int[count];
        for (var i = 0; i < count; i++)
        {
            var reply = TestQuery.Parse(await DnsTestClient.UdpAsync(server.Endpoint, TestQuery.Build($"n{i}.example.com"), TestMesh.ClientTimeout));
            owners[i] = Assert.Single(reply.Addresses()).GetAddressBytes()[3] - 1;
        }

        Assert.Equal(count, upstreams.Sum(u => u.QueryCount));
        return owners;
    }

    private static async Task<byte[]?> ReceiveAsync(Socket socket, TimeSpan timeout)
    {
        var buffer = new byte[ushort.MaxValue];
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            var length = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellation.Token);
            return buffer[..length];
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>A loopback UDP port with nothing bound: datagrams to it draw ICMP port unreachable.</summary>
    private static IPEndPoint ClosedUdpEndpoint()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
        return (IPEndPoint)probe.LocalEndPoint!;
    }

    /// <summary>Upstreams on 127.0.0.1–3, the i-th answering 198.51.100.i.</summary>
    private sealed class ThreeUpstreams : IDisposable
    {
        public FakeUpstream[] All { get; } =
            [.. Enumerable.Range(1, 3).Select(i => new FakeUpstream(IPAddress.Parse($"127.0.0.{i}"), FakeUpstream.AnswerA(IPAddress.Parse($"198.51.100.{i}"))))];

        public void Dispose()
        {
            foreach (var upstream in All)
            {
                upstream.Dispose();
            }
        }
    }
}
