using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using Akka.Persistence;
using Akka.Persistence.TestKit;
using Akka.TestKit;
using ActorDns.ControlPlane.Catalog.Kinds.HostnameGenerator;
using ActorDns.ControlPlane.Events;
using ActorDns.ControlPlane.Meshes;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using static ActorDns.ControlPlane.Meshes.MeshDirectoryProtocol;

namespace ActorDns.ControlPlane.Tests.Meshes;

/// <summary>
/// The mesh directory announces its list, with a version that only grows, after recovery and after every change; it
/// keeps the HostnameGenerators, creates the default ones that are absent at start, and sends every mesh the
/// generators, versioned, at start and after each change. It keeps the revoked API token ids for good.
/// </summary>
public sealed class MeshDirectorySpec : Akka.TestKit.Xunit2.TestKit
{
    private readonly TestProbe _region;
    private readonly TestProbe _mediator;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));

    public MeshDirectorySpec()
        : base(PersistenceTestConfig.Hocon)
    {
        _region = CreateTestProbe();
        _mediator = CreateTestProbe();
    }

    /// <summary>A directory without default generators; the generator sets it sends every mesh are left out of the region's messages.</summary>
    private Props Directory(TestProbe region, IReadOnlyList<string>? defaultGenerators = null)
    {
        if (defaultGenerators is null)
        {
            region.IgnoreMessages<MeshProtocol.SetHostnameGenerators>();
        }

        return MeshDirectoryProtocol.Props(region.Ref, _mediator.Ref, defaultGenerators ?? [], _clock);
    }

    private ITestJournal Journal => TestJournal.FromRef(Persistence.Instance.Apply(Sys).JournalFor(null));

    private MeshList Announced() => (MeshList)_mediator.FishForMessage<Publish>(p => p.Topic == ListTopic).Message;

    [Fact]
    public void Directory_AnnouncesItsListAfterRecoveryCreateAndDelete_WithAGrowingVersion()
    {
        var directory = Sys.ActorOf(Directory(_region));
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
        var directory = Sys.ActorOf(Directory(_region));
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
        var directory = Sys.ActorOf(Directory(_region));

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
        var directory = Sys.ActorOf(Directory(_region));
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
        var directory = Sys.ActorOf(Directory(_region));
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
        var restarted = Sys.ActorOf(Directory(region));

        Assert.Equal(["default", "payments"], new[] { region.ExpectMsg<MeshProtocol.Wake>(), region.ExpectMsg<MeshProtocol.Wake>() }.Select(w => w.Mesh));
        restarted.Tell(ListMeshes.Instance);
        var list = ExpectMsg<MeshList>();
        Assert.Equal(["default", "payments"], list.Names);
        Assert.Equal(3, list.Version);
    }

    [Fact]
    public void DefaultGenerators_CreatedAtFirstStartWhenAbsent_AndSentToEveryMesh()
    {
        var defaults = HostnameGenerator.Defaults.Select(HostnameGeneratorDocument.ToDocument).ToList();
        var directory = Sys.ActorOf(Directory(_region, defaults));

        var set = _region.FishForMessage<MeshProtocol.SetHostnameGenerators>(_ => true);
        Assert.Equal("default", set.Mesh);
        Assert.Equal(2, set.Set.Version);
        Assert.Equal(["local-mesh-external-service", "local-universal-mesh-service"], set.Set.Documents.Select(d => HostnameGeneratorDocument.FromStored(d)!.Name));
        directory.Tell(ListHostnameGenerators.Instance);
        Assert.Equal(set.Set.Documents, ExpectMsg<HostnameGeneratorList>().Documents);

        // A default deleted is created again at the next start, as in Kuma.
        directory.Tell(new DeleteHostnameGenerator("local-mesh-external-service"));
        Assert.True(ExpectMsg<HostnameGeneratorRemoved>().Existed);
        Assert.Single(_region.FishForMessage<MeshProtocol.SetHostnameGenerators>(m => m.Set.Version == 3).Set.Documents);
        Watch(directory);
        directory.Tell(PoisonPill.Instance);
        ExpectTerminated(directory);
        var region = CreateTestProbe();
        Sys.ActorOf(Directory(region, defaults));

        var again = region.FishForMessage<MeshProtocol.SetHostnameGenerators>(_ => true);
        Assert.Equal(4, again.Set.Version);
        Assert.Equal(2, again.Set.Documents.Count);
    }

    [Fact]
    public void UpsertAndDeleteGenerator_StoredThenSentToEveryMesh_KeepingTheFirstCreationTime()
    {
        var region = CreateTestProbe();
        var directory = Sys.ActorOf(Directory(region, defaultGenerators: []));
        directory.Tell(new CreateMesh("payments"));
        ExpectMsg<MeshStored>();
        region.FishForMessage<MeshProtocol.SetHostnameGenerators>(m => m.Mesh == "payments");
        const string Static = """{"type":"HostnameGenerator","name":"static","spec":{"selector":{"meshService":{"matchLabels":{}}},"template":"{{ .Name }}.static.mesh"}}""";

        directory.Tell(new UpsertHostnameGenerator("static", Static));
        Assert.True(ExpectMsg<HostnameGeneratorStored>().Created);
        var sent = new[] { region.FishForMessage<MeshProtocol.SetHostnameGenerators>(_ => true), region.FishForMessage<MeshProtocol.SetHostnameGenerators>(_ => true) };
        _clock.Advance(TimeSpan.FromMinutes(1));
        directory.Tell(new UpsertHostnameGenerator("static", Static));
        Assert.False(ExpectMsg<HostnameGeneratorStored>().Created);
        directory.Tell(ListHostnameGenerators.Instance);
        var stored = System.Text.Json.Nodes.JsonNode.Parse(ExpectMsg<HostnameGeneratorList>().Documents.Single())!;

        Assert.Equal(["default", "payments"], sent.Select(m => m.Mesh).Order(StringComparer.Ordinal));
        Assert.All(sent, m => Assert.Equal("{{ .Name }}.static.mesh", HostnameGeneratorDocument.FromStored(m.Set.Documents.Single())!.Template));
        Assert.Equal("2026-12-01T00:00:00Z", stored["creationTime"]!.GetValue<string>());
        Assert.Equal("2026-12-01T00:01:00Z", stored["modificationTime"]!.GetValue<string>());
        directory.Tell(new DeleteHostnameGenerator("static"));
        Assert.True(ExpectMsg<HostnameGeneratorRemoved>().Existed);
        directory.Tell(new DeleteHostnameGenerator("static"));
        Assert.False(ExpectMsg<HostnameGeneratorRemoved>().Existed);
    }

    [Fact]
    public void RevokeToken_PersistedAnnouncedAndRecovered_OnceOnly()
    {
        var directory = Sys.ActorOf(Directory(_region));
        var atStart = (RevocationList)_mediator.FishForMessage<Publish>(p => p.Topic == RevocationsTopic).Message;

        directory.Tell(new RevokeToken("jti-1"));
        Assert.True(ExpectMsg<TokenRevocationStored>().Created);
        var announced = (RevocationList)_mediator.FishForMessage<Publish>(p => p.Topic == RevocationsTopic).Message;
        directory.Tell(new RevokeToken("jti-1"));
        Assert.False(ExpectMsg<TokenRevocationStored>().Created);

        Assert.Empty(atStart.Jtis);
        Assert.Equal(["jti-1"], announced.Jtis);
        Assert.True(announced.Version > atStart.Version);
        Watch(directory);
        directory.Tell(PoisonPill.Instance);
        ExpectTerminated(directory);
        var restarted = Sys.ActorOf(Directory(CreateTestProbe()));
        restarted.Tell(ListRevocations.Instance);
        Assert.Equal(["jti-1"], ExpectMsg<RevocationList>().Jtis);
    }

    [Fact]
    public async Task RecoveryFails_DirectoryStartedAgain_AnnouncesOnceTheJournalIsBack()
    {
        var first = Sys.ActorOf(Directory(_region));
        first.Tell(new CreateMesh("payments"));
        ExpectMsg<MeshStored>();
        Watch(first);
        first.Tell(PoisonPill.Instance);
        ExpectTerminated(first);

        // As when the database restarts under the node that holds the singleton: the directory's recovery fails and
        // Akka stops it.
        await Journal.OnRecovery.Fail();
        var errors = CreateTestProbe();
        Sys.EventStream.Subscribe(errors.Ref, typeof(Error));
        var mediator = CreateTestProbe();
        var directory = Sys.ActorOf(MeshDirectoryProtocol.Props(_region.Ref, mediator.Ref, [], _clock));
        errors.FishForMessage<Error>(e => e.LogSource.Contains("directory", StringComparison.Ordinal) && $"{e.Message}".Contains("replaying", StringComparison.Ordinal));

        await Journal.OnRecovery.Pass();
        var announced = (MeshList)mediator.FishForMessage<Publish>(p => p.Topic == ListTopic, TimeSpan.FromSeconds(10)).Message;
        Assert.Equal(["default", "payments"], announced.Names);
        directory.Tell(ListMeshes.Instance);
        Assert.Equal(announced.Version, ExpectMsg<MeshList>().Version);
    }
}
