using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.TestKit;
using ActorDns.ControlPlane.Meshes;
using Xunit;
using static ActorDns.ControlPlane.Meshes.MeshDirectoryProtocol;

namespace ActorDns.ControlPlane.Tests.Meshes;

/// <summary>
/// The mesh directory announces its list, with a version that only grows, after recovery and after every change;
/// <see cref="KnownMeshes"/> keeps the newest list it has seen, whichever way it arrived.
/// </summary>
public sealed class MeshDirectorySpec : Akka.TestKit.Xunit2.TestKit
{
    private readonly TestProbe _region;
    private readonly TestProbe _mediator;

    public MeshDirectorySpec()
        : base(PersistenceTestConfig.Hocon)
    {
        _region = CreateTestProbe();
        _mediator = CreateTestProbe();
    }

    private MeshList Announced() => (MeshList)_mediator.FishForMessage<Publish>(p => p.Topic == ListTopic).Message;

    [Fact]
    public void Directory_AnnouncesItsListAfterRecoveryCreateAndDelete_WithAGrowingVersion()
    {
        var directory = Sys.ActorOf(MeshDirectoryProtocol.Props(_region.Ref, _mediator.Ref));
        var recovered = Announced();
        Assert.Equal([DefaultMesh], recovered.Names);

        directory.Tell(new CreateMesh("payments"));
        ExpectMsg<MeshStored>();
        var created = Announced();
        Assert.Equal(["default", "payments"], created.Names);
        Assert.True(created.Version > recovered.Version);

        directory.Tell(new DeleteMesh("payments"));
        _region.FishForMessage<MeshProtocol.ClearMesh>(_ => true);
        _region.Reply(new MeshProtocol.ResourceRemoved(true));
        Assert.True(ExpectMsg<MeshRemoved>().Existed);
        var deleted = Announced();
        Assert.Equal([DefaultMesh], deleted.Names);
        Assert.True(deleted.Version > created.Version);

        directory.Tell(ListMeshes.Instance);
        Assert.Equal(deleted.Version, ExpectMsg<MeshList>().Version);
    }

    [Fact]
    public void KnownMeshes_KeepsTheNewestList_AnOlderOneArrivingLateChangesNothing()
    {
        var known = new KnownMeshes();
        Assert.False(known.Contains("default"));

        known.Update(new MeshList(["default"], 3));
        known.Update(new MeshList(["default", "old"], 2));

        Assert.True(known.Contains("default"));
        Assert.False(known.Contains("old"));

        known.Update(new MeshList(["other"], 4));
        Assert.False(known.Contains("default"));
        Assert.True(known.Contains("other"));
    }

    [Fact]
    public void Subscriber_SubscribesToTheDirectoryTopic_AndAppliesWhatIsPublished()
    {
        var known = new KnownMeshes();
        var subscriber = Sys.ActorOf(KnownMeshes.SubscriberProps(known, _mediator.Ref));
        Assert.Equal(ListTopic, _mediator.ExpectMsg<Subscribe>().Topic);

        subscriber.Tell(new MeshList(["default", "payments"], 5));

        AwaitCondition(() => known.Contains("payments"));
    }
}
