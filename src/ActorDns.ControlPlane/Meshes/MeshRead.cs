using static ActorDns.ControlPlane.Meshes.MeshProtocol;

namespace ActorDns.ControlPlane.Meshes;

/// <summary>
/// What a mesh's reads are answered from: the stored state and its DNS view, as the writer last reported them
/// (after its recovery and after every group commit), so reads need neither the writer nor the journal.
/// </summary>
internal sealed class MeshRead(MeshState state, ZoneProjection view)
{
    // A class, not a record: the answers cached below are this report's, and must not be copied or compared.
    // The whole-mesh answers, built once per report whatever the number of readers (a 100,000-service table is tens of MB).
    private VipTable? _vips;
    private ZoneSnapshot? _zone;
    private object? _vipsLock;
    private object? _zoneLock;

    public MeshState State { get; } = state;

    public ZoneProjection View { get; } = view;

    public ResourceList Resource(GetResource query) =>
        State.Catalog.Of(query.Kind).GetValueOrDefault(query.Name) is { } resource
            ? new ResourceList([ResourceStatus.Present(State, View.Zone, resource)])
            : new ResourceList([]);

    public ResourceList Resources(ListResources query) =>
        new([.. State.Catalog.Of(query.Kind).Values.Select(r => ResourceStatus.Present(State, View.Zone, r))]);

    public VipTable Vips() => LazyInitializer.EnsureInitialized(
        ref _vips, ref _vipsLock, () => new(VipReadModel.Entries(State, View.Zone), View.Version) { Warnings = VipReadModel.Warnings(State) });

    public ZoneSnapshot Zone() => LazyInitializer.EnsureInitialized(
        ref _zone, ref _zoneLock, () => new(State.Mesh, View.Version, State.Settings.Ttl, [.. View.Zone.Records.Values]));

    public ZoneVersion Version() => new(State.Mesh, View.Version);
}
