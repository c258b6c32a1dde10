using System.Buffers.Binary;

namespace ActorDns.Protocol;

/// <summary>
/// Validates an incoming query in place, without allocating, and classifies it (RFC 1035 §4.1, RFC 9619,
/// RFC 6891 §6.1, RFC 9267). A FORMERR verdict still fills in whatever parsed (header, question, EDNS) so
/// the error reply can echo it.
/// </summary>
public static class DnsQueryParser
{
    /// <summary>Smallest possible RR: root owner (1) + type, class, TTL, RDLENGTH (10).</summary>
    private const int MinimumRecordSize = 11;

    public static QueryParseStatus Parse(ReadOnlySpan<byte> message, out DnsQuery query)
    {
        query = default;
        if (!DnsHeader.TryRead(message, out var header) || header.IsResponse)
        {
            return QueryParseStatus.Drop;
        }

        query = new DnsQuery(header, 0, 0, 0, default);
        var qnameLength = 0;
        var questionOk = header.QdCount >= 1
            && DnsName.TryMeasureUncompressed(message, DnsQuery.QuestionOffset, out qnameLength)
            && DnsQuery.QuestionOffset + qnameLength + 4 <= message.Length;
        if (questionOk)
        {
            var qnameEnd = DnsQuery.QuestionOffset + qnameLength;
            query = query with
            {
                QNameLength = qnameLength,
                QType = (DnsRecordType)BinaryPrimitives.ReadUInt16BigEndian(message[qnameEnd..]),
                QClass = (DnsClass)BinaryPrimitives.ReadUInt16BigEndian(message[(qnameEnd + 2)..]),
            };
        }

        // RFC 1035 §4.1.1: an unknown opcode is NOTIMP whatever the rest holds (RFC 8906 §3.1.4).
        if (header.Opcode != DnsOpcode.Query)
        {
            return QueryParseStatus.NotImp;
        }

        // RFC 9619 §4: exactly one question; RFC 1035 §4.1.1 + NSD/Unbound: no answer/authority in a query.
        if (header.QdCount != 1 || !questionOk || header.AnCount != 0 || header.NsCount != 0)
        {
            return QueryParseStatus.FormErr;
        }

        var position = DnsQuery.QuestionOffset + query.QuestionLength;
        var status = ParseAdditional(message, ref position, header.ArCount, out var edns);
        query = query with { Edns = edns };
        if (status != QueryParseStatus.Ok)
        {
            return status;
        }

        // Trailing octets after the last counted record: FORMERR, as Knot does (conformance P-12).
        if (position != message.Length)
        {
            return QueryParseStatus.FormErr;
        }

        return edns.Present && edns.Version > 0 ? QueryParseStatus.BadVers : QueryParseStatus.Ok;
    }

    /// <summary>Walks the additional section; at most one OPT, owned by the root (RFC 6891 §6.1.1–§6.1.2).</summary>
    private static QueryParseStatus ParseAdditional(ReadOnlySpan<byte> message, ref int position, int count, out EdnsInfo edns)
    {
        edns = default;

        // RFC 9267: reject impossible counts in O(1) before walking.
        if ((long)count * MinimumRecordSize > message.Length - position)
        {
            return QueryParseStatus.FormErr;
        }

        var optSeen = false;
        for (var i = 0; i < count; i++)
        {
            var ownerStart = position;
            if (!DnsName.TrySkip(message, position, out var afterName) || afterName + 10 > message.Length)
            {
                return QueryParseStatus.FormErr;
            }

            var type = (DnsRecordType)BinaryPrimitives.ReadUInt16BigEndian(message[afterName..]);
            var rdLength = BinaryPrimitives.ReadUInt16BigEndian(message[(afterName + 8)..]);
            var rdataStart = afterName + 10;
            if (rdataStart + rdLength > message.Length)
            {
                return QueryParseStatus.FormErr;
            }

            position = rdataStart + rdLength;
            if (type != DnsRecordType.OPT)
            {
                continue;
            }

            var ownerIsRoot = afterName == ownerStart + 1 && message[ownerStart] == 0;
            if (optSeen || !ownerIsRoot || !OptionsAreWellFormed(message.Slice(rdataStart, rdLength)))
            {
                edns = default;
                return QueryParseStatus.FormErr;
            }

            optSeen = true;
            var ttl = BinaryPrimitives.ReadUInt32BigEndian(message[(afterName + 4)..]);
            edns = new EdnsInfo(
                Present: true,
                UdpPayloadSize: BinaryPrimitives.ReadUInt16BigEndian(message[(afterName + 2)..]),
                Version: (byte)(ttl >> 16),
                ExtendedRcode: (byte)(ttl >> 24),
                Flags: (ushort)ttl);
        }

        return QueryParseStatus.Ok;
    }

    /// <summary>Each option is CODE(2) LENGTH(2) DATA(LENGTH), exactly filling RDATA (RFC 6891 §6.1.2).</summary>
    private static bool OptionsAreWellFormed(ReadOnlySpan<byte> rdata)
    {
        var position = 0;
        while (position < rdata.Length)
        {
            if (position + 4 > rdata.Length)
            {
                return false;
            }

            position += 4 + BinaryPrimitives.ReadUInt16BigEndian(rdata[(position + 2)..]);
        }

        return position == rdata.Length;
    }
}
