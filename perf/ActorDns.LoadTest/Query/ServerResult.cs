using ActorDns.LoadTest.Measurement;

namespace ActorDns.LoadTest.Query;

/// <summary>One server's share of a query run.</summary>
internal sealed record ServerResult(string Server, long Sent, long Answered, long Lost, LatencySummary Latency);
