using Akka.Actor;
using Akka.Persistence;
using Akka.Persistence.TestKit;
using Akka.TestKit;
using ActorDns.ControlPlane.Catalog;
using ActorDns.ControlPlane.Meshes;
using Prometheus;
using Xunit;
using static ActorDns.ControlPlane.Meshes.MeshProtocol;
using static ActorDns.ControlPlane.Tests.Meshes.TestResources;

namespace ActorDns.ControlPlane.Tests.Meshes;

/// <summary>
/// A mesh while its journal fails (issue 15): reads go on from the last stored state, changes fail at once, nothing
/// acknowledged is lost, and once the journal is back the writer recovers and changes succeed again, without a restart.
/// </summary>
public sealed class MeshHostSpec : Akka.TestKit.Xunit2.TestKit
{
    /// <summary>Long enough for the writer to be started again at the longest backoff and to recover.</summary>
    private static readonly TimeSpan Recovered = TimeSpan.FromSeconds(10);

    private readonly MeshSettings _settings = MeshSettings.Default with { ReconcileInterval = TimeSpan.FromMinutes(10) };
    private readonly TestProbe _mediator;

    public MeshHostSpec()
        : base(PersistenceTestConfig.Hocon)
    {
        _mediator = CreateTestProbe();
    }

    private ITestJournal Journal => TestJournal.FromRef(Persistence.Instance.Apply(Sys).JournalFor(null));

    private IActorRef Mesh() =>
        Sys.ActorOf(MeshProtocol.Props("default", _settings, TimeProvider.System, new ControlPlaneMetrics(Metrics.WithCustomRegistry(Metrics.NewCustomRegistry())), _mediator.Ref));

    [Fact]
    public async Task JournalWritesFail_ReadsComeFromMemory_AndChangesFailWithoutWaiting()
    {
        var mesh = Mesh();
        mesh.Tell(new UpsertResource("default", Dataplane("a", "alpha")));
        ExpectMsg<ResourceStored>();

        await Journal.OnWrite.Fail();
        mesh.Tell(new UpsertResource("default", Dataplane("b", "beta")));
        Assert.Contains("journal", ExpectMsg<Failed>().Reason, StringComparison.Ordinal);

        // The writer has stopped (Akka's rule for a failed write): the reads are the host's.
        for (var i = 0; i < 3; i++)
        {
            mesh.Tell(new GetVips("default"));
            Assert.Equal("service:alpha", Assert.Single(ExpectMsg<VipTable>().Entries).Key);
            mesh.Tell(new ListResources("default", ResourceKind.Dataplane));
            Assert.Equal("a", Assert.Single(ExpectMsg<ResourceList>().Resources).Name);
            mesh.Tell(new GetZoneVersion("default"));
            Assert.Equal(2, ExpectMsg<ZoneVersion>().Version);
        }

        mesh.Tell(new UpsertResource("default", Dataplane("c", "gamma")));
        Assert.Contains("journal", ExpectMsg<Failed>().Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JournalBack_ChangesSucceedAgain_WithTheVipsItHad()
    {
        var mesh = Mesh();
        mesh.Tell(new UpsertResource("default", Dataplane("a", "alpha")));
        ExpectMsg<ResourceStored>();
        mesh.Tell(new GetVips("default"));
        var alpha = Assert.Single(ExpectMsg<VipTable>().Entries).Vip;
        await Journal.OnWrite.Fail();
        mesh.Tell(new UpsertResource("default", Dataplane("b", "beta")));
        ExpectMsg<Failed>();

        await Journal.OnWrite.Pass();

        await AwaitAssertAsync(
            () =>
            {
                mesh.Tell(new UpsertResource("default", Dataplane("b", "beta")));
                ExpectMsg<ResourceStored>(TimeSpan.FromSeconds(3));
            },
            Recovered,
            TimeSpan.FromMilliseconds(100));
        mesh.Tell(new GetVips("default"));

        // An attempt that waited past its 3 s may have left its late answer ahead of this one.
        var vips = ((VipTable)FishForMessage(m => m is VipTable)).Entries.ToDictionary(e => e.Key, e => e.Vip);
        Assert.Equal(alpha, vips["service:alpha"]);
        Assert.NotEqual(alpha, vips["service:beta"]);
    }

    [Fact]
    public async Task RecoveryFails_ReadsFailUntilTheJournalIsBack_ThenTheMeshIsRead()
    {
        var first = Mesh();
        first.Tell(new UpsertResource("default", Dataplane("a", "alpha")));
        ExpectMsg<ResourceStored>();
        Watch(first);
        first.Tell(PoisonPill.Instance);
        ExpectTerminated(first);

        await Journal.OnRecovery.Fail();
        var mesh = Mesh();
        mesh.Tell(new GetVips("default"));
        Assert.Contains("not been read", ExpectMsg<Failed>().Reason, StringComparison.Ordinal);

        await Journal.OnRecovery.Pass();
        await AwaitAssertAsync(
            () =>
            {
                mesh.Tell(new GetVips("default"));
                Assert.Equal("service:alpha", Assert.Single(ExpectMsg<VipTable>(TimeSpan.FromSeconds(3)).Entries).Key);
            },
            Recovered,
            TimeSpan.FromMilliseconds(100));
    }
}
