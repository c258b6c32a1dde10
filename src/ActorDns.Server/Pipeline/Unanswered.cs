using ActorDns.Protocol;

namespace ActorDns.Server.Pipeline;

/// <summary>Why a step passed a query on; when no later step answers, it decides the reply (<see cref="UnansweredExtensions.Rcode"/>).</summary>
public enum Unanswered : byte
{
    /// <summary>The name is outside every zone the steps serve: REFUSED, as an authoritative server answers (RFC 8906 §3.1.3.1).</summary>
    OutsideZone,

    /// <summary>The name exists but no step serves the type asked: NOTIMP, as Kuma's Envoy DNS filter answered.</summary>
    TypeNotServed,

    /// <summary>A plugin that is not for this query (another zone, class or type): SERVFAIL, CoreDNS's "no next plugin".</summary>
    NotForThisStep,
}

public static class UnansweredExtensions
{
    /// <summary>The rcode of the reply when the chain ends without an answer; also what <c>alternate</c> tests.</summary>
    public static DnsRcode Rcode(this Unanswered reason) => reason switch
    {
        Unanswered.TypeNotServed => DnsRcode.NotImp,
        Unanswered.NotForThisStep => DnsRcode.ServFail,
        _ => DnsRcode.Refused,
    };
}
