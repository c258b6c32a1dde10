using Akka.Actor;
using ActorDns.ControlPlane.Catalog;
using ActorDns.ControlPlane.Events;

namespace ActorDns.ControlPlane.Meshes;

/// <summary>
/// The bookkeeping of a mesh entity's group commit. A change is decided at once on the projected state and its write
/// queues up in the journal behind the others; as the journal confirms each event, in order, the state computed for
/// it when it was decided becomes the stored state. A written change's answer waits for the next flush, which
/// publishes one delta for every change stored since the last and then sends their answers, in order.
/// </summary>
internal sealed class GroupCommit
{
    private readonly Queue<IActorRef?> _writing = new();
    private readonly Queue<(List<EntryKey> Touched, MeshState State)> _unconfirmed = new();
    private readonly List<(IActorRef? Client, object Reply, long Started)> _answers = [];
    private readonly HashSet<EntryKey> _touched = [];

    /// <summary>A change decided on <paramref name="projected"/> goes to the journal; returns the projected state after it.</summary>
    public MeshState Write(IReadOnlyList<IMeshEvent> events, MeshState projected, IActorRef? client)
    {
        foreach (var e in events)
        {
            // Stored events are confirmed in this order, so each one's state is computed once, here. An entry an event
            // makes (a hostname a VirtualOutbound renders for a new Dataplane) shows only in the state after it.
            var touched = projected.KeysTouchedBy(e).ToList();
            projected = projected.Apply(e);
            touched.AddRange(projected.KeysTouchedBy(e));
            _unconfirmed.Enqueue((touched, projected));
        }

        _writing.Enqueue(client);
        return projected;
    }

    /// <summary>The journal stored the next event: the state that includes it.</summary>
    public MeshState Confirm()
    {
        var (touched, state) = _unconfirmed.Dequeue();
        _touched.UnionWith(touched);
        return state;
    }

    /// <summary>The oldest change being written is stored (writes complete in order).</summary>
    public void Written() => _writing.Dequeue();

    /// <summary>Queues an answer for the next flush; true when it is the first since the last one (a flush must be scheduled).</summary>
    public bool Answer(IActorRef? client, object reply, long started)
    {
        _answers.Add((client, reply, started));
        return _answers.Count == 1;
    }

    /// <summary>The entries the stored events touched and the answers queued since the last flush; both start again empty.</summary>
    public (List<EntryKey> Touched, List<(IActorRef? Client, object Reply, long Started)> Answers) Flush()
    {
        var flushed = (_touched.ToList(), _answers.ToList());
        _touched.Clear();
        _answers.Clear();
        return flushed;
    }

    /// <summary>The clients of every change still being written, which will not be: the journal failed.</summary>
    public List<IActorRef?> Abandon()
    {
        var clients = _writing.ToList();
        _writing.Clear();
        return clients;
    }
}
