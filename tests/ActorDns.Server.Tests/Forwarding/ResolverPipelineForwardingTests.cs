using System.Buffers.Binary;
using System.Net;
using ActorDns.Protocol;
using ActorDns.Server.Tests.Support;
using ActorDns.Testing.Dns;
using Xunit;

namespace ActorDns.Server.Tests.Forwarding;

/// <summary>
/// Which queries reach the upstreams (conformance F-12, F-20): Kuma's alternate forwards a mesh answer of
/// NOTIMP/FORMERR/NXDOMAIN/SERVFAIL/REFUSED exactly once; a query the front end rejects never leaves.
/// </summary>
/// <remarks>
/// "Nothing sent" is checked with a barrier: after the rejected query's reply, a query that is forwarded
/// is asked and answered; the upstream must then hold that one query only. A forward of the rejected query
/// would have started before its reply was sent, so before the barrier was even asked.
/// </remarks>
public class ResolverPipelineForwardingTests
{
    public static TheoryData<string, byte[], DnsRcode> FrontEndRejections() => new()
    {
        { "two questions", TwoQuestions(), DnsRcode.FormErr },
        { "answer record in query", AnswerInQuery(), DnsRcode.FormErr },
        { "opcode STATUS", WithOpcode(TestQuery.Build("www.example.com"), DnsOpcode.Status), DnsRcode.NotImp },
        { "opcode UPDATE", WithOpcode(TestQuery.Build("www.example.com"), DnsOpcode.Update), DnsRcode.NotImp },
        { "QTYPE OPT", TestQuery.Build("www.example.com", DnsRecordType.OPT), DnsRcode.FormErr },
        { "AXFR", TestQuery.Build("www.example.com", DnsRecordType.AXFR), DnsRcode.Refused },
        { "EDNS version 1", WithEdnsVersion(TestQuery.Build("www.example.com", optPayload: 1232), 1), DnsRcode.BadVers },
    };

    [Theory]
    [MemberData(nameof(FrontEndRejections))]
    public async Task Answer_QueryRejectedByFrontEnd_NothingSentUpstream(string description, byte[] query, DnsRcode expected)
    {
        using var upstream = new FakeUpstream();
        using var server = TestMesh.Server(TestMesh.Patient, upstream);

        var reply = await DnsTestClient.UdpAsync(server.Endpoint, query, TestMesh.ClientTimeout);

        Assert.NotNull(reply);
        Assert.Equal((int)expected & 0xF, BinaryPrimitives.ReadUInt16BigEndian(reply.AsSpan(2)) & DnsHeaderFlags.RcodeMask);
        await AssertOnlyBarrierForwardedAsync(server, upstream, description);
    }

    [Fact]
    public async Task Answer_MeshName_AnsweredLocallyNothingSentUpstream()
    {
        using var upstream = new FakeUpstream();
        using var server = TestMesh.Server(TestMesh.Patient, upstream);

        var reply = TestQuery.Parse(await DnsTestClient.UdpAsync(server.Endpoint, TestQuery.Build("BackEnd.Mesh"), TestMesh.ClientTimeout));

        Assert.Equal([TestMesh.BackendVip], reply.Addresses());
        await AssertOnlyBarrierForwardedAsync(server, upstream, "existing mesh name");
    }

    /// <summary>
    /// F-20 decision, as Kuma's alternate does it: an unknown <c>.mesh</c> name (NXDOMAIN from the mesh step) is
    /// forwarded, once; the upstream's NXDOMAIN is final, with no second alternate and no second upstream.
    /// </summary>
    [Fact]
    public async Task Answer_NoSuchMeshName_ForwardedExactlyOnceAndUpstreamAnswerFinal()
    {
        using var first = new FakeUpstream(IPAddress.Parse("127.0.0.2"), FakeUpstream.Answer(DnsRcode.NXDomain));
        using var second = new FakeUpstream(IPAddress.Parse("127.0.0.3"));
        using var server = TestMesh.Server(TestMesh.Patient, first, second);

        var reply = TestQuery.Parse(await DnsTestClient.UdpAsync(server.Endpoint, TestQuery.Build("nosuch.mesh", id: 0x0404), TestMesh.ClientTimeout));

        Assert.Equal(0x0404, reply.Id);
        Assert.Equal(DnsRcode.NXDomain, reply.Rcode);
        Assert.Equal("nosuch.mesh.", Assert.Single(first.Queries).QName);
        Assert.Equal(0, second.QueryCount);
    }

    /// <summary>Other types of a mesh name get NOTIMP from the mesh step (as Kuma's Envoy DNS filter), so they are forwarded.</summary>
    [Fact]
    public async Task Answer_MeshNameUnsupportedType_ForwardedOnce()
    {
        using var upstream = new FakeUpstream(script: FakeUpstream.Answer(DnsRcode.NoError));
        using var server = TestMesh.Server(TestMesh.Patient, upstream);

        var reply = TestQuery.Parse(await DnsTestClient.UdpAsync(server.Endpoint, TestQuery.Build("backend.mesh", DnsRecordType.TXT), TestMesh.ClientTimeout));

        Assert.Equal(DnsRcode.NoError, reply.Rcode);
        var sent = Assert.Single(upstream.Queries);
        Assert.Equal(("backend.mesh.", DnsRecordType.TXT), (sent.QName, sent.QType));
    }

    private static async Task AssertOnlyBarrierForwardedAsync(TestServer server, FakeUpstream upstream, string description)
    {
        var barrier = TestQuery.Parse(await DnsTestClient.UdpAsync(server.Endpoint, TestQuery.Build("barrier.example.com"), TestMesh.ClientTimeout));
        Assert.Equal([FakeUpstream.DefaultAddress], barrier.Addresses());
        Assert.True(upstream.QueryCount == 1, $"{description}: the upstream saw {upstream.QueryCount - 1} packets besides the barrier");
        Assert.Equal("barrier.example.com.", upstream.Queries[0].QName);
    }

    private static byte[] TwoQuestions()
    {
        var message = new DnsMessage { Id = 0x2222, Flags = DnsHeaderFlags.RD };
        message.Questions.Add(new DnsQuestion("www.example.com", DnsRecordType.A));
        message.Questions.Add(new DnsQuestion("www.example.org", DnsRecordType.A));
        return message.ToArray();
    }

    private static byte[] AnswerInQuery()
    {
        var message = new DnsMessage { Id = 0x3333, Flags = DnsHeaderFlags.RD };
        message.Questions.Add(new DnsQuestion("www.example.com", DnsRecordType.A));
        message.Answers.Add(DnsResourceRecord.Address("www.example.com", IPAddress.Parse("192.0.2.9"), 60));
        return message.ToArray();
    }

    private static byte[] WithOpcode(byte[] query, DnsOpcode opcode)
    {
        var flags = BinaryPrimitives.ReadUInt16BigEndian(query.AsSpan(2));
        flags = (ushort)((flags & ~DnsHeaderFlags.OpcodeMask) | ((int)opcode << DnsHeaderFlags.OpcodeShift));
        BinaryPrimitives.WriteUInt16BigEndian(query.AsSpan(2), flags);
        return query;
    }

    /// <summary>Sets the VERSION octet of the OPT record that ends the query (it has no options).</summary>
    private static byte[] WithEdnsVersion(byte[] query, byte version)
    {
        query[^5] = version;
        return query;
    }
}
