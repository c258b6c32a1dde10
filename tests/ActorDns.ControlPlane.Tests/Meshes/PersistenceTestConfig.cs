using Akka.Configuration;

namespace ActorDns.ControlPlane.Tests.Meshes;

/// <summary>
/// HOCON for actor specs on Akka.Persistence.TestKit's journal and snapshot store, whose writes and
/// recoveries a test can make fail (the Xunit2 base class of that kit is not published for 1.5.73). A reply is waited
/// for up to 10 s instead of the kit's 3 s: the suite runs many actor systems at once on two cores, and a wait only
/// bounds how long a broken test takes to fail.
/// </summary>
public static class PersistenceTestConfig
{
    public static readonly Config Hocon = ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.test.single-expect-default = 10s
        akka.persistence.journal.plugin = "akka.persistence.journal.test"
        akka.persistence.journal.test {
          class = "Akka.Persistence.TestKit.TestJournal, Akka.Persistence.TestKit"
          plugin-dispatcher = "akka.actor.default-dispatcher"
        }
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.test"
        akka.persistence.snapshot-store.test {
          class = "Akka.Persistence.TestKit.TestSnapshotStore, Akka.Persistence.TestKit"
          plugin-dispatcher = "akka.actor.default-dispatcher"
        }
        """);
}
