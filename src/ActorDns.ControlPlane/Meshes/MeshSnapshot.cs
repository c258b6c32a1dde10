using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using ActorDns.ControlPlane.Allocation;
using ActorDns.ControlPlane.Catalog;
using ActorDns.ControlPlane.Catalog.Kinds;
using ActorDns.ControlPlane.Events;

namespace ActorDns.ControlPlane.Meshes;

/// <summary>
/// A mesh's state in a form that outlives code changes: the resources as they were accepted, the
/// assignments, and each named pool's quarantine and cursor. Persisted with <see cref="MeshEventSerializer"/>
/// as <c>mesh-snapshot.v2</c>; a <c>v1</c> snapshot (<see cref="MeshSnapshotV1"/>) is read and upgraded.
/// </summary>
public sealed record MeshSnapshot(
    IReadOnlyList<ResourceUpserted> Resources,
    IReadOnlyList<MeshSnapshot.Assignment> Assignments,
    IReadOnlyDictionary<string, MeshSnapshot.Book> Pools)
{
    /// <summary>The directory's HostnameGenerators the mesh took last; absent until it took any.</summary>
    public HostnameGeneratorsSet? Generators { get; init; }

    public sealed record Assignment(string Key, string? Vip, string? VipV6, DateTimeOffset Since);

    public sealed record Release(string Address, DateTimeOffset At);

    public sealed record Book(IReadOnlyList<Release> Quarantine, string? Cursor);

    public static MeshSnapshot From(MeshState state)
    {
        var resources = state.Catalog.All
            .Select(r => new ResourceUpserted(r.Kind.TypeName, r.Name, r.Json, r.Services, r.Host))
            .ToList();
        var assignments = state.Allocator.Assignments.Values
            .Select(a => new Assignment(a.Key.ToString(), a.Vip?.ToString(), a.VipV6?.ToString(), a.Since))
            .ToList();
        var pools = state.Allocator.Books.ToDictionary(p => p.Key, p => ToBook(p.Value, VipPools.FamilyOf(p.Key)), StringComparer.Ordinal);
        return new MeshSnapshot(resources, assignments, pools) { Generators = state.GeneratorsSet };
    }

    public MeshState ToState(string mesh, MeshSettings settings)
    {
        var state = MeshState.Empty(mesh, settings);
        var catalog = CatalogState.FromResources(Resources
            .Where(r => ResourceKinds.FromTypeName(r.Kind) is not null)
            .Select(r => new MeshResource(ResourceKinds.FromTypeName(r.Kind)!, mesh, r.Name, r.Json, r.Services, r.Host)));
        var assignments = Assignments.Select(a => new VipAssignment(
            EntryKey.Parse(a.Key), a.Vip is null ? null : IPAddress.Parse(a.Vip), a.VipV6 is null ? null : IPAddress.Parse(a.VipV6), a.Since));
        // Which pool an address is used in follows from its entry, as when it was allocated.
        var used = Assignments
            .SelectMany(a =>
            {
                var key = EntryKey.Parse(a.Key);
                var (v4, v6) = VipPools.For(key);
                return new[] { (Pool: v4, Address: a.Vip, Key: key), (Pool: v6, Address: a.VipV6, Key: key) };
            })
            .Where(u => u.Address is not null)
            .ToLookup(u => u.Pool, u => (u.Address!, u.Key), StringComparer.Ordinal);
        var allocator = state.Allocator with
        {
            Assignments = assignments.ToImmutableSortedDictionary(a => a.Key, a => a),
            Books = Pools.ToImmutableSortedDictionary(p => p.Key, p => FromBook(p.Value, used[p.Key]), StringComparer.Ordinal),
        };
        state = (state with { Catalog = catalog, Allocator = allocator }).WithAllVirtualHosts();
        return Generators is null ? state.WithAllHostnames() : state.WithGenerators(Generators);
    }

    private static Book ToBook(AddressBook book, AddressFamily family) => new(
        book.Releases.Where(r => book.Quarantined.TryGetValue(r.Address, out var at) && at == r.At)
            .Select(r => new Release(IpPool.ToAddress(r.Address, family).ToString(), r.At)).ToList(),
        book.Cursor is { } cursor ? IpPool.ToAddress(cursor, family).ToString() : null);

    private static AddressBook FromBook(Book book, IEnumerable<(string Address, EntryKey Key)> used)
    {
        var result = AddressBook.Empty with
        {
            Used = used.ToImmutableDictionary(u => IpPool.ToInteger(IPAddress.Parse(u.Address)), u => u.Key),
            Cursor = book.Cursor is null ? null : IpPool.ToInteger(IPAddress.Parse(book.Cursor)),
        };
        foreach (var release in book.Quarantine)
        {
            var address = IpPool.ToInteger(IPAddress.Parse(release.Address));
            result = result with
            {
                Quarantined = result.Quarantined.SetItem(address, release.At),
                Releases = result.Releases.Enqueue((address, release.At)),
            };
        }

        return result;
    }
}
