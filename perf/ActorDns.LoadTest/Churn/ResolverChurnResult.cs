using ActorDns.LoadTest.Measurement;

namespace ActorDns.LoadTest.Churn;

/// <summary>
/// One resolver's view of a churn run: registration → resolvable from the PUT's acknowledgement and from
/// its start, delete → gone from the DELETE's acknowledgement, and the (service) polls that timed out.
/// </summary>
internal sealed record ResolverChurnResult(
    string Resolver,
    LatencySummary Resolvable,
    LatencySummary ResolvableFromPutStart,
    long Missing,
    LatencySummary Gone,
    long GoneMissing,
    IReadOnlyDictionary<string, long> GoneRcodes);
