using System.Collections.Frozen;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using static ActorDns.ControlPlane.Meshes.MeshDirectoryProtocol;

namespace ActorDns.ControlPlane.Meshes;

/// <summary>
/// This node's copy of the mesh directory's list, so the API can check that a mesh exists without asking the
/// directory singleton (often on another node) on every request. It only ever moves to a newer version of
/// the list, whichever way a list arrives (the directory's announcements, or an answer the API asked for).
/// A mesh it does not know may have just been created: callers ask the directory then. A deleted mesh is
/// forgotten when the directory's announcement arrives, milliseconds later.
/// </summary>
public sealed class KnownMeshes
{
    private readonly Lock _lock = new();
    private volatile Known _latest = new(-1, FrozenSet<string>.Empty);

    public bool Contains(string mesh) => _latest.Names.Contains(mesh);

    public void Update(MeshList list)
    {
        lock (_lock)
        {
            if (list.Version > _latest.Version)
            {
                _latest = new Known(list.Version, list.Names.ToFrozenSet(StringComparer.Ordinal));
            }
        }
    }

    /// <summary>Keeps <paramref name="known"/> up to date from the directory's announcements.</summary>
    public static Props SubscriberProps(KnownMeshes known, IActorRef mediator) =>
        Akka.Actor.Props.Create(() => new Subscriber(known, mediator));

    private sealed record Known(long Version, FrozenSet<string> Names);

    private sealed class Subscriber : ReceiveActor
    {
        public Subscriber(KnownMeshes known, IActorRef mediator)
        {
            mediator.Tell(new Subscribe(ListTopic, Self));
            Receive<SubscribeAck>(_ => { });
            Receive<MeshList>(known.Update);
        }
    }
}
