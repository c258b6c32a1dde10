using System.Collections.Immutable;
using System.Text.Json.Nodes;
using ActorDns.ControlPlane.Allocation;
using ActorDns.ControlPlane.Catalog;
using ActorDns.ControlPlane.Catalog.Kinds;
using ActorDns.ControlPlane.Catalog.Kinds.HostnameGenerator;
using ActorDns.ControlPlane.Catalog.Kinds.VirtualOutbound;
using ActorDns.ControlPlane.Events;
using ActorDns.ControlPlane.Zones;

namespace ActorDns.ControlPlane.Meshes;

/// <summary>
/// Everything one mesh persists: its catalog and its allocations, as pure state, and what is derived from them across
/// resources (the hostnames HostnameGenerators give MeshServices and MeshExternalServices, the hosts VirtualOutbounds
/// render for Dataplane inbounds), kept up to date for exactly what an event touches. Commands become events in the
/// <c>Decide*</c> methods; <see cref="Apply"/> folds an event in. The clock is a parameter.
/// </summary>
public sealed record MeshState(string Mesh, MeshSettings Settings, CatalogState Catalog, AllocatorState Allocator)
{
    /// <summary>
    /// What each generator gave each entry of a kind named by HostnameGenerators (MeshService, MeshExternalService),
    /// in Kuma's generator order; kept up to date for exactly the resources a change touches.
    /// </summary>
    public ImmutableDictionary<EntryKey, ImmutableArray<GeneratedHostname>> Hostnames { get; init; } =
        ImmutableDictionary<EntryKey, ImmutableArray<GeneratedHostname>>.Empty;

    /// <summary>The named ports of each entry named by HostnameGenerators that has any (a MeshService's <c>spec.ports[].name</c>).</summary>
    public ImmutableDictionary<EntryKey, ImmutableArray<NamedPort>> NamedPorts { get; init; } =
        ImmutableDictionary<EntryKey, ImmutableArray<NamedPort>>.Empty;

    /// <summary>Per Dataplane, the hostnames VirtualOutbounds give its inbounds and the renderings that failed.</summary>
    public ImmutableDictionary<string, (ImmutableArray<VirtualHost> Hosts, ImmutableArray<string> Warnings)> Virtual { get; init; } =
        ImmutableDictionary.Create<string, (ImmutableArray<VirtualHost>, ImmutableArray<string>)>(StringComparer.Ordinal);

    /// <summary>Each <c>fqdn:</c> entry and the number of Dataplanes VirtualOutbounds render it for: wanted while above zero.</summary>
    public ImmutableDictionary<EntryKey, int> FqdnReferences { get; init; } = ImmutableDictionary<EntryKey, int>.Empty;

    /// <summary>The directory's HostnameGenerators this mesh took last; null until it took any (then the settings' defaults apply).</summary>
    public HostnameGeneratorsSet? GeneratorsSet { get; init; }

    /// <summary>The generators that name this mesh's resources.</summary>
    public IReadOnlyList<HostnameGenerator> Generators { get; init; } = Settings.HostnameGenerators;

    public static MeshState Empty(string mesh, MeshSettings settings) =>
        new(mesh, settings, CatalogState.Empty, AllocatorState.Empty(settings.Allocation));

    /// <summary>How many records a snapshot of this state holds: resources, assignments and quarantined addresses.</summary>
    public int SnapshotSize =>
        Catalog.Count + Allocator.Assignments.Count
        + Allocator.Books.Values.Sum(b => b.Quarantined.Count);

    public bool IsWanted(EntryKey key) => Catalog.IsWanted(key, Settings.ServiceVipEnabled) || FqdnReferences.ContainsKey(key);

    /// <summary>Every entry some resource wants (service entries even while service VIPs are off).</summary>
    public IEnumerable<EntryKey> WantedKeys => Catalog.References.Keys.Concat(FqdnReferences.Keys);

    /// <summary>
    /// The DNS names an entry is served under, with their rank (SPEC §4.1): a service's and a host's follow from the key;
    /// a MeshService's or MeshExternalService's are its generated hostnames, each followed by the service name of every
    /// named port under it.
    /// </summary>
    public IEnumerable<ZoneName> NamesOf(EntryKey key)
    {
        if (!Hostnames.TryGetValue(key, out var generated))
        {
            return ZoneNames.Of(key, Settings.Domain);
        }

        var ports = NamedPorts.GetValueOrDefault(key, []);
        return generated.Where(g => g.Hostname is not null).SelectMany(g => ports
            .Select(p => new ZoneName($"{p.Prefix}.{g.Hostname}", 0, p.Port))
            .Prepend(new ZoneName(g.Hostname!, 0)));
    }

