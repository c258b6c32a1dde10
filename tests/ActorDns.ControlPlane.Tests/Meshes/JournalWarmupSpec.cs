using Akka.Actor;
using Akka.Persistence;
using Akka.Persistence.TestKit;
using ActorDns.ControlPlane.Meshes;
using Xunit;

namespace ActorDns.ControlPlane.Tests.Meshes;

/// <summary>The warm-up at a control-plane node's start: it reads the journal once and goes away, also when that read fails.</summary>
public sealed class JournalWarmupSpec : Akka.TestKit.Xunit2.TestKit
{
    public JournalWarmupSpec()
        : base(PersistenceTestConfig.Hocon)
    {
    }

    private ITestJournal Journal => TestJournal.FromRef(Persistence.Instance.Apply(Sys).JournalFor(null));

    [Fact]
    public void Start_RecoversItsEmptyId_AndStops()
    {
        var warmup = Watch(Sys.ActorOf(MeshDirectoryProtocol.JournalWarmup()));

        ExpectTerminated(warmup);
    }

    [Fact]
    public async Task Start_JournalFailing_StopsAllTheSame()
    {
        await Journal.OnRecovery.Fail();
        var warmup = Watch(Sys.ActorOf(MeshDirectoryProtocol.JournalWarmup()));

        ExpectTerminated(warmup);
    }
}
