using Akka.Actor;
using Akka.Configuration;
using ActorDns.Host.ControlPlane;

namespace ActorDns.Host.Tests.Support;

/// <summary>
/// An in-process cluster member with ActorDns's downing configuration (<see cref="ControlPlaneHosting.Downing"/>) and
/// nothing else: for checking what the downing does about members whose fingerprint differs (C-23, decision 0044), in
/// process or against a real node.
/// </summary>
public static class DowningMember
{
    /// <summary>
    /// A member of <paramref name="system"/> on an ephemeral loopback port, with <paramref name="changed"/> settings over
    /// ActorDns's own, and their fingerprint as a role unless <paramref name="marked"/> is false (a release before the check).
    /// </summary>
    public static ActorSystem Start(string system, string role, string changed = "", bool marked = true)
    {
        var downing = ConfigurationFactory.ParseString(changed).WithFallback(ConfigurationFactory.ParseString(ControlPlaneHosting.Downing));
        var roles = marked ? $"{role}, {MajorityDowning.FingerprintRole(downing)}" : role;
        return ActorSystem.Create(system, ConfigurationFactory.ParseString($$"""
            akka.actor.provider = cluster
            akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
            akka.loglevel = WARNING
            akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
            akka.cluster.roles = [{{roles}}]
            """).WithFallback(downing));
    }
}
