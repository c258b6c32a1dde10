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
    public static List<VipEntry> Entries(MeshState state, ZoneState zone)
    {
        var keys = state.Allocator.Assignments.Keys.Concat(state.WantedKeys.Where(state.IsWanted)).Distinct().Order();
        var virtualHosts = state.Virtual.Values.SelectMany(v => v.Hosts).ToLookup(h => h.Host, StringComparer.Ordinal);
        var entries = new List<VipEntry>();
        foreach (var key in keys)
        {
            state.Allocator.Assignments.TryGetValue(key, out var assignment);
            var names = new List<string>();
            var reasons = new List<string>();
            if (state.Allocator.LacksVip(key))
            {
                reasons.Add($"no free address in {state.Settings.Allocation.PoolNamed(VipPools.For(key).V4)?.Cidr}");
            }

            foreach (var failed in state.Hostnames.GetValueOrDefault(key, []).Where(g => g.Error is not null))
            {
                reasons.Add($"hostname generator {failed.Generator}: {failed.Error}");
            }

            foreach (var (name, _, _) in state.NamesOf(key))
            {
                if (ZoneNames.Problem(name) is { } problem)
                {
                    reasons.Add(problem);
                }
                else if (zone.Winner(name) is { } winner && winner != key)
                {
                    reasons.Add($"{name} is served for {winner}");
                }
                else if (assignment is not null)
                {
                    names.Add(name);
                }
            }

            var (origin, ports) = key.Origin == EntryKey.FqdnOrigin && virtualHosts[key.Name].Any()
                ? ($"virtual-outbound:{VirtualHosts.Winner(virtualHosts[key.Name]).VirtualOutbound}", [.. virtualHosts[key.Name].Select(h => h.Port).Distinct().Order()])
                : (key.Origin, PortsOf(state, key));
            entries.Add(new VipEntry(key.ToString(), origin, assignment?.Vip?.ToString(), assignment?.VipV6?.ToString(),
                ports, names, reasons.Count == 0 ? null : string.Join("; ", reasons)));
        }

        return entries;
    }

    /// <summary>Every VirtualOutbound rendering that failed, so gave no entry (SPEC §3.1).</summary>
    public static List<string> Warnings(MeshState state) => [.. state.Virtual.Values.SelectMany(v => v.Warnings).Order(StringComparer.Ordinal)];

    /// <summary>
    /// A service answers on the service VIP port; a host on the ports of the ExternalServices naming it; a MeshService
    /// on its ports, a MeshExternalService on its match port.
    /// </summary>
    private static List<int> PortsOf(MeshState state, EntryKey key)
    {
        switch (key.Origin)
        {
            case EntryKey.ServiceOrigin:
                return [state.Settings.ServiceVipPort];
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
