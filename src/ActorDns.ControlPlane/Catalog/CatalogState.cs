using System.Collections.Immutable;
using ActorDns.ControlPlane.Catalog.Kinds;
using ActorDns.ControlPlane.Events;

namespace ActorDns.ControlPlane.Catalog;

/// <summary>
/// The resources of one mesh, by kind, and how many of them want each entry (SPEC §3): an entry is wanted while at
/// least one resource produces it.
/// </summary>
public sealed record CatalogState
{
    private static readonly ImmutableSortedDictionary<string, MeshResource> None =
        ImmutableSortedDictionary.Create<string, MeshResource>(StringComparer.Ordinal);

    public static CatalogState Empty { get; } = new();

    /// <summary>Type name → name → resource; a kind with no resource has no key.</summary>
    public ImmutableSortedDictionary<string, ImmutableSortedDictionary<string, MeshResource>> Resources { get; init; } =
        ImmutableSortedDictionary.Create<string, ImmutableSortedDictionary<string, MeshResource>>(StringComparer.Ordinal);

    /// <summary>Entry key → number of resources producing it (service keys counted even when service VIPs are off).</summary>
    public ImmutableDictionary<EntryKey, int> References { get; init; } = ImmutableDictionary<EntryKey, int>.Empty;

    /// <summary>How many resources of every kind the mesh holds.</summary>
    public int Count => Resources.Values.Sum(r => r.Count);

    /// <summary>Every resource, kind by kind in type-name order, then by name.</summary>
    public IEnumerable<MeshResource> All => Resources.Values.SelectMany(r => r.Values);

    /// <summary>Builds the catalog of many resources at once (snapshot recovery), without a copy per resource.</summary>
    public static CatalogState FromResources(IEnumerable<MeshResource> resources)
    {
        var byKind = new Dictionary<string, ImmutableSortedDictionary<string, MeshResource>.Builder>(StringComparer.Ordinal);
        var references = new Dictionary<EntryKey, int>();
        foreach (var resource in resources)
        {
            if (!byKind.TryGetValue(resource.Kind.TypeName, out var ofKind))
            {
                byKind[resource.Kind.TypeName] = ofKind = ImmutableSortedDictionary.CreateBuilder<string, MeshResource>(StringComparer.Ordinal);
            }

            ofKind[resource.Name] = resource;
            foreach (var key in resource.EntryKeys(serviceVipEnabled: true))
            {
                references[key] = references.GetValueOrDefault(key) + 1;
            }
        }

        return new CatalogState
        {
            Resources = byKind.ToImmutableSortedDictionary(p => p.Key, p => p.Value.ToImmutable(), StringComparer.Ordinal),
            References = references.ToImmutableDictionary(),
        };
    }

    public ImmutableSortedDictionary<string, MeshResource> Of(ResourceKind kind) => Resources.GetValueOrDefault(kind.TypeName, None);

    public bool IsWanted(EntryKey key, bool serviceVipEnabled) =>
        References.ContainsKey(key) && (serviceVipEnabled || key.Origin != EntryKey.ServiceOrigin);

    /// <summary>The entry keys the resource <paramref name="name"/> of <paramref name="kind"/> produces now.</summary>
    public IEnumerable<EntryKey> KeysOf(ResourceKind kind, string name) =>
        Of(kind).TryGetValue(name, out var resource) ? resource.EntryKeys(serviceVipEnabled: true) : [];

    public CatalogState Apply(IMeshEvent @event, string mesh) => @event switch
    {
        ResourceUpserted e when ResourceKinds.FromTypeName(e.Kind) is { } kind =>
            Remove(kind, e.Name).Add(new MeshResource(kind, mesh, e.Name, e.Json, e.Services, e.Host)),
        ResourceDeleted e when ResourceKinds.FromTypeName(e.Kind) is { } kind => Remove(kind, e.Name),
        _ => this,
    };

    private CatalogState Add(MeshResource resource)
    {
        var references = References;
        foreach (var key in resource.EntryKeys(serviceVipEnabled: true))
        {
            references = references.SetItem(key, references.GetValueOrDefault(key) + 1);
        }

        return this with
        {
            Resources = Resources.SetItem(resource.Kind.TypeName, Of(resource.Kind).SetItem(resource.Name, resource)),
            References = references,
        };
    }

    private CatalogState Remove(ResourceKind kind, string name)
    {
        if (!Of(kind).TryGetValue(name, out var old))
        {
            return this;
        }

        var references = References;
        foreach (var key in old.EntryKeys(serviceVipEnabled: true))
        {
            var count = references.GetValueOrDefault(key) - 1;
            references = count > 0 ? references.SetItem(key, count) : references.Remove(key);
        }

        var remaining = Of(kind).Remove(name);
        return this with
        {
            Resources = remaining.IsEmpty ? Resources.Remove(kind.TypeName) : Resources.SetItem(kind.TypeName, remaining),
            References = references,
        };
    }
}
