using Akka.Actor;
using Akka.Configuration;
using ActorDns.Host.ControlPlane;

namespace ActorDns.Host.Tests.Support;

/// <summary>
/// An in-process cluster member with ActorDns's downing provider (decision 0033) and nothing else: for checking what the
/// downing does about members whose fingerprint differs (C-23, decision 0044), in process or against a real node.
/// </summary>
public static class DowningMember
{
    /// <summary>The downing settings, apart from the provider.</summary>
    public const string Settings = "actordns.downing { role = control-plane, probe-interval = 500ms, unreachable-after = 3s, stable-after = 1.5s }";

    /// <summary>A member of <paramref name="system"/> on an ephemeral loopback port, with <paramref name="fingerprint"/> as a role if any.</summary>
    public static ActorSystem Start(string system, string role, string? fingerprint) => ActorSystem.Create(system, ConfigurationFactory.ParseString($$"""
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
        akka.loglevel = WARNING
        akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
        akka.cluster.downing-provider-class = "{{typeof(MajorityDowning).FullName}}, {{typeof(MajorityDowning).Assembly.GetName().Name}}"
        akka.cluster.roles = [{{role}}{{(fingerprint is null ? "" : $", {fingerprint}")}}]
        {{Settings}}
        """));
}
