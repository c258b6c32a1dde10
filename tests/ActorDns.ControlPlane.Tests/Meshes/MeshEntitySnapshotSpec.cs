using Akka.Actor;
using Akka.Persistence;
using Akka.TestKit;
using ActorDns.ControlPlane.Meshes;
using ActorDns.ControlPlane.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using Prometheus;
using Xunit;
using static ActorDns.ControlPlane.Meshes.MeshProtocol;
using static ActorDns.ControlPlane.Tests.Meshes.TestResources;

namespace ActorDns.ControlPlane.Tests.Meshes;

/// <summary>
/// When a mesh entity snapshots (every max(SnapshotEvery, snapshot size) stored events), that it keeps only the newest
/// snapshot, and that it quietly takes the snapshot store's confirmations.
/// </summary>
public sealed class MeshEntitySnapshotSpec : Akka.TestKit.Xunit2.TestKit
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero));
    private readonly TestProbe _mediator;

    public MeshEntitySnapshotSpec()
        : base(PersistenceTestConfig.Hocon)
    {
        _mediator = CreateTestProbe();
    }

    private IActorRef Entity(int snapshotEvery) =>
        Sys.ActorOf(MeshProtocol.Props(
            "default",
            MeshSettings.Default with { SnapshotEvery = snapshotEvery, ReconcileInterval = TimeSpan.FromMinutes(10) },
            _clock,
            new ControlPlaneMetrics(Metrics.WithCustomRegistry(Metrics.NewCustomRegistry())),
            _mediator.Ref));

    private void Store(IActorRef entity, int times)
    {
        for (var i = 0; i < times; i++)
        {
            entity.Tell(new UpsertResource("default", Dataplane("a", "alpha")));
            ExpectMsg<ResourceStored>();
        }
    }

    /// <summary>The sequence number of the newest snapshot at or below <paramref name="maxSequenceNr"/>, or null.</summary>
    private async Task<long?> SnapshotAtOrBelow(long maxSequenceNr)
    {
        var store = Persistence.Instance.Apply(Sys).SnapshotStoreFor(null);
        var result = await store.Ask<LoadSnapshotResult>(
            new LoadSnapshot(PersistenceIds.Mesh("default"), new SnapshotSelectionCriteria(maxSequenceNr), long.MaxValue), RemainingOrDefault);
        return result.Snapshot?.Metadata.SequenceNr;
    }

    [Fact]
    public async Task Snapshot_TakenOnceTheEventsSinceTheLastReachTheStateSize_AndTheOlderOneDeleted()
    {
        var entity = Entity(snapshotEvery: 1);

        // Events 1–2 (the Dataplane and its VIP; size 2): a snapshot at 2. Then one event per upsert: 3, 4 (a snapshot
        // at 4, two events after the last), 5.
        Store(entity, times: 4);

        await AwaitAssertAsync(async () =>
        {
            Assert.Equal(4, await SnapshotAtOrBelow(long.MaxValue));
            Assert.Null(await SnapshotAtOrBelow(3));
        });
    }

    [Fact]
    public async Task Snapshot_SettingLargerThanTheState_TakenEverySettingEvents()
    {
        var entity = Entity(snapshotEvery: 3);

        // Events 1–2, then 3 (a snapshot: three since none), 4, 5.
        Store(entity, times: 4);

        await AwaitAssertAsync(async () => Assert.Equal(3, await SnapshotAtOrBelow(long.MaxValue)));
    }

    [Fact]
    public void WakeAndSnapshotStoreConfirmations_AreHandledWithoutAReply()
    {
        var unhandled = new UnhandledMessages(this);
        var entity = Entity(snapshotEvery: 1000);

        entity.Tell(new Wake("default"));
        entity.Tell(new DeleteSnapshotsSuccess(new SnapshotSelectionCriteria(1)));
        entity.Tell(new GetZoneVersion("default"));

        Assert.Equal(0, ExpectMsg<ZoneVersion>().Version);
        unhandled.AssertNoneLeftBy(entity);
    }
}
