using ActorDns.Protocol;
using ActorDns.Testing.Dns;
using Xunit;

namespace ActorDns.Server.Tests.Conformance;

/// <summary>EDNS(0) cases P-31…P-40 of dns-conformance.md (RFC 6891), against the real listener.</summary>
public sealed class EdnsConformanceTests(ConformanceServer server) : IClassFixture<ConformanceServer>
{
    private static DnsResourceRecord Opt(DnsMessage message) => Assert.Single(message.Additionals, r => r.Type == DnsRecordType.OPT);

    [Theory]
    [InlineData("udp", 1)]
    [InlineData("udp", 255)]
    [InlineData("tcp", 1)]
    public async Task EdnsVersionAboveZero_IsBadVers(string protocol, byte version)
    {
        // P-31: BADVERS = header rcode 0 + OPT extended rcode 1, OPT version 0, nothing else (RFC 6891 §6.1.3).
        var query = new QueryBuilder { Edns = true, EdnsVersion = version, EdnsFlags = EdnsInfo.DnssecOk }.Build();

        var (header, message, _) = await server.AskAsync(protocol, query);

        Assert.Equal(DnsRcode.NoError, header.Rcode);
        var opt = Opt(message);
        Assert.Equal(1u, opt.Ttl >> 24);
        Assert.Equal(0u, (opt.Ttl >> 16) & 0xFF);
        Assert.Empty(message.Answers);
        Assert.Empty(message.Authorities);
    }

    public static TheoryData<string, byte[]> BadOpt() => new()
    {
        { "P-32 two OPT", new QueryBuilder { Edns = true, ArCount = 2, Tail = new DnsPacketBuilder().Opt().ToArray() }.Build() },
        { "P-33 OPT owner not root", new QueryBuilder { ArCount = 1, Tail = new DnsPacketBuilder().Opt(owner: (byte)'x').ToArray() }.Build() },
        { "P-34 OPT in answer", new QueryBuilder { AnCount = 1, Tail = new DnsPacketBuilder().Opt().ToArray() }.Build() },
        { "P-35 option longer than RDATA", new QueryBuilder { ArCount = 1, Tail = [0, 0, 41, 4, 208, 0, 0, 0, 0, 0, 6, 0, 3, 0, 9, 1, 2] }.Build() },
        { "P-35 RDATA shorter than an option header", new QueryBuilder { ArCount = 1, Tail = [0, 0, 41, 4, 208, 0, 0, 0, 0, 0, 2, 0, 3] }.Build() },
    };

    [Theory]
    [MemberData(nameof(BadOpt))]
    public async Task MalformedOpt_IsFormErrWithoutOpt(string caseId, byte[] query)
    {
        // P-19: the reply carries an OPT only when the query's OPT itself parsed.
        var (header, message, _) = await server.AskAsync("udp", query);

        Assert.True(header.Rcode == DnsRcode.FormErr, caseId);
        Assert.DoesNotContain(message.Additionals, r => r.Type == DnsRecordType.OPT);
    }

    [Theory]
    [InlineData("P-36 unknown option", 100)]
    [InlineData("P-40 NSID", 3)]
    [InlineData("P-40 COOKIE", 10)]
    [InlineData("P-40 ECS", 8)]
    [InlineData("P-40 KEEPALIVE", 11)]
    [InlineData("P-40 PADDING", 12)]
    public async Task KnownOrUnknownOption_IsIgnoredAndNotEchoed(string caseId, ushort code)
    {
        var data = code == 10 ? new byte[8] : code == 8 ? new byte[] { 0, 1, 24, 0, 10, 0, 0 } : new byte[4];
        var query = new QueryBuilder { Edns = true, EdnsOptions = DnsPacketBuilder.Option(code, data) }.Build();

        var (header, message, _) = await server.AskAsync("udp", query);

        Assert.True(header.Rcode == DnsRcode.NoError, caseId);
        Assert.Single(message.Answers);
        Assert.Empty(Opt(message).Data);
    }

    [Theory]
    [InlineData("udp")]
    [InlineData("tcp")]
    public async Task Opt_IsEchoedWithOurPayloadAndTheDoBit(string protocol)
    {
        // P-37 unknown flag 0x0080 ignored and cleared; P-39 DO copied (RFC 3225 §3), payload 1232.
        var query = new QueryBuilder { Edns = true, Payload = 4096, EdnsFlags = EdnsInfo.DnssecOk | 0x0080 }.Build();

        var (_, message, _) = await server.AskAsync(protocol, query);

        var opt = Opt(message);
        Assert.Equal(1232, opt.Class);
        Assert.Equal((uint)EdnsInfo.DnssecOk, opt.Ttl);
    }

    [Theory]
    [InlineData("udp")]
    [InlineData("tcp")]
    public async Task NoOptInQuery_NoOptInReply(string protocol)
    {
        // P-39 (RFC 6891 §7).
        var (_, message, _) = await server.AskAsync(protocol, new QueryBuilder().Build());

        Assert.Empty(message.Additionals);
    }

    [Fact]
    public async Task PayloadBelow512_IsTreatedAs512()
    {
        // P-38 (RFC 6891 §6.2.5): 40 A records (≈700 octets) do not fit 512, so TC, not a FORMERR or an oversize reply.
        var query = new QueryBuilder { Name = "many.mesh", Edns = true, Payload = 100 }.Build();

        var (header, message, wire) = await server.AskAsync("udp", query);

        Assert.True(header.Has(DnsHeaderFlags.TC));
        Assert.Empty(message.Answers);
        Assert.True(wire.Length <= 512);
    }
}
