using ActorDns.ControlPlane.Allocation;
using ActorDns.ControlPlane.Catalog;
using ActorDns.ControlPlane.Zones;
using ActorDns.Server.Query;

namespace ActorDns.ControlPlane.Meshes;

/// <summary>
/// What the resolvers of a mesh see of its stored state: the DNS view, the version they know it by (the sequence
/// number of the last stored event that changed a record), and the wanted entries still waiting for a VIP, which are
/// looked at again on every commit. Pure: the mesh entity publishes the deltas it returns.
/// </summary>
public sealed record ZoneProjection(ZoneState Zone, long Version, IReadOnlySet<EntryKey> Pending)
{
    /// <summary>The view of a recovered state, known by <paramref name="version"/>.</summary>
    public static ZoneProjection Recover(MeshState state, long version)
    {
        var keys = state.Allocator.Assignments.Keys.Concat(state.WantedKeys).ToList();
        return new ZoneProjection(ZoneState.Build(state.Settings.Domain, keys, k => AssignmentOf(state, k), state.NamesOf), version, Lacking(state, keys));
    }

    /// <summary>
    /// Re-derives the records of the <paramref name="touched"/> entries and of those pending, from the stored
    /// <paramref name="state"/> at <paramref name="version"/>. The delta is null, and the version unchanged, when no
    /// record changed; <c>NewlyExhausted</c> counts the entries that began waiting for a VIP.
    /// </summary>
    public (ZoneProjection Next, ZoneDelta? Delta, int NewlyExhausted) Commit(IEnumerable<EntryKey> touched, MeshState state, long version)
    {
        var keys = touched.Concat(Pending).ToList();
        var (zone, upserts, removals) = Zone.Update(keys, k => AssignmentOf(state, k), state.NamesOf);
        var pending = Lacking(state, keys);
        var newlyExhausted = pending.Count(k => !Pending.Contains(k));
        if (upserts.Count == 0 && removals.Count == 0)
        {
            return (this with { Zone = zone, Pending = pending }, null, newlyExhausted);
        }

        return (new ZoneProjection(zone, version, pending), new ZoneDelta(Version, version, upserts, removals), newlyExhausted);
    }

    /// <summary>The VIPs an entry is served with: none while it is not wanted.</summary>
    private static VipAssignment? AssignmentOf(MeshState state, EntryKey key) =>
        state.IsWanted(key) && state.Allocator.Assignments.TryGetValue(key, out var assignment) ? assignment : null;

    private static HashSet<EntryKey> Lacking(MeshState state, IEnumerable<EntryKey> keys) =>
        keys.Where(k => state.IsWanted(k) && state.Allocator.LacksVip(k)).ToHashSet();
}
