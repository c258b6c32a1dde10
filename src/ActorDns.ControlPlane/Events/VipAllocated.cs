namespace ActorDns.ControlPlane.Events;

/// <summary>An entry was given a VIP (and/or an IPv6 VIP). Persisted; never rename or reorder.</summary>
public sealed record VipAllocated(string Key, string? Vip, string? VipV6, DateTimeOffset At) : IMeshEvent;
