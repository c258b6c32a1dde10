using ActorDns.LoadTest.Measurement;
using Xunit;

namespace ActorDns.LoadTest.Tests.Measurement;

public sealed class LatencyHistogramTests
{
    private static readonly int LastIndex = LatencyHistogram.IndexOf(long.MaxValue);

    [Fact]
    public void IndexOf_ValuesBelow128_HaveABucketEach()
    {
        for (var value = 0L; value < LatencyHistogram.SubBuckets; value++)
        {
            var index = LatencyHistogram.IndexOf(value);
            Assert.Equal(value, LatencyHistogram.LowestEquivalent(index));
            Assert.Equal(value, LatencyHistogram.HighestEquivalent(index));
        }
    }

    [Fact]
    public void Buckets_WholeRange_AreContiguousAndNarrowerThanOne128thOfTheirValues()
    {
        Assert.Equal(0, LatencyHistogram.LowestEquivalent(0));
        for (var index = 0; index < LastIndex; index++)
        {
            var lowest = LatencyHistogram.LowestEquivalent(index);
            var highest = LatencyHistogram.HighestEquivalent(index);
            Assert.Equal(highest + 1, LatencyHistogram.LowestEquivalent(index + 1));
            Assert.Equal(index, LatencyHistogram.IndexOf(lowest));
            Assert.Equal(index, LatencyHistogram.IndexOf(highest));
            Assert.True(index < LatencyHistogram.SubBuckets || (highest - lowest + 1) * LatencyHistogram.SubBuckets <= lowest, $"bucket {index} [{lowest}, {highest}] too wide");
        }

        Assert.Equal(long.MaxValue, LatencyHistogram.HighestEquivalent(LastIndex));
    }

    [Fact]
    public void ValueAtPercentile_Empty_IsZero()
    {
        var histogram = new LatencyHistogram();

        Assert.Equal(0, histogram.ValueAtPercentile(50));
        Assert.Equal(0, histogram.Count);
        Assert.Equal(0, histogram.Mean);
    }

    [Fact]
    public void ValueAtPercentile_OneToThousand_MatchesRanks()
    {
        var histogram = new LatencyHistogram();
        for (var value = 1; value <= 1000; value++)
        {
            histogram.Record(value);
        }

        // Rank ⌈p·n⌉, reported as the top of its bucket: 500 is in [500, 501], 990 in [988, 991].
        Assert.Equal(501, histogram.ValueAtPercentile(50));
        Assert.Equal(991, histogram.ValueAtPercentile(99));
        Assert.Equal(1, histogram.ValueAtPercentile(0));
        Assert.Equal(1000, histogram.ValueAtPercentile(100));
        Assert.Equal(500.5, histogram.Mean);
    }

    [Fact]
    public void Record_NegativeValue_CountsAsZero()
    {
        var histogram = new LatencyHistogram();

        histogram.Record(-5);

        Assert.Equal(1, histogram.Count);
        Assert.Equal(0, histogram.Max);
        Assert.Equal(0, histogram.ValueAtPercentile(100));
    }

    [Fact]
    public void Record_LongMaxValue_IsCountedWithoutOverflow()
    {
        var histogram = new LatencyHistogram();

        histogram.Record(long.MaxValue);
        histogram.Record(long.MaxValue);

        Assert.Equal(long.MaxValue, histogram.ValueAtPercentile(50));
        Assert.Equal((double)long.MaxValue, histogram.Mean);
    }

    [Fact]
    public void Sum_TwoHistograms_EqualsRecordingEverythingInOne()
    {
        var random = new Random(7);
        var values = Enumerable.Range(0, 5000).Select(_ => (long)(random.NextDouble() * 10_000_000) + random.Next(1000)).ToArray();
        var first = new LatencyHistogram();
        var second = new LatencyHistogram();
        var all = new LatencyHistogram();
        for (var i = 0; i < values.Length; i++)
        {
            (i % 2 == 0 ? first : second).Record(values[i]);
            all.Record(values[i]);
        }

        var sum = LatencyHistogram.Sum([first, second]);

        Assert.Equal(all.Count, sum.Count);
        Assert.Equal(all.Min, sum.Min);
        Assert.Equal(all.Max, sum.Max);
        Assert.Equal(all.Mean, sum.Mean);
        foreach (var percentile in new[] { 0, 50, 90, 99, 99.9, 100 })
        {
            Assert.Equal(all.ValueAtPercentile(percentile), sum.ValueAtPercentile(percentile));
        }
    }
}
