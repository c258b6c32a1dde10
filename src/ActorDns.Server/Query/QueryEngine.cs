using ActorDns.Protocol;

namespace ActorDns.Server.Query;

/// <summary>
/// The mesh step: validates a query and answers it from a <see cref="ZoneTable"/>, writing the reply into
/// the caller's buffer (SPEC §4.2, §4.4). Allocation-free; the buffer must hold 64 KiB.
/// </summary>
public static class QueryEngine
{
    /// <summary>Answers one query; over UDP the reply is truncated to the client's limit, over TCP never.</summary>
    public static QueryResult Answer(ZoneTable table, ReadOnlySpan<byte> query, Span<byte> response, bool overUdp)
    {
        var status = DnsQueryParser.Parse(query, out var q);
        switch (status)
        {
            case QueryParseStatus.Drop:
                return new QueryResult(QueryDisposition.Drop, DnsRcode.NoError, 0, q);
            case QueryParseStatus.NotImp:
                // RFC 8906 §3.1.4 / genreport opcodeflg: an unknown opcode gets NOTIMP with RD clear.
                return Reject(query, response, q, DnsRcode.NotImp, copyRd: false, overUdp);
            case QueryParseStatus.FormErr:
                return Reject(query, response, q, DnsRcode.FormErr, copyRd: true, overUdp);
            case QueryParseStatus.BadVers:
                return Reject(query, response, q, DnsRcode.BadVers, copyRd: true, overUdp);
        }

        // RFC 1035 §3.2.4: only IN; class ANY is answered as IN, as Knot and NSD do (conformance P-49, P-50).
        if (q.QClass is not (DnsClass.IN or DnsClass.ANY))
        {
            return Reject(query, response, q, DnsRcode.Refused, copyRd: true, overUdp);
        }

        var rejection = RejectionFor(q.QType);
        if (rejection != DnsRcode.NoError)
        {
            return Reject(query, response, q, rejection, copyRd: true, overUdp);
        }

        var qname = q.QName(query);
        if (table.TryFind(qname, out var entry))
        {
            return AnswerName(table, query, response, q, entry, overUdp);
        }

        var apexOffset = DnsName.FindSuffix(qname, table.Settings.Apex);
        if (apexOffset < 0)
        {
            // Not our domain: REFUSED, which the default pipeline hands to the upstreams.
            return Reply(query, response, q, DnsRcode.Refused, authoritative: false, default, overUdp);
        }

        var soaOwner = DnsQuery.QuestionOffset + apexOffset;
        if (apexOffset == 0 && q.QType is DnsRecordType.SOA or DnsRecordType.NS or DnsRecordType.ANY)
        {
            var record = q.QType == DnsRecordType.NS ? table.NsRecord : table.SoaRecord;
            return Reply(query, response, q, DnsRcode.NoError, authoritative: true, new Records(default, 0, soaOwner, record, inAnswer: true), overUdp);
        }

        // The apex exists (NODATA); below it an unknown name does not (NXDOMAIN, RFC 2308 §2.1).
        var rcode = apexOffset == 0 ? DnsRcode.NoError : DnsRcode.NXDomain;
        return Reply(query, response, q, rcode, authoritative: true, new Records(default, 0, soaOwner, table.SoaRecord, inAnswer: false), overUdp);
    }

    private static QueryResult AnswerName(ZoneTable table, ReadOnlySpan<byte> query, Span<byte> response, in DnsQuery q, ZoneEntry entry, bool overUdp)
    {
        if (entry.IsService)
        {
            return AnswerService(table, query, response, q, entry, overUdp);
        }

        var useA = q.QType == DnsRecordType.A
            // RFC 8482 §4.1: one RRset is a complete answer to ANY.
            || (q.QType == DnsRecordType.ANY && entry.ACount > 0);
        if (!useA && q.QType is not (DnsRecordType.AAAA or DnsRecordType.ANY))
        {
            // Other types on a mesh name go to the next step, as the Envoy DNS filter's NOTIMP did in Kuma.
            return Reply(query, response, q, DnsRcode.NotImp, authoritative: false, default, overUdp);
        }

        var answers = useA ? entry.ARecords : entry.AaaaRecords;
        var count = useA ? entry.ACount : entry.AaaaCount;
        if (count > 0)
        {
            return Reply(query, response, q, DnsRcode.NoError, authoritative: true, new Records(answers, count, -1, default, inAnswer: false), overUdp);
        }

        return NoData(table, query, response, q, overUdp);
    }

