using ActorDns.LoadTest.Measurement;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace ActorDns.LoadTest.Tests.Measurement;

/// <summary>The histogram against a sorted-array oracle, replayed from a fixed seed.</summary>
public sealed class LatencyHistogramPropertyTests
{
    private const string Seed = "(20260512,1181783497276652981)";

    private static readonly double[] Percentiles = [0, 1, 25, 50, 90, 99, 99.9, 99.99, 100];

    /// <summary>Values spread over every magnitude: a uniform 62-bit number shifted right by 0–62 bits.</summary>
    private static readonly Gen<long> Value =
        from high in Gen.Choose(0, int.MaxValue)
        from low in Gen.Choose(0, int.MaxValue)
        from shift in Gen.Choose(0, 62)
        select (((long)high << 31) | (uint)low) >> shift;

    private static readonly Gen<long[]> Values = Gen.Choose(1, 3000).SelectMany(n => Gen.ArrayOf(Value, n));

    [Property(Replay = Seed, MaxTest = 200, QuietOnSuccess = true)]
    public Property ValueAtPercentile_AnyValues_IsTheTrueValueOrAtMostOne128thAbove() =>
        Prop.ForAll(Arb.From(Values), values =>
        {
            var histogram = new LatencyHistogram();
            foreach (var value in values)
            {
                histogram.Record(value);
            }

            var sorted = values.Order().ToArray();
            foreach (var percentile in Percentiles)
            {
                var rank = Math.Clamp((long)Math.Ceiling(percentile / 100 * sorted.Length), 1, sorted.Length);
                var oracle = sorted[rank - 1];
                var reported = histogram.ValueAtPercentile(percentile);
                if (reported < oracle || reported - oracle > oracle / LatencyHistogram.SubBuckets)
                {
                    return false;
                }
            }

            return histogram.Count == sorted.Length && histogram.Min == sorted[0] && histogram.Max == sorted[^1];
        });

    [Property(Replay = Seed, MaxTest = 200, QuietOnSuccess = true)]
    public Property Mean_AnyValues_IsExact() =>
        Prop.ForAll(Arb.From(Values), values =>
        {
            var histogram = new LatencyHistogram();
            foreach (var value in values)
            {
                histogram.Record(value);
            }

            var oracle = (double)values.Aggregate(Int128.Zero, (sum, v) => sum + v) / values.Length;
            return histogram.Mean == oracle;
        });
}
