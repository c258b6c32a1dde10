using Akka.Actor;
using Akka.Cluster;
using ActorDns.Host.ControlPlane;
using Prometheus;

namespace ActorDns.Host;

/// <summary>
/// Node-level metrics, read at scrape time: the cluster members this node sees by role and status (SPEC §6),
/// and the bytes the process has allocated, so a load run can show that serving queries allocates nothing
/// (with prometheus-net's <c>dotnet_collection_count_total</c> for the GC counts).
/// </summary>
internal static class NodeMetrics
{
    /// <summary>Adds the metrics to <paramref name="registry"/>; <paramref name="system"/> gives the node's current ActorSystem.</summary>
    public static void Register(CollectorRegistry registry, Func<ActorSystem?> system)
    {
        var factory = Metrics.WithCustomRegistry(registry);
        var members = factory.CreateGauge("actordns_cluster_members", "Cluster members this node sees, by role and status; an unreachable member counts as status unreachable.", ["role", "status"]);
        var allocated = factory.CreateCounter("actordns_process_allocated_bytes_total", "Bytes allocated on the managed heap by this process since it started.");
        registry.AddBeforeCollectCallback(() =>
        {
            allocated.IncTo(GC.GetTotalAllocatedBytes());
            CountMembers(members, system());
        });
    }

    private static void CountMembers(Gauge gauge, ActorSystem? current)
    {
        var counts = new Dictionary<(string Role, string Status), int>();
        if (current is { WhenTerminated.IsCompleted: false } system)
        {
            var state = Cluster.Get(system).State;
            foreach (var member in state.Members)
            {
                var status = state.Unreachable.Contains(member) ? "unreachable" : member.Status.ToString().ToLowerInvariant();
                // The downing fingerprint is a role too (decision 0044), but not one a member serves in.
                foreach (var role in member.Roles.Where(r => !MajorityDowning.IsFingerprintRole(r)))
                {
                    counts[(role, status)] = counts.GetValueOrDefault((role, status)) + 1;
                }
            }
        }

        // A role and status seen before but not now drops to zero rather than keeping its last count.
        foreach (var labels in gauge.GetAllLabelValues())
        {
            gauge.WithLabels(labels).Set(counts.GetValueOrDefault((labels[0], labels[1])));
        }

        foreach (var ((role, status), count) in counts)
        {
            gauge.WithLabels(role, status).Set(count);
        }
    }
}
