using Akka.Actor;
using Akka.Configuration;
using ActorDns.ControlPlane.Meshes;
using Xunit;

namespace ActorDns.ControlPlane.Tests.Meshes;

/// <summary>The warm-up at a control-plane node's start: it reads the journal once, says how long that took, and goes away.</summary>
public sealed class JournalWarmupSpec : Akka.TestKit.Xunit2.TestKit
{
    public JournalWarmupSpec()
        : base(ConfigurationFactory.ParseString("akka.loglevel = INFO").WithFallback(PersistenceTestConfig.Hocon))
    {
    }

    [Fact]
    public void Start_RecoversItsEmptyId_AndStops()
    {
        IActorRef warmup = null!;
        EventFilter.Info(start: "Journal warmed up in").ExpectOne(() => warmup = Watch(Sys.ActorOf(MeshDirectoryProtocol.JournalWarmup())));

        ExpectTerminated(warmup);
    }
}
