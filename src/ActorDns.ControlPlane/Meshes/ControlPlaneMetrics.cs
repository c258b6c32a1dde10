using Prometheus;

namespace ActorDns.ControlPlane.Meshes;

/// <summary>
/// The metrics of this project (SPEC §6): on control-plane nodes VIPs per mesh, allocations, their latency and
/// journal failures; on resolvers the table each mesh serves, whole-zone fetches and propagation latency.
/// </summary>
public sealed class ControlPlaneMetrics
{
    public ControlPlaneMetrics(IMetricFactory factory)
    {
        VipsUsed = factory.CreateGauge("actordns_vip_addresses_used", "VIPs held by entries, by mesh, pool and family.", ["mesh", "pool", "family"]);
        VipsFree = factory.CreateGauge("actordns_vip_addresses_free", "VIPs still free in the pool (quarantined ones count as used), by mesh, pool and family.", ["mesh", "pool", "family"]);
        Exhaustion = factory.CreateCounter("actordns_vip_exhaustion_total", "Entries that could not get a VIP because the pool was full, by mesh.", ["mesh"]);
        Allocations = factory.CreateCounter("actordns_vip_allocations_total", "VIPs allocated, by mesh.", ["mesh"]);
        Releases = factory.CreateCounter("actordns_vip_releases_total", "VIPs released, by mesh.", ["mesh"]);
        CommandDuration = factory.CreateHistogram("actordns_mesh_command_duration_seconds",
            "Time from a mesh entity receiving a change to its events being persisted.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0005, 2, 14) });
        JournalFailures = factory.CreateCounter("actordns_journal_write_failures_total", "Journal writes that failed; the change was rejected.", ["mesh"]);
        ZoneVersion = factory.CreateGauge("actordns_zone_version", "Version of each mesh's DNS view on the control plane.", ["mesh"]);
        ZoneRecords = factory.CreateGauge("actordns_zone_records", "Names in each mesh's DNS view on the control plane.", ["mesh"]);
        TableVersion = factory.CreateGauge("actordns_resolver_table_version", "Version of the table this resolver serves, by mesh.", ["mesh"]);
        TableEntries = factory.CreateGauge("actordns_resolver_table_entries", "Names in the table this resolver serves, by mesh.", ["mesh"]);
        CacheWriteFailures = factory.CreateCounter("actordns_resolver_cache_write_failures_total",
            "Zone cache files that could not be written (a full or read-only disk), by mesh; the table is served all the same.", ["mesh"]);
        CacheCurrent = factory.CreateGauge("actordns_resolver_cache_current",
            "1 when the zone cache file holds the last table written for the mesh, 0 when writing it failed and the file on disk is older.", ["mesh"]);
        ZoneFetches = factory.CreateCounter("actordns_resolver_zone_fetches_total", "Whole-zone copies applied (start, gap, or a version check that found the table behind), by mesh.", ["mesh"]);
        Propagation = factory.CreateHistogram("actordns_resolver_propagation_seconds",
            "Time from a change being persisted on the control plane to its delta being served by this resolver (clocks of both nodes); changes repaired by a whole-zone fetch are not observed.",
            new HistogramConfiguration { LabelNames = ["mesh"], Buckets = Histogram.ExponentialBuckets(0.0005, 2, 16) });
    }

    public Counter CacheWriteFailures { get; }

    public Gauge CacheCurrent { get; }

    public Gauge VipsUsed { get; }

    public Gauge VipsFree { get; }

    public Counter Exhaustion { get; }

    public Counter Allocations { get; }

    public Counter Releases { get; }

    public Histogram CommandDuration { get; }

    public Counter JournalFailures { get; }

    public Gauge ZoneVersion { get; }

    public Gauge ZoneRecords { get; }

    public Gauge TableVersion { get; }

    public Gauge TableEntries { get; }

    public Counter ZoneFetches { get; }

    public Histogram Propagation { get; }
}
