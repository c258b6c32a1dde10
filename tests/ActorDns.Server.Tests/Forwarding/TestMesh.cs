using System.Net;
using ActorDns.Server.Forwarding;
using ActorDns.Server.Query;
using ActorDns.Server.Tests.Support;
using ActorDns.Testing.Dns;

namespace ActorDns.Server.Tests.Forwarding;

/// <summary>The mesh table and forwarder settings shared by the end-to-end forwarder tests.</summary>
internal static class TestMesh
{
    public static readonly IPAddress BackendVip = IPAddress.Parse("240.0.0.1");

    /// <summary>Short timeouts keep the failure cases fast; sequential order keeps the upstream order known.</summary>
    public static readonly ForwarderOptions Fast = new()
    {
        TryTimeout = TimeSpan.FromMilliseconds(300),
        TotalTimeout = TimeSpan.FromSeconds(1),
        Policy = UpstreamPolicy.Sequential,
    };

    /// <summary>
    /// For tests where every upstream answers at once and no timeout is meant to fire: the default timeouts,
    /// so a cold start (JIT) on a busy 2-core machine cannot turn an answer into a failover.
    /// </summary>
    public static readonly ForwarderOptions Patient = Fast with
    {
        TryTimeout = TimeSpan.FromSeconds(2),
        TotalTimeout = TimeSpan.FromSeconds(4),
    };

    /// <summary>How long a test client waits for any reply: well past every total deadline used here.</summary>
    public static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(5);

    public static ZoneTable Table() => ZoneTable.Create(new ZoneSettings(), 1, [new ZoneRecord("backend.mesh", [BackendVip])]);

    public static TestServer Server(ForwarderOptions options, params FakeUpstream[] upstreams) => Server(options, TimeProvider.System, upstreams);

    public static TestServer Server(ForwarderOptions options, TimeProvider clock, params FakeUpstream[] upstreams) =>
        new(Table(), upstreams.Select(u => u.Endpoint).ToList(), options, clock: clock);
}
