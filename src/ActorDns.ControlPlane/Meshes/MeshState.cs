using ActorDns.ControlPlane.Allocation;
using ActorDns.ControlPlane.Catalog;
using ActorDns.ControlPlane.Catalog.Kinds;
using ActorDns.ControlPlane.Events;
using ActorDns.ControlPlane.Zones;

namespace ActorDns.ControlPlane.Meshes;

/// <summary>
/// Everything one mesh persists: its catalog and its allocations, as pure state. Commands become events in
/// the <c>Decide*</c> methods; <see cref="Apply"/> folds an event in. The clock is a parameter.
/// </summary>
public sealed record MeshState(string Mesh, MeshSettings Settings, CatalogState Catalog, AllocatorState Allocator)
{
    public static MeshState Empty(string mesh, MeshSettings settings) =>
        new(mesh, settings, CatalogState.Empty, AllocatorState.Empty(settings.Allocation));

    /// <summary>How many records a snapshot of this state holds: resources, assignments and quarantined addresses.</summary>
    public int SnapshotSize =>
        Catalog.Count + Allocator.Assignments.Count
        + Allocator.Books.Values.Sum(b => b.Quarantined.Count);

    public bool IsWanted(EntryKey key) => Catalog.IsWanted(key, Settings.ServiceVipEnabled);

    /// <summary>The DNS names an entry is served under, with their rank (SPEC §4.1).</summary>
    public IEnumerable<(string Name, int Rank)> NamesOf(EntryKey key) => ZoneNames.Of(key, Settings.Domain);

    /// <summary>Create-or-replace: the resource event, then the VIP changes of every entry it had or has.</summary>
    public IReadOnlyList<IMeshEvent> DecideUpsert(MeshResource resource, IEnumerable<EntryKey> pending, DateTimeOffset now)
    {
        var upserted = new ResourceUpserted(resource.Kind.TypeName, resource.Name, resource.Json, resource.Services, resource.Host);
        return [upserted, .. DecideAfter(upserted, pending, now)];
    }

    /// <summary>Delete, or nothing when the resource does not exist.</summary>
    public IReadOnlyList<IMeshEvent> DecideDelete(ResourceKind kind, string name, IEnumerable<EntryKey> pending, DateTimeOffset now)
    {
        if (!Catalog.Of(kind).ContainsKey(name))
        {
            return [];
        }

        var deleted = new ResourceDeleted(kind.TypeName, name);
        return [deleted, .. DecideAfter(deleted, pending, now)];
    }

    /// <summary>Every resource deleted, each with its VIP releases (the mesh itself is being deleted).</summary>
    public IReadOnlyList<IMeshEvent> DecideClear(DateTimeOffset now)
    {
        var events = new List<IMeshEvent>();
        var state = this;
        foreach (var resource in Catalog.All)
        {
            foreach (var e in state.DecideDelete(resource.Kind, resource.Name, [], now))
            {
                events.Add(e);
                state = state.Apply(e);
            }
        }

        return events;
    }

    /// <summary>Every entry checked again: quarantine that ended, a changed CIDR, anything a missed event left behind.</summary>
    public IReadOnlyList<IMeshEvent> DecideReconcile(DateTimeOffset now) =>
        Allocator.Decide(Allocator.Assignments.Keys.Concat(Catalog.References.Keys), IsWanted, now);

    private IEnumerable<IMeshEvent> DecideAfter(IMeshEvent change, IEnumerable<EntryKey> pending, DateTimeOffset now)
    {
        var after = Apply(change);
        return after.Allocator.Decide(KeysTouchedBy(change).Concat(after.KeysTouchedBy(change)).Concat(pending), after.IsWanted, now);
    }

    /// <summary>The entry keys whose VIP or wantedness an event may change, judged on this (the pre-event) state.</summary>
    public IEnumerable<EntryKey> KeysTouchedBy(IMeshEvent @event) => @event switch
    {
        ResourceUpserted e when ResourceKinds.FromTypeName(e.Kind) is { } kind =>
            Catalog.KeysOf(kind, e.Name).Concat(e.Services.Select(EntryKey.Service)).Concat(e.Host is null ? [] : [EntryKey.Host(e.Host)]),
        ResourceDeleted e when ResourceKinds.FromTypeName(e.Kind) is { } kind => Catalog.KeysOf(kind, e.Name),
        VipAllocated e => [EntryKey.Parse(e.Key)],
        VipReleased e => [EntryKey.Parse(e.Key)],
        _ => [],
    };

    public MeshState Apply(IMeshEvent @event) => this with
    {
        Catalog = Catalog.Apply(@event, Mesh),
        Allocator = Allocator.Apply(@event),
    };
}
