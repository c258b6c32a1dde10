using ActorDns.ControlPlane.Allocation;
using ActorDns.ControlPlane.Catalog.Kinds.HostnameGenerator;

namespace ActorDns.ControlPlane.Meshes;

/// <summary>Control-plane settings every mesh shares (SPEC §5).</summary>
public sealed record MeshSettings(
    AllocatorSettings Allocation,
    string Domain = "mesh",
    bool ServiceVipEnabled = true,
    uint Ttl = 60,
    int ServiceVipPort = 80,
    int SnapshotEvery = 1000)
{
    public static MeshSettings Default { get; } = new(AllocatorSettings.Default);

    /// <summary>This control plane's zone (setting <c>zone</c>): the <c>kuma.io/zone</c> label and <c>.Zone</c> of hostname templates.</summary>
    public string Zone { get; init; } = "default";

    /// <summary>The generators that name MeshServices and MeshExternalServices (SPEC §3.1): the defaults unless skipped.</summary>
    public IReadOnlyList<HostnameGenerator> HostnameGenerators { get; init; } = HostnameGenerator.Defaults;

    /// <summary>How often each mesh re-checks its allocations (quarantine expiry, exhausted entries).</summary>
    public TimeSpan ReconcileInterval { get; init; } = TimeSpan.FromSeconds(10);
}
