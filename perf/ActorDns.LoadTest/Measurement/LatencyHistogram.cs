using System.Numerics;

namespace ActorDns.LoadTest.Measurement;

/// <summary>
/// A log-linear histogram of non-negative integers (HdrHistogram's layout, written from scratch): values
/// below 128 are counted exactly; above, every power-of-two range [2^e, 2^(e+1)) is split into 128 equal
/// buckets, so a bucket is never wider than 1/128 (0.78 %) of the values it holds. The whole
/// <see cref="long"/> range fits in 7,296 counters, so recording never allocates and nothing overflows.
/// </summary>
/// <remarks>
/// Not thread-safe: each thread records into its own histogram and the results are merged with
/// <see cref="Add"/>. Percentiles follow HdrHistogram's definition: the smallest recorded value with at
/// least p % of the values at or below it, reported as the highest value of its bucket (clamped to the
/// recorded maximum), so a percentile is never below the true one and at most 1/128 above it.
/// </remarks>
internal sealed class LatencyHistogram
{
    /// <summary>Buckets per power of two (2^7): the relative precision is 1/128.</summary>
    public const int SubBuckets = 128;

    private const int SubBucketBits = 7;

    // Values 0..127 use the first 128 counters; each exponent 7..62 adds 128 more.
    private const int BucketCount = (1 + (63 - SubBucketBits)) * SubBuckets;

    private readonly long[] _counts = new long[BucketCount];

    private Int128 _sum;

    public long Count { get; private set; }

    public long Min { get; private set; } = long.MaxValue;

    public long Max { get; private set; }

    /// <summary>Exact mean of the recorded values (the sum is kept exactly, as a 128-bit integer).</summary>
    public double Mean => Count == 0 ? 0 : (double)_sum / Count;

    /// <summary>Counts one value; a negative one (a clock step) counts as 0.</summary>
    public void Record(long value)
    {
        value = Math.Max(value, 0);
        _counts[IndexOf(value)]++;
        Count++;
        _sum += value;
        Min = Math.Min(Min, value);
        Max = Math.Max(Max, value);
    }

    public void Add(LatencyHistogram other)
    {
        for (var i = 0; i < BucketCount; i++)
        {
            _counts[i] += other._counts[i];
        }

        Count += other.Count;
        _sum += other._sum;
        Min = Math.Min(Min, other.Min);
        Max = Math.Max(Max, other.Max);
    }

    /// <summary>A new histogram holding every value of <paramref name="parts"/>.</summary>
    public static LatencyHistogram Sum(IEnumerable<LatencyHistogram> parts)
    {
        var sum = new LatencyHistogram();
        foreach (var part in parts)
        {
            sum.Add(part);
        }

        return sum;
    }

    /// <summary>The value at <paramref name="percentile"/> (0–100); 0 when nothing was recorded.</summary>
    public long ValueAtPercentile(double percentile)
    {
        if (Count == 0)
        {
            return 0;
        }

        var rank = Math.Clamp((long)Math.Ceiling(percentile / 100 * Count), 1, Count);
        long seen = 0;
        for (var i = 0; i < BucketCount; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return Math.Clamp(HighestEquivalent(i), Min, Max);
            }
        }

        return Max;
    }

    /// <summary>The bucket of <paramref name="value"/>: its top 8 significant bits, offset by its exponent.</summary>
    internal static int IndexOf(long value)
    {
        if (value < SubBuckets)
        {
            return (int)value;
        }

        var shift = BitOperations.Log2((ulong)value) - SubBucketBits;
        return ((shift + 1) * SubBuckets) + (int)(value >> shift) - SubBuckets;
    }

    /// <summary>The smallest value that falls in bucket <paramref name="index"/>.</summary>
    internal static long LowestEquivalent(int index)
    {
        if (index < SubBuckets)
        {
            return index;
        }

        var shift = (index / SubBuckets) - 1;
        return (long)((ulong)((index % SubBuckets) + SubBuckets) << shift);
    }

    /// <summary>The largest value that falls in bucket <paramref name="index"/>.</summary>
    internal static long HighestEquivalent(int index) =>
        index == BucketCount - 1 ? long.MaxValue : LowestEquivalent(index + 1) - 1;
}
