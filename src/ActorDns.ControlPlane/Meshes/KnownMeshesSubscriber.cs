using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using static ActorDns.ControlPlane.Meshes.MeshDirectoryProtocol;

namespace ActorDns.ControlPlane.Meshes;

/// <summary>Keeps a node's <see cref="KnownMeshes"/> up to date from the directory's announcements.</summary>
public sealed class KnownMeshesSubscriber : ReceiveActor
{
    public KnownMeshesSubscriber(KnownMeshes known, IActorRef mediator)
    {
        mediator.Tell(new Subscribe(ListTopic, Self));
        Receive<SubscribeAck>(_ => { });
        Receive<MeshList>(known.Update);
    }

    public static Props Props(KnownMeshes known, IActorRef mediator) =>
        Akka.Actor.Props.Create(() => new KnownMeshesSubscriber(known, mediator));
}
