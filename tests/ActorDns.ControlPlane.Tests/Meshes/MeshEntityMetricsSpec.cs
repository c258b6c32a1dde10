using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Persistence;
using Akka.Persistence.TestKit;
using Akka.TestKit;
using ActorDns.ControlPlane.Allocation;
using ActorDns.ControlPlane.Catalog;
using ActorDns.ControlPlane.Catalog.Kinds.MeshService;
using ActorDns.ControlPlane.Meshes;
using Microsoft.Extensions.Time.Testing;
using Prometheus;
using Xunit;
using static ActorDns.ControlPlane.Meshes.MeshProtocol;
using static ActorDns.ControlPlane.Tests.Meshes.TestResources;

namespace ActorDns.ControlPlane.Tests.Meshes;

/// <summary>
/// A mesh entity's metrics (SPEC §6), read from a registry of the test's own: VIP gauges per family, allocation,
/// release and exhaustion counters, the zone gauges, command latency and journal failures.
/// </summary>
public sealed class MeshEntityMetricsSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan ReuseDelay = TimeSpan.FromSeconds(120);

    private readonly ControlPlaneMetrics _metrics = new(Metrics.WithCustomRegistry(Metrics.NewCustomRegistry()));
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero));
    private readonly TestProbe _mediator;

    public MeshEntityMetricsSpec()
        : base(PersistenceTestConfig.Hocon)
    {
        _mediator = CreateTestProbe();
    }

    private static MeshSettings Settings(string cidr, string? cidrV6 = null) =>
        MeshSettings.Default with
        {
            Allocation = new AllocatorSettings(IpPool.Parse(cidr), cidrV6 is null ? null : IpPool.Parse(cidrV6), ReuseDelay),
            ReconcileInterval = TimeSpan.FromMinutes(10),
        };

    private IActorRef Entity(MeshSettings settings) => Sys.ActorOf(MeshProtocol.Props("default", settings, _clock, _metrics, _mediator.Ref));

    private void Store(IActorRef entity, MeshResource resource)
    {
        entity.Tell(new UpsertResource("default", resource));
        ExpectMsg<ResourceStored>();
    }

    /// <summary>The gauges of the service pools, by family: <c>service</c> (IPv4) and <c>service-v6</c>.</summary>
    private double Used(string family) => _metrics.VipsUsed.WithLabels("default", PoolOf(family), family).Value;

    private double Free(string family) => _metrics.VipsFree.WithLabels("default", PoolOf(family), family).Value;

    private static string PoolOf(string family) => family == "ipv6" ? VipPools.ServiceV6 : VipPools.Service;

    private double Exhausted => _metrics.Exhaustion.WithLabels("default").Value;

    [Fact]
    public void UpsertThenDelete_DualStackPools_CountersAndGaugesFollowEachStoredChange()
    {
        // 10.1.0.0/29 offers .1–.6; fd00::/125 offers ::1–::7.
        var entity = Entity(Settings("10.1.0.0/29", "fd00::/125"));

        Store(entity, Dataplane("a", "alpha"));

        Assert.Equal((1, 0), (_metrics.Allocations.WithLabels("default").Value, _metrics.Releases.WithLabels("default").Value));
        Assert.Equal((1, 5), (Used("ipv4"), Free("ipv4")));
        Assert.Equal((1, 6), (Used("ipv6"), Free("ipv6")));
        Assert.Equal((2, 1), (_metrics.ZoneVersion.WithLabels("default").Value, _metrics.ZoneRecords.WithLabels("default").Value));
        Assert.Equal(1, _metrics.CommandDuration.Count);

        entity.Tell(new DeleteResource("default", ResourceKind.Dataplane, "a"));
        ExpectMsg<ResourceRemoved>();

        // The released addresses are quarantined: no longer used, not yet free.
        Assert.Equal((1, 1), (_metrics.Allocations.WithLabels("default").Value, _metrics.Releases.WithLabels("default").Value));
        Assert.Equal((0, 5), (Used("ipv4"), Free("ipv4")));
        Assert.Equal((0, 6), (Used("ipv6"), Free("ipv6")));
        Assert.Equal((4, 0), (_metrics.ZoneVersion.WithLabels("default").Value, _metrics.ZoneRecords.WithLabels("default").Value));
        Assert.Equal(2, _metrics.CommandDuration.Count);
        Assert.Equal(0, Exhausted);
    }

    [Fact]
    public void Exhaustion_EachEntryCountedOnceWhenItFirstFindsThePoolFull()
    {
        var entity = Entity(Settings("10.1.0.0/30"));

        Store(entity, Dataplane("a", "alpha"));
        Store(entity, Dataplane("b", "beta"));
        Assert.Equal(0, Exhausted);

        Store(entity, Dataplane("c", "gamma"));
        Assert.Equal(1, Exhausted);
        Assert.Equal((2, 0), (Used("ipv4"), Free("ipv4")));

        // gamma is still waiting: not counted again; delta is new.
        Store(entity, Dataplane("b", "beta"));
        Assert.Equal(1, Exhausted);
        Store(entity, Dataplane("d", "delta"));
        Assert.Equal(2, Exhausted);
    }

    [Fact]
    public void UpsertResource_MeshService_IsCountedInItsOwnPool()
    {
        var entity = Entity(Settings("10.1.0.0/29"));
        Assert.True(ResourceParser.TryParse(MeshServiceKind.Resource, "default", "redis",
            """{"type":"MeshService","name":"redis","mesh":"default","spec":{"ports":[{"port":6379}]}}""", out var redis, out _));

        Store(entity, Dataplane("a", "alpha"));
        Store(entity, redis);

        Assert.Equal(1, _metrics.VipsUsed.WithLabels("default", VipPools.MeshService, "ipv4").Value);
        Assert.Equal((1L << 24) - 2 - 1, _metrics.VipsFree.WithLabels("default", VipPools.MeshService, "ipv4").Value);
        Assert.Equal(0, _metrics.VipsUsed.WithLabels("default", VipPools.MeshExternalService, "ipv4").Value);
        Assert.Equal((1, 5), (Used("ipv4"), Free("ipv4")));
    }

    [Fact]
    public void Recovery_UnderASmallerPool_ReconcilesTheEntryOutsideAndReportsNoFreeAddress()
    {
        var before = Entity(Settings("10.1.0.0/29"));
        foreach (var (name, service) in new[] { ("a", "alpha"), ("b", "beta"), ("c", "gamma") })
        {
            Store(before, Dataplane(name, service));
        }

        Watch(before);
        before.Tell(PoisonPill.Instance);
        ExpectTerminated(before);

        // 10.1.0.0/30 holds .1 and .2: gamma's .3 is released on recovery, and nothing is left for it.
        var after = Entity(Settings("10.1.0.0/30"));
        var removed = (ZoneChanged)_mediator.FishForMessage<Publish>(p => p.Message is ZoneChanged { Delta.Removals.Count: > 0 }).Message;
        Assert.Equal(["gamma.mesh"], removed.Delta.Removals);
        after.Tell(new GetVips("default"));
        var gamma = ExpectMsg<VipTable>().Entries.Single(e => e.Key == "service:gamma");

        Assert.Null(gamma.Vip);
        Assert.StartsWith("no free address in 10.1.0.0/30", gamma.Reason, StringComparison.Ordinal);

        // Two used and one quarantined outnumber the pool of two.
        Assert.Equal((2, 0), (Used("ipv4"), Free("ipv4")));
        Assert.Equal(1, Exhausted);
    }

    [Fact]
    public async Task JournalWriteFails_ClientGetsFailed_WriterStopsAndTheFailureIsCounted()
    {
        var journal = TestJournal.FromRef(Persistence.Instance.Apply(Sys).JournalFor(null));
        var entity = Entity(Settings("10.1.0.0/29"));
        Store(entity, Dataplane("a", "alpha"));
        var writer = await Sys.ActorSelection(entity.Path / "writer").ResolveOne(TimeSpan.FromSeconds(10));
        Watch(writer);

        await journal.OnWrite.Fail();
        entity.Tell(new UpsertResource("default", Dataplane("b", "beta")));

        Assert.StartsWith("the journal could not store the change", ExpectMsg<Failed>().Reason, StringComparison.Ordinal);
        ExpectTerminated(writer);
        Assert.Equal(1, _metrics.JournalFailures.WithLabels("default").Value);
    }

    [Fact]
    public async Task JournalRejectsAWrite_ClientGetsFailed_WriterStopsAndTheFailureIsCounted()
    {
        var journal = TestJournal.FromRef(Persistence.Instance.Apply(Sys).JournalFor(null));
        var entity = Entity(Settings("10.1.0.0/29"));
        Store(entity, Dataplane("a", "alpha"));
        var writer = await Sys.ActorSelection(entity.Path / "writer").ResolveOne(TimeSpan.FromSeconds(10));
        Watch(writer);

        await journal.OnWrite.Reject();
        entity.Tell(new UpsertResource("default", Dataplane("b", "beta")));

        Assert.StartsWith("the journal rejected the change", ExpectMsg<Failed>().Reason, StringComparison.Ordinal);
        ExpectTerminated(writer);
        Assert.Equal(1, _metrics.JournalFailures.WithLabels("default").Value);
    }
}
