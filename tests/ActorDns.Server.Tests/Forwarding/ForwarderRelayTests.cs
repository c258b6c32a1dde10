using System.Buffers.Binary;
using System.Net;
using ActorDns.Protocol;
using ActorDns.Testing.Dns;
using Xunit;

namespace ActorDns.Server.Tests.Forwarding;

/// <summary>
/// What the client sees of a forwarded answer, and what the upstream sees of the client's query
/// (conformance F-10, F-11, F-22, F-25, P-53, P-54), end to end through a real listener.
/// </summary>
public class ForwarderRelayTests
{
    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public async Task Forward_ClientFlagsAndCase_RestoredInReplyWithRaSet(bool rd, bool cd)
    {
        using var upstream = new FakeUpstream();
        using var server = TestMesh.Server(TestMesh.Patient, upstream);
        var flags = (ushort)((rd ? DnsHeaderFlags.RD : 0) | (cd ? DnsHeaderFlags.CD : 0));
        var query = TestQuery.Build("WwW.ExAmPlE.CoM", id: 0xBEEF, flags: flags);

        var bytes = await DnsTestClient.UdpAsync(server.Endpoint, query, TestMesh.ClientTimeout);

        var reply = TestQuery.Parse(bytes);
        Assert.Equal(0xBEEF, reply.Id);
        Assert.Equal(query.AsSpan(DnsHeader.Size, query.Length - DnsHeader.Size), bytes.AsSpan(DnsHeader.Size, query.Length - DnsHeader.Size));
        Assert.True(reply.Has(DnsHeaderFlags.QR));
        Assert.True(reply.Has(DnsHeaderFlags.RA));
        Assert.Equal(rd, reply.Has(DnsHeaderFlags.RD));
        Assert.Equal(cd, reply.Has(DnsHeaderFlags.CD));
        Assert.Equal([FakeUpstream.DefaultAddress], reply.Addresses());
        var sent = Assert.Single(upstream.Queries);
        Assert.Equal("WwW.ExAmPlE.CoM.", sent.QName);
        Assert.Equal(flags, sent.Flags);
    }

    /// <summary>The upstream may change the letter case of the question (RFC 4343): still our question, and the client sees its own case.</summary>
    [Fact]
    public async Task Forward_UpstreamChangesQuestionCase_AcceptedAndClientCaseKept()
    {
        using var upstream = new FakeUpstream();
        upstream.Script = query =>
        {
            var reply = FakeUpstream.BuildReply(query, DnsRcode.NoError, [FakeUpstream.DefaultAddress], 300);
            for (var i = DnsHeader.Size; i < DnsHeader.Size + query.Question.Length - 4; i++)
            {
                reply[i] = (byte)char.ToUpperInvariant((char)reply[i]);
            }

            return FakeUpstream.Reply.Of(reply);
        };
        using var server = TestMesh.Server(TestMesh.Patient, upstream);

        var reply = TestQuery.Parse(await DnsTestClient.UdpAsync(server.Endpoint, TestQuery.Build("www.Example.com"), TestMesh.ClientTimeout));

        Assert.Equal("www.Example.com.", Assert.Single(reply.Questions).Name);
        Assert.Equal([FakeUpstream.DefaultAddress], reply.Addresses());
    }

    [Theory]
    [InlineData(0x80000000u, 0u)]
    [InlineData(0xFFFFFFFFu, 0u)]
    [InlineData(0x7FFFFFFFu, 0x7FFFFFFFu)]
    [InlineData(300u, 300u)]
    public async Task Forward_UpstreamTtl_TwoToThe31OrAboveRelayedAsZero(uint upstreamTtl, uint relayedTtl)
    {
        using var upstream = new FakeUpstream(script: FakeUpstream.AnswerA(ttl: upstreamTtl, count: 2));
        using var server = TestMesh.Server(TestMesh.Patient, upstream);

        var reply = TestQuery.Parse(await DnsTestClient.UdpAsync(server.Endpoint, TestQuery.Build("www.example.com"), TestMesh.ClientTimeout));

        Assert.Equal(2, reply.Answers.Count);
        Assert.All(reply.Answers, answer => Assert.Equal(relayedTtl, answer.Ttl));
    }

