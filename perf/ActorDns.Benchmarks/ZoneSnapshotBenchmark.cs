using ActorDns.ControlPlane.Allocation;
using ActorDns.ControlPlane.Catalog;
using ActorDns.ControlPlane.Events;
using ActorDns.ControlPlane.Meshes;
using ActorDns.ControlPlane.Zones;
using ActorDns.Server.Query;
using BenchmarkDotNet.Attributes;

namespace ActorDns.Benchmarks;

/// <summary>
/// The full builds of a zone: the control plane's DNS view after recovery (<c>MeshEntity.OnRecovered</c>:
/// <see cref="ZoneState.Build"/> over every allocated or referenced key), a resolver's table from a whole
/// <c>ZoneSnapshot</c> (<c>ResolverActor.OnSnapshot</c>: <see cref="ZoneTable.Create"/>), and the entries of
/// <c>GET /meshes/{mesh}/vips</c> (<see cref="VipReadModel.Entries"/>, built again after every change).
/// </summary>
[MemoryDiagnoser]
public class ZoneSnapshotBenchmark
{
    private const string Domain = "mesh";

    private readonly ZoneSettings _zoneSettings = new(Domain);
    private MeshState _state = null!;
    private List<EntryKey> _keys = null!;
    private List<ZoneRecord> _records = null!;
    private ZoneState _zone = null!;

    [Params(10_000, 100_000)]
    public int Services { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // The mesh as recovery leaves it: one Dataplane per service, each service holding its VIP.
        var since = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var resources = new List<ResourceUpserted>(Services);
        var assignments = new List<MeshSnapshot.Assignment>(Services);
        for (var i = 0; i < Services; i++)
        {
            var service = SyntheticZone.Service(i);
            resources.Add(new ResourceUpserted(ResourceKind.Dataplane.TypeName, $"dp-{i}", "{}", [service], null));
            assignments.Add(new MeshSnapshot.Assignment(EntryKey.Service(service).ToString(), SyntheticZone.Vip(i).ToString(), null, since));
        }

        var pools = new Dictionary<string, MeshSnapshot.Book> { [VipPools.Service] = new([], null) };
        _state = new MeshSnapshot(resources, assignments, pools).ToState("default", MeshSettings.Default);
        _keys = [.. _state.Allocator.Assignments.Keys.Concat(_state.Catalog.References.Keys)];
        _zone = BuildZoneState();
        _records = [.. _zone.Records.Values];
    }

    [Benchmark]
    public ZoneState BuildZoneState() => ZoneState.Build(Domain, _keys, AssignmentOf, _state.NamesOf);

    [Benchmark]
    public ZoneTable CreateZoneTable() => ZoneTable.Create(_zoneSettings, 1, _records);

    [Benchmark]
    public List<MeshProtocol.VipEntry> VipEntries() => VipReadModel.Entries(_state, _zone);

    /// <summary>As <c>MeshEntity.AssignmentOf</c>: the VIPs of a wanted entry.</summary>
    private VipAssignment? AssignmentOf(EntryKey key) =>
        _state.IsWanted(key) && _state.Allocator.Assignments.TryGetValue(key, out var assignment) ? assignment : null;
}
