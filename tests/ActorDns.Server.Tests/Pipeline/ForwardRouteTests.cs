using System.Net;
using ActorDns.Protocol;
using ActorDns.Server.Pipeline;
using ActorDns.Server.Tests.Pipeline.Corefile;
using ActorDns.Testing.Dns;
using Xunit;

namespace ActorDns.Server.Tests.Pipeline;

/// <summary>
/// What happens off the receive loop once a Corefile step forwards (<see cref="ForwardRoute"/>): an alternate asked
/// after the upstreams' answer, a rewritten query sent and the client's question given back, <c>alternate original</c>,
/// and the answer kept by <c>cache</c>. Real forwarders, scripted loopback upstreams.
/// </summary>
public sealed class ForwardRouteTests
{
    [Fact]
    public async Task ForwardAsync_UpstreamAnswersAnAlternatesRcode_TheAlternateAnswers()
    {
        using var first = new FakeUpstream(IPAddress.Parse("127.0.0.2"), FakeUpstream.Answer(DnsRcode.NXDomain));
        using var second = new FakeUpstream(IPAddress.Parse("127.0.0.3"), FakeUpstream.AnswerA(IPAddress.Parse("192.0.2.33")));
        using var harness = new CorefileHarness($".:16001 {{\n forward . {first.Endpoint}\n alternate NXDOMAIN . {second.Endpoint}\n}}");

        var reply = await ForwardAsync(harness, "www.example.com");

        Assert.Equal((DnsRcode.NoError, IPAddress.Parse("192.0.2.33")), (reply.Rcode, reply.Answers.Single().AsAddress()));
        Assert.Equal((1, 1), (first.Queries.Count(q => !q.IsProbe), second.Queries.Count(q => !q.IsProbe)));
    }

    [Fact]
    public async Task ForwardAsync_UpstreamAnswersAnotherRcode_TheAlternateIsNotAsked()
    {
        using var first = new FakeUpstream(IPAddress.Parse("127.0.0.2"), FakeUpstream.AnswerA(IPAddress.Parse("192.0.2.22")));
        using var second = new FakeUpstream(IPAddress.Parse("127.0.0.3"));
        using var harness = new CorefileHarness($".:16001 {{\n forward . {first.Endpoint}\n alternate NXDOMAIN,SERVFAIL . {second.Endpoint}\n}}");

        var reply = await ForwardAsync(harness, "www.example.com");

        Assert.Equal(IPAddress.Parse("192.0.2.22"), reply.Answers.Single().AsAddress());
        Assert.Equal(0, second.Queries.Count(q => !q.IsProbe));
    }

    [Fact]
    public async Task ForwardAsync_InsideARewrite_SendsTheRewrittenName_ClientGetsItsQuestion()
    {
        using var upstream = new FakeUpstream(IPAddress.Parse("127.0.0.2"), FakeUpstream.AnswerA(IPAddress.Parse("192.0.2.44")));
        using var harness = new CorefileHarness($".:16001 {{\n rewrite name suffix .corp. .example.com. answer auto\n forward . {upstream.Endpoint}\n}}");

        var reply = await ForwardAsync(harness, "WWW.corp");

        Assert.Equal("www.example.com.", upstream.Queries.Single(q => !q.IsProbe).QName);
        Assert.Equal("WWW.corp.", reply.Questions.Single().Name);
        Assert.Equal(("WWW.corp.", IPAddress.Parse("192.0.2.44")), (reply.Answers.Single().Name, reply.Answers.Single().AsAddress()));
    }

    [Fact]
    public async Task ForwardAsync_AlternateOriginal_GetsTheQueryAsItCame()
    {
        using var first = new FakeUpstream(IPAddress.Parse("127.0.0.2"), FakeUpstream.Answer(DnsRcode.NXDomain));
        using var second = new FakeUpstream(IPAddress.Parse("127.0.0.3"), FakeUpstream.AnswerA(IPAddress.Parse("192.0.2.55")));
        using var harness = new CorefileHarness(
            $".:16001 {{\n rewrite name suffix .corp. .example.com.\n forward . {first.Endpoint}\n alternate original NXDOMAIN . {second.Endpoint}\n}}");

        var reply = await ForwardAsync(harness, "db.corp");

        Assert.Equal("db.example.com.", first.Queries.Single(q => !q.IsProbe).QName);
        Assert.Equal("db.corp.", second.Queries.Single(q => !q.IsProbe).QName);
        Assert.Equal(("db.corp.", IPAddress.Parse("192.0.2.55")), (reply.Questions.Single().Name, reply.Answers.Single().AsAddress()));
    }

    [Fact]
    public async Task ForwardAsync_WithCache_TheNextQueryIsAnsweredOnTheLoop()
    {
        using var upstream = new FakeUpstream(IPAddress.Parse("127.0.0.2"), FakeUpstream.AnswerA(IPAddress.Parse("192.0.2.66"), ttl: 120));
        using var harness = new CorefileHarness($".:16001 {{\n cache 30\n forward . {upstream.Endpoint}\n}}");

        var first = await ForwardAsync(harness, "www.example.com");
        var (again, reply) = harness.Ask("WWW.example.com");

        Assert.Equal(30u, first.Answers.Single().Ttl);
        Assert.Equal(OutcomeKind.Reply, again.Kind);
        Assert.Equal(("WWW.example.com.", IPAddress.Parse("192.0.2.66")), (reply!.Answers.Single().Name, reply.Answers.Single().AsAddress()));
        Assert.Equal(1, upstream.Queries.Count(q => !q.IsProbe));
    }

    /// <summary>Asks through the harness's pipeline and completes the forward it hands off, as a transport does.</summary>
    private static async Task<DnsMessage> ForwardAsync(CorefileHarness harness, string name)
    {
        var query = new QueryBuilder { Name = name }.Build();
        var (outcome, _) = harness.Ask(name);
        Assert.Equal(OutcomeKind.Forward, outcome.Kind);
        DnsQueryParser.Parse(query, out var parsed);
        var response = new byte[ushort.MaxValue];
        var length = await outcome.Route!.ForwardAsync(query, parsed, response, overTcp: false, ReadOnlyMemory<byte>.Empty, 0);
        Assert.True(DnsMessage.TryParse(response.AsSpan(0, length), out var reply));
        return reply;
    }
}
