using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;

namespace ActorDns.ControlPlane.Meshes;

/// <summary>
/// Keeps a node's copy of something the mesh directory announces on a topic — the mesh list (<see cref="KnownMeshes"/>),
/// the revoked tokens (<see cref="Tokens.RevokedTokens"/>): it subscribes once and hands every announcement to the copy, whether it came by the topic or was told directly.
/// </summary>
internal sealed class DirectoryTopicSubscriber<TAnnouncement> : ReceiveActor
{
    public DirectoryTopicSubscriber(string topic, Action<TAnnouncement> update, IActorRef mediator)
    {
        mediator.Tell(new Subscribe(topic, Self));
        Receive<SubscribeAck>(_ => { });
        Receive(update);
    }

    public static Props Props(string topic, Action<TAnnouncement> update, IActorRef mediator) =>
        Akka.Actor.Props.Create(() => new DirectoryTopicSubscriber<TAnnouncement>(topic, update, mediator));
}
