namespace ActorDns.ControlPlane.Events;

/// <summary>An entry gave up its VIP (and/or IPv6 VIP): it disappeared, or the address left the pool. Persisted.</summary>
public sealed record VipReleased(string Key, string? Vip, string? VipV6, DateTimeOffset At) : IMeshEvent;