    [Fact]
    public async Task Forward_UpstreamSetsTcOverUdp_SameQuestionAskedOverTcp()
    {
        using var upstream = new FakeUpstream(script: FakeUpstream.TruncatedOverUdp(FakeUpstream.AnswerA(count: 3)));
        using var server = TestMesh.Server(TestMesh.Patient, upstream);

        var reply = TestQuery.Parse(await DnsTestClient.UdpAsync(server.Endpoint, TestQuery.Build("big.example.com"), TestMesh.ClientTimeout));

        Assert.False(reply.Has(DnsHeaderFlags.TC));
        Assert.Equal(3, reply.Answers.Count);
        var queries = upstream.Queries;
        Assert.Equal([FakeUpstream.Transport.Udp, FakeUpstream.Transport.Tcp], queries.Select(q => q.Transport));
        Assert.Equal(queries[0].Question, queries[1].Question);
    }

    /// <summary>
    /// A UDP reply is read into a few KB (every query offers 1232 bytes): an upstream that sends more over UDP anyway,
    /// without TC, may have been cut to fit, so the same question is asked over TCP, as for TC.
    /// </summary>
    [Fact]
    public async Task Forward_UpstreamUdpReplyLargerThanOffered_SameQuestionAskedOverTcp()
    {
        var large = FakeUpstream.AnswerA(count: 300);
        var small = FakeUpstream.AnswerA(count: 3);
        using var upstream = new FakeUpstream(script: query => query.Transport == FakeUpstream.Transport.Tcp ? small(query) : large(query));
        using var server = TestMesh.Server(TestMesh.Patient, upstream);

        var reply = TestQuery.Parse(await DnsTestClient.UdpAsync(server.Endpoint, TestQuery.Build("big.example.com"), TestMesh.ClientTimeout));

        Assert.Equal(3, reply.Answers.Count);
        Assert.Equal([FakeUpstream.Transport.Udp, FakeUpstream.Transport.Tcp], upstream.Queries.Select(q => q.Transport));
    }

    [Fact]
    public async Task Forward_TcpClient_AskedUpstreamOverTcp()
    {
        using var upstream = new FakeUpstream();
        using var server = TestMesh.Server(TestMesh.Patient, upstream);

        var reply = TestQuery.Parse(await DnsTestClient.TcpAsync(server.Endpoint, TestQuery.Build("www.example.com", id: 0x7C9), TestMesh.ClientTimeout));

        Assert.Equal(0x7C9, reply.Id);
        Assert.Equal([FakeUpstream.DefaultAddress], reply.Addresses());
        Assert.Equal(FakeUpstream.Transport.Tcp, Assert.Single(upstream.Queries).Transport);
    }

    [Fact]
    public async Task Forward_UpstreamFormErrToEdns_RetriedWithoutOpt()
    {
        using var upstream = new FakeUpstream(script: FakeUpstream.FormErrToEdns(FakeUpstream.AnswerA()));
        using var server = TestMesh.Server(TestMesh.Patient, upstream);

        var reply = TestQuery.Parse(await DnsTestClient.UdpAsync(server.Endpoint, TestQuery.Build("www.example.com", optPayload: 1232), TestMesh.ClientTimeout));

        Assert.Equal(DnsRcode.NoError, reply.Rcode);
        Assert.Equal([FakeUpstream.DefaultAddress], reply.Addresses());
        Assert.NotNull(reply.Opt());
        var queries = upstream.Queries;
        Assert.Equal(2, queries.Count);
        Assert.Equal(EdnsInfo.ServerPayloadSize, queries[0].Opt?.Class);
        Assert.False(queries[1].HasOpt);
        Assert.Equal(0, queries[1].ArCount);
    }

