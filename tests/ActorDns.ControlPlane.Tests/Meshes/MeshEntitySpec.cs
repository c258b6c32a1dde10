using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Persistence;
using Akka.Persistence.TestKit;
using Akka.TestKit;
using ActorDns.ControlPlane.Allocation;
using ActorDns.ControlPlane.Catalog;
using ActorDns.ControlPlane.Catalog.Kinds.MeshService;
using ActorDns.ControlPlane.Meshes;
using ActorDns.Server.Query;
using Prometheus;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using static ActorDns.ControlPlane.Meshes.MeshProtocol;
using static ActorDns.ControlPlane.Tests.Meshes.TestResources;

namespace ActorDns.ControlPlane.Tests.Meshes;

public sealed class MeshEntitySpec : Akka.TestKit.Xunit2.TestKit
{
    private readonly MeshSettings _settings = MeshSettings.Default with { ReconcileInterval = TimeSpan.FromMinutes(10) };
    private readonly ControlPlaneMetrics _metrics = new(Metrics.WithCustomRegistry(Metrics.NewCustomRegistry()));
    private readonly TestProbe _mediator;

    public MeshEntitySpec()
        : base(PersistenceTestConfig.Hocon)
    {
        _mediator = CreateTestProbe();
    }

    private IActorRef Entity(string mesh = "default") =>
        Sys.ActorOf(MeshProtocol.Props(mesh, _settings, TimeProvider.System, _metrics, _mediator.Ref));

    private VipEntry Vip(IActorRef entity, string key)
    {
        entity.Tell(new GetVips("default"));
        return ExpectMsg<VipTable>().Entries.Single(e => e.Key == key);
    }

    private void Stop(IActorRef entity)
    {
        Watch(entity);
        entity.Tell(PoisonPill.Instance);
        ExpectTerminated(entity);
    }

    [Fact]
    public void UpsertResource_NewService_RepliesAfterPersistingAndPublishesItsRecord()
    {
        var entity = Entity();

        entity.Tell(new UpsertResource("default", Dataplane("backend-1", "backend")));

        Assert.True(ExpectMsg<ResourceStored>().Created);
        var publish = _mediator.FishForMessage<Publish>(p => p.Message is ZoneChanged);
        Assert.Equal(Topic("default"), publish.Topic);
        var record = Assert.Single(((ZoneChanged)publish.Message).Delta.Upserts);
        Assert.Equal("backend.mesh", record.Name);
        Assert.Equal("240.0.0.1", record.Addresses.Single().ToString());
    }

    [Fact]
    public void SetHostnameGenerators_NewSet_RenamesEveryMeshService_InOneDelta()
    {
        const int count = 100;
        var entity = Entity();
        for (var i = 0; i < count; i++)
        {
            var json = $$$"""{"type":"MeshService","name":"ms-{{{i}}}","mesh":"default","spec":{"ports":[{"port":6379,"name":"main"}]}}""";
            Assert.True(ResourceParser.TryParse(MeshServiceKind.Resource, "default", $"ms-{i}", json, out var resource, out _));
            entity.Tell(new UpsertResource("default", resource));
        }

        for (var i = 0; i < count; i++)
        {
            ExpectMsg<ResourceStored>();
        }

        entity.Tell(new GetZoneVersion("default"));
        var before = ExpectMsg<ZoneVersion>().Version;

        string[] generators = ["""{"type":"HostnameGenerator","name":"by-mesh","spec":{"selector":{"meshService":{"matchLabels":{}}},"template":"{{ .Name }}.{{ .Mesh }}.internal"}}"""];
        entity.Tell(new SetHostnameGenerators("default", new Events.HostnameGeneratorsSet(7, generators)));

        var delta = ((ZoneChanged)_mediator.FishForMessage<Publish>(p => p.Message is ZoneChanged z && z.Delta.FromVersion == before).Message).Delta;
        Assert.Equal(2 * count, delta.Upserts.Count);
        Assert.Equal(2 * count, delta.Removals.Count);
        Assert.Contains(delta.Upserts, r => r.Name == "ms-42.default.internal" && r.SrvPort is null);
        Assert.Contains(delta.Upserts, r => r.Name == "_main._tcp.ms-42.default.internal" && r.SrvPort == 6379);
        Assert.Contains("_main._tcp.ms-42.svc.mesh.local", delta.Removals);
        Assert.Equal(delta.Upserts.Single(r => r.Name == "ms-42.default.internal").Addresses, Vip(entity, "meshservice:ms-42").Vip is { } vip ? [System.Net.IPAddress.Parse(vip)] : []);
    }

