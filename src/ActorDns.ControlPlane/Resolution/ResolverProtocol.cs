using Akka.Actor;
using ActorDns.ControlPlane.Meshes;
using ActorDns.Server.Query;

namespace ActorDns.ControlPlane.Resolution;

/// <summary>The resolver side: keeps each served mesh's <see cref="ZoneSlot"/> in step with the control plane.</summary>
public static class ResolverProtocol
{
    public static Props Props(IReadOnlyDictionary<string, ZoneSlot> meshes, ZoneSettings zone, IActorRef meshRegion, IActorRef mediator, ResolverSettings settings, ControlPlaneMetrics metrics) =>
        ResolverActor.Props(meshes, zone, meshRegion, mediator, settings, metrics);
}
