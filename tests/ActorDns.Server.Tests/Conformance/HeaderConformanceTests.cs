using System.Net.Sockets;
using ActorDns.Protocol;
using ActorDns.Testing.Dns;
using Xunit;

namespace ActorDns.Server.Tests.Conformance;

/// <summary>Header and framing cases P-01…P-19 of dns-conformance.md, against the real listener.</summary>
public sealed class HeaderConformanceTests(ConformanceServer server) : IClassFixture<ConformanceServer>
{
    private static readonly TimeSpan NoReply = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task Udp_ShorterThanAHeader_IsDroppedAndServerStaysUp()
    {
        // P-01, P-02: 0 to 11 octets, zeros and random bytes, get no reply (RFC 1035 §4.1.1); the next query does.
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Connect(server.Endpoint);
        var random = new Random(11);
        for (var length = 0; length <= 11; length++)
        {
            var noise = new byte[length];
            random.NextBytes(noise);
            await socket.SendAsync(new byte[length], SocketFlags.None);
            await socket.SendAsync(noise, SocketFlags.None);
        }

        await socket.SendAsync(new QueryBuilder { Id = 777 }.Build(), SocketFlags.None);
        var reply = new byte[512];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var length2 = await socket.ReceiveAsync(reply, SocketFlags.None, timeout.Token);

        Assert.True(DnsHeader.TryRead(reply.AsSpan(0, length2), out var header));
        Assert.Equal(777, header.Id);
    }

    [Theory]
    [InlineData("udp")]
    [InlineData("tcp")]
    public async Task Response_QrSet_IsNeverAnswered(string protocol)
    {
        // P-03: answering responses would allow reflection loops.
        var query = new QueryBuilder { Flags = DnsHeaderFlags.QR | DnsHeaderFlags.RD }.Build();

        Assert.Null(await server.ExchangeAsync(protocol, query, NoReply));
        await server.AssertAliveAsync(protocol);
    }

    [Theory]
    [InlineData("udp", 1)]
    [InlineData("udp", 2)]
    [InlineData("udp", 3)]
    [InlineData("udp", 4)]
    [InlineData("udp", 5)]
    [InlineData("udp", 6)]
    [InlineData("udp", 15)]
    [InlineData("tcp", 2)]
    [InlineData("tcp", 5)]
    public async Task Opcode_NotQuery_IsNotImpWithFlagsClear(string protocol, int opcode)
    {
        // P-04, P-05: NOTIMP, opcode echoed, RD not echoed (RFC 8906 §3.1.4), also with every flag set.
        const ushort everyFlag = DnsHeaderFlags.AA | DnsHeaderFlags.TC | DnsHeaderFlags.RD | DnsHeaderFlags.RA
            | DnsHeaderFlags.Z | DnsHeaderFlags.AD | DnsHeaderFlags.CD;
        var query = new QueryBuilder { Flags = (ushort)(everyFlag | (opcode << DnsHeaderFlags.OpcodeShift)) }.Build();

        var (header, message, _) = await server.AskAsync(protocol, query);

        Assert.Equal(DnsRcode.NotImp, header.Rcode);
        Assert.Equal((DnsOpcode)opcode, header.Opcode);
        Assert.Equal(0x4242, header.Id);
        Assert.Equal(DnsHeaderFlags.QR, header.Flags & ~(DnsHeaderFlags.OpcodeMask | DnsHeaderFlags.RcodeMask));
        Assert.Empty(message.Answers);
    }

