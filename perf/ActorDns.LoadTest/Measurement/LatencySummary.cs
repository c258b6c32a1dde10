namespace ActorDns.LoadTest.Measurement;

/// <summary>Percentiles of a histogram of nanoseconds, in milliseconds rounded to the microsecond.</summary>
internal sealed record LatencySummary(long Count, double P50, double P90, double P99, double P999, double Max, double Mean)
{
    public static LatencySummary Of(LatencyHistogram nanoseconds) => new(
        nanoseconds.Count,
        Ms(nanoseconds.ValueAtPercentile(50)),
        Ms(nanoseconds.ValueAtPercentile(90)),
        Ms(nanoseconds.ValueAtPercentile(99)),
        Ms(nanoseconds.ValueAtPercentile(99.9)),
        Ms(nanoseconds.Count == 0 ? 0 : nanoseconds.Max),
        Math.Round(nanoseconds.Mean / 1e6, 3));

    /// <summary>One line: every percentile.</summary>
    public string Describe() =>
        Count == 0 ? "no samples" : FormattableString.Invariant($"p50 {P50:0.000}  p90 {P90:0.000}  p99 {P99:0.000}  p99.9 {P999:0.000}  max {Max:0.000}  mean {Mean:0.000} ms  (n={Count})");

    /// <summary>One line: the median, the tail and the worst case.</summary>
    public string DescribeShort() =>
        Count == 0 ? "no samples" : FormattableString.Invariant($"p50 {P50:0.000}  p99 {P99:0.000}  max {Max:0.000} ms  (n={Count})");

    private static double Ms(long nanoseconds) => Math.Round(nanoseconds / 1e6, 3);
}
