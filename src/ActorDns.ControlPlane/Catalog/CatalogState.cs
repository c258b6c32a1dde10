using System.Collections.Immutable;
using ActorDns.ControlPlane.Events;

namespace ActorDns.ControlPlane.Catalog;

/// <summary>
/// The Dataplanes and ExternalServices of one mesh and how many of them want each entry (SPEC §3): an entry
/// is wanted while at least one resource produces it.
/// </summary>
public sealed record CatalogState
{
    public static CatalogState Empty { get; } = new();

    public ImmutableSortedDictionary<string, MeshResource> Dataplanes { get; init; } =
        ImmutableSortedDictionary.Create<string, MeshResource>(StringComparer.Ordinal);

    public ImmutableSortedDictionary<string, MeshResource> ExternalServices { get; init; } =
        ImmutableSortedDictionary.Create<string, MeshResource>(StringComparer.Ordinal);

    /// <summary>Entry key → number of resources producing it (service keys counted even when service VIPs are off).</summary>
    public ImmutableDictionary<EntryKey, int> References { get; init; } = ImmutableDictionary<EntryKey, int>.Empty;

    /// <summary>Builds the catalog of many resources at once (snapshot recovery), without a copy per resource.</summary>
    public static CatalogState FromResources(IEnumerable<MeshResource> resources)
    {
        var dataplanes = ImmutableSortedDictionary.CreateBuilder<string, MeshResource>(StringComparer.Ordinal);
        var externalServices = ImmutableSortedDictionary.CreateBuilder<string, MeshResource>(StringComparer.Ordinal);
        var references = new Dictionary<EntryKey, int>();
        foreach (var resource in resources)
        {
            (resource.Kind == ResourceKind.Dataplane ? dataplanes : externalServices)[resource.Name] = resource;
            foreach (var key in resource.EntryKeys(serviceVipEnabled: true))
            {
                references[key] = references.GetValueOrDefault(key) + 1;
            }
        }

        return new CatalogState
        {
            Dataplanes = dataplanes.ToImmutable(),
            ExternalServices = externalServices.ToImmutable(),
            References = references.ToImmutableDictionary(),
        };
    }

    public ImmutableSortedDictionary<string, MeshResource> Of(ResourceKind kind) => kind == ResourceKind.Dataplane ? Dataplanes : ExternalServices;

    public bool IsWanted(EntryKey key, bool serviceVipEnabled) =>
        References.ContainsKey(key) && (serviceVipEnabled || key.Origin != EntryKey.ServiceOrigin);

    /// <summary>The entry keys the resource <paramref name="name"/> of <paramref name="kind"/> produces now.</summary>
    public IEnumerable<EntryKey> KeysOf(ResourceKind kind, string name) =>
        Of(kind).TryGetValue(name, out var resource) ? resource.EntryKeys(serviceVipEnabled: true) : [];

    public CatalogState Apply(IMeshEvent @event, string mesh) => @event switch
    {
        ResourceUpserted e when ResourceKind.FromTypeName(e.Kind) is { } kind =>
            Remove(kind, e.Name).Add(kind, new MeshResource(kind, mesh, e.Name, e.Json, e.Services, e.Host)),
        ResourceDeleted e when ResourceKind.FromTypeName(e.Kind) is { } kind => Remove(kind, e.Name),
        _ => this,
    };

    private CatalogState Add(ResourceKind kind, MeshResource resource)
    {
        var references = References;
        foreach (var key in resource.EntryKeys(serviceVipEnabled: true))
        {
            references = references.SetItem(key, references.GetValueOrDefault(key) + 1);
        }

        return kind == ResourceKind.Dataplane
            ? this with { Dataplanes = Dataplanes.SetItem(resource.Name, resource), References = references }
            : this with { ExternalServices = ExternalServices.SetItem(resource.Name, resource), References = references };
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

        return kind == ResourceKind.Dataplane
            ? this with { Dataplanes = Dataplanes.Remove(name), References = references }
            : this with { ExternalServices = ExternalServices.Remove(name), References = references };
    }
}
