using System.Net;

namespace ActorDns.LoadTest.Churn;

/// <summary>A churn run, with every flag parsed.</summary>
internal sealed record ChurnOptions(
    IReadOnlyList<Uri> Apis,
    IReadOnlyList<IPEndPoint> Resolvers,
    string Mesh,
    string Domain,
    double Rate,
    TimeSpan Duration,
    TimeSpan Lifetime,
    TimeSpan ResolveTimeout,
    TimeSpan HttpTimeout,
    string RunId)
{
    /// <summary>What every service name of this run starts with.</summary>
    public string ServicePrefix => $"churn-{RunId}-";

    /// <summary>Name of the service (and of its Dataplane) number <paramref name="index"/>.</summary>
    public string ServiceName(long index) => $"{ServicePrefix}{index}";

    /// <summary>How often GET /vips is read: often enough that every service is seen at least three times in its lifetime.</summary>
    public TimeSpan VipSnapshotInterval => TimeSpan.FromTicks(Math.Clamp(Lifetime.Ticks / 4, TimeSpan.TicksPerMillisecond * 50, TimeSpan.TicksPerSecond));
}
