using System.Collections.Immutable;

namespace ActorDns.ControlPlane.Allocation;

/// <summary>
/// The named pools (<see cref="VipPools"/>) and the reuse quarantine of one mesh (SPEC §3: <c>dnsServer.CIDR</c>,
/// <c>CIDRv6</c>, <c>vipReuseDelay</c>). A pool that is not configured gives no addresses.
/// </summary>
public sealed record AllocatorSettings(ImmutableSortedDictionary<string, IpPool> Pools, TimeSpan ReuseDelay)
{
    /// <summary>The service pools given; the MeshService and MeshExternalService pools at their defaults (SPEC §3).</summary>
    public AllocatorSettings(IpPool pool, IpPool? poolV6, TimeSpan reuseDelay)
        : this(ImmutableSortedDictionary.Create<string, IpPool>(StringComparer.Ordinal), reuseDelay)
    {
        Pool = pool;
        PoolV6 = poolV6;
        Pools = Pools.SetItem(VipPools.MeshService, IpPool.Parse("241.0.0.0/8")).SetItem(VipPools.MeshExternalService, IpPool.Parse("242.0.0.0/8"));
    }

    public static AllocatorSettings Default { get; } = new(IpPool.Parse("240.0.0.0/4"), null, TimeSpan.FromSeconds(120));

    /// <summary>The <see cref="VipPools.Service"/> pool.</summary>
    public IpPool Pool
    {
        get => Pools[VipPools.Service];
        init => Pools = Pools.SetItem(VipPools.Service, value);
    }

    /// <summary>The <see cref="VipPools.ServiceV6"/> pool, when configured.</summary>
    public IpPool? PoolV6
    {
        get => Pools.GetValueOrDefault(VipPools.ServiceV6);
        init => Pools = value is null ? Pools.Remove(VipPools.ServiceV6) : Pools.SetItem(VipPools.ServiceV6, value);
    }

    public IpPool? PoolNamed(string name) => Pools.GetValueOrDefault(name);
}