    [Fact]
    public async Task Forward_ClientEdnsOptions_NotRelayedUpstreamOrBack()
    {
        using var upstream = new FakeUpstream();
        using var server = TestMesh.Server(TestMesh.Patient, upstream);
        var query = TestQuery.Build("www.example.com", optPayload: 4096, optRdata: TestQuery.ClientOptions());
        BinaryPrimitives.WriteUInt16BigEndian(query.AsSpan(query.Length - 4 - TestQuery.ClientOptions().Length), EdnsInfo.DnssecOk);

        var reply = TestQuery.Parse(await DnsTestClient.UdpAsync(server.Endpoint, query, TestMesh.ClientTimeout));

        var sent = Assert.Single(upstream.Queries).Opt;
        Assert.NotNull(sent);
        Assert.Equal(EdnsInfo.ServerPayloadSize, sent.Class);
        Assert.Empty(sent.Data);
        Assert.Equal(EdnsInfo.DnssecOk, sent.Ttl & 0xFFFF);
        var opt = reply.Opt();
        Assert.NotNull(opt);
        Assert.Equal(EdnsInfo.ServerPayloadSize, opt.Class);
        Assert.Empty(opt.Data);
        Assert.Single(reply.Additionals);
    }

    [Fact]
    public async Task Forward_ClientWithoutOpt_ReplyHasNoOpt()
    {
        // The upstream is asked with EDNS and puts an OPT in its reply; that OPT is ours, not the client's.
        using var upstream = new FakeUpstream();
        using var server = TestMesh.Server(TestMesh.Patient, upstream);

        var reply = TestQuery.Parse(await DnsTestClient.UdpAsync(server.Endpoint, TestQuery.Build("www.example.com"), TestMesh.ClientTimeout));

        Assert.True(Assert.Single(upstream.Queries).HasOpt);
        Assert.Equal([FakeUpstream.DefaultAddress], reply.Addresses());
        Assert.Empty(reply.Additionals);
    }

    [Fact]
    public async Task Forward_LargeAnswerToUdpClientWithoutEdns_TruncatedWithTc()
    {
        using var upstream = new FakeUpstream(script: FakeUpstream.AnswerA(count: 40));
        using var server = TestMesh.Server(TestMesh.Patient, upstream);

        var bytes = await DnsTestClient.UdpAsync(server.Endpoint, TestQuery.Build("big.example.com", id: 0x5353), TestMesh.ClientTimeout);

        var reply = TestQuery.Parse(bytes);
        Assert.True(bytes!.Length <= EdnsInfo.ClassicUdpLimit);
        Assert.Equal(0x5353, reply.Id);
        Assert.True(reply.Has(DnsHeaderFlags.TC));
        Assert.Equal("big.example.com.", Assert.Single(reply.Questions).Name);
        Assert.Empty(reply.Answers);
    }

    [Fact]
    public async Task Forward_LargeAnswerToUdpClientWithEdns_Complete()
    {
        using var upstream = new FakeUpstream(script: FakeUpstream.AnswerA(count: 40));
        using var server = TestMesh.Server(TestMesh.Patient, upstream);

        var reply = TestQuery.Parse(await DnsTestClient.UdpAsync(server.Endpoint, TestQuery.Build("big.example.com", optPayload: 1232), TestMesh.ClientTimeout));

        Assert.False(reply.Has(DnsHeaderFlags.TC));
        Assert.Equal(40, reply.Answers.Count);
    }

    [Fact]
    public async Task Forward_LargeAnswerOverTcp_CompleteWithoutTc()
    {
        using var upstream = new FakeUpstream(script: FakeUpstream.AnswerA(count: 40));
        using var server = TestMesh.Server(TestMesh.Patient, upstream);

        var bytes = await DnsTestClient.TcpAsync(server.Endpoint, TestQuery.Build("big.example.com"), TestMesh.ClientTimeout);

        var reply = TestQuery.Parse(bytes);
        Assert.True(bytes!.Length > EdnsInfo.ClassicUdpLimit);
        Assert.False(reply.Has(DnsHeaderFlags.TC));
        Assert.Equal(40, reply.Answers.Count);
        Assert.Equal(Enumerable.Range(1, 40).Select(i => new IPAddress(new byte[] { 192, 0, 2, (byte)i })), reply.Addresses());
    }
}
