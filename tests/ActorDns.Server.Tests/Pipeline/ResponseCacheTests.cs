using System.Net;
using ActorDns.Protocol;
using ActorDns.Server.Pipeline;
using ActorDns.Testing;
using ActorDns.Testing.Dns;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace ActorDns.Server.Tests.Pipeline;

/// <summary>CoreDNS's <c>cache</c> for upstream answers: what is kept, for how long, under which key, and a hit's bytes.</summary>
public sealed class ResponseCacheTests
{
    private static readonly CacheBounds Success = new(100, TimeSpan.FromSeconds(3600), TimeSpan.FromSeconds(5));
    private static readonly CacheBounds Denial = new(100, TimeSpan.FromSeconds(1800), TimeSpan.FromSeconds(5));

    private readonly FakeTimeProvider _clock = new();
    private readonly byte[] _response = new byte[ushort.MaxValue];

    [Fact]
    public void TryAnswer_Stored_ClientsIdAndQuestionCase_TtlCountsDown_GoneWhenExpired()
    {
        var cache = new ResponseCache(Success, Denial, _clock);
        Store(cache, new QueryBuilder { Id = 1, Name = "www.example.org" }.Build(), DnsRcode.NoError, ttl: 300, answers: 1);
        var request = new QueryBuilder { Id = 0x7777, Name = "WWW.Example.ORG" }.Build();

        _clock.Advance(TimeSpan.FromSeconds(100));
        var reply = Ask(cache, request);
        _clock.Advance(TimeSpan.FromSeconds(200));
        var expired = Ask(cache, request);

        Assert.Equal(0x7777, reply!.Id);
        Assert.Equal("WWW.Example.ORG.", reply.Questions.Single().Name);
        var answer = Assert.Single(reply.Answers);
        Assert.Equal((200u, IPAddress.Parse("192.0.2.1")), (answer.Ttl, answer.AsAddress()));
        Assert.Null(expired);
    }

    [Theory]
    [InlineData(10_000u, 3600)]
    [InlineData(1u, 5)]
    public void Store_TtlClampedToTheBounds(uint ttl, int kept)
    {
        var cache = new ResponseCache(Success, Denial, _clock);
        var request = new QueryBuilder().Build();
        Store(cache, request, DnsRcode.NoError, ttl, answers: 1);

        _clock.Advance(TimeSpan.FromSeconds(kept - 1));
        var stillThere = Ask(cache, request);
        _clock.Advance(TimeSpan.FromSeconds(1));

        Assert.NotNull(stillThere);
        Assert.Null(Ask(cache, request));
    }

    [Fact]
    public void Store_Nxdomain_CachedForTheSoaTtlWithTheSoa_NotWithout()
    {
        var cache = new ResponseCache(Success, Denial, _clock);
        var withSoa = new QueryBuilder { Name = "nosuch.example.org" }.Build();
        var withoutSoa = new QueryBuilder { Name = "other.example.org" }.Build();
        Store(cache, withSoa, DnsRcode.NXDomain, ttl: 60, answers: 0, soa: true);
        Store(cache, withoutSoa, DnsRcode.NXDomain, ttl: 60, answers: 0, soa: false);

        _clock.Advance(TimeSpan.FromSeconds(59));

        Assert.Equal(DnsRcode.NXDomain, Ask(cache, withSoa)!.Rcode);
        Assert.Null(Ask(cache, withoutSoa));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(Ask(cache, withSoa));
    }

    [Theory]
    [InlineData(DnsRcode.ServFail)]
    [InlineData(DnsRcode.Refused)]
    [InlineData(DnsRcode.FormErr)]
    public void Store_ErrorRcodes_NotCached(DnsRcode rcode)
    {
        var cache = new ResponseCache(Success, Denial, _clock);
        var request = new QueryBuilder().Build();
        Store(cache, request, rcode, ttl: 60, answers: 0, soa: true);

        Assert.Null(Ask(cache, request));
    }

