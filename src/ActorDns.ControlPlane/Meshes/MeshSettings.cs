using ActorDns.ControlPlane.Allocation;

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

    /// <summary>How often each mesh re-checks its allocations (quarantine expiry, exhausted entries).</summary>
    public TimeSpan ReconcileInterval { get; init; } = TimeSpan.FromSeconds(10);
}
