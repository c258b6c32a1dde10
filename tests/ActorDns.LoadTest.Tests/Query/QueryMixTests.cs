using ActorDns.LoadTest.Query;
using ActorDns.Protocol;
using Xunit;

namespace ActorDns.LoadTest.Tests.Query;

public sealed class QueryMixTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(20)]
    [InlineData(100)]
    public void Pick_ManyDraws_GivesThePercentageOfAaaaAndEveryName(int aaaaPercent)
    {
        var mix = new QueryMix(["a.mesh", "b.mesh", "c.mesh"], aaaaPercent);
        var random = new Random(42);

        var picks = Enumerable.Range(0, 100_000).Select(_ => mix[mix.Pick(random)]).ToList();

        var aaaa = picks.Count(q => q.Type == DnsRecordType.AAAA) / 1000.0;
        Assert.InRange(aaaa, aaaaPercent - 1, aaaaPercent + 1);
        Assert.Equal(["a.mesh", "b.mesh", "c.mesh"], picks.Select(q => q.Name).Distinct().Order());
    }

    [Fact]
    public void Constructor_InvalidName_ThrowsFormatException() =>
        Assert.Throws<FormatException>(() => new QueryMix(["ok.mesh", "bad..name"], 20));
}
