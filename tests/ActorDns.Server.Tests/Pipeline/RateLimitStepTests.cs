using System.Net;
using ActorDns.Protocol;
using ActorDns.Server.Metrics;
using ActorDns.Server.Pipeline;
using ActorDns.Server.Tests.Pipeline.Corefile;
using ActorDns.Testing;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace ActorDns.Server.Tests.Pipeline;

/// <summary>
/// Response rate limiting (SPEC §8): per client prefix and second, the slip, another prefix unaffected, TCP exempt,
/// a new second starting afresh, and no allocation with it on.
/// </summary>
public sealed class RateLimitStepTests
{
    private const string Corefile = ".:16001 {\n forward . 127.0.0.1:16002\n}\n";

    private readonly RateLimitCounts _counts = new();

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 2, 12, 0, 0, TimeSpan.Zero));

    [Theory]
    [InlineData(2, 5, 7, 8)]
    [InlineData(0, 5, 0, 15)]
    [InlineData(1, 5, 15, 0)]
    public void Process_FloodFromOnePrefix_RateAnsweredThenSlipTruncatedRestDropped(int slip, int answered, int truncated, int dropped)
    {
        using var harness = Harness(rate: 5, slip);

        var seen = Enumerable.Range(0, 20).Select(i => Seen(harness, new IPEndPoint(IPAddress.Parse($"10.0.0.{i % 4 + 1}"), 5353))).ToList();

        Assert.Equal(answered, seen.Count(s => s == "answered"));
        Assert.Equal(truncated, seen.Count(s => s == "truncated"));
        Assert.Equal(dropped, seen.Count(s => s == "dropped"));
        Assert.Equal(Enumerable.Repeat("answered", 5), seen.Take(5));
        Assert.Equal((dropped, truncated), (_counts.Dropped, _counts.Truncated));
    }

    [Fact]
    public void Process_OtherPrefixTcpAndNextSecond_NotLimited()
    {
        using var harness = Harness(rate: 2, slip: 0);
        var flood = new IPEndPoint(IPAddress.Parse("10.0.0.1"), 5353);
        for (var i = 0; i < 10; i++)
        {
            Seen(harness, flood);
        }

        Assert.Equal("dropped", Seen(harness, new IPEndPoint(IPAddress.Parse("10.0.0.200"), 5353)));
        Assert.Equal("answered", Seen(harness, new IPEndPoint(IPAddress.Parse("10.0.1.1"), 5353)));
        Assert.Equal("answered", Seen(harness, new IPEndPoint(IPAddress.Parse("2001:db8:0:1::1"), 5353)));
        Assert.Equal("answered", Seen(harness, flood, overUdp: false));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("answered", Seen(harness, flood));
    }

    [Fact]
    public void Process_Ipv6_LimitedPerSlash56()
    {
        using var harness = Harness(rate: 1, slip: 0);

        Assert.Equal("answered", Seen(harness, new IPEndPoint(IPAddress.Parse("2001:db8:0:100::1"), 5353)));
        Assert.Equal("dropped", Seen(harness, new IPEndPoint(IPAddress.Parse("2001:db8:0:1ff::2"), 5353)));
        Assert.Equal("answered", Seen(harness, new IPEndPoint(IPAddress.Parse("2001:db8:0:200::1"), 5353)));
    }

    [Theory]
    [InlineData(1_000_000, 2)]
    [InlineData(1, 2)]
    public void Process_WithRateLimiting_AllocatesNothing(int rate, int slip)
    {
        using var harness = Harness(rate, slip);
        var processor = new QueryProcessor(harness.Compiled.Ports[16001]);
        var query = new ActorDns.Testing.Dns.QueryBuilder { Name = "backend.mesh" }.Build();
        var client = new IPEndPoint(IPAddress.Parse("10.0.0.1"), 5353).Serialize();
        var address = client.Buffer.ToArray().AsSpan(0, client.Size).ToArray();
        var response = new byte[ushort.MaxValue];

        // Warm-up: the answered, the truncated and the dropped path each run (and are compiled) before counting.
        for (var i = 0; i < 10; i++)
        {
            processor.Process(query, response, overUdp: true, address, 0);
        }

        var allocated = Allocations.FewestPerRound(() => processor.Process(query, response, overUdp: true, address, 0));

        Assert.True(allocated == 0, $"allocated {allocated} bytes");
    }

    private CorefileHarness Harness(int rate, int slip) =>
        new(Corefile, configure: r => r with { RateLimiter = new RateLimitStep(new RateLimitSettings(rate, slip), _clock, _counts) });

    private static string Seen(CorefileHarness harness, IPEndPoint client, bool overUdp = true)
    {
        var (outcome, reply) = harness.Ask("backend.mesh", client: client, overUdp: overUdp);
        return outcome.Kind switch
        {
            OutcomeKind.Drop => "dropped",
            _ when (reply!.Flags & DnsHeaderFlags.TC) != 0 && reply.Answers.Count == 0 => "truncated",
            _ when reply.Answers.Count == 1 => "answered",
            _ => $"unexpected {outcome.Rcode}",
        };
    }
}
