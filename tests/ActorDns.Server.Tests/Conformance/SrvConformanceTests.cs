using System.Buffers.Binary;
using ActorDns.Protocol;
using ActorDns.Testing.Dns;
using Xunit;

namespace ActorDns.Server.Tests.Conformance;

/// <summary>
/// Service names of MeshService named ports (SPEC §4.1): SRV <c>0 100 port hostname.</c> with the hostname's addresses
/// as additional records, RFC 2782's rules on the wire, and the other types on such a name, against the real listener.
/// </summary>
public sealed class SrvConformanceTests(ConformanceServer server) : IClassFixture<ConformanceServer>
{
    [Theory]
    [InlineData("udp")]
    [InlineData("tcp")]
    public async Task Srv_ForServiceName_IsPortAndHostname_WithItsAddressesAdditional(string protocol)
    {
        var (header, message, _) = await server.AskAsync(protocol, new QueryBuilder { Name = ConformanceServer.ServiceName, Type = (ushort)DnsRecordType.SRV }.Build());

        Assert.Equal(DnsRcode.NoError, header.Rcode);
        Assert.True(header.Has(DnsHeaderFlags.AA));
        var srv = Assert.Single(message.Answers);
        Assert.Equal((DnsRecordType.SRV, $"{ConformanceServer.ServiceName}.", 60u), (srv.Type, srv.Name, srv.Ttl));
        Assert.Equal((0, 100, ConformanceServer.ServicePort, $"{ConformanceServer.ServiceTarget}."), Srv(srv.Data));
        Assert.Equal(
            [$"{ConformanceServer.ServiceTarget}. A {ConformanceServer.ServiceVip}", $"{ConformanceServer.ServiceTarget}. AAAA ::ffff:{ConformanceServer.ServiceVip}"],
            message.Additionals.Select(r => $"{r.Name} {r.Type} {r.AsAddress()}"));
        Assert.Empty(message.Authorities);
    }

    [Fact]
    public async Task Srv_TargetOnTheWire_IsNotCompressed()
    {
        // RFC 2782: "name compression is not to be used for this field".
        var (_, _, wire) = await server.AskAsync("udp", new QueryBuilder { Name = ConformanceServer.ServiceName, Type = (ushort)DnsRecordType.SRV }.Build());

        var target = DnsName.Parse(ConformanceServer.ServiceTarget);
        var question = DnsName.Parse(ConformanceServer.ServiceName).Length + 4;
        var rdata = wire.AsSpan(DnsHeader.Size + question + 12);
        Assert.Equal(6 + target.Length, BinaryPrimitives.ReadUInt16BigEndian(wire.AsSpan(DnsHeader.Size + question + 10)));
        Assert.True(rdata.Slice(6, target.Length).SequenceEqual(target));
    }

    [Fact]
    public async Task Srv_MixedCaseQuestion_IsEchoedAndAnswered()
    {
        var name = "_MAIN._Tcp.Redis.SVC.mesh.local";
        var (header, message, _) = await server.AskAsync("udp", new QueryBuilder { Name = name, Type = (ushort)DnsRecordType.SRV }.Build());

        Assert.Equal(DnsRcode.NoError, header.Rcode);
        Assert.Equal($"{name}.", Assert.Single(message.Questions).Name);
        Assert.Equal(ConformanceServer.ServicePort, Srv(Assert.Single(message.Answers).Data).Port);
    }

    [Fact]
    public async Task Srv_AdditionalRecordsOverTheUdpLimit_AreLeftOutWithoutTc()
    {
        // RFC 2181 §9: TC only when the answer itself is cut.
        var query = new QueryBuilder { Name = ConformanceServer.LongServiceName, Type = (ushort)DnsRecordType.SRV }.Build();

        var (header, message, wire) = await server.AskAsync("udp", query);
        var (_, overTcp, _) = await server.AskAsync("tcp", query);

        Assert.InRange(wire.Length, 1, 512);
        Assert.False(header.Has(DnsHeaderFlags.TC));
        Assert.Equal(DnsRecordType.SRV, Assert.Single(message.Answers).Type);
        Assert.Empty(message.Additionals);
        Assert.Equal(2, overTcp.Additionals.Count);
    }

    [Fact]
    public async Task Any_ForServiceName_IsTheSrvRRset()
    {
        // RFC 8482 §4.1: one RRset is a complete answer.
        var (_, message, _) = await server.AskAsync("udp", new QueryBuilder { Name = ConformanceServer.ServiceName, Type = (ushort)DnsRecordType.ANY }.Build());

        Assert.Equal(DnsRecordType.SRV, Assert.Single(message.Answers).Type);
    }

    [Theory]
    [InlineData(DnsRecordType.A)]
    [InlineData(DnsRecordType.AAAA)]
    public async Task Address_ForServiceName_IsNodata(DnsRecordType type)
    {
        // The name exists; its addresses belong to the target.
        var (header, message, _) = await server.AskAsync("udp", new QueryBuilder { Name = ConformanceServer.ServiceName, Type = (ushort)type }.Build());

        Assert.Equal(DnsRcode.NoError, header.Rcode);
        Assert.True(header.Has(DnsHeaderFlags.AA));
        Assert.Empty(message.Answers);
        Assert.Empty(message.Additionals);
    }

    [Fact]
    public async Task OtherType_ForServiceName_IsNotImpForTheNextStep()
    {
        var (header, message, _) = await server.AskAsync("udp", new QueryBuilder { Name = ConformanceServer.ServiceName, Type = (ushort)DnsRecordType.TXT }.Build());

        Assert.Equal(DnsRcode.NotImp, header.Rcode);
        Assert.Empty(message.Answers);
    }

    [Theory]
    [InlineData(ConformanceServer.ServiceTarget)]
    [InlineData("backend.mesh")]
    public async Task Srv_ForAPlainName_IsNotImpForTheNextStep(string name)
    {
        // As in Kuma, which never serves SRV: the pipeline sends it upstream.
        var (header, message, _) = await server.AskAsync("udp", new QueryBuilder { Name = name, Type = (ushort)DnsRecordType.SRV }.Build());

        Assert.Equal(DnsRcode.NotImp, header.Rcode);
        Assert.Empty(message.Answers);
    }

    /// <summary>Priority, weight, port and target of an SRV RDATA (RFC 2782).</summary>
    private static (int Priority, int Weight, ushort Port, string Target) Srv(byte[] data) =>
        (BinaryPrimitives.ReadUInt16BigEndian(data), BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(2)), BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(4)),
            DnsName.ToText(data.AsSpan(6)));
}
