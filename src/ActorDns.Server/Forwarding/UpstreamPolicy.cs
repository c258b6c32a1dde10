namespace ActorDns.Server.Forwarding;

/// <summary>The order in which upstreams are tried (CoreDNS <c>forward</c> <c>policy</c>).</summary>
public enum UpstreamPolicy
{
    Random,
    RoundRobin,
    Sequential,
}
