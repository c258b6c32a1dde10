using System.Net;
using ActorDns.LoadTest.Measurement;

namespace ActorDns.LoadTest.Query;

/// <summary>What one lane did; <see cref="Latency"/> and <see cref="SendLag"/> are in nanoseconds.</summary>
internal sealed record LaneResult(
    IPEndPoint Server,
    long Sent,
    long SendErrors,
    long Answered,
    long Late,
    long Unmatched,
    long WrongQuestion,
    long Reconnects,
    long[] Rcodes,
    long LastSendAt,
    LatencyHistogram Latency,
    LatencyHistogram SendLag);
