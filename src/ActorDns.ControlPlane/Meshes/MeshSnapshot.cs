using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using ActorDns.ControlPlane.Allocation;
using ActorDns.ControlPlane.Catalog;
using ActorDns.ControlPlane.Events;

namespace ActorDns.ControlPlane.Meshes;

/// <summary>
/// A mesh's state in a form that outlives code changes: the resources as they were accepted, the
/// assignments, and each family's quarantine and cursor. Persisted with <see cref="MeshEventSerializer"/>.
/// </summary>
public sealed record MeshSnapshot(
    IReadOnlyList<ResourceUpserted> Resources,
    IReadOnlyList<MeshSnapshot.Assignment> Assignments,
    MeshSnapshot.Book V4,
    MeshSnapshot.Book V6)
{
    public sealed record Assignment(string Key, string? Vip, string? VipV6, DateTimeOffset Since);

    public sealed record Release(string Address, DateTimeOffset At);

    public sealed record Book(IReadOnlyList<Release> Quarantine, string? Cursor);

    public static MeshSnapshot From(MeshState state)
    {
        var resources = state.Catalog.Dataplanes.Values.Concat(state.Catalog.ExternalServices.Values)
            .Select(r => new ResourceUpserted(r.Kind.TypeName, r.Name, r.Json, r.Services, r.Host))
            .ToList();
        var assignments = state.Allocator.Assignments.Values
            .Select(a => new Assignment(a.Key.ToString(), a.Vip?.ToString(), a.VipV6?.ToString(), a.Since))
            .ToList();
        return new MeshSnapshot(resources, assignments, ToBook(state.Allocator.V4, 4), ToBook(state.Allocator.V6, 16));
    }

    public MeshState ToState(string mesh, MeshSettings settings)
    {
        var state = MeshState.Empty(mesh, settings);
        var catalog = CatalogState.FromResources(Resources
            .Where(r => ResourceKind.FromTypeName(r.Kind) is not null)
            .Select(r => new MeshResource(ResourceKind.FromTypeName(r.Kind)!, mesh, r.Name, r.Json, r.Services, r.Host)));
        var assignments = Assignments.Select(a => new VipAssignment(
            EntryKey.Parse(a.Key), a.Vip is null ? null : IPAddress.Parse(a.Vip), a.VipV6 is null ? null : IPAddress.Parse(a.VipV6), a.Since));
        var allocator = state.Allocator with
        {
            Assignments = assignments.ToImmutableSortedDictionary(a => a.Key, a => a),
            V4 = FromBook(V4, Assignments.Where(a => a.Vip is not null).Select(a => (a.Vip!, a.Key))),
            V6 = FromBook(V6, Assignments.Where(a => a.VipV6 is not null).Select(a => (a.VipV6!, a.Key))),
        };
        return state with { Catalog = catalog, Allocator = allocator };
    }

    private static Book ToBook(AddressBook book, int length) => new(
        book.Releases.Where(r => book.Quarantined.TryGetValue(r.Address, out var at) && at == r.At)
            .Select(r => new Release(ToText(r.Address, length), r.At)).ToList(),
        book.Cursor is { } cursor ? ToText(cursor, length) : null);

    private static AddressBook FromBook(Book book, IEnumerable<(string Address, string Key)> used)
    {
        var result = AddressBook.Empty with
        {
            Used = used.ToImmutableDictionary(u => IpPool.ToInteger(IPAddress.Parse(u.Address)), u => EntryKey.Parse(u.Key)),
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

    private static string ToText(UInt128 address, int length) =>
        IpPool.ToAddress(address, length == 4 ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6).ToString();
}
