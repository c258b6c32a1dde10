using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Actor;
using ActorDns.ControlPlane.Meshes;
using ActorDns.ControlPlane.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using static ActorDns.ControlPlane.Meshes.MeshDirectoryProtocol;

namespace ActorDns.ControlPlane.Tests.Meshes;

/// <summary>A node's copy of the mesh list: newest version wins, trusted for a bounded time, fed by the directory's topic.</summary>
public sealed class KnownMeshesSpec : Akka.TestKit.Xunit2.TestKit
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void KeepsTheNewestList_AnOlderOneArrivingLateChangesNothing()
    {
        var known = new KnownMeshes(_clock);
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
    public void AListOlderThanMaxAge_IsNotTrusted_UntilTheSameVersionArrivesAgain()
    {
        var known = new KnownMeshes(_clock);
        known.Update(new MeshList(["default", "payments"], 5));

        _clock.Advance(KnownMeshes.MaxAge);

        Assert.False(known.Contains("payments"));
        known.Update(new MeshList(["default", "payments"], 5));
        Assert.True(known.Contains("payments"));
    }

    [Fact]
    public void Forget_DropsOneMesh_AndKeepsTheOthers()
    {
        var known = new KnownMeshes(_clock);
        known.Update(new MeshList(["default", "payments"], 5));

        known.Forget("payments");

        Assert.False(known.Contains("payments"));
        Assert.True(known.Contains("default"));
    }

    [Fact]
    public void Subscriber_SubscribesToTheDirectoryTopic_AndAppliesWhatIsPublished()
    {
        var known = new KnownMeshes(_clock);
        var mediator = CreateTestProbe();
        var subscriber = Sys.ActorOf(MeshListSubscriber(known, mediator.Ref));
        Assert.Equal(ListTopic, mediator.ExpectMsg<Subscribe>().Topic);

        subscriber.Tell(new MeshList(["default", "payments"], 5));

        AwaitCondition(() => known.Contains("payments"));
    }

    [Fact]
    public void Update_FirstListAtVersionZero_IsTaken()
    {
        // A directory with an empty journal announces version 0.
        var known = new KnownMeshes(_clock);

        known.Update(new MeshList([DefaultMesh], 0));

        Assert.True(known.Contains(DefaultMesh));
    }

    [Fact]
    public void Subscriber_SubscribeAck_IsHandledWithoutComplaint()
    {
        var unhandled = new UnhandledMessages(this);
        var known = new KnownMeshes(_clock);
        var mediator = CreateTestProbe();
        var subscriber = Sys.ActorOf(MeshListSubscriber(known, mediator.Ref));
        var subscribe = mediator.ExpectMsg<Subscribe>();

        mediator.Reply(new SubscribeAck(subscribe));
        subscriber.Tell(new MeshList([DefaultMesh], 1));
        AwaitCondition(() => known.Contains(DefaultMesh));

        unhandled.AssertNoneLeftBy(subscriber);
    }
}
