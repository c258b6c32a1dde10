using ActorDns.Protocol;
using ActorDns.Server.Pipeline;

namespace ActorDns.Server.Query;

/// <summary>
/// What the mesh table answers (SPEC §4.2): a query the front end accepted, answered from a <see cref="ZoneTable"/>
/// into the context's buffer, or passed on. Allocation-free; the buffer must hold 64 KiB.
/// </summary>
public static class QueryEngine
{
    /// <summary>
    /// Answers a query the front end accepted from <paramref name="table"/>, or passes it on: a name outside the
    /// domain, or a type the table does not serve on a name it has (SPEC §4.2).
    /// </summary>
    public static StepResult Answer(ZoneTable table, ref QueryContext context)
    {
        ref readonly var q = ref context.Query;
        var qname = q.QName(context.Request);
        if (table.TryFind(qname, out var entry))
        {
            return AnswerName(table, ref context, entry);
        }

        var apexOffset = DnsName.FindSuffix(qname, table.Settings.Apex);
        if (apexOffset < 0)
        {
            return context.Pass(Unanswered.OutsideZone);
        }

        var soaOwner = DnsQuery.QuestionOffset + apexOffset;
        if (apexOffset == 0 && q.QType is DnsRecordType.SOA or DnsRecordType.NS or DnsRecordType.ANY)
        {
            var record = q.QType == DnsRecordType.NS ? table.NsRecord : table.SoaRecord;
            return Reply(ref context, DnsRcode.NoError, new Records(default, 0, soaOwner, record, inAnswer: true));
        }

        // The apex exists (NODATA); below it an unknown name does not (NXDOMAIN, RFC 2308 §2.1).
        var rcode = apexOffset == 0 ? DnsRcode.NoError : DnsRcode.NXDomain;
        return Reply(ref context, rcode, new Records(default, 0, soaOwner, table.SoaRecord, inAnswer: false));
    }

    private static StepResult AnswerName(ZoneTable table, ref QueryContext context, ZoneEntry entry)
    {
        if (entry.IsService)
        {
            return AnswerService(table, ref context, entry);
        }

        var type = context.Query.QType;
        var useA = type == DnsRecordType.A
            // RFC 8482 §4.1: one RRset is a complete answer to ANY.
            || (type == DnsRecordType.ANY && entry.ACount > 0);
        if (!useA && type is not (DnsRecordType.AAAA or DnsRecordType.ANY))
        {
            // Other types on a mesh name go to the next step (Kuma's Envoy DNS filter answered them NOTIMP).
            return context.Pass(Unanswered.TypeNotServed);
        }

        var answers = useA ? entry.ARecords : entry.AaaaRecords;
        var count = useA ? entry.ACount : entry.AaaaCount;
        if (count > 0)
        {
            return Reply(ref context, DnsRcode.NoError, new Records(answers, count, -1, default, inAnswer: false));
        }

        return NoData(table, ref context);
    }

    /// <summary>
    /// A service name (SPEC §4.1): SRV (and ANY) get the SRV RR with the target's A and AAAA as additional records,
    /// A and AAAA get NODATA (the name exists, its target holds the addresses), other types go to the next step.
    /// </summary>
    private static StepResult AnswerService(ZoneTable table, ref QueryContext context, ZoneEntry entry)
    {
        var type = context.Query.QType;
        if (type is DnsRecordType.SRV or DnsRecordType.ANY)
        {
            var records = new Records(entry.SrvRecord, 1, -1, default, inAnswer: false, entry.AddressRecords, entry.ACount + entry.AaaaCount);
            return Reply(ref context, DnsRcode.NoError, records);
        }

        return type is DnsRecordType.A or DnsRecordType.AAAA
            ? NoData(table, ref context)
            : context.Pass(Unanswered.TypeNotServed);
    }

    /// <summary>NODATA, never NXDOMAIN, for a name that exists (RFC 2308 §2.2, RFC 8020); the SOA when the name is in our domain.</summary>
    private static StepResult NoData(ZoneTable table, ref QueryContext context)
    {
        var apexOffset = DnsName.FindSuffix(context.Query.QName(context.Request), table.Settings.Apex);
        var authority = apexOffset < 0
            ? default
            : new Records(default, 0, DnsQuery.QuestionOffset + apexOffset, table.SoaRecord, inAnswer: false);
        return Reply(ref context, DnsRcode.NoError, authority);
    }

    /// <summary>An authoritative answer from the table (AA set, RD copied).</summary>
    private static StepResult Reply(ref QueryContext context, DnsRcode rcode, in Records records) => context.Reply(rcode, authoritative: true, records);
}
