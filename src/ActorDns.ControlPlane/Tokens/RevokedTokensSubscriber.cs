using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using static ActorDns.ControlPlane.Meshes.MeshDirectoryProtocol;

namespace ActorDns.ControlPlane.Tokens;

/// <summary>Keeps a node's <see cref="RevokedTokens"/> up to date from the mesh directory's announcements.</summary>
public sealed class RevokedTokensSubscriber : ReceiveActor
{
    public RevokedTokensSubscriber(RevokedTokens revoked, IActorRef mediator)
    {
        mediator.Tell(new Subscribe(RevocationsTopic, Self));
        Receive<SubscribeAck>(_ => { });
        Receive<RevocationList>(revoked.Update);
    }

    public static Props Props(RevokedTokens revoked, IActorRef mediator) =>
        Akka.Actor.Props.Create(() => new RevokedTokensSubscriber(revoked, mediator));
}
