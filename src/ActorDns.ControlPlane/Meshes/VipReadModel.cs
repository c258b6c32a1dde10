using ActorDns.ControlPlane.Allocation;
using ActorDns.ControlPlane.Catalog;
using ActorDns.ControlPlane.Catalog.Kinds.MeshExternalService;
using ActorDns.ControlPlane.Catalog.Kinds.MeshService;
using ActorDns.ControlPlane.Catalog.Kinds.VirtualOutbound;
using ActorDns.ControlPlane.Zones;
using static ActorDns.ControlPlane.Meshes.MeshProtocol;

namespace ActorDns.ControlPlane.Meshes;

/// <summary>
/// <c>GET /meshes/{mesh}/vips</c> (SPEC §2): every entry that has a VIP or wants one, with its addresses, ports, the
/// names it is served under, and why it lacks a VIP or a name. A pure function of the stored state and its DNS view.
/// </summary>
public static class VipReadModel
{
    /// <remarks>
    /// Built again after every change of a large mesh that is read, so it walks the assignments in their own (sorted)
    /// order instead of sorting every key, and looks each entry's assignment up once
    /// (perf/results/2026-12-04-cold-start.md).
    /// </remarks>
    public static List<VipEntry> Entries(MeshState state, ZoneState zone)
    {
        var assignments = state.Allocator.Assignments;

        // The wanted entries without an assignment yet (few, unless a pool is exhausted), in the assignments' order.
        List<EntryKey> unassigned = [.. new SortedSet<EntryKey>(state.WantedKeys.Where(k => !assignments.ContainsKey(k) && state.IsWanted(k)), assignments.KeyComparer)];
        var read = new EntryReader(state, zone);
        var entries = new List<VipEntry>(assignments.Count + unassigned.Count);
        var next = 0;
        foreach (var (key, assignment) in assignments)
        {
            for (; next < unassigned.Count && assignments.KeyComparer.Compare(unassigned[next], key) < 0; next++)
            {
                entries.Add(read.Entry(unassigned[next], null));
            }

            entries.Add(read.Entry(key, assignment));
        }

        for (; next < unassigned.Count; next++)
        {
            entries.Add(read.Entry(unassigned[next], null));
        }

        return entries;
    }

    /// <summary>Every VirtualOutbound rendering that failed, so gave no entry (SPEC §3.1).</summary>
    public static List<string> Warnings(MeshState state) => [.. state.Virtual.Values.SelectMany(v => v.Warnings).Order(StringComparer.Ordinal)];

    /// <summary>What one entry of the list says; what all entries share is worked out once.</summary>
    private sealed class EntryReader(MeshState state, ZoneState zone)
    {
        private readonly ILookup<string, VirtualHost> _virtualHosts =
            state.Virtual.Values.SelectMany(v => v.Hosts).ToLookup(h => h.Host, StringComparer.Ordinal);

        private readonly IReadOnlyList<int> _servicePorts = [state.Settings.ServiceVipPort];

        public VipEntry Entry(EntryKey key, VipAssignment? assignment)
        {
            var names = new List<string>(1);
            List<string>? reasons = null;
            if (state.Allocator.LacksVip(key, assignment))
            {
                (reasons ??= []).Add($"no free address in {state.Settings.Allocation.PoolNamed(VipPools.For(key).V4)?.Cidr}");
            }

            if (!state.Hostnames.IsEmpty && state.Hostnames.TryGetValue(key, out var generated))
            {
                foreach (var failed in generated.Where(g => g.Error is not null))
                {
                    (reasons ??= []).Add($"hostname generator {failed.Generator}: {failed.Error}");
                }
            }

            foreach (var (name, _, _) in state.NamesOf(key))
            {
                if (ZoneNames.Problem(name) is { } problem)
                {
                    (reasons ??= []).Add(problem);
                }
                else if (zone.Winner(name) is { } winner && winner != key)
                {
                    (reasons ??= []).Add($"{name} is served for {winner}");
                }
                else if (assignment is not null)
                {
                    names.Add(name);
                }
            }

            var (origin, ports) = key.Origin == EntryKey.FqdnOrigin && _virtualHosts[key.Name].Any()
                ? ($"virtual-outbound:{VirtualHosts.Winner(_virtualHosts[key.Name]).VirtualOutbound}", [.. _virtualHosts[key.Name].Select(h => h.Port).Distinct().Order()])
                : (key.Origin, PortsOf(key));
            return new VipEntry(key.ToString(), origin, assignment?.Vip?.ToString(), assignment?.VipV6?.ToString(),
                ports, names, reasons is null ? null : string.Join("; ", reasons));
        }

        /// <summary>
        /// A service answers on the service VIP port; a host on the ports of the ExternalServices naming it; a MeshService
        /// on its ports, a MeshExternalService on its match port.
        /// </summary>
        private IReadOnlyList<int> PortsOf(EntryKey key)
        {
            switch (key.Origin)
            {
                case EntryKey.ServiceOrigin:
                    return _servicePorts;
                case EntryKey.MeshServiceOrigin:
                    return state.Catalog.Of(MeshServiceKind.Resource).TryGetValue(key.Name, out var service) ? [.. MeshServiceKind.PortsOf(service.ToJson()).Distinct().Order()] : [];
                case EntryKey.MeshExternalServiceOrigin:
                    return state.Catalog.Of(MeshExternalServiceKind.Resource).TryGetValue(key.Name, out var external) ? [.. MeshExternalServiceKind.PortsOf(external.ToJson())] : [];
            }

            return state.Catalog.Of(ResourceKind.ExternalService).Values
                .Where(r => r.Host == key.Name)
                .Select(r => (string?)r.ToJson()["networking"]?["address"]?.GetValue<string>())
                .Select(a => int.TryParse(a?[(a.LastIndexOf(':') + 1)..], out var port) ? port : 0)
                .Where(p => p > 0).Distinct().Order().ToList();
        }
    }
}
