namespace ActorDns.ControlPlane.Allocation;

/// <summary>The pools and the reuse quarantine of one mesh (SPEC §3: <c>dnsServer.CIDR</c>, <c>CIDRv6</c>, <c>vipReuseDelay</c>).</summary>
public sealed record AllocatorSettings(IpPool Pool, IpPool? PoolV6, TimeSpan ReuseDelay)
{
    public static AllocatorSettings Default { get; } = new(IpPool.Parse("240.0.0.0/4"), null, TimeSpan.FromSeconds(120));
}
