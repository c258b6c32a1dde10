using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;

namespace ActorDns.ControlPlane.Meshes;

/// <summary>
/// Recovers a persistence id that is never written, once, when a control-plane node starts, and stops. The first
/// recovery on a node pays for opening the journal and snapshot store (the connection pool, the SQL queries compiled,
/// their code jitted): 1.6–2.9 s measured on this 2-core machine. Paid at start, it is not paid by the first mesh
/// this node takes over from a dead one, in the middle of a failover (issue 15).
/// </summary>
internal sealed class JournalWarmup : ReceivePersistentActor
{
    private readonly long _startedAt = Stopwatch.GetTimestamp();

    public JournalWarmup()
    {
        Recover<RecoveryCompleted>(_ =>
        {
            Context.GetLogger().Info("Journal warmed up in {0:F0} ms", Stopwatch.GetElapsedTime(_startedAt).TotalMilliseconds);
            Context.Stop(Self);
        });
    }

    public override string PersistenceId => PersistenceIds.JournalWarmup;

    public static Props Props() => Akka.Actor.Props.Create(() => new JournalWarmup());

    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        // A database that is down at start is the writers' concern (they fail and retry); the warm-up only says so.
        Context.GetLogger().Warning("Journal warm-up failed: {0}", reason.Message);
    }
}
