using ActorDns.Protocol;
using ActorDns.Testing.Dns;
using Xunit;

namespace ActorDns.Server.Tests.Conformance;

/// <summary>Name cases P-21…P-30 of dns-conformance.md, against the real listener.</summary>
public sealed class NameConformanceTests(ConformanceServer server) : IClassFixture<ConformanceServer>
{
    public static TheoryData<string, string, byte[]> BadNames()
    {
        var tooLong = new List<byte>();
        for (var i = 0; i < 4; i++)
        {
            tooLong.Add(63);
            tooLong.AddRange(new byte[63].Select(_ => (byte)'a'));
        }

        tooLong.AddRange([3, (byte)'a', (byte)'b', (byte)'c', 0]);
        var cases = new (string Id, byte[] Name)[]
        {
            ("P-21 label type 0x40", [0x40, .. new byte[64], 0]),
            ("P-22 label type 0x80", [0x80, 1, 2, 0]),
            ("P-23 name of 256+ octets", [.. tooLong]),
            ("P-25 pointer to itself", [0xC0, 12]),
            ("P-25 forward pointer", [0xC0, 40]),
            ("P-25 pointer past the end", [0xC0, 0xFF]),
            ("P-25 pointer into header", [0xC0, 2]),
            ("P-25 label then pointer", [7, .. "backend"u8.ToArray(), 0xC0, 12]),
            ("P-26 label past the end", [20, (byte)'a', (byte)'b']),
        };
        var data = new TheoryData<string, string, byte[]>();
        foreach (var protocol in new[] { "udp", "tcp" })
        {
            foreach (var (id, name) in cases)
            {
                data.Add(protocol, id, new QueryBuilder { RawName = name }.Build());
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BadNames))]
    public async Task MalformedQname_IsFormErr(string protocol, string caseId, byte[] query)
    {
        var (header, _, _) = await server.AskAsync(protocol, query);

        Assert.True(header.Rcode == DnsRcode.FormErr, caseId);
        Assert.Equal(0x4242, header.Id);
        await server.AssertAliveAsync(protocol);
    }

    [Theory]
    [InlineData("udp", 255)]
    [InlineData("tcp", 255)]
    [InlineData("udp", 254)]
    public async Task Qname_OfExactly255Octets_IsValid(string protocol, int length)
    {
        // P-24: no off-by-one at the limit; an unknown name below the apex is NXDOMAIN.
        var query = new QueryBuilder { Name = QueryBuilder.NameOfWireLength(length) }.Build();

        var (header, message, _) = await server.AskAsync(protocol, query);

        Assert.Equal(DnsRcode.NXDomain, header.Rcode);
        Assert.Single(message.Questions);
    }

    [Fact]
    public async Task Qname_With127Labels_IsValid()
    {
        // 127 one-octet labels = 255 octets: valid, and outside the mesh domain.
        var name = string.Join('.', Enumerable.Repeat("a", 127));

        var (header, _, _) = await server.AskAsync("udp", new QueryBuilder { Name = name }.Build());

        Assert.Equal(DnsRcode.Refused, header.Rcode);
    }

    [Theory]
    [InlineData("udp")]
    [InlineData("tcp")]
    public async Task Qname_WithNulAndDotOctets_IsBinaryData(string protocol)
    {
        // P-27: a label holding 0x00, 0xFF and '.' is data, not structure.
        byte[] name = [5, (byte)'b', 0, 0xFF, (byte)'.', (byte)'x', 4, (byte)'m', (byte)'e', (byte)'s', (byte)'h', 0];

        var (header, message, _) = await server.AskAsync(protocol, new QueryBuilder { RawName = name }.Build());

        Assert.Equal(DnsRcode.NXDomain, header.Rcode);
        Assert.Equal("b\\000\\255\\.x.mesh.", message.Questions[0].Name);
    }

    [Theory]
    [InlineData("udp", "BaCkEnD.MeSh")]
    [InlineData("tcp", "BACKEND.MESH")]
    public async Task MixedCaseQname_IsAnsweredAndEchoedInItsOwnCase(string protocol, string name)
    {
        // P-28, P-29: case-insensitive match (RFC 4343), question echoed byte for byte, owner points at it.
        var query = new QueryBuilder { Name = name }.Build();

        var (header, message, wire) = await server.AskAsync(protocol, query);

        Assert.Equal(DnsRcode.NoError, header.Rcode);
        Assert.Equal(query.AsSpan(12, name.Length + 6).ToArray(), wire.AsSpan(12, name.Length + 6).ToArray());
        Assert.Equal(name + ".", message.Answers[0].Name);
        Assert.Equal(ConformanceServer.Vip, message.Answers[0].AsAddress()!.ToString());
    }

    [Theory]
    [InlineData("xbackend.mesh", DnsRcode.NXDomain)]
    [InlineData("a.backend.mesh", DnsRcode.NXDomain)]
    [InlineData("backend.mesh.evil", DnsRcode.Refused)]
    [InlineData("backend", DnsRcode.Refused)]
    public async Task SimilarName_IsNotTheMeshName(string name, DnsRcode expected)
    {
        // P-29: label-exact; P-42: below an existing name is NXDOMAIN (RFC 8020); outside the domain REFUSED (then forwarded).
        var (header, message, _) = await server.AskAsync("udp", new QueryBuilder { Name = name }.Build());

        Assert.Equal(expected, header.Rcode);
        Assert.Empty(message.Answers);
    }

    [Theory]
    [InlineData("udp", DnsRecordType.SOA)]
    [InlineData("tcp", DnsRecordType.SOA)]
    [InlineData("udp", DnsRecordType.NS)]
    public async Task Apex_SoaAndNs_AreAnsweredAuthoritatively(string protocol, DnsRecordType type)
    {
        // P-30: the mesh zone has an SOA and NS at its apex (genreport "nosoa" otherwise).
        var (header, message, _) = await server.AskAsync(protocol, new QueryBuilder { Name = "MESH", Type = (ushort)type }.Build());

        Assert.Equal(DnsRcode.NoError, header.Rcode);
        Assert.True(header.Has(DnsHeaderFlags.AA));
        var record = Assert.Single(message.Answers);
        Assert.Equal(type, record.Type);
        Assert.Equal("MESH.", record.Name);
        Assert.Equal(60u, record.Ttl);
    }

    [Fact]
    public async Task Apex_OtherType_IsNodataWithSoa()
    {
        var (header, message, _) = await server.AskAsync("udp", new QueryBuilder { Name = "mesh", Type = (ushort)DnsRecordType.TXT }.Build());

        Assert.Equal(DnsRcode.NoError, header.Rcode);
        Assert.Empty(message.Answers);
        Assert.Equal(DnsRecordType.SOA, Assert.Single(message.Authorities).Type);
    }
}