    /// <summary>
    /// A service name (SPEC §4.1): SRV (and ANY) get the SRV RR with the target's A and AAAA as additional records,
    /// A and AAAA get NODATA (the name exists, its target holds the addresses), other types go to the next step.
    /// </summary>
    private static QueryResult AnswerService(ZoneTable table, ReadOnlySpan<byte> query, Span<byte> response, in DnsQuery q, ZoneEntry entry, bool overUdp)
    {
        if (q.QType is DnsRecordType.SRV or DnsRecordType.ANY)
        {
            var records = new Records(entry.SrvRecord, 1, -1, default, inAnswer: false, entry.AddressRecords, entry.ACount + entry.AaaaCount);
            return Reply(query, response, q, DnsRcode.NoError, authoritative: true, records, overUdp);
        }

        return q.QType is DnsRecordType.A or DnsRecordType.AAAA
            ? NoData(table, query, response, q, overUdp)
            : Reply(query, response, q, DnsRcode.NotImp, authoritative: false, default, overUdp);
    }

    /// <summary>NODATA, never NXDOMAIN, for a name that exists (RFC 2308 §2.2, RFC 8020); the SOA when the name is in our domain.</summary>
    private static QueryResult NoData(ZoneTable table, ReadOnlySpan<byte> query, Span<byte> response, in DnsQuery q, bool overUdp)
    {
        var apexOffset = DnsName.FindSuffix(q.QName(query), table.Settings.Apex);
        var authority = apexOffset < 0
            ? default
            : new Records(default, 0, DnsQuery.QuestionOffset + apexOffset, table.SoaRecord, inAnswer: false);
        return Reply(query, response, q, DnsRcode.NoError, authoritative: true, authority, overUdp);
    }

    /// <summary>
    /// Replaces an answer with REFUSED because the forwarder has no room for it (conformance F-17): an error
    /// reply from the front end, never forwarded.
    /// </summary>
    public static QueryResult Refuse(ReadOnlySpan<byte> query, Span<byte> response, in QueryResult result, bool overUdp) =>
        Reject(query, response, result.Query, DnsRcode.Refused, copyRd: true, overUdp);

    /// <summary>QTYPEs the front end answers itself and never forwards (conformance P-44, P-45, P-47).</summary>
    private static DnsRcode RejectionFor(DnsRecordType type) => type switch
    {
        0 => DnsRcode.NotImp,
        DnsRecordType.AXFR or DnsRecordType.IXFR => DnsRcode.Refused,
        DnsRecordType.OPT or DnsRecordType.TSIG or DnsRecordType.TKEY or DnsRecordType.MAILA or DnsRecordType.MAILB => DnsRcode.FormErr,
        >= (DnsRecordType)128 and <= (DnsRecordType)248 => DnsRcode.FormErr,
        _ => DnsRcode.NoError,
    };

    private static QueryResult Reject(ReadOnlySpan<byte> query, Span<byte> response, in DnsQuery q, DnsRcode rcode, bool copyRd, bool overUdp)
    {
        var length = ReplyWriter.Write(query, response, q, rcode, flags: copyRd ? (ushort)(q.Header.Flags & DnsHeaderFlags.RD) : (ushort)0, default, overUdp);
        return new QueryResult(QueryDisposition.Rejected, rcode, length, q);
    }

    private static QueryResult Reply(ReadOnlySpan<byte> query, Span<byte> response, in DnsQuery q, DnsRcode rcode, bool authoritative, in Records records, bool overUdp)
    {
        var flags = (ushort)((q.Header.Flags & DnsHeaderFlags.RD) | (authoritative ? DnsHeaderFlags.AA : 0));
        var length = ReplyWriter.Write(query, response, q, rcode, flags, records, overUdp);
        return new QueryResult(QueryDisposition.Answered, rcode, length, q);
    }
}
