using ActorDns.Protocol;
using ActorDns.Server.Query;

namespace ActorDns.Server.Pipeline;

/// <summary>
/// Turns one request into one outcome, for UDP and TCP alike (the transports only move bytes): the front end
/// validates the query (SPEC §4.4) and answers what it rejects itself — never forwarded (conformance F-12) — then
/// the pipeline of the server block for the name runs. Allocation-free; the reply buffer must hold 64 KiB.
/// </summary>
public sealed class QueryProcessor(ServerSet servers)
{
    private volatile ServerSet _servers = servers;

    /// <summary>The server blocks the next query runs; replaced whole by <see cref="Swap"/>.</summary>
    public ServerSet Servers => _servers;

    /// <summary>Replaces the compiled pipelines (a changed template); a query already running finishes with the old ones.</summary>
    public void Swap(ServerSet servers) => _servers = servers;

    /// <summary>
    /// Processes one request from <paramref name="client"/> (its socket address as the kernel gave it, for
    /// <c>log</c>), received at <paramref name="started"/> (a <see cref="System.Diagnostics.Stopwatch"/> timestamp).
    /// </summary>
    public QueryOutcome Process(ReadOnlySpan<byte> request, Span<byte> response, bool overUdp, ReadOnlySpan<byte> client, long started)
    {
        var status = DnsQueryParser.Parse(request, out var q);
        switch (status)
        {
            case QueryParseStatus.Drop:
                return QueryOutcome.Dropped(q);
            case QueryParseStatus.NotImp:
                // RFC 8906 §3.1.4 / genreport opcodeflg: an unknown opcode gets NOTIMP with RD clear.
                return Reject(request, response, q, DnsRcode.NotImp, copyRd: false, overUdp);
            case QueryParseStatus.FormErr:
                return Reject(request, response, q, DnsRcode.FormErr, copyRd: true, overUdp);
            case QueryParseStatus.BadVers:
                return Reject(request, response, q, DnsRcode.BadVers, copyRd: true, overUdp);
        }

        // RFC 1035 §3.2.4: only IN; class ANY is answered as IN, as Knot and NSD do (conformance P-49, P-50).
        if (q.QClass is not (DnsClass.IN or DnsClass.ANY))
        {
            return Reject(request, response, q, DnsRcode.Refused, copyRd: true, overUdp);
        }

        var rejection = RejectionFor(q.QType);
        if (rejection != DnsRcode.NoError)
        {
            return Reject(request, response, q, rejection, copyRd: true, overUdp);
        }

        if (Servers.Select(q.QName(request)) is not { } pipeline)
        {
            // No server block for the name (CoreDNS: REFUSED).
            return Reject(request, response, q, DnsRcode.Refused, copyRd: true, overUdp);
        }

        var context = new QueryContext(request, q, response, overUdp, client);
        var outcome = PipelineStep.RunChain(pipeline.Steps, ref context) switch
        {
            StepResult.Answered => new QueryOutcome(OutcomeKind.Reply, context.Rcode, context.Length, IsErrorRcode(context.Rcode), q, null),
            StepResult.Forward when context.Route!.Admit() is { } admitted => new QueryOutcome(OutcomeKind.Forward, DnsRcode.NoError, 0, false, q, admitted),
            // Too many outstanding upstream queries (conformance F-17, L-06): REFUSED at once, and sent whatever the cap
            // on error replies: it answers a well-formed query, no larger than it, and the client should move on at once.
            StepResult.Forward => Reject(request, response, q, DnsRcode.Refused, copyRd: true, overUdp) with { IsError = false },
            StepResult.Drop => QueryOutcome.Dropped(q),
            // No step answered: the reply says why the last one passed it on.
            _ => Reject(request, response, q, context.Unanswered.Rcode(), copyRd: true, overUdp),
        };
        if (outcome.Kind == OutcomeKind.Reply)
        {
            pipeline.Log?.Record(client, request, q, !overUdp, response[..outcome.Length], started);
        }

        return outcome;
    }

    /// <summary>An error answer the cap on error replies applies to; NXDOMAIN is an answer.</summary>
    private static bool IsErrorRcode(DnsRcode rcode) => rcode is DnsRcode.FormErr or DnsRcode.NotImp or DnsRcode.Refused;

    /// <summary>QTYPEs the front end answers itself and never forwards (conformance P-44, P-45, P-47).</summary>
    private static DnsRcode RejectionFor(DnsRecordType type) => type switch
    {
        0 => DnsRcode.NotImp,
        DnsRecordType.AXFR or DnsRecordType.IXFR => DnsRcode.Refused,
        DnsRecordType.OPT or DnsRecordType.TSIG or DnsRecordType.TKEY or DnsRecordType.MAILA or DnsRecordType.MAILB => DnsRcode.FormErr,
        >= (DnsRecordType)128 and <= (DnsRecordType)248 => DnsRcode.FormErr,
        _ => DnsRcode.NoError,
    };

    private static QueryOutcome Reject(ReadOnlySpan<byte> request, Span<byte> response, in DnsQuery q, DnsRcode rcode, bool copyRd, bool overUdp)
    {
        var flags = copyRd ? (ushort)(q.Header.Flags & DnsHeaderFlags.RD) : (ushort)0;
        var length = ReplyWriter.Write(request, response, q, rcode, flags, default, overUdp);
        return new QueryOutcome(OutcomeKind.Reply, rcode, length, IsError: true, q, null);
    }
}
