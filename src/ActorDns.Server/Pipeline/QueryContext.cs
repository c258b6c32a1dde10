using ActorDns.Protocol;
using ActorDns.Server.Query;

namespace ActorDns.Server.Pipeline;

/// <summary>
/// One query on its way through the steps: the request and its parse, the caller's 64 KiB reply buffer, and what
/// the last step left — the reply it wrote, why it passed the query on, or where to forward it. Lives on the stack.
/// </summary>
public ref struct QueryContext(ReadOnlySpan<byte> request, in DnsQuery query, Span<byte> response, bool overUdp, ReadOnlySpan<byte> client)
{
    public readonly ReadOnlySpan<byte> Request = request;

    public readonly DnsQuery Query = query;

    public readonly Span<byte> Response = response;

    /// <summary>Over UDP a reply is truncated to the client's limit, over TCP never.</summary>
    public readonly bool OverUdp = overUdp;

    /// <summary>The client's socket address as the kernel gave it (<c>sockaddr_in</c> or <c>sockaddr_in6</c>); empty when unknown.</summary>
    public readonly ReadOnlySpan<byte> Client = client;

    /// <summary>After <see cref="StepResult.Answered"/>: octets written to <see cref="Response"/>.</summary>
    public int Length;

    /// <summary>After <see cref="StepResult.Answered"/>: the reply's rcode.</summary>
    public DnsRcode Rcode;

    /// <summary>After <see cref="StepResult.Next"/>: why the step did not answer.</summary>
    public Unanswered Unanswered;

    /// <summary>After <see cref="StepResult.Forward"/>: where the query goes upstream.</summary>
    public ForwardRoute? Route;

    /// <summary>Records a written reply.</summary>
    public StepResult Answer(int length, DnsRcode rcode)
    {
        Length = length;
        Rcode = rcode;
        return StepResult.Answered;
    }

    /// <summary>Writes and records a reply with <paramref name="records"/>; RD is copied from the query.</summary>
    internal StepResult Reply(DnsRcode rcode, bool authoritative, in Records records)
    {
        var flags = (ushort)((Query.Header.Flags & DnsHeaderFlags.RD) | (authoritative ? DnsHeaderFlags.AA : 0));
        return Answer(ReplyWriter.Write(Request, Response, Query, rcode, flags, records, OverUdp), rcode);
    }

    /// <summary>Records why the query goes on to the next step.</summary>
    public StepResult Pass(Unanswered reason)
    {
        Unanswered = reason;
        return StepResult.Next;
    }

    /// <summary>Hands the query to <paramref name="route"/>.</summary>
    public StepResult ForwardTo(ForwardRoute route)
    {
        Route = route;
        return StepResult.Forward;
    }
}
