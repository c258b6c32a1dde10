using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.TestKit;
using ActorDns.ControlPlane.Meshes;
using Xunit;
using static ActorDns.ControlPlane.Meshes.MeshDirectoryProtocol;

namespace ActorDns.ControlPlane.Tests.Meshes;

/// <summary>
/// The mesh directory announces its list, with a version that only grows, after recovery and after every change.
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
}
