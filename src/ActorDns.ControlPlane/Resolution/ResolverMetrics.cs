using Prometheus;

namespace ActorDns.ControlPlane.Resolution;

/// <summary>Resolver metrics (SPEC §6): the table each mesh serves, full copies fetched, and propagation latency.</summary>
public sealed class ResolverMetrics
{
    public ResolverMetrics(IMetricFactory factory)
    {
        TableVersion = factory.CreateGauge("actordns_resolver_table_version", "Version of the table this resolver serves, by mesh.", ["mesh"]);
        TableEntries = factory.CreateGauge("actordns_resolver_table_entries", "Names in the table this resolver serves, by mesh.", ["mesh"]);
        ZoneFetches = factory.CreateCounter("actordns_resolver_zone_fetches_total", "Whole-zone copies applied (start, gap, or a version check that found the table behind), by mesh.", ["mesh"]);
        Propagation = factory.CreateHistogram("actordns_resolver_propagation_seconds",
            "Time from a change being persisted on the control plane to its delta being served by this resolver (clocks of both nodes).",
            new HistogramConfiguration { LabelNames = ["mesh"], Buckets = Histogram.ExponentialBuckets(0.0005, 2, 16) });
    }

    public Gauge TableVersion { get; }

    public Gauge TableEntries { get; }

    public Counter ZoneFetches { get; }

    public Histogram Propagation { get; }
}
