namespace ActorDns.Server.Metrics;

/// <summary>
/// What response rate limiting withheld since the node started, across every pipeline it ran (a reload starts the
/// limiter's own counts afresh, not these). Written only for a limited answer, so an unlimited query never touches it;
/// <see cref="DnsServerMetrics"/> reads it at scrape time.
/// </summary>
public sealed class RateLimitCounts
{
    private long _dropped;
    private long _truncated;

    public long Dropped => Volatile.Read(ref _dropped);

    public long Truncated => Volatile.Read(ref _truncated);

    public void Drop() => Interlocked.Increment(ref _dropped);

    public void Truncate() => Interlocked.Increment(ref _truncated);
}
