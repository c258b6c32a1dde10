using ActorDns.Protocol;

namespace ActorDns.Server.Query;

/// <summary>Writes a reply: header, the query's own question bytes (letter case kept), records, OPT, truncation.</summary>
internal static class ReplyWriter
{
    public static int Write(ReadOnlySpan<byte> query, Span<byte> response, in DnsQuery q, DnsRcode rcode, ushort flags, in Records records, bool overUdp)
    {
        // Echo the question only when there was exactly one and it parsed (conformance P-19).
        var question = q.HasQuestion && q.Header.QdCount == 1 ? q.Question(query) : default;
        var hasOpt = q.Edns.Present;
        var answerCount = records.AnswerCount + (records.HasApexRecord && records.ApexInAnswer ? 1 : 0);
        var authorityCount = records.AuthorityCount + (records.HasApexRecord && !records.ApexInAnswer ? 1 : 0);
        var writer = new DnsWriter(response);
        writer.WriteHeader(new DnsHeader(
            q.Header.Id,
            DnsHeader.MakeFlags(true, q.Header.Opcode, (DnsRcode)((int)rcode & 0xF), flags),
            (ushort)(question.IsEmpty ? 0 : 1),
            (ushort)answerCount,
            (ushort)authorityCount,
            (ushort)(records.AdditionalCount + (hasOpt ? 1 : 0))));
        writer.WriteBytes(question);
        writer.WriteBytes(records.Answers);
        if (records.HasApexRecord)
        {
            writer.WritePointer(records.ApexOwner);
            writer.WriteBytes(records.ApexRecord);
        }

        writer.WriteBytes(records.Authority);
        writer.WriteBytes(records.Additional);

        if (hasOpt)
        {
            writer.WriteOpt(EdnsInfo.ServerPayloadSize, rcode, q.Edns.DnssecOkBit);
        }

        if (overUdp && writer.Position > q.Edns.ClientUdpLimit)
        {
            // RFC 2181 §9: additional records that do not fit are left out without TC; only a cut answer sets it.
            return records.AdditionalCount > 0
                ? Write(query, response, q, rcode, flags, new Records(
                    records.Answers, records.AnswerCount, records.ApexOwner, records.ApexRecord, records.ApexInAnswer, authority: records.Authority, authorityCount: records.AuthorityCount), overUdp)
                : Truncate(response, question.Length, hasOpt, q.Edns.DnssecOkBit, rcode);
        }

        return writer.Position;
    }

    /// <summary>
    /// Cuts a reply that does not fit the client's UDP limit down to header, question and OPT, with TC set
    /// (RFC 1035 §4.2.1, RFC 2181 §9). The reply already in <paramref name="response"/> is rewritten in place.
    /// </summary>
    public static int Truncate(Span<byte> response, int questionLength, bool withOpt, bool dnssecOk, DnsRcode rcode)
    {
        DnsHeader.TryRead(response, out var header);
        var writer = new DnsWriter(response);
        writer.WriteHeader(header with
        {
            Flags = (ushort)(header.Flags | DnsHeaderFlags.TC),
            AnCount = 0,
            NsCount = 0,
            ArCount = (ushort)(withOpt ? 1 : 0),
        });
        writer.Position += questionLength;
        if (withOpt)
        {
            writer.WriteOpt(EdnsInfo.ServerPayloadSize, rcode, dnssecOk);
        }

        return writer.Position;
    }
}
