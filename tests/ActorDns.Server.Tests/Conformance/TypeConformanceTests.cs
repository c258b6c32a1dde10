using ActorDns.Protocol;
using ActorDns.Testing.Dns;
using Xunit;

namespace ActorDns.Server.Tests.Conformance;

/// <summary>Type and class cases P-41…P-50 of dns-conformance.md and SPEC §4.2, against the real listener.</summary>
public sealed class TypeConformanceTests(ConformanceServer server) : IClassFixture<ConformanceServer>
{
    [Theory]
    [InlineData("udp")]
    [InlineData("tcp")]
    public async Task A_ForMeshName_IsTheVipWithAaAndTtl60(string protocol)
    {
        // P-41.
        var (header, message, _) = await server.AskAsync(protocol, new QueryBuilder().Build());

        Assert.Equal(DnsRcode.NoError, header.Rcode);
        Assert.True(header.Has(DnsHeaderFlags.AA));
        var answer = Assert.Single(message.Answers);
        Assert.Equal(DnsRecordType.A, answer.Type);
        Assert.Equal(60u, answer.Ttl);
        Assert.Equal(ConformanceServer.Vip, answer.AsAddress()!.ToString());
    }

    [Theory]
    [InlineData("backend.mesh", "::ffff:240.0.0.1")]
    [InlineData("v6.mesh", "fd00:fd00::2")]
    public async Task Aaaa_IsTheIpv6VipOrTheMappedIpv4(string name, string expected)
    {
        var (header, message, _) = await server.AskAsync("udp", new QueryBuilder { Name = name, Type = (ushort)DnsRecordType.AAAA }.Build());

        Assert.Equal(DnsRcode.NoError, header.Rcode);
        Assert.Equal(expected, Assert.Single(message.Answers).AsAddress()!.ToString());
    }

    [Theory]
    [InlineData("udp")]
    [InlineData("tcp")]
    public async Task UnknownNameUnderTheDomain_IsNxdomainWithSoa(string protocol)
    {
        // P-42 (RFC 2308 §3, §5): AA, SOA in authority, its TTL the negative TTL.
        var (header, message, _) = await server.AskAsync(protocol, new QueryBuilder { Name = "nosuch.mesh" }.Build());

        Assert.Equal(DnsRcode.NXDomain, header.Rcode);
        Assert.True(header.Has(DnsHeaderFlags.AA));
        var soa = Assert.Single(message.Authorities);
        Assert.Equal(DnsRecordType.SOA, soa.Type);
        Assert.Equal("mesh.", soa.Name);
        Assert.Equal(60u, soa.Ttl);
    }

    [Fact]
    public async Task OtherTypeOnMeshName_IsNotImpForTheNextStep()
    {
        // P-43, decided as Kuma's Envoy DNS filter did: NOTIMP from the mesh step, which the default pipeline forwards.
        var (header, _, _) = await server.AskAsync("udp", new QueryBuilder { Type = 666 }.Build());

        Assert.Equal(DnsRcode.NotImp, header.Rcode);
    }

    [Theory]
    [InlineData((ushort)DnsRecordType.OPT)]
    [InlineData((ushort)DnsRecordType.TSIG)]
    [InlineData((ushort)DnsRecordType.TKEY)]
    [InlineData((ushort)DnsRecordType.MAILA)]
    [InlineData((ushort)DnsRecordType.MAILB)]
    [InlineData((ushort)128)]
    [InlineData((ushort)248)]
    public async Task MetaQtype_IsFormErr(ushort type)
    {
        // P-44 (RFC 6895 §3.1).
        var (header, _, _) = await server.AskAsync("udp", new QueryBuilder { Type = type }.Build());

        Assert.Equal(DnsRcode.FormErr, header.Rcode);
    }

    [Fact]
    public async Task QtypeZero_IsNotImp()
    {
        // P-45, as Knot.
        var (header, _, _) = await server.AskAsync("udp", new QueryBuilder { Type = 0 }.Build());

        Assert.Equal(DnsRcode.NotImp, header.Rcode);
    }

    [Fact]
    public async Task Any_ForMeshName_IsOneRrset()
    {
        // P-46 (RFC 8482 §4.1).
        var (header, message, _) = await server.AskAsync("udp", new QueryBuilder { Type = (ushort)DnsRecordType.ANY }.Build());

        Assert.Equal(DnsRcode.NoError, header.Rcode);
        Assert.Equal(DnsRecordType.A, Assert.Single(message.Answers).Type);
        Assert.False(header.Has(DnsHeaderFlags.TC));
    }

    [Theory]
    [InlineData("udp", DnsRecordType.AXFR)]
    [InlineData("tcp", DnsRecordType.AXFR)]
    [InlineData("udp", DnsRecordType.IXFR)]
    [InlineData("tcp", DnsRecordType.IXFR)]
    public async Task ZoneTransfer_IsRefused(string protocol, DnsRecordType type)
    {
        // P-47: the VIP table is never transferable.
        var (header, message, _) = await server.AskAsync(protocol, new QueryBuilder { Name = "mesh", Type = (ushort)type }.Build());

        Assert.Equal(DnsRcode.Refused, header.Rcode);
        Assert.Empty(message.Answers);
    }

    [Theory]
    [InlineData("version.bind", DnsClass.CH)]
    [InlineData("id.server", DnsClass.CH)]
    [InlineData("backend.mesh", DnsClass.HS)]
    [InlineData("backend.mesh", DnsClass.NONE)]
    [InlineData("backend.mesh", (DnsClass)42)]
    public async Task NonInternetClass_IsRefused(string name, DnsClass @class)
    {
        // P-48, P-49.
        var query = new QueryBuilder { Name = name, Type = (ushort)DnsRecordType.TXT, Class = (ushort)@class }.Build();

        var (header, message, _) = await server.AskAsync("udp", query);

        Assert.Equal(DnsRcode.Refused, header.Rcode);
        Assert.Empty(message.Answers);
    }

    [Fact]
    public async Task ClassAny_IsAnsweredAsIn()
    {
        // P-50: answered as IN, like Knot and NSD.
        var (header, message, _) = await server.AskAsync("udp", new QueryBuilder { Class = (ushort)DnsClass.ANY }.Build());

        Assert.Equal(DnsRcode.NoError, header.Rcode);
        Assert.Single(message.Answers);
    }

    [Fact]
    public async Task ExternalServiceHostOutsideTheDomain_IsAnswered()
    {
        // SPEC §4.1: host:<h> names are served as they are, authoritatively, without an SOA from the mesh domain.
        var (header, message, _) = await server.AskAsync("udp", new QueryBuilder { Name = "HTTPBIN.org", Type = (ushort)DnsRecordType.A }.Build());

        Assert.Equal(DnsRcode.NoError, header.Rcode);
        Assert.Equal("240.0.0.3", Assert.Single(message.Answers).AsAddress()!.ToString());
    }
}
