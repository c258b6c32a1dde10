using Prometheus;

namespace ActorDns.Server.Forwarding;

/// <summary>Forwarder metrics (SPEC §6). Forwarded queries are the slow path, so plain prometheus-net metrics are fine here.</summary>
public sealed class ForwarderMetrics
{
    public ForwarderMetrics(IMetricFactory factory)
    {
        Requests = factory.CreateCounter("actordns_forward_requests_total", "Queries sent to an upstream, by upstream and transport.", ["upstream", "proto"]);
        Failures = factory.CreateCounter("actordns_forward_failures_total", "Upstream tries that failed, by upstream and reason.", ["upstream", "reason"]);
        Duration = factory.CreateHistogram("actordns_forward_duration_seconds", "Time from receiving a client query to relaying the upstream's answer.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0001, 2, 16) });
        Refused = factory.CreateCounter("actordns_forward_max_concurrent_rejects_total", "Queries answered REFUSED because too many were outstanding upstream.");
        Unwanted = factory.CreateCounter("actordns_forward_unwanted_replies_total", "Upstream replies dropped for a wrong ID, question or format.");
        InFlight = factory.CreateGauge("actordns_forward_in_flight_queries", "Client queries currently waiting on an upstream.");
        Healthy = factory.CreateGauge("actordns_forward_upstream_healthy", "1 when the upstream is considered healthy.", ["upstream"]);
    }

    public Counter Requests { get; }

    public Counter Failures { get; }

    public Histogram Duration { get; }

    public Counter Refused { get; }

    public Counter Unwanted { get; }

    public Gauge InFlight { get; }

    public Gauge Healthy { get; }
}