    [Fact]
    public void UpsertResource_SameResourceAgain_KeepsTheVipAndReportsAnUpdate()
    {
        var entity = Entity();
        entity.Tell(new UpsertResource("default", Dataplane("backend-1", "backend")));
        ExpectMsg<ResourceStored>();

        entity.Tell(new UpsertResource("default", Dataplane("backend-1", "backend")));

        Assert.False(ExpectMsg<ResourceStored>().Created);
        Assert.Equal("240.0.0.1", Vip(entity, "service:backend").Vip);
    }

    [Fact]
    public void Restart_RecoversTheSameVipsFromTheJournal()
    {
        var entity = Entity();
        for (var i = 0; i < 20; i++)
        {
            entity.Tell(new UpsertResource("default", Dataplane($"dp-{i}", $"svc-{i}")));
            ExpectMsg<ResourceStored>();
        }

        entity.Tell(new GetVips("default"));
        var before = ExpectMsg<VipTable>();
        Stop(entity);

        var recovered = Entity();
        recovered.Tell(new GetVips("default"));
        var after = ExpectMsg<VipTable>();

        Assert.Equal(before.Entries, after.Entries, (a, b) => a.Key == b.Key && a.Vip == b.Vip);
        Assert.Equal(before.Version, after.Version);
    }

    [Fact]
    public void UpsertResource_ManyWithoutWaiting_EachAcknowledgedInOrderWithItsOwnVipThatSurvivesARestart()
    {
        var entity = Entity();

        // Sent back to back, so most are decided while earlier ones are still being written (group commit).
        for (var i = 0; i < 200; i++)
        {
            entity.Tell(new UpsertResource("default", Dataplane($"dp-{i}", $"svc-{i}")));
        }

        for (var i = 0; i < 200; i++)
        {
            Assert.True(ExpectMsg<ResourceStored>().Created);
        }

        entity.Tell(new GetVips("default"));
        var before = ExpectMsg<VipTable>().Entries;
        Assert.Equal(200, before.Select(e => e.Vip).Distinct().Count(v => v is not null));
        Assert.Equal("240.0.0.1", before.Single(e => e.Key == "service:svc-0").Vip);
        Assert.Equal("240.0.0.200", before.Single(e => e.Key == "service:svc-199").Vip);
        Stop(entity);

        var recovered = Entity();
        recovered.Tell(new GetVips("default"));
        Assert.Equal(before, ExpectMsg<VipTable>().Entries, (a, b) => a.Key == b.Key && a.Vip == b.Vip);
    }

    [Fact]
    public async Task JournalWriteFails_WithChangesQueuedBehindIt_EveryWaitingClientGetsAnError()
    {
        var journal = TestJournal.FromRef(Persistence.Instance.Apply(Sys).JournalFor(null));
        var entity = Entity();
        entity.Tell(new UpsertResource("default", Dataplane("a", "alpha")));
        ExpectMsg<ResourceStored>();

        await journal.OnWrite.Fail();
        for (var i = 0; i < 5; i++)
        {
            entity.Tell(new UpsertResource("default", Dataplane($"b-{i}", $"beta-{i}")));
        }

        for (var i = 0; i < 5; i++)
        {
            Assert.Contains("journal", ExpectMsg<Failed>().Reason, StringComparison.Ordinal);
        }

        await journal.OnWrite.Pass();
        var restarted = Entity();
        restarted.Tell(new GetVips("default"));
        Assert.Equal("service:alpha", Assert.Single(ExpectMsg<VipTable>().Entries).Key);
    }

