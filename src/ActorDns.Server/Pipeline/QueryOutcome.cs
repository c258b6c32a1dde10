using ActorDns.Protocol;

namespace ActorDns.Server.Pipeline;

/// <summary>What a transport does with one request after <see cref="QueryProcessor.Process"/>.</summary>
public enum OutcomeKind : byte
{
    /// <summary>Send nothing (short datagram, QR=1, a step dropped it).</summary>
    Drop,

    /// <summary>Send the <see cref="QueryOutcome.Length"/> octets written to the reply buffer.</summary>
    Reply,

    /// <summary>Hand the request to <see cref="QueryOutcome.Route"/>, whose forwarder has already admitted it (<see cref="ForwardRoute.Admit"/>).</summary>
    Forward,
}

/// <summary>
/// The outcome of one request: what to do, the reply's rcode and length, whether the reply is an error reply
/// (rejected by the front end, or REFUSED/NOTIMP/FORMERR because no step answered — what the UDP error cap
/// limits), the parsed query and, to forward, the route.
/// </summary>
public readonly record struct QueryOutcome(OutcomeKind Kind, DnsRcode Rcode, int Length, bool IsError, DnsQuery Query, ForwardRoute? Route)
{
    public static QueryOutcome Dropped(in DnsQuery query) => new(OutcomeKind.Drop, DnsRcode.NoError, 0, false, query, null);
}