    public static TheoryData<string, string, byte[]> FormErrCases()
    {
        var data = new TheoryData<string, string, byte[]>();
        var cases = new (string Id, byte[] Query)[]
        {
            ("P-06 QDCOUNT=0", new QueryBuilder { WithQuestion = false }.Build()),
            ("P-06 QDCOUNT=0 with OPT", new QueryBuilder { WithQuestion = false, Edns = true }.Build()),
            ("P-06 QDCOUNT=0 with COOKIE", new QueryBuilder { WithQuestion = false, Edns = true, EdnsOptions = DnsPacketBuilder.Option(10, new byte[8]) }.Build()),
            ("P-07 duplicate question", new QueryBuilder { QdCount = 2, Tail = [.. DnsName.Parse("backend.mesh"), 0, 1, 0, 1] }.Build()),
            ("P-07 two types", new QueryBuilder { QdCount = 2, Tail = [.. DnsName.Parse("backend.mesh"), 0, 28, 0, 1] }.Build()),
            ("P-07 two names", new QueryBuilder { QdCount = 2, Tail = [.. DnsName.Parse("other.mesh"), 0, 1, 0, 1] }.Build()),
            ("P-08 QD=1 but no question", new QueryBuilder { WithQuestion = false, QdCount = 1 }.Build()),
            ("P-08 no QCLASS", new QueryBuilder { WithQuestion = false, QdCount = 1, Tail = [.. DnsName.Parse("backend.mesh"), 0, 1] }.Build()),
            ("P-08 no QTYPE", new QueryBuilder { WithQuestion = false, QdCount = 1, Tail = DnsName.Parse("backend.mesh") }.Build()),
            ("P-09 ANCOUNT=1", new QueryBuilder { AnCount = 1, Tail = [0, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 1, 2, 3, 4] }.Build()),
            ("P-09 NSCOUNT=1", new QueryBuilder { NsCount = 1, Tail = [0, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 1, 2, 3, 4] }.Build()),
            ("P-10 ARCOUNT=1 no record", new QueryBuilder { ArCount = 1 }.Build()),
            ("P-10 truncated additional", new QueryBuilder { ArCount = 1, Tail = [0, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 1, 2] }.Build()),
            ("P-11 ARCOUNT=65535", new QueryBuilder { ArCount = 65535, Tail = new byte[10] }.Build()),
            ("P-11 ANCOUNT=65535", new QueryBuilder { AnCount = 65535 }.Build()),
            ("P-12 trailing garbage", new QueryBuilder { Tail = [0xDE, 0xAD] }.Build()),
        };
        foreach (var protocol in new[] { "udp", "tcp" })
        {
            foreach (var (id, query) in cases)
            {
                data.Add(protocol, id, query);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FormErrCases))]
    public async Task MalformedHeaderOrSections_IsFormErrWithIdAndRd(string protocol, string caseId, byte[] query)
    {
        // P-06…P-12, P-16, P-18, P-19: FORMERR, ID and RD copied, only QR+RD set, no answer or authority.
        var (header, message, _) = await server.AskAsync(protocol, query);

        Assert.True(header.Rcode == DnsRcode.FormErr, caseId);
        Assert.Equal(0x4242, header.Id);
        Assert.Equal(DnsHeaderFlags.QR | DnsHeaderFlags.RD, header.Flags & ~DnsHeaderFlags.RcodeMask);
        Assert.Empty(message.Answers);
        Assert.Empty(message.Authorities);
    }

    [Theory]
    [InlineData("udp", DnsHeaderFlags.Z)]
    [InlineData("udp", DnsHeaderFlags.TC)]
    [InlineData("udp", DnsHeaderFlags.AA | DnsHeaderFlags.RA | DnsHeaderFlags.AD)]
    [InlineData("udp", DnsHeaderFlags.CD)]
    [InlineData("tcp", DnsHeaderFlags.Z | DnsHeaderFlags.TC | DnsHeaderFlags.CD)]
    public async Task QueryFlags_IgnoredAndNotEchoed(string protocol, ushort flags)
    {
        // P-13 Z, P-14 TC, P-15 AA/RA/AD, P-17 CD cleared on authoritative answers.
        var query = new QueryBuilder { Flags = (ushort)(flags | DnsHeaderFlags.RD) }.Build();

        var (header, message, _) = await server.AskAsync(protocol, query);

        Assert.Equal(DnsRcode.NoError, header.Rcode);
        Assert.Single(message.Answers);
        Assert.Equal(DnsHeaderFlags.QR | DnsHeaderFlags.AA | DnsHeaderFlags.RD, header.Flags);
    }

    [Theory]
    [InlineData("udp")]
    [InlineData("tcp")]
    public async Task RdClear_IsNotSetInReply(string protocol)
    {
        // P-16: RD is copied, so a query without it gets a reply without it, including REFUSED.
        var answer = await server.AskAsync(protocol, new QueryBuilder { Flags = 0 }.Build());
        var refused = await server.AskAsync(protocol, new QueryBuilder { Flags = 0, Class = (ushort)DnsClass.CH }.Build());

        Assert.False(answer.Header.Has(DnsHeaderFlags.RD));
        Assert.Equal(DnsRcode.Refused, refused.Header.Rcode);
        Assert.False(refused.Header.Has(DnsHeaderFlags.RD));
    }
}
