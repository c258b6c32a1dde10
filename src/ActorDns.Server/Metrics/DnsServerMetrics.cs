using System.Diagnostics;
using System.Globalization;
using System.Text;
using Prometheus;

namespace ActorDns.Server.Metrics;

/// <summary>
/// DNS request metrics (SPEC §6). Receive loops count into their own <see cref="WorkerStats"/>; a
/// before-collect callback sums them into prometheus-net counters at scrape time, so the query path never
/// touches a shared counter. prometheus-net cannot set histogram buckets from outside, so the duration
/// histogram is written in the text exposition format by <see cref="WriteDurationHistogram"/>.
/// </summary>
public sealed class DnsServerMetrics
{
    public const string DurationName = "actordns_dns_request_duration_seconds";

    private static readonly string[] RcodeLabels = Enumerable.Range(0, 32).Select(RcodeName).ToArray();

    private readonly Lock _workersLock = new();
    private readonly List<WorkerStats> _workers = [];
    private readonly Counter _requests;
    private readonly Counter _responses;
    private readonly Counter _dropped;
    private readonly Counter _forwarded;
    private readonly Counter _receiveCalls;
    private readonly Counter _rateLimited;

    public DnsServerMetrics(CollectorRegistry registry)
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        _requests = factory.CreateCounter("actordns_dns_requests_total", "DNS queries answered, by query type and transport.", ["type", "proto"]);
        _responses = factory.CreateCounter("actordns_dns_responses_total", "DNS replies sent, by rcode and transport.", ["rcode", "proto"]);
        _dropped = factory.CreateCounter("actordns_dns_dropped_requests_total",
            "Queries not answered: datagrams shorter than a header, responses (QR=1), error replies over the per-second cap, and what an acl or the rate limit dropped.", ["proto"]);
        _forwarded = factory.CreateCounter("actordns_dns_forwarded_requests_total", "Queries handed to the upstream forwarder.", ["proto"]);
        _receiveCalls = factory.CreateCounter("actordns_dns_udp_receive_calls_total", "recvmmsg (or recvfrom) calls that returned datagrams: requests per call is the batch size under load.");
        _rateLimited = factory.CreateCounter("actordns_dns_rate_limited_total",
            "UDP answers response rate limiting (--rrl-rate) withheld: dropped, or sent truncated (the slip) so the client retries over TCP.", ["action"]);
        registry.AddBeforeCollectCallback(Collect);
    }

    /// <summary>What response rate limiting withheld; every limiter the node builds counts into it.</summary>
    public RateLimitCounts RateLimited { get; } = new();

    /// <summary>Registers the counters of one loop (or one shared atomic set) for aggregation.</summary>
    public WorkerStats CreateWorker(string protocol, bool atomic)
    {
        var stats = new WorkerStats(protocol, atomic);
        lock (_workersLock)
        {
            _workers.Add(stats);
        }

        return stats;
    }

    private WorkerStats[] Snapshot()
    {
        lock (_workersLock)
        {
            return [.. _workers];
        }
    }

    private void Collect()
    {
        foreach (var group in Snapshot().GroupBy(w => w.Protocol))
        {
            var proto = group.Key;
            for (var i = 0; i < WorkerStats.TypeLabels.Length; i++)
            {
                SetTotal(_requests.WithLabels(WorkerStats.TypeLabels[i], proto), group.Sum(w => Volatile.Read(ref w.Requests[i])));
            }

            for (var i = 0; i < RcodeLabels.Length; i++)
            {
                var total = group.Sum(w => Volatile.Read(ref w.Responses[i]));
                if (total > 0)
                {
                    SetTotal(_responses.WithLabels(RcodeLabels[i], proto), total);
                }
            }

            SetTotal(_dropped.WithLabels(proto), group.Sum(w => Volatile.Read(ref w.Dropped)));
            SetTotal(_forwarded.WithLabels(proto), group.Sum(w => Volatile.Read(ref w.Forwarded)));
        }

        SetTotal(_receiveCalls, Snapshot().Sum(w => Volatile.Read(ref w.Batches)));
        SetTotal(_rateLimited.WithLabels("dropped"), RateLimited.Dropped);
        SetTotal(_rateLimited.WithLabels("truncated"), RateLimited.Truncated);
    }

    private static void SetTotal(ICounter counter, long total) => counter.IncTo(total);

    /// <summary>Appends the request-duration histogram, one series per transport, in Prometheus text format 0.0.4.</summary>
    public void WriteDurationHistogram(StringBuilder output)
    {
        output.Append("# HELP ").Append(DurationName).Append(" Time from receiving a query to sending its reply, forwarded queries included.\n");
        output.Append("# TYPE ").Append(DurationName).Append(" histogram\n");
        foreach (var group in Snapshot().GroupBy(w => w.Protocol))
        {
            long cumulative = 0;
            for (var i = 0; i <= WorkerStats.DurationBounds.Count; i++)
            {
                cumulative += group.Sum(w => Volatile.Read(ref w.DurationBuckets[i]));
                var bound = i < WorkerStats.DurationBounds.Count ? WorkerStats.DurationBounds[i].ToString("R", CultureInfo.InvariantCulture) : "+Inf";
                output.Append(CultureInfo.InvariantCulture, $"{DurationName}_bucket{{proto=\"{group.Key}\",le=\"{bound}\"}} {cumulative}\n");
            }

            var seconds = group.Sum(w => Volatile.Read(ref w.DurationTicks)) / (double)Stopwatch.Frequency;
            output.Append(CultureInfo.InvariantCulture, $"{DurationName}_sum{{proto=\"{group.Key}\"}} {seconds:R}\n");
            output.Append(CultureInfo.InvariantCulture, $"{DurationName}_count{{proto=\"{group.Key}\"}} {cumulative}\n");
        }
    }

    private static string RcodeName(int rcode) => rcode switch
    {
        0 => "NOERROR",
        1 => "FORMERR",
        2 => "SERVFAIL",
        3 => "NXDOMAIN",
        4 => "NOTIMP",
        5 => "REFUSED",
        16 => "BADVERS",
        _ => rcode.ToString(CultureInfo.InvariantCulture),
    };
}
