using ActorDns.Protocol;
using ActorDns.Server.Forwarding;
using Xunit;

namespace ActorDns.Server.Tests.Forwarding;

/// <summary>The upstream query ID source and the query we build (RFC 5452 §9.2, conformance F-01, F-25).</summary>
public class UpstreamMessagesTests
{
    [Fact]
    public void NewId_TenThousandIds_UniformAndNotSequential()
    {
        const int count = 10_000;
        var ids = new ushort[count];
        for (var i = 0; i < count; i++)
        {
            ids[i] = UpstreamMessages.NewId();
        }

        // χ² over 256 buckets, for the high and the low octet: 255 degrees of freedom, mean 255, sd ≈ 22.6.
        // The bound is mean + 7 sd, so a true CSPRNG fails it about once in 10^11 runs; a counter or a
        // 15-bit generator exceeds it by far.
        foreach (var octet in new Func<ushort, int>[] { id => id >> 8, id => id & 0xFF })
        {
            var buckets = new int[256];
            foreach (var id in ids)
            {
                buckets[octet(id)]++;
            }

            const double expected = count / 256.0;
            var chiSquare = buckets.Sum(observed => (observed - expected) * (observed - expected) / expected);
            Assert.True(chiSquare < 255 + (7 * 22.6), $"χ² = {chiSquare:F1}");
        }

        Assert.True(ids.Zip(ids.Skip(1)).Count(p => (ushort)(p.Second - p.First) == 1) <= 5, "sequential IDs");
        Assert.True(ids.Distinct().Count() > 9000, "IDs repeat far more often than chance");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void WriteQuery_ClientFlagsAndEdns_OnlyRdAndCdCopiedAndOwnOpt(bool withEdns)
    {
        var question = TestQuery.Build("www.example.com")[DnsHeader.Size..];
        var clientFlags = (ushort)(DnsHeaderFlags.RD | DnsHeaderFlags.CD | DnsHeaderFlags.AD | DnsHeaderFlags.AA | DnsHeaderFlags.TC);
        var buffer = new byte[512];

        var length = UpstreamMessages.WriteQuery(buffer, 0xABCD, question, clientFlags, dnssecOk: true, withEdns);

        Assert.True(DnsMessage.TryParse(buffer.AsSpan(0, length), out var query));
        Assert.Equal(0xABCD, query.Id);
        Assert.Equal(DnsHeaderFlags.RD | DnsHeaderFlags.CD, query.Flags);
        Assert.Equal(new DnsQuestion("www.example.com.", DnsRecordType.A), Assert.Single(query.Questions));
        if (withEdns)
        {
            var opt = Assert.Single(query.Additionals);
            Assert.Equal(DnsRecordType.OPT, opt.Type);
            Assert.Equal(EdnsInfo.ServerPayloadSize, opt.Class);
            Assert.Equal(EdnsInfo.DnssecOk, opt.Ttl);
            Assert.Empty(opt.Data);
        }
        else
        {
            Assert.Empty(query.Additionals);
        }
    }

    [Fact]
    public void WriteClientReply_ReplyWithNoRoomForOurOpt_QuestionOnlyWithTc()
    {
        var query = TestQuery.Build("big.example.com", id: 0x4242, optPayload: 1232);
        Assert.Equal(QueryParseStatus.Ok, DnsQueryParser.Parse(query, out var client));
        var reply = new byte[ushort.MaxValue - 5];
        var response = new byte[ushort.MaxValue];

        var length = UpstreamMessages.WriteClientReply(reply, query, client, response, overUdp: false);

        var message = TestQuery.Parse(response[..length]);
        Assert.Equal((0x4242, DnsRcode.NoError, 0), (message.Id, message.Rcode, message.Answers.Count));
        Assert.True(message.Has(DnsHeaderFlags.TC) && message.Has(DnsHeaderFlags.RA) && message.Has(DnsHeaderFlags.RD));
        Assert.Equal("big.example.com.", Assert.Single(message.Questions).Name);
    }
}
