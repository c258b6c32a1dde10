namespace ActorDns.Server.Pipeline;

/// <summary>Response rate limiting (SPEC §8): answers per second per client prefix, and the slip of limited ones.</summary>
/// <param name="Rate">UDP answers per second one client prefix (/24 IPv4, /56 IPv6) gets.</param>
/// <param name="Slip">Every Nth limited answer is sent truncated (TC, no records) so a real client retries over TCP;
/// the others are dropped. 0 drops them all, 1 truncates them all.</param>
public sealed record RateLimitSettings(int Rate, int Slip);