    [Fact]
    public void Store_Truncated_NotCached()
    {
        var cache = new ResponseCache(Success, Denial, _clock);
        var request = new QueryBuilder().Build();
        Store(cache, request, DnsRcode.NoError, ttl: 60, answers: 1, flags: DnsHeaderFlags.TC);

        Assert.Null(Ask(cache, request));
    }

    [Theory]
    [InlineData("type", (ushort)DnsRecordType.AAAA, (ushort)0, (ushort)0)]
    [InlineData("DO bit", (ushort)DnsRecordType.A, EdnsInfo.DnssecOk, (ushort)0)]
    [InlineData("CD bit", (ushort)DnsRecordType.A, (ushort)0, DnsHeaderFlags.CD)]
    public void TryAnswer_OtherTypeDoOrCdBit_Miss(string caseId, ushort type, ushort ednsFlags, ushort flags)
    {
        // Both with EDNS, so only the field under test differs.
        var cache = new ResponseCache(Success, Denial, _clock);
        Store(cache, new QueryBuilder { Edns = true }.Build(), DnsRcode.NoError, ttl: 60, answers: 1);
        var other = new QueryBuilder { Type = type, Edns = true, EdnsFlags = ednsFlags, Flags = (ushort)(DnsHeaderFlags.RD | flags) }.Build();

        Assert.NotNull(Ask(cache, new QueryBuilder { Edns = true }.Build()));
        Assert.True(Ask(cache, other) is null, caseId);
    }

    [Fact]
    public void TryAnswer_Hit_RdIsTheAskingClients()
    {
        var cache = new ResponseCache(Success, Denial, _clock);
        Store(cache, new QueryBuilder { Flags = DnsHeaderFlags.RD }.Build(), DnsRcode.NoError, ttl: 60, answers: 1);

        var reply = Ask(cache, new QueryBuilder { Flags = 0 }.Build());

        Assert.Equal(0, reply!.Flags & DnsHeaderFlags.RD);
    }

    [Fact]
    public void TryAnswer_Hit_AllocatesNothing()
    {
        var cache = new ResponseCache(Success, Denial, _clock);
        var request = new QueryBuilder().Build();
        Store(cache, request, DnsRcode.NoError, ttl: 60, answers: 3);
        DnsQueryParser.Parse(request, out var query);
        Assert.True(cache.TryAnswer(request, query, _response, overUdp: true) > 0);

        Assert.Equal(0, Allocations.FewestPerRound(() => cache.TryAnswer(request, query, _response, overUdp: true)));
    }

    private static void Store(ResponseCache cache, byte[] request, DnsRcode rcode, uint ttl, int answers, bool soa = false, ushort flags = 0)
    {
        DnsQueryParser.Parse(request, out var query);
        var reply = new DnsMessage { Id = query.Header.Id, Flags = (ushort)(DnsHeaderFlags.QR | DnsHeaderFlags.RD | DnsHeaderFlags.RA | flags | (ushort)rcode) };
        var name = DnsName.ToText(query.QName(request));
        reply.Questions.Add(new DnsQuestion(name, query.QType));
        for (var i = 0; i < answers; i++)
        {
            reply.Answers.Add(DnsResourceRecord.Address(name, new IPAddress([192, 0, 2, (byte)(i + 1)]), ttl));
        }

        if (soa)
        {
            reply.Authorities.Add(new DnsResourceRecord("example.org.", DnsRecordType.SOA, (ushort)DnsClass.IN, ttl, SoaData()));
        }

        cache.Store(request, query, reply.ToArray());
    }

    private DnsMessage? Ask(ResponseCache cache, byte[] request)
    {
        DnsQueryParser.Parse(request, out var query);
        var length = cache.TryAnswer(request, query, _response, overUdp: true);
        return length > 0 && DnsMessage.TryParse(_response.AsSpan(0, length), out var reply) ? reply : null;
    }

    private static byte[] SoaData()
    {
        var names = DnsName.Parse("ns.example.org").Concat(DnsName.Parse("hostmaster.example.org"));
        var numbers = new byte[20];
        numbers[19] = 60;
        return [.. names, .. numbers];
    }
}
