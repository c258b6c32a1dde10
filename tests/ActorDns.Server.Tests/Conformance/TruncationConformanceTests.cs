using ActorDns.Protocol;
using ActorDns.Testing.Dns;
using Xunit;

namespace ActorDns.Server.Tests.Conformance;

/// <summary>Size and truncation cases P-51…P-54 of dns-conformance.md (RFC 1035 §4.2.1, RFC 2181 §9, RFC 6891 §7).</summary>
public sealed class TruncationConformanceTests(ConformanceServer server) : IClassFixture<ConformanceServer>
{
    [Theory]
    [InlineData(16, false, 512)]
    [InlineData(17, true, 0)]
    public async Task NoEdns_512Fits_513Truncates(int nameLength, bool truncated, int expectedLength)
    {
        // P-51: 12 + question + 30 × 16 octets = exactly 512 with a 16-octet QNAME, 513 with 17.
        var query = new QueryBuilder { Name = QueryBuilder.NameOfWireLength(nameLength) }.Build();

        var (header, message, wire) = await server.AskAsync("udp", query);

        Assert.Equal(truncated, header.Has(DnsHeaderFlags.TC));
        if (truncated)
        {
            Assert.Empty(message.Answers);
            Assert.Single(message.Questions);
            Assert.Equal(12 + nameLength + 4, wire.Length);
        }
        else
        {
            Assert.Equal(expectedLength, wire.Length);
            Assert.Equal(30, message.Answers.Count);
        }
    }

    [Theory]
    [InlineData(181, 4096, false)]
    [InlineData(182, 4096, true)]
    [InlineData(16, 4096, false)]
    [InlineData(16, 512, true)]
    public async Task Edns_FitsUpTo1232_TruncatesBeyondTheSmallerLimit(int nameLength, ushort payload, bool truncated)
    {
        // P-52: 12 + (181 + 4) + 64 × 16 + 11 = 1232 octets; one more truncates even though the client offers 4096.
        var query = new QueryBuilder { Name = QueryBuilder.NameOfWireLength(nameLength), Edns = true, Payload = payload }.Build();

        var (header, message, wire) = await server.AskAsync("udp", query);

        Assert.Equal(truncated, header.Has(DnsHeaderFlags.TC));
        Assert.Single(message.Additionals, r => r.Type == DnsRecordType.OPT);
        Assert.True(wire.Length <= Math.Min(payload, (ushort)1232));
        if (nameLength == 181)
        {
            Assert.Equal(1232, wire.Length);
        }
    }

    [Fact]
    public async Task Tcp_LargeAnswer_IsNeverTruncated()
    {
        // P-54.
        var query = new QueryBuilder { Name = QueryBuilder.NameOfWireLength(182), Edns = true, Payload = 512 }.Build();

        var (header, message, wire) = await server.AskAsync("tcp", query);

        Assert.False(header.Has(DnsHeaderFlags.TC));
        Assert.Equal(64, message.Answers.Count);
        Assert.Equal(1233, wire.Length);
    }
}
