using Akka.Actor;
using ActorDns.ControlPlane.Catalog;
using ActorDns.ControlPlane.Events;

namespace ActorDns.ControlPlane.Meshes;

/// <summary>
/// The bookkeeping of a mesh entity's group commit. A change is decided at once on the projected state and its write
/// queues up in the journal behind the others; the journal confirms its events one message each, in order, and when
/// the last of a change is confirmed, the state computed for it when it was decided becomes the stored state. A
/// flush can fall between two events of one change (the journal sends their confirmations while the entity runs), so
/// the stored state and the entries to look at again advance a whole change at a time: a flush never sees a new
/// Dataplane without the VIP decided with it. A written change's answer waits for the next flush, which publishes one
/// delta for every change stored since the last and then sends their answers, in order.
/// </summary>
internal sealed class GroupCommit
{
    private readonly Queue<IActorRef?> _writing = new();
    private readonly Queue<(List<EntryKey> Touched, MeshState State, bool Last)> _unconfirmed = new();
    private readonly HashSet<EntryKey> _confirming = [];
    private readonly List<(IActorRef? Client, object Reply, long Started)> _answers = [];
    private readonly HashSet<EntryKey> _touched = [];

    /// <summary>A change decided on <paramref name="projected"/> goes to the journal; returns the projected state after it.</summary>
    public MeshState Write(IReadOnlyList<IMeshEvent> events, MeshState projected, IActorRef? client)
    {
        for (var i = 0; i < events.Count; i++)
        {
            // Stored events are confirmed in this order, so each one's state is computed once, here. An entry an event
            // makes (a hostname a VirtualOutbound renders for a new Dataplane) shows only in the state after it.
            var touched = projected.KeysTouchedBy(events[i]).ToList();
            projected = projected.Apply(events[i]);
            touched.AddRange(projected.KeysTouchedBy(events[i]));
            _unconfirmed.Enqueue((touched, projected, i == events.Count - 1));
        }

        _writing.Enqueue(client);
        return projected;
    }

    /// <summary>
    /// The journal stored the next event: the state that includes its whole change when it was the change's last
    /// event (its entries are then looked at in the next flush), otherwise null.
    /// </summary>
    public MeshState? Confirm()
    {
        var (touched, state, last) = _unconfirmed.Dequeue();
        _confirming.UnionWith(touched);
        if (!last)
        {
            return null;
        }

        _touched.UnionWith(_confirming);
        _confirming.Clear();
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
