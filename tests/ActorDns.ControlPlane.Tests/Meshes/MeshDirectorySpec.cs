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

    [Fact]
    public void CreateMesh_NewThenAgain_StoredAndWokenOnce_ThenReportedAsExisting()
    {
        var directory = Sys.ActorOf(MeshDirectoryProtocol.Props(_region.Ref, _mediator.Ref));
        Assert.Equal("default", _region.ExpectMsg<MeshProtocol.Wake>().Mesh);

        directory.Tell(new CreateMesh("payments"));
        Assert.True(ExpectMsg<MeshStored>().Created);
        Assert.Equal("payments", _region.ExpectMsg<MeshProtocol.Wake>().Mesh);

        directory.Tell(new CreateMesh("payments"));
        Assert.False(ExpectMsg<MeshStored>().Created);
        directory.Tell(ListMeshes.Instance);
        Assert.Equal(["default", "payments"], ExpectMsg<MeshList>().Names);
    }

    [Fact]
    public void DeleteMesh_DefaultOrUnknown_RefusedWithoutClearingAnything()
    {
        var directory = Sys.ActorOf(MeshDirectoryProtocol.Props(_region.Ref, _mediator.Ref));

        directory.Tell(new DeleteMesh(DefaultMesh));
        Assert.Equal("the default mesh cannot be deleted", ExpectMsg<MeshProtocol.Failed>().Reason);
        directory.Tell(new DeleteMesh("nosuch"));
        Assert.False(ExpectMsg<MeshRemoved>().Existed);

        // The region got the start-up wake only, and no ClearMesh.
        Assert.Equal("default", _region.ExpectMsg<MeshProtocol.Wake>().Mesh);
        directory.Tell(new CreateMesh("payments"));
        ExpectMsg<MeshStored>();
        Assert.Equal("payments", _region.ExpectMsg<MeshProtocol.Wake>().Mesh);
    }

    [Fact]
    public void DeleteMesh_ResourcesCannotBeCleared_RepliesFailedAndKeepsTheMesh()
    {
        var directory = Sys.ActorOf(MeshDirectoryProtocol.Props(_region.Ref, _mediator.Ref));
        directory.Tell(new CreateMesh("payments"));
        ExpectMsg<MeshStored>();

        directory.Tell(new DeleteMesh("payments"));
        Assert.Equal("payments", _region.FishForMessage<MeshProtocol.ClearMesh>(_ => true).Mesh);
        _region.Reply(new Status.Failure(new InvalidOperationException("journal down")));

        var failed = ExpectMsg<MeshProtocol.Failed>();
        Assert.StartsWith("could not delete the mesh's resources: ", failed.Reason, StringComparison.Ordinal);
        Assert.Contains("journal down", failed.Reason, StringComparison.Ordinal);
        directory.Tell(ListMeshes.Instance);
        Assert.Equal(["default", "payments"], ExpectMsg<MeshList>().Names);
    }

    [Fact]
    public void Restart_RecoversCreatedAndDeletedMeshes_AndWakesEachRemainingOne()
    {
        var directory = Sys.ActorOf(MeshDirectoryProtocol.Props(_region.Ref, _mediator.Ref));
        foreach (var mesh in new[] { "payments", "orders" })
        {
            directory.Tell(new CreateMesh(mesh));
            ExpectMsg<MeshStored>();
        }

        directory.Tell(new DeleteMesh("orders"));
        _region.FishForMessage<MeshProtocol.ClearMesh>(_ => true);
        _region.Reply(new MeshProtocol.ResourceRemoved(true));
        ExpectMsg<MeshRemoved>();
        Watch(directory);
        directory.Tell(PoisonPill.Instance);
        ExpectTerminated(directory);

        var region = CreateTestProbe();
        var restarted = Sys.ActorOf(MeshDirectoryProtocol.Props(region.Ref, _mediator.Ref));

        Assert.Equal(["default", "payments"], new[] { region.ExpectMsg<MeshProtocol.Wake>(), region.ExpectMsg<MeshProtocol.Wake>() }.Select(w => w.Mesh));
        restarted.Tell(ListMeshes.Instance);
        var list = ExpectMsg<MeshList>();
        Assert.Equal(["default", "payments"], list.Names);
        Assert.Equal(3, list.Version);
    }
}
