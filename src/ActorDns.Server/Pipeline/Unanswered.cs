using ActorDns.Protocol;

namespace ActorDns.Server.Pipeline;

/// <summary>Why a step passed a query on; when no later step answers, it decides the reply (<see cref="UnansweredExtensions.Rcode"/>).</summary>
public enum Unanswered : byte
{
    /// <summary>The name is outside every zone the steps serve: REFUSED, as an authoritative server answers (RFC 8906 §3.1.3.1).</summary>
    OutsideZone,

    /// <summary>The name exists but no step serves the type asked: NOTIMP, as Kuma's Envoy DNS filter answered.</summary>
    TypeNotServed,
}

public static class UnansweredExtensions
{
    /// <summary>The rcode of the reply when the chain ends without an answer; also what <c>alternate</c> tests.</summary>
    public static DnsRcode Rcode(this Unanswered reason) => reason == Unanswered.TypeNotServed ? DnsRcode.NotImp : DnsRcode.Refused;
}
