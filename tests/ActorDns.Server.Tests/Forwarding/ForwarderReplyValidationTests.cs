using ActorDns.Protocol;
using ActorDns.Testing;
using ActorDns.Testing.Dns;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace ActorDns.Server.Tests.Forwarding;

/// <summary>
/// Replies with the right ID that are still not an answer to our question, or not a DNS message at all:
/// never relayed, SERVFAIL once the try times out (conformance F-05, F-07, F-08). Driven directly through
/// <see cref="ActorDns.Server.Forwarding.Forwarder.ForwardAsync"/>.
/// </summary>
public class ForwarderReplyValidationTests
{
    [Theory]
    [InlineData(FakeUpstream.BadReply.WrongName)]
    [InlineData(FakeUpstream.BadReply.WrongType)]
    [InlineData(FakeUpstream.BadReply.WrongClass)]
    [InlineData(FakeUpstream.BadReply.NoQuestion)]
    [InlineData(FakeUpstream.BadReply.TwoQuestions)]
    [InlineData(FakeUpstream.BadReply.NotAResponse)]
    [InlineData(FakeUpstream.BadReply.Garbage)]
    [InlineData(FakeUpstream.BadReply.SixBytes)]
    [InlineData(FakeUpstream.BadReply.HeaderOnly)]
    [InlineData(FakeUpstream.BadReply.SelfPointer)]
    [InlineData(FakeUpstream.BadReply.RdLengthOverrun)]
    public async Task ForwardAsync_BadReplyOverUdp_ServFailAndNothingRelayed(FakeUpstream.BadReply kind)
    {
        using var upstream = new FakeUpstream(script: FakeUpstream.Bad(kind));
        var options = TestMesh.Fast with { TryTimeout = TimeSpan.FromMilliseconds(500), TotalTimeout = TimeSpan.FromSeconds(10) };
        var clock = new FakeTimeProvider();
        using var forwarder = new ForwarderHarness(options, clock, upstream.Endpoint);

        var pending = forwarder.ForwardAsync(TestQuery.Build("www.example.com", id: 0x0BAD));
        await upstream.WaitForSentAsync(1);
        await Eventually.TrueAsync(
            async () => await MetricsText.ReadAsync(forwarder.Registry, "actordns_forward_unwanted_replies_total") == 1,
            TimeSpan.FromSeconds(10), "the bad reply counted as unwanted");
        Assert.False(pending.IsCompleted, "the bad reply was taken as the answer");
        // The per-try timeout ends it, long before the total deadline.
        clock.Advance(options.TryTimeout);

        var reply = TestQuery.Parse(await pending);
        AssertServFailWithNothingRelayed(reply);
        Assert.Equal(1, upstream.SentCount);
        Assert.Equal(1, await MetricsText.ReadAsync(forwarder.Registry, "actordns_forward_unwanted_replies_total"));
    }

    [Theory]
    [InlineData(FakeUpstream.BadReply.WrongName)]
    [InlineData(FakeUpstream.BadReply.NotAResponse)]
    [InlineData(FakeUpstream.BadReply.RdLengthOverrun)]
    public async Task ForwardAsync_BadReplyOverTcp_ServFailAndNothingRelayed(FakeUpstream.BadReply kind)
    {
        using var upstream = new FakeUpstream(script: FakeUpstream.Bad(kind));
        using var forwarder = new ForwarderHarness(TestMesh.Fast with { TryTimeout = TimeSpan.FromMilliseconds(500) }, upstream.Endpoint);

        var reply = TestQuery.Parse(await forwarder.ForwardAsync(TestQuery.Build("www.example.com", id: 0x0BAD), overTcp: true));

        AssertServFailWithNothingRelayed(reply);
        Assert.All(upstream.Queries, q => Assert.Equal(FakeUpstream.Transport.Tcp, q.Transport));
    }

    [Fact]
    public async Task ForwardAsync_BadReplyThenGenuine_GenuineRelayed()
    {
        using var upstream = new FakeUpstream();
        upstream.Script = query => FakeUpstream.Reply.Of(
            FakeUpstream.BuildBadReply(query, FakeUpstream.BadReply.NotAResponse),
            FakeUpstream.BuildBadReply(query, FakeUpstream.BadReply.WrongName),
            FakeUpstream.BuildReply(query, DnsRcode.NoError, [FakeUpstream.DefaultAddress], 300));
        using var forwarder = new ForwarderHarness(TestMesh.Patient, upstream.Endpoint);

        var reply = TestQuery.Parse(await forwarder.ForwardAsync(TestQuery.Build("www.example.com", id: 0x600D)));

        Assert.Equal(0x600D, reply.Id);
        Assert.Equal([FakeUpstream.DefaultAddress], reply.Addresses());
        Assert.Equal(2, await MetricsText.ReadAsync(forwarder.Registry, "actordns_forward_unwanted_replies_total"));
    }

    [Fact]
    public async Task ForwardAsync_NoUpstreams_ServFailAtOnce()
    {
        using var forwarder = new ForwarderHarness(TestMesh.Patient);

        var reply = TestQuery.Parse(await forwarder.ForwardAsync(TestQuery.Build("www.example.com", id: 0x0001)));

        Assert.Equal(0x0001, reply.Id);
        Assert.Equal(DnsRcode.ServFail, reply.Rcode);
    }

    private static void AssertServFailWithNothingRelayed(DnsMessage reply)
    {
        Assert.Equal(0x0BAD, reply.Id);
        Assert.Equal(DnsRcode.ServFail, reply.Rcode);
        Assert.True(reply.Has(DnsHeaderFlags.QR));
        Assert.Equal("www.example.com.", Assert.Single(reply.Questions).Name);
        Assert.Empty(reply.Answers);
        Assert.Empty(reply.Authorities);
        Assert.Empty(reply.Additionals);
    }
}