    [Fact]
    public async Task ChangesQueuedBehindASlowWrite_AreStoredTogether_AndPublishedAsFewerDeltasThatChain()
    {
        var journal = TestJournal.FromRef(Persistence.Instance.Apply(Sys).JournalFor(null));
        var entity = Entity();
        entity.Tell(new UpsertResource("default", Dataplane("warm-up", "warm-up")));
        ExpectMsg<ResourceStored>();
        var first = (ZoneChanged)_mediator.FishForMessage<Publish>(p => p.Message is ZoneChanged).Message;

        // The next write is held back, so the other 19 commands are decided meanwhile and written as one group.
        await journal.OnWrite.SetInterceptorAsync(new DelayFirst(TimeSpan.FromMilliseconds(300)));
        for (var i = 0; i < 20; i++)
        {
            entity.Tell(new UpsertResource("default", Dataplane($"dp-{i}", $"svc-{i}")));
        }

        for (var i = 0; i < 20; i++)
        {
            Assert.True(ExpectMsg<ResourceStored>().Created);
        }

        var deltas = new List<ZoneDelta>();
        var version = first.Delta.ToVersion;
        while (deltas.SelectMany(d => d.Upserts).Count() < 20)
        {
            var delta = ((ZoneChanged)_mediator.FishForMessage<Publish>(p => p.Message is ZoneChanged).Message).Delta;
            Assert.Equal(version, delta.FromVersion);
            version = delta.ToVersion;
            deltas.Add(delta);
        }

        Assert.InRange(deltas.Count, 2, 10);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"svc-{i}.mesh").Order(), deltas.SelectMany(d => d.Upserts).Select(r => r.Name).Order());
    }

    [Fact]
    public async Task RejectedWriteInTheSameGroupAsAStoredOne_TheStoredOneSucceeds_AndNoDeltaNamesTheRejectedSequenceNumber()
    {
        var journal = TestJournal.FromRef(Persistence.Instance.Apply(Sys).JournalFor(null));
        var entity = Entity();
        entity.Tell(new UpsertResource("default", Dataplane("warm-up", "warm-up")));
        ExpectMsg<ResourceStored>();
        var first = ((ZoneChanged)_mediator.FishForMessage<Publish>(p => p.Message is ZoneChanged).Message).Delta;
        Assert.Equal(2, first.ToVersion);

        // "held" (events 3–4) is held back, so "stored" (5–6) and "rejected" (7–8) are written together after it.
        await journal.OnWrite.SetInterceptorAsync(new HoldFirstRejectNamed(TimeSpan.FromMilliseconds(300), "rejected"));
        entity.Tell(new UpsertResource("default", Dataplane("held", "held")));
        entity.Tell(new UpsertResource("default", Dataplane("stored", "stored")));
        entity.Tell(new UpsertResource("default", Dataplane("rejected", "rejected")));

        Assert.True(ExpectMsg<ResourceStored>().Created);
        Assert.True(ExpectMsg<ResourceStored>().Created);
        Assert.Contains("rejected", ExpectMsg<Failed>().Reason, StringComparison.Ordinal);
        var versions = new List<long>();
        while (versions.Count == 0 || versions[^1] < 6)
        {
            var delta = ((ZoneChanged)_mediator.FishForMessage<Publish>(p => p.Message is ZoneChanged).Message).Delta;
            Assert.InRange(delta.ToVersion, 3, 6);
            versions.Add(delta.ToVersion);
        }

        Assert.Equal(6, versions[^1]);
    }

    [Fact]
    public async Task JournalWriteFails_ClientGetsAnErrorAndNoVipIsLostOrDuplicated()
    {
        var journal = TestJournal.FromRef(Persistence.Instance.Apply(Sys).JournalFor(null));
        var entity = Entity();
        entity.Tell(new UpsertResource("default", Dataplane("a", "alpha")));
        ExpectMsg<ResourceStored>();
        var alpha = Vip(entity, "service:alpha").Vip;

        await journal.OnWrite.Fail();
        entity.Tell(new UpsertResource("default", Dataplane("b", "beta")));
        Assert.Contains("journal", ExpectMsg<Failed>().Reason, StringComparison.Ordinal);

        await journal.OnWrite.Pass();
        var restarted = Entity();
        restarted.Tell(new GetVips("default"));
        var table = ExpectMsg<VipTable>();
        Assert.Equal(alpha, Assert.Single(table.Entries).Vip);

        restarted.Tell(new UpsertResource("default", Dataplane("b", "beta")));
        ExpectMsg<ResourceStored>();
        Assert.NotEqual(alpha, Vip(restarted, "service:beta").Vip);
    }

    [Fact]
    public void DeleteResource_LastDataplaneOfAService_ReleasesTheVipAndRemovesTheName()
    {
        var entity = Entity();
        entity.Tell(new UpsertResource("default", Dataplane("a", "alpha")));
        ExpectMsg<ResourceStored>();
        _mediator.FishForMessage<Publish>(p => p.Message is ZoneChanged);

        entity.Tell(new DeleteResource("default", ResourceKind.Dataplane, "a"));

        Assert.True(ExpectMsg<ResourceRemoved>().Existed);
        var delta = ((ZoneChanged)_mediator.FishForMessage<Publish>(p => p.Message is ZoneChanged).Message).Delta;
        Assert.Equal(["alpha.mesh"], delta.Removals);
        entity.Tell(new DeleteResource("default", ResourceKind.Dataplane, "a"));
        Assert.False(ExpectMsg<ResourceRemoved>().Existed);
    }

    [Fact]
    public void Snapshot_IsTakenAndRecoveryFromItGivesTheSameVips()
    {
        var settings = _settings with { SnapshotEvery = 10 };
        var entity = Sys.ActorOf(MeshProtocol.Props("default", settings, TimeProvider.System, _metrics, _mediator.Ref));
        for (var i = 0; i < 30; i++)
        {
            entity.Tell(new UpsertResource("default", Dataplane($"dp-{i}", $"svc-{i}")));
            ExpectMsg<ResourceStored>();
        }

        entity.Tell(new GetVips("default"));
        var before = ExpectMsg<VipTable>();
        Stop(entity);

        var recovered = Sys.ActorOf(MeshProtocol.Props("default", settings, TimeProvider.System, _metrics, _mediator.Ref));
        recovered.Tell(new GetVips("default"));

        Assert.Equal(before.Entries.Select(e => (e.Key, e.Vip)), ExpectMsg<VipTable>().Entries.Select(e => (e.Key, e.Vip)));
    }

    [Fact]
    public void ExhaustedPool_EntryWaitsWithAReasonThenGetsTheFreedAddressAfterTheQuarantine()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero));
        var settings = _settings with { Allocation = new AllocatorSettings(IpPool.Parse("10.1.0.0/30"), null, TimeSpan.FromSeconds(120)) };
        var entity = Sys.ActorOf(MeshProtocol.Props("default", settings, clock, _metrics, _mediator.Ref));
        foreach (var (name, service) in new[] { ("a", "alpha"), ("b", "beta"), ("c", "gamma") })
        {
            entity.Tell(new UpsertResource("default", Dataplane(name, service)));
            ExpectMsg<ResourceStored>();
        }

        var gamma = Vip(entity, "service:gamma");
        Assert.Null(gamma.Vip);
        Assert.Contains("no free address", gamma.Reason, StringComparison.Ordinal);

        entity.Tell(new DeleteResource("default", ResourceKind.Dataplane, "a"));
        ExpectMsg<ResourceRemoved>();
        Assert.Null(Vip(entity, "service:gamma").Vip);

        clock.Advance(TimeSpan.FromSeconds(121));
        entity.Tell(new UpsertResource("default", Dataplane("b", "beta")));
        ExpectMsg<ResourceStored>();
        Assert.Equal("10.1.0.1", Vip(entity, "service:gamma").Vip);
    }

    [Fact]
    public void ExhaustedPool_QuarantinePasses_ThePeriodicReconcileAllocatesWithoutAnyChange()
    {
        // The reconcile walks off the actor and must start again at every tick once a walk has ended: here the walks of
        // recovery and of several ticks find nothing, and a later one, after the quarantine, gives gamma its address.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero));
        var settings = _settings with
        {
            Allocation = new AllocatorSettings(IpPool.Parse("10.1.0.0/30"), null, TimeSpan.FromSeconds(120)),
            ReconcileInterval = TimeSpan.FromMilliseconds(200),
        };
        var entity = Sys.ActorOf(MeshProtocol.Props("default", settings, clock, _metrics, _mediator.Ref));
        foreach (var (name, service) in new[] { ("a", "alpha"), ("b", "beta"), ("c", "gamma") })
        {
            entity.Tell(new UpsertResource("default", Dataplane(name, service)));
            ExpectMsg<ResourceStored>();
        }

        entity.Tell(new DeleteResource("default", ResourceKind.Dataplane, "a"));
        ExpectMsg<ResourceRemoved>();
        Thread.Sleep(settings.ReconcileInterval * 3);
        Assert.Null(Vip(entity, "service:gamma").Vip);

        clock.Advance(TimeSpan.FromSeconds(121));

        AwaitAssert(() => Assert.Equal("10.1.0.1", Vip(entity, "service:gamma").Vip), TimeSpan.FromSeconds(10));
    }

    /// <summary>Holds back the first event written after it is installed; the rest pass at once.</summary>
    private sealed class DelayFirst(TimeSpan delay) : IJournalInterceptor
    {
        private int _seen;

        public Task InterceptAsync(IPersistentRepresentation message) =>
            Interlocked.Increment(ref _seen) == 1 ? Task.Delay(delay) : Task.CompletedTask;
    }

    /// <summary>Holds back the first event written after it is installed, and rejects the writes of one Dataplane.</summary>
    private sealed class HoldFirstRejectNamed(TimeSpan delay, string rejected) : IJournalInterceptor
    {
        private int _seen;

        public Task InterceptAsync(IPersistentRepresentation message)
        {
            if (message.Payload is ActorDns.ControlPlane.Events.ResourceUpserted upserted && upserted.Name == rejected)
            {
                throw new TestJournalRejectionException($"{rejected} rejected by the test");
            }

            return Interlocked.Increment(ref _seen) == 1 ? Task.Delay(delay) : Task.CompletedTask;
        }
    }
}