    /// <summary>
    /// Create-or-replace: the resource event (the document as its kind stores it), then the VIP changes of every entry
    /// it had or has.
    /// </summary>
    public IReadOnlyList<IMeshEvent> DecideUpsert(MeshResource resource, IEnumerable<EntryKey> pending, DateTimeOffset now)
    {
        var existing = Catalog.Of(resource.Kind).GetValueOrDefault(resource.Name);
        var json = ResourceKinds.Of(resource.Kind).Stamp(resource, existing, new StampContext(Settings.Zone, now));
        var upserted = new ResourceUpserted(resource.Kind.TypeName, resource.Name, json, resource.Services, resource.Host);
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

    /// <summary>
    /// The reconcile's first half, every entry checked again: quarantine that ended, a changed CIDR, anything a missed
    /// event left behind. Returns the entries with something to decide; on a large mesh this walk is most of the work.
    /// </summary>
    public List<EntryKey> KeysToReconcile() =>
        [.. Allocator.Assignments.Keys.Concat(WantedKeys).Where(k => Allocator.NeedsDecision(k, IsWanted(k)))];

    /// <summary>
    /// The reconcile's second half: decides the given entries on this state, which may be newer than the one
    /// <see cref="KeysToReconcile"/> walked (an entry with nothing left to decide gives no event).
    /// </summary>
    public IReadOnlyList<IMeshEvent> DecideReconcile(IReadOnlyList<EntryKey> keys, DateTimeOffset now) =>
        keys.Count == 0 ? [] : Allocator.Decide(keys, IsWanted, now);

    private IEnumerable<IMeshEvent> DecideAfter(IMeshEvent change, IEnumerable<EntryKey> pending, DateTimeOffset now)
    {
        var after = Apply(change);
        return after.Allocator.Decide(KeysTouchedBy(change).Concat(after.KeysTouchedBy(change)).Concat(pending), after.IsWanted, now);
    }

    /// <summary>
    /// The entry keys whose VIP, names or wantedness an event may change, judged on this state: on the state before the
    /// event they are the entries it may end, on the state after it the entries it may begin.
    /// </summary>
    public IEnumerable<EntryKey> KeysTouchedBy(IMeshEvent @event) => @event switch
    {
        ResourceUpserted or ResourceDeleted when IsVirtualOutbound(@event) => FqdnReferences.Keys,
        ResourceUpserted e when ResourceKinds.FromTypeName(e.Kind) is { } kind =>
            Catalog.KeysOf(kind, e.Name).Concat(new MeshResource(kind, Mesh, e.Name, e.Json, e.Services, e.Host).EntryKeys(serviceVipEnabled: true)).Concat(VirtualKeysOf(kind, e.Name)),
        ResourceDeleted e when ResourceKinds.FromTypeName(e.Kind) is { } kind => Catalog.KeysOf(kind, e.Name).Concat(VirtualKeysOf(kind, e.Name)),
        HostnameGeneratorsSet => NamedKeys(),
        VipAllocated e => [EntryKey.Parse(e.Key)],
        VipReleased e => [EntryKey.Parse(e.Key)],
        _ => [],
    };

    public MeshState Apply(IMeshEvent @event)
    {
        var next = this with { Catalog = Catalog.Apply(@event, Mesh), Allocator = Allocator.Apply(@event) };
        return @event switch
        {
            ResourceUpserted or ResourceDeleted when IsVirtualOutbound(@event) =>
                next.WithVirtualHosts(next.Catalog.Of(ResourceKind.Dataplane).Keys.Concat(Virtual.Keys).Distinct()),
            ResourceUpserted { Kind: "Dataplane" } e => next.WithVirtualHosts([e.Name]),
            ResourceDeleted { Kind: "Dataplane" } e => next.WithVirtualHosts([e.Name]),
            ResourceUpserted e when ResourceKinds.FromTypeName(e.Kind) is { } kind && ResourceKinds.Of(kind).NamedByGenerators =>
                next.WithHostnames(KeysTouchedBy(e)),
            ResourceDeleted e when ResourceKinds.FromTypeName(e.Kind) is { } kind && ResourceKinds.Of(kind).NamedByGenerators =>
                next.WithHostnames(KeysTouchedBy(e)),
            HostnameGeneratorsSet e => next.WithGenerators(e),
            _ => next,
        };
    }

    /// <summary>What every Dataplane's inbounds get from the VirtualOutbounds, derived again (recovery from a snapshot).</summary>
    public MeshState WithAllVirtualHosts() => WithVirtualHosts(Catalog.Of(ResourceKind.Dataplane).Keys);

    private static bool IsVirtualOutbound(IMeshEvent @event) =>
        @event is ResourceUpserted { Kind: var upserted } && upserted == VirtualOutboundKind.Resource.TypeName
        || @event is ResourceDeleted { Kind: var deleted } && deleted == VirtualOutboundKind.Resource.TypeName;

    /// <summary>The <c>fqdn:</c> entries VirtualOutbounds render for the Dataplane <paramref name="name"/>.</summary>
    private IEnumerable<EntryKey> VirtualKeysOf(ResourceKind kind, string name) =>
        kind == ResourceKind.Dataplane && Virtual.TryGetValue(name, out var rendered) ? rendered.Hosts.Select(h => h.Key) : [];

    /// <summary>
    /// The hostnames VirtualOutbounds give the inbounds of the Dataplanes <paramref name="dataplanes"/>, derived again,
    /// and the count of Dataplanes behind each <c>fqdn:</c> entry. Without a VirtualOutbound, nothing is done.
    /// </summary>
    private MeshState WithVirtualHosts(IEnumerable<string> dataplanes)
    {
        var outbounds = Catalog.Of(VirtualOutboundKind.Resource).Values.Select(VirtualOutboundDefinition.From).ToList();
        if (outbounds.Count == 0 && Virtual.IsEmpty)
        {
            return this;
        }

        var virtualHosts = Virtual.ToBuilder();
        var references = FqdnReferences.ToBuilder();
        foreach (var name in dataplanes)
        {
            if (virtualHosts.TryGetValue(name, out var old))
            {
                foreach (var key in old.Hosts.Select(h => h.Key).Distinct())
                {
                    var count = references.GetValueOrDefault(key) - 1;
                    if (count > 0)
                    {
                        references[key] = count;
                    }
                    else
                    {
                        references.Remove(key);
                    }
                }

                virtualHosts.Remove(name);
            }

            if (!Catalog.Of(ResourceKind.Dataplane).TryGetValue(name, out var dataplane))
            {
                continue;
            }

            var rendered = VirtualHosts.Of(dataplane, outbounds);
            if (rendered.Hosts.IsEmpty && rendered.Warnings.IsEmpty)
            {
                continue;
            }

            virtualHosts[name] = rendered;
            foreach (var key in rendered.Hosts.Select(h => h.Key).Distinct())
            {
                references[key] = references.GetValueOrDefault(key) + 1;
            }
        }

        return this with { Virtual = virtualHosts.ToImmutable(), FqdnReferences = references.ToImmutable() };
    }

    /// <summary>Takes the directory's generators (an older set than the one held changes nothing) and names every resource again.</summary>
    public MeshState WithGenerators(HostnameGeneratorsSet set) =>
        set.Version <= (GeneratorsSet?.Version ?? 0)
            ? this
            : (this with { GeneratorsSet = set, Generators = [.. set.Documents.Select(HostnameGeneratorDocument.FromStored).OfType<HostnameGenerator>()] }).WithAllHostnames();

    /// <summary>The hostnames of every named resource derived again (recovery from a snapshot, changed generators).</summary>
    public MeshState WithAllHostnames() => WithHostnames(NamedKeys());

    /// <summary>The entries of every resource HostnameGenerators name.</summary>
    private IEnumerable<EntryKey> NamedKeys() =>
        ResourceKinds.All.Where(k => k.NamedByGenerators).SelectMany(k => Catalog.Of(k.Kind).Values).SelectMany(r => r.EntryKeys(serviceVipEnabled: true));

    /// <summary>
    /// The hostnames and named ports of <paramref name="keys"/> derived again from the catalog (none for a key no
    /// resource wants).
    /// </summary>
    private MeshState WithHostnames(IEnumerable<EntryKey> keys)
    {
        var hostnames = Hostnames.ToBuilder();
        var ports = NamedPorts.ToBuilder();
        foreach (var key in keys)
        {
            // A named resource's entry carries its name; the kinds named by generators are few.
            var (kind, resource) = ResourceKinds.All.Where(k => k.NamedByGenerators)
                .Select(k => (Kind: k, Resource: Catalog.Of(k.Kind).GetValueOrDefault(key.Name)))
                .FirstOrDefault(p => p.Resource is not null && p.Resource.EntryKeys(serviceVipEnabled: true).Contains(key));
            if (resource is null)
            {
                hostnames.Remove(key);
                ports.Remove(key);
                continue;
            }

            var root = JsonNode.Parse(resource.Json) ?? new JsonObject();
            hostnames[key] = Generate(resource, root);
            var named = kind!.NamedPortsOf(root).ToImmutableArray();
            if (named.IsEmpty)
            {
                ports.Remove(key);
            }
            else
            {
                ports[key] = named;
            }
        }

        return this with { Hostnames = hostnames.ToImmutable(), NamedPorts = ports.ToImmutable() };
    }

    private ImmutableArray<GeneratedHostname> Generate(MeshResource resource, JsonNode root)
    {
        var labels = (root["labels"] as JsonObject ?? [])
            .Where(p => p.Value is JsonValue v && v.TryGetValue<string>(out _))
            .ToDictionary(p => p.Key, p => p.Value!.GetValue<string>(), StringComparer.Ordinal);
        return [.. HostnameGenerator.InOrder(Generators)
            .Where(g => g.Selects(resource.Kind.TypeName, labels))
            .Select(g =>
            {
                var (hostname, error) = g.Generate(resource.Name, Mesh, labels, Settings.Zone);
                return new GeneratedHostname(g.Name, hostname, error);
            })];
    }
}
